/**
 * Chapter 1's exercises, in the order the chapter teaches them: the title of each, its points,
 * the section of the chapter text that teaches it (packages/rnn/README.md), its week in the
 * syllabus and its hints, by key, from a nudge to nearly the answer. Equation numbers are the
 * chapter's. Each id names the function, the file and the grading suite (see the grader's
 * README, "Adding an exercise").
 */
import { defineChapter } from '@rnn-course/grader';

export default defineChapter({
  chapter: 'rnn',
  title: 'Vanilla RNNs and backpropagation through time',
  package: 'packages/rnn',
  exercises: [
    {
      id: 'rnn/rnn-step-forward',
      formerly: ['rnn/step-forward'],
      title: 'RNN step forward',
      points: 3,
      section: 'the-forward-pass',
      week: 2,
      hints: {
        ops: 'Useful core ops: matmul, add and tanh (see @rnn-course/core, src/index.ts).',
        equation:
          'Eq. 1.1 is the whole step: h_t = tanh(x_t Wx + h_{t−1} Wh + b). With row vectors, ' +
          'x [N, D] times Wx [D, H] is [N, H], and so is prevH [N, H] times Wh [H, H].',
        broadcast:
          'b has shape [H]; add() broadcasts it over the N rows. The cache must hold what the ' +
          'backward needs: x, prevH, Wx, Wh and the output nextH (tanh′ is read off the output).',
        shapes:
          'Refuse what does not fit before computing: x [N, D], Wx [D, H], Wh [H, H], b [H], ' +
          "prevH [N, H]. The core's assertShape(op, t, expected, name) throws a ShapeError " +
          'naming your function and the argument (null in expected stands for any size).',
        step:
          'The step is eq. 1.1 read left to right: the two matrix products, their sum, b, then ' +
          'tanh of the whole. Return nextH together with a cache holding x, prevH, Wx, Wh and ' +
          'nextH itself, the output the backward reads tanh′ from.',
      },
    },
    {
      id: 'rnn/rnn-step-backward',
      formerly: ['rnn/step-backward'],
      title: 'RNN step backward',
      points: 4,
      section: 'backpropagation-through-time',
      week: 2,
      hints: {
        ops: 'Useful core ops: matmul, transpose, mul, sub, square and sum(a, axis).',
        chain:
          'Split the step in two: a = x Wx + prevH Wh + b, then h = tanh(a). Backpropagate ' +
          'through tanh first (eq. 1.2), then through the affine part (eq. 1.3).',
        tanhOutput:
          'tanh′(a) = 1 − tanh(a)² = 1 − nextH²: use the output nextH from the cache, not the ' +
          'pre-activation a. da = dnextH ⊙ (1 − nextH²) has shape [N, H].',
        formulas:
          'Each input gets da times the transpose of what multiplies it: dx = da Wxᵀ [N, D], ' +
          'dprevH = da Whᵀ [N, H], dWx = xᵀ da [D, H], dWh = prevHᵀ da [H, H] (h_{t−1}, not ' +
          'h_t); db sums da over the batch axis: sum(da, 0) [H].',
        step:
          'First da from dnextH and the cached nextH (eq. 1.2), then the five gradients from da ' +
          'alone (eq. 1.3), each shaped like the input it belongs to. Check first that dnextH ' +
          'has the shape of nextH (assertShape), so a wrong upstream gradient is refused by name.',
      },
    },
    {
      id: 'rnn/rnn-forward',
      formerly: ['rnn/sequence-forward'],
      title: 'RNN forward over a sequence',
      points: 3,
      section: 'the-forward-pass',
      week: 2,
      hints: {
        unroll:
          'Unroll eq. 1.1 through time: the same Wx, Wh, b at every step, each step starting ' +
          'from the hidden state the previous one produced (h0 for the first).',
        steps:
          'timeStep(x, t) gives x_t [N, D]; call your rnnStepForward and keep both nextH and ' +
          'its cache, one per step, for the backward pass.',
        stack: 'stepsToSequence(hs) stacks T tensors [N, H] into h [N, T, H].',
        shapes:
          'Refuse what does not fit before the loop: x [N, T, D] with T >= 1 (an empty sequence ' +
          'has no last state), Wx [D, H], Wh [H, H], b [H], h0 [N, H]; assertShape names the ' +
          'function and the argument, and a ShapeError of your own can say T >= 1.',
        step:
          'One loop over t from 0 to T−1. Inside it, the state passed to step t is the nextH of ' +
          'step t−1 (h0 before step 0); after it, stack the T states and keep the T step caches ' +
          'and the sizes N, T, D, H for the backward.',
      },
    },
    {
      id: 'rnn/rnn-backward',
      formerly: ['rnn/sequence-backward'],
      title: 'Backpropagation through time',
      points: 6,
      section: 'backpropagation-through-time',
      week: 2,
      hints: {
        ops:
          'Useful core ops: timeStep(dh, t) slices [N, H] out of [N, T, H]; stepsToSequence ' +
          'stacks T tensors into a sequence; zeros and add start and sum the gradients.',
        backwards:
          'Walk the steps backwards, t = T−1 down to 0, calling your rnnStepBackward with each ' +
          "step's cache.",
        carry:
          'dh[:, t, :] is only the gradient from the loss at step t. h_t also fed step t+1, so ' +
          'its total gradient is timeStep(dh, t) + the dprevH that step t+1 returned (eq. 1.4); ' +
          'after the last step that carried gradient is zero.',
        sums:
          'Wx, Wh and b are shared by every step, so dWx, dWh and db are sums over t of the ' +
          "steps' gradients (eq. 1.5). dx collects each step's dx; what is carried out of step 0 " +
          'is dh0.',
        step:
          'Before the loop: dh must be [N, T, H] (assertShape), the carried gradient and the ' +
          'three sums start at zero. In each step of the loop, from t = T−1 down to 0: add the ' +
          'carried gradient to dh at step t, run the step backward on that sum with cache t, ' +
          'add its parameter gradients to the sums, keep its dx, carry its dprevH. After the loop ' +
          'the carried gradient is dh0.',
      },
    },
    {
      id: 'rnn/word-embedding-forward',
      formerly: ['rnn/embedding-forward'],
      title: 'Word embedding forward',
      points: 3,
      section: 'embeddings',
      week: 3,
      hints: {
        ops:
          'Useful core functions: fromData(data, shape); tensor.data is the row-major ' +
          'Float64Array behind a tensor.',
        lookup:
          'Eq. 1.6: the embedding of id v is row v of W [V, D]; out[n, t, :] = W[ids[n][t], :].',
        offsets:
          'W.data is row-major, so row v is W.data.subarray(v * D, (v + 1) * D), and position ' +
          '(n, t) of out [N, T, D] starts at offset (n * T + t) * D.',
        refuse:
          'An id outside [0, V) reads outside W and gives zeros or garbage silently: throw a ' +
          'RangeError naming the id (its position [n][t] and value) instead. A row of ids ' +
          'shorter or longer than the first is a ShapeError naming ids; W must be 2-D.',
        step:
          'Allocate out for N·T·D numbers, then for each position (n, t) copy the D numbers of ' +
          "row ids[n][t] of W to out's offset (n·T + t)·D. Keep a copy of the ids and the sizes " +
          'V and D in the cache: the backward needs nothing else.',
      },
    },
    {
      id: 'rnn/word-embedding-backward',
      formerly: ['rnn/embedding-backward'],
      title: 'Word embedding backward',
      points: 5,
      section: 'embeddings',
      week: 3,
      hints: {
        ops:
          'Useful core functions: zeros(shape); dout.data and dW.data are the row-major ' +
          'Float64Arrays behind the tensors.',
        scatter:
          'Row v of W was copied to every position where ids[n][t] = v, so its gradient is the ' +
          'sum of dout over those positions (eq. 1.7); rows never looked up get zero.',
        accumulate:
          'An id can occur several times in a batch: add into dW, never assign, or only the ' +
          'last occurrence survives.',
        step:
          'Start from a zero dW [V, D]. For each position (n, t), add the D numbers of dout at ' +
          'offset (n·T + t)·D into row ids[n][t] of dW. Check first that dout is [N, T, D] ' +
          '(assertShape), so a wrong upstream gradient is refused by name.',
      },
    },
    {
      id: 'rnn/temporal-affine-forward',
      title: 'Temporal affine forward',
      points: 3,
      section: 'from-hidden-states-to-predictions',
      week: 3,
      hints: {
        ops: 'Useful core ops: reshape(x, shape), matmul and add.',
        rows:
          'Eq. 1.8, y_t = h_t Wy + by, is the same map at every step: the N·T rows of x are ' +
          'independent, so treat them as one batch.',
        reshape:
          'reshape(x, [N * T, H]) gives a matrix; multiply by W [H, V], add b [V], reshape back ' +
          'to [N, T, V].',
        step:
          'Three moves: flatten x to N·T rows, multiply by W and add b, give the result back its ' +
          'batch and time axes. Refuse first a W whose rows are not H or a b that is not [V] ' +
          '(assertShape); the cache keeps x and W.',
      },
    },
    {
      id: 'rnn/temporal-affine-backward',
      title: 'Temporal affine backward',
      points: 4,
      section: 'from-hidden-states-to-predictions',
      week: 3,
      hints: {
        ops: 'Useful core ops: reshape(x, shape), matmul, transpose and sum(a, axis).',
        reshape:
          'Reshape dout to [N·T, V] and x to [N·T, H]: then it is the backward of an ordinary ' +
          'affine layer (eq. 1.9).',
        sums:
          'W and b act at every (n, t), so dW and db sum over the batch and over time, which the ' +
          'matrix product and a sum over axis 0 of the [N·T, V] matrix do in one go.',
        step:
          'With dout and x flattened to N·T rows: dx is dout times the transpose of W, given back ' +
          'its [N, T, H] shape; dW is the transpose of x times dout; db is dout summed over the ' +
          'rows. Check first that dout is [N, T, V] (assertShape).',
      },
    },
    {
      id: 'rnn/temporal-softmax-loss-and-grad',
      formerly: ['rnn/temporal-softmax-loss'],
      title: 'Temporal softmax cross-entropy with a mask, and its gradient',
      points: 6,
      section: 'the-loss-cross-entropy-over-time',
      week: 3,
      hints: {
        ops:
          'Useful core functions: fromData(data, shape); logits.data is the row-major ' +
          'Float64Array behind the logits.',
        normalise:
          'Eq. 1.10: L = (1/N) Σ_n Σ_t m_{n,t} · (−log p_{n,t}[target]). Divide by N, the batch ' +
          'size, not by N·T and not by the number of unmasked positions.',
        stable:
          'Stable softmax: subtract the row maximum before exp; then −log p[y] = ' +
          'logSumExp − z[y] with logSumExp = max + log Σ exp(z − max). Logits of ±1e4 must give ' +
          'finite values.',
        gradient:
          'Eq. 1.11: dlogits[n, t, :] = m_{n,t} (p_{n,t} − onehot(target)) / N; a masked ' +
          'position contributes nothing to the loss and has zero gradient.',
        refuse:
          'targets and mask must both be [N][T] like the logits (a ShapeError naming the one that ' +
          'is not), and every target an integer in [0, V) (a RangeError naming the target): a ' +
          'target outside the vocabulary reads a logit that is not there.',
        step:
          'Per position (n, t): the row maximum, then the log-sum-exp of the row, then the loss ' +
          'term m (logSumExp − z[target]) / N; the gradient of the row is p − onehot(target) with ' +
          'p = exp(z − logSumExp), times m / N. Never take the log of a probability: it can be 0.',
      },
    },
    {
      id: 'rnn/clip-grad-norm',
      title: 'Clipping by the global norm',
      points: 3,
      section: 'exploding-gradients-and-clipping',
      week: 4,
      hints: {
        globalNorm:
          'One norm for all tensors together (eq. 1.12): the square root of the sum of the squares ' +
          'of every entry of every gradient, not one norm per tensor.',
        factor:
          'One factor for all tensors: min(1, maxNorm / (totalNorm + 1e-6)), so the direction of ' +
          'the whole update is kept and gradients below the threshold are left as they are.',
        maxNorm:
          'A maxNorm of 0, below 0, or NaN has no meaning (and a negative one would flip the ' +
          'update): throw a RangeError naming maxNorm before computing anything.',
        newTensors:
          'Every returned tensor is new, even when the factor is 1: the caller updates its ' +
          'parameters from them, and an input handed back would be changed with them. Build each ' +
          "from the input's data times the factor, under the same name and shape.",
      },
    },
    {
      id: 'rnn/sample-with-temperature',
      formerly: ['rnn/sample-temperature'],
      title: 'Sampling with temperature',
      points: 5,
      section: 'sampling-with-temperature',
      week: 4,
      hints: {
        temperature:
          'Eq. 1.13: divide the logits by τ, then take the softmax; τ < 1 sharpens, τ > 1 ' +
          'flattens.',
        stable:
          'Subtract the maximum of logits / τ before exp, or logits of 1e4 overflow to Infinity ' +
          'and the probabilities become NaN.',
        oneDraw:
          'Inverse CDF: draw exactly one u = rng.uniform() and return the first i whose ' +
          'cumulative probability p_0 + … + p_i exceeds u. Drawing more than once per call ' +
          'changes every later sample.',
        refuse:
          'Refuse what has no distribution: logits that are not [V] or have V = 0 (a ShapeError ' +
          'or RangeError naming logits), and a temperature that is not a positive finite number ' +
          '(a RangeError naming the temperature).',
        step:
          'Exponentials of logits / τ minus their maximum, their total, one uniform u, then walk ' +
          'the indices adding p_i = e_i / total until the running sum exceeds u. If rounding leaves ' +
          'the sum a hair below u at the end, answer the last index whose probability is not 0.',
      },
    },
    {
      id: 'rnn/tbptt-step',
      title: 'One truncated-BPTT training step',
      points: 6,
      section: 'truncated-bptt',
      week: 4,
      hints: {
        compose:
          'Compose your own layers from this folder: wordEmbeddingForward → rnnForward (from ' +
          'hPrev) → temporalAffineForward → temporalSoftmaxLossAndGrad with a mask of ones.',
        backwardOrder:
          'Then backward in reverse order: temporalAffineBackward(dlogits) gives dh [N, T, H], ' +
          'rnnBackward(dh) gives dx and the RNN gradients, wordEmbeddingBackward(dx) gives dWe.',
        truncate:
          'Truncation: the chunk starts from hPrev but no gradient flows into it; drop the dh0 ' +
          'that rnnBackward returns. hNext is the last hidden state, timeStep(h, T - 1), ' +
          'detached.',
        step:
          'Four forward calls, three backward calls in reverse order, then the result: the loss, ' +
          'six gradients named d + the parameter (dWe from the embedding, dWx, dWh, db from the ' +
          'RNN, dWy, dby from the affine layer) and hNext, the state at step T−1.',
      },
    },
    {
      id: 'rnn/hidden-gradient-norms',
      formerly: ['rnn/gradient-norms'],
      title: 'Measuring vanishing gradients',
      points: 5,
      section: 'measuring-vanishing-gradients',
      week: 4,
      hints: {
        definition:
          'Entry t is ‖∂h_{T−1}/∂h_t‖_F, a product of per-step Jacobians (eq. 1.15); the last ' +
          'entry, t = T−1, is the identity, whose Frobenius norm is sqrt(H).',
        jacobian:
          'Run the sequence forward first (your rnnForward): each Jacobian needs the hidden state ' +
          'it produced. Eq. 1.14: ∂h_k/∂h_{k−1} = diag(1 − h_k²) Whᵀ, an [H, H] matrix.',
        direction:
          'Go backwards keeping J = ∂h_{T−1}/∂h_t: start with J = I, record ‖J‖_F, then ' +
          'J ← J · diag(1 − h_t²) Whᵀ to move from t to t−1.',
        step:
          'A loop from t = T−1 down to 0: record the Frobenius norm of J as entry t, then (unless ' +
          't = 0) multiply J on the right by the Jacobian of step t, Whᵀ with row i scaled by ' +
          '1 − h_t[i]². Refuse an x that is not one sequence ([1, T, D]) or an h0 that is not [1, H].',
      },
    },
  ],
});
