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
        answer:
          'const nextH = tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); ' +
          'return { nextH, cache: { x, prevH, Wx, Wh, nextH } };',
      },
    },
    {
      id: 'rnn/rnn-step-backward',
      title: 'RNN step backward',
      points: 4,
      section: 'backpropagation-through-time',
      week: 2,
      handDerived: true,
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
        answer:
          'const da = mul(dnextH, sub(1, square(nextH))); return { dx: matmul(da, transpose(Wx)), ' +
          'dprevH: matmul(da, transpose(Wh)), dWx: matmul(transpose(x), da), ' +
          'dWh: matmul(transpose(prevH), da), db: sum(da, 0) };',
      },
    },
    {
      id: 'rnn/rnn-forward',
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
        answer:
          'let prevH = h0; for (let t = 0; t < T; t++) { const s = rnnStepForward(timeStep(x, t), ' +
          'prevH, Wx, Wh, b); hs.push(s.nextH); caches.push(s.cache); prevH = s.nextH; } ' +
          'return { h: stepsToSequence(hs), cache: { steps: caches, shape: { N, T, D, H } } };',
      },
    },
    {
      id: 'rnn/rnn-backward',
      title: 'Backpropagation through time',
      points: 6,
      section: 'backpropagation-through-time',
      week: 2,
      handDerived: true,
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
        answer:
          'let dnext = zeros([N, H]); for (let t = T - 1; t >= 0; t--) { const g = ' +
          'rnnStepBackward(add(timeStep(dh, t), dnext), steps[t]); dxs[t] = g.dx; ' +
          'dWx = add(dWx, g.dWx); … dnext = g.dprevH; } return { dx: stepsToSequence(dxs), ' +
          'dh0: dnext, dWx, dWh, db };',
      },
    },
    {
      id: 'rnn/word-embedding-forward',
      title: 'Word embedding forward',
      points: 2,
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
        answer:
          'const out = new Float64Array(N * T * D); for each (n, t): ' +
          'out.set(W.data.subarray(id * D, (id + 1) * D), (n * T + t) * D); return { out: ' +
          'fromData(out, [N, T, D]), cache: { ids, V, D } };',
      },
    },
    {
      id: 'rnn/word-embedding-backward',
      title: 'Word embedding backward',
      points: 4,
      section: 'embeddings',
      week: 3,
      handDerived: true,
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
        answer:
          'const dW = zeros([V, D]); for each (n, t), with id = ids[n][t]: for (let d = 0; d < D; ' +
          'd++) dW.data[id * D + d] += dout.data[(n * T + t) * D + d]; return { dW };',
      },
    },
    {
      id: 'rnn/temporal-affine-forward',
      title: 'Temporal affine forward',
      points: 2,
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
        answer:
          'const out = reshape(add(matmul(reshape(x, [N * T, H]), W), b), [N, T, V]); ' +
          'return { out, cache: { x, W } };',
      },
    },
    {
      id: 'rnn/temporal-affine-backward',
      title: 'Temporal affine backward',
      points: 4,
      section: 'from-hidden-states-to-predictions',
      week: 3,
      handDerived: true,
      hints: {
        ops: 'Useful core ops: reshape(x, shape), matmul, transpose and sum(a, axis).',
        reshape:
          'Reshape dout to [N·T, V] and x to [N·T, H]: then it is the backward of an ordinary ' +
          'affine layer (eq. 1.9).',
        sums:
          'W and b act at every (n, t), so dW and db sum over the batch and over time, which the ' +
          'matrix product and a sum over axis 0 of the [N·T, V] matrix do in one go.',
        answer:
          'dx = reshape(matmul(dout2, transpose(W)), [N, T, H]); dW = matmul(transpose(x2), ' +
          'dout2) [H, V]; db = sum(dout2, 0) [V].',
      },
    },
    {
      id: 'rnn/temporal-softmax-loss-and-grad',
      title: 'Temporal softmax cross-entropy with a mask, and its gradient',
      points: 5,
      section: 'the-loss-cross-entropy-over-time',
      week: 3,
      handDerived: true,
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
        answer:
          'for each (n, t): max = max_v z[v]; lse = max + log(Σ_v exp(z[v] - max)); loss += m * ' +
          '(lse - z[y]) / N; for each v: dlogits[v] = m * (exp(z[v] - lse) - (v === y ? 1 : 0)) / N.',
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
        newTensors:
          'Return new tensors and leave the inputs untouched: for each [name, g], ' +
          'clipped[name] = fromData(g.data.map((v) => v * factor), g.shape); return ' +
          '{ grads: clipped, totalNorm }.',
      },
    },
    {
      id: 'rnn/sample-with-temperature',
      title: 'Sampling with temperature',
      points: 4,
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
        answer:
          'const e = z.map((v) => Math.exp(v - max)); const total = Σ e; const u = rng.uniform(); ' +
          'let cdf = 0; for (i …) { cdf += e[i] / total; if (u < cdf) return i; } return V - 1;',
      },
    },
    {
      id: 'rnn/tbptt-step',
      title: 'One truncated-BPTT training step',
      points: 5,
      section: 'truncated-bptt',
      week: 4,
      handDerived: true,
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
        answer:
          'return { loss, grads: { dWe: e.dW, dWx: r.dWx, dWh: r.dWh, db: r.db, dWy: a.dW, ' +
          'dby: a.db }, hNext: timeStep(rnn.h, T - 1).detach() };',
      },
    },
    {
      id: 'rnn/hidden-gradient-norms',
      title: 'Measuring vanishing gradients',
      points: 5,
      section: 'measuring-vanishing-gradients',
      week: 4,
      handDerived: true,
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
        answer:
          'for (let t = T - 1; t >= 0; t--) { norms[t] = frobenius(J); if (t > 0) J = matmul(J, M) ' +
          'with M[i][j] = (1 - h_t[i]²) · Wh[j][i]; }',
      },
    },
  ],
});
