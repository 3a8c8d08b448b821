/**
 * Chapter 1's exercises, in the order the chapter teaches them: the file and exports of each,
 * its points, the section that teaches it, its grading suite and its hints (from a nudge to
 * nearly the answer). Equation numbers are the chapter's (packages/rnn/README.md).
 */
import { defineChapter } from '@rnn-course/grader';

const text = 'packages/rnn/README.md';
const suite = (slug: string): string => `packages/rnn/grading/${slug}.grade.ts`;

export default defineChapter({
  chapter: 'rnn',
  title: 'Vanilla RNNs and backpropagation through time',
  package: 'packages/rnn',
  text,
  exercises: [
    {
      id: 'rnn/rnn-step-forward',
      title: 'RNN step forward',
      file: 'rnn/rnn-step.ts',
      exports: ['rnnStepForward'],
      points: 3,
      section: `${text}#the-forward-pass`,
      suite: suite('rnn-step-forward'),
      hints: [
        'Eq. 1.1 is the whole step: h_t = tanh(x_t Wx + h_{t−1} Wh + b). With row vectors, ' +
          'x [N, D] times Wx [D, H] is [N, H], and so is prevH [N, H] times Wh [H, H].',
        'b has shape [H]; add() broadcasts it over the N rows. The cache must hold what the ' +
          'backward needs: x, prevH, Wx, Wh and the output nextH (tanh′ is read off the output).',
        'const nextH = tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); ' +
          'return { nextH, cache: { x, prevH, Wx, Wh, nextH } };',
      ],
    },
    {
      id: 'rnn/rnn-step-backward',
      title: 'RNN step backward',
      file: 'rnn/rnn-step.ts',
      exports: ['rnnStepBackward'],
      points: 4,
      section: `${text}#backpropagation-through-time`,
      suite: suite('rnn-step-backward'),
      hints: [
        'Split the step in two: a = x Wx + prevH Wh + b, then h = tanh(a). Backpropagate ' +
          'through tanh first (eq. 1.2), then through the affine part (eq. 1.3).',
        'tanh′(a) = 1 − tanh(a)² = 1 − nextH²: use the output nextH from the cache, not the ' +
          'pre-activation a. da = dnextH ⊙ (1 − nextH²) has shape [N, H].',
        'Each input gets da times the transpose of what multiplies it: dx = da Wxᵀ [N, D], ' +
          'dprevH = da Whᵀ [N, H], dWx = xᵀ da [D, H], dWh = prevHᵀ da [H, H] (h_{t−1}, not ' +
          'h_t); db sums da over the batch axis: sum(da, 0) [H].',
        'const da = mul(dnextH, sub(1, square(nextH))); return { dx: matmul(da, transpose(Wx)), ' +
          'dprevH: matmul(da, transpose(Wh)), dWx: matmul(transpose(x), da), ' +
          'dWh: matmul(transpose(prevH), da), db: sum(da, 0) };',
      ],
    },
    {
      id: 'rnn/rnn-forward',
      title: 'RNN forward over a sequence',
      file: 'rnn/rnn.ts',
      exports: ['rnnForward'],
      points: 3,
      section: `${text}#the-forward-pass`,
      suite: suite('rnn-forward'),
      hints: [
        'Unroll eq. 1.1 through time: the same Wx, Wh, b at every step, each step starting ' +
          'from the hidden state the previous one produced (h0 for the first).',
        'timeStep(x, t) gives x_t [N, D]; call your rnnStepForward and keep both nextH and ' +
          'its cache, one per step, for the backward pass.',
        'stepsToSequence(hs) stacks T tensors [N, H] into h [N, T, H].',
        'let prevH = h0; for (let t = 0; t < T; t++) { const s = rnnStepForward(timeStep(x, t), ' +
          'prevH, Wx, Wh, b); hs.push(s.nextH); caches.push(s.cache); prevH = s.nextH; } ' +
          'return { h: stepsToSequence(hs), cache: { steps: caches, shape: { N, T, D, H } } };',
      ],
    },
    {
      id: 'rnn/rnn-backward',
      title: 'Backpropagation through time',
      file: 'rnn/rnn.ts',
      exports: ['rnnBackward'],
      points: 6,
      section: `${text}#backpropagation-through-time`,
      suite: suite('rnn-backward'),
      hints: [
        'Walk the steps backwards, t = T−1 down to 0, calling your rnnStepBackward with each ' +
          "step's cache.",
        'dh[:, t, :] is only the gradient from the loss at step t. h_t also fed step t+1, so ' +
          'its total gradient is timeStep(dh, t) + the dprevH that step t+1 returned (eq. 1.4); ' +
          'after the last step that carried gradient is zero.',
        'Wx, Wh and b are shared by every step, so dWx, dWh and db are sums over t of the ' +
          "steps' gradients (eq. 1.5). dx collects each step's dx; what is carried out of step 0 " +
          'is dh0.',
        'let dnext = zeros([N, H]); for (let t = T - 1; t >= 0; t--) { const g = ' +
          'rnnStepBackward(add(timeStep(dh, t), dnext), steps[t]); dxs[t] = g.dx; ' +
          'dWx = add(dWx, g.dWx); … dnext = g.dprevH; } return { dx: stepsToSequence(dxs), ' +
          'dh0: dnext, dWx, dWh, db };',
      ],
    },
    {
      id: 'rnn/word-embedding-forward',
      title: 'Embedding forward',
      file: 'rnn/word-embedding.ts',
      exports: ['wordEmbeddingForward'],
      points: 2,
      section: `${text}#embeddings`,
      suite: suite('word-embedding-forward'),
      hints: [
        'Eq. 1.6: the embedding of id v is row v of W [V, D]; out[n, t, :] = W[ids[n][t], :].',
        'W.data is row-major, so row v is W.data.subarray(v * D, (v + 1) * D), and position ' +
          '(n, t) of out [N, T, D] starts at offset (n * T + t) * D.',
        'const out = new Float64Array(N * T * D); for each (n, t): ' +
          'out.set(W.data.subarray(id * D, (id + 1) * D), (n * T + t) * D); return { out: ' +
          'fromData(out, [N, T, D]), cache: { ids, V, D } };',
      ],
    },
    {
      id: 'rnn/word-embedding-backward',
      title: 'Embedding backward',
      file: 'rnn/word-embedding.ts',
      exports: ['wordEmbeddingBackward'],
      points: 4,
      section: `${text}#embeddings`,
      suite: suite('word-embedding-backward'),
      hints: [
        'Row v of W was copied to every position where ids[n][t] = v, so its gradient is the ' +
          'sum of dout over those positions (eq. 1.7); rows never looked up get zero.',
        'An id can occur several times in a batch: add into dW, never assign, or only the ' +
          'last occurrence survives.',
        'const dW = zeros([V, D]); for each (n, t), with id = ids[n][t]: for (let d = 0; d < D; ' +
          'd++) dW.data[id * D + d] += dout.data[(n * T + t) * D + d]; return { dW };',
      ],
    },
    {
      id: 'rnn/temporal-affine-forward',
      title: 'Temporal affine forward',
      file: 'rnn/temporal-affine.ts',
      exports: ['temporalAffineForward'],
      points: 2,
      section: `${text}#from-hidden-states-to-predictions`,
      suite: suite('temporal-affine-forward'),
      hints: [
        'Eq. 1.8, y_t = h_t Wy + by, is the same map at every step: the N·T rows of x are ' +
          'independent, so treat them as one batch.',
        'reshape(x, [N * T, H]) gives a matrix; multiply by W [H, V], add b [V], reshape back ' +
          'to [N, T, V].',
        'const out = reshape(add(matmul(reshape(x, [N * T, H]), W), b), [N, T, V]); ' +
          'return { out, cache: { x, W } };',
      ],
    },
    {
      id: 'rnn/temporal-affine-backward',
      title: 'Temporal affine backward',
      file: 'rnn/temporal-affine.ts',
      exports: ['temporalAffineBackward'],
      points: 4,
      section: `${text}#from-hidden-states-to-predictions`,
      suite: suite('temporal-affine-backward'),
      hints: [
        'Reshape dout to [N·T, V] and x to [N·T, H]: then it is the backward of an ordinary ' +
          'affine layer (eq. 1.9).',
        'W and b act at every (n, t), so dW and db sum over the batch and over time, which the ' +
          'matrix product and a sum over axis 0 of the [N·T, V] matrix do in one go.',
        'dx = reshape(matmul(dout2, transpose(W)), [N, T, H]); dW = matmul(transpose(x2), ' +
          'dout2) [H, V]; db = sum(dout2, 0) [V].',
      ],
    },
    {
      id: 'rnn/temporal-softmax-loss-and-grad',
      title: 'Temporal softmax cross-entropy with a mask',
      file: 'rnn/temporal-softmax-loss.ts',
      exports: ['temporalSoftmaxLossAndGrad'],
      points: 5,
      section: `${text}#the-loss-cross-entropy-over-time`,
      suite: suite('temporal-softmax-loss-and-grad'),
      hints: [
        'Eq. 1.10: L = (1/N) Σ_n Σ_t m_{n,t} · (−log p_{n,t}[target]). Divide by N, the batch ' +
          'size, not by N·T and not by the number of unmasked positions.',
        'Stable softmax: subtract the row maximum before exp; then −log p[y] = ' +
          'logSumExp − z[y] with logSumExp = max + log Σ exp(z − max). Logits of ±1e4 must give ' +
          'finite values.',
        'Eq. 1.11: dlogits[n, t, :] = m_{n,t} (p_{n,t} − onehot(target)) / N; a masked ' +
          'position contributes nothing to the loss and has zero gradient.',
        'for each (n, t): max = max_v z[v]; lse = max + log(Σ_v exp(z[v] - max)); loss += m * ' +
          '(lse - z[y]) / N; for each v: dlogits[v] = m * (exp(z[v] - lse) - (v === y ? 1 : 0)) / N.',
      ],
    },
    {
      id: 'rnn/clip-grad-norm',
      title: 'Clipping by the global norm',
      file: 'rnn/clip-grad-norm.ts',
      exports: ['clipGradNorm'],
      points: 3,
      section: `${text}#exploding-gradients-and-clipping`,
      suite: suite('clip-grad-norm'),
      hints: [
        'One norm for all tensors together (eq. 1.12): the square root of the sum of the squares ' +
          'of every entry of every gradient, not one norm per tensor.',
        'One factor for all tensors: min(1, maxNorm / (totalNorm + 1e-6)), so the direction of ' +
          'the whole update is kept and gradients below the threshold are left as they are.',
        'Return new tensors and leave the inputs untouched: for each [name, g], ' +
          'clipped[name] = fromData(g.data.map((v) => v * factor), g.shape); return ' +
          '{ grads: clipped, totalNorm }.',
      ],
    },
    {
      id: 'rnn/sample-with-temperature',
      title: 'Sampling with temperature',
      file: 'rnn/sample-with-temperature.ts',
      exports: ['sampleWithTemperature'],
      points: 4,
      section: `${text}#sampling-with-temperature`,
      suite: suite('sample-with-temperature'),
      hints: [
        'Eq. 1.13: divide the logits by τ, then take the softmax; τ < 1 sharpens, τ > 1 ' +
          'flattens.',
        'Subtract the maximum of logits / τ before exp, or logits of 1e4 overflow to Infinity ' +
          'and the probabilities become NaN.',
        'Inverse CDF: draw exactly one u = rng.uniform() and return the first i whose ' +
          'cumulative probability p_0 + … + p_i exceeds u. Drawing more than once per call ' +
          'changes every later sample.',
        'const e = z.map((v) => Math.exp(v - max)); const total = Σ e; const u = rng.uniform(); ' +
          'let cdf = 0; for (i …) { cdf += e[i] / total; if (u < cdf) return i; } return V - 1;',
      ],
    },
    {
      id: 'rnn/tbptt-step',
      title: 'One truncated-BPTT training step',
      file: 'rnn/tbptt-step.ts',
      exports: ['tbpttStep'],
      points: 5,
      section: `${text}#truncated-bptt`,
      suite: suite('tbptt-step'),
      hints: [
        'Compose your own layers from this folder: wordEmbeddingForward → rnnForward (from hPrev) → ' +
          'temporalAffineForward → temporalSoftmaxLossAndGrad with a mask of ones.',
        'Then backward in reverse order: temporalAffineBackward(dlogits) gives dh [N, T, H], ' +
          'rnnBackward(dh) gives dx and the RNN gradients, wordEmbeddingBackward(dx) gives dWe.',
        'Truncation: the chunk starts from hPrev but no gradient flows into it; drop the dh0 ' +
          'that rnnBackward returns. hNext is the last hidden state, timeStep(h, T - 1), ' +
          'detached.',
        'return { loss, grads: { dWe: e.dW, dWx: r.dWx, dWh: r.dWh, db: r.db, dWy: a.dW, ' +
          'dby: a.db }, hNext: timeStep(rnn.h, T - 1).detach() };',
      ],
    },
    {
      id: 'rnn/hidden-gradient-norms',
      title: 'Measuring vanishing gradients',
      file: 'rnn/hidden-gradient-norms.ts',
      exports: ['hiddenGradientNorms'],
      points: 5,
      section: `${text}#measuring-vanishing-gradients`,
      suite: suite('hidden-gradient-norms'),
      hints: [
        'Entry t is ‖∂h_{T−1}/∂h_t‖_F, a product of per-step Jacobians (eq. 1.15); the last ' +
          'entry, t = T−1, is the identity, whose Frobenius norm is sqrt(H).',
        'Run the sequence forward first (your rnnForward): each Jacobian needs the hidden state ' +
          'it produced. Eq. 1.14: ∂h_k/∂h_{k−1} = diag(1 − h_k²) Whᵀ, an [H, H] matrix.',
        'Go backwards keeping J = ∂h_{T−1}/∂h_t: start with J = I, record ‖J‖_F, then ' +
          'J ← J · diag(1 − h_t²) Whᵀ to move from t to t−1.',
        'for (let t = T - 1; t >= 0; t--) { norms[t] = frobenius(J); if (t > 0) J = matmul(J, M) ' +
          'with M[i][j] = (1 - h_t[i]²) · Wh[j][i]; }',
      ],
    },
  ],
});
