/**
 * Chapter 4's exercises, in the order the chapter teaches them: the title of each, its points,
 * the section of the chapter text that teaches it (packages/transformer-bridge/README.md), its
 * week in the syllabus and its hints, by key, from a nudge to the exact step (in words and
 * equations, never the code). Equation numbers are the chapter's. Each id names the function,
 * the file and the grading suite (see the grader's README, "Adding an exercise").
 */
import { defineChapter } from '@rnn-course/grader';

export default defineChapter({
  chapter: 'transformer-bridge',
  title: 'From attention in RNNs to self-attention',
  package: 'packages/transformer-bridge',
  exercises: [
    {
      id: 'transformer-bridge/scaled-dot-product-attention-forward',
      title: 'Scaled dot-product attention forward, with masks',
      points: 4,
      section: 'scaled-dot-product-attention',
      week: 9,
      hints: {
        ops:
          'Useful core ops: matmul, transpose (swaps the last two axes, so it works on [N, h, T, dk] ' +
          'too), scale, sub, maskedFill and softmax(x, axis). checkShapes is given: call it first.',
        scores:
          'Eq. 4.2: S = Q Kᵀ / √dk, [..., Tq, dk]·[..., dk, Tk] = [..., Tq, Tk]. The divisor is the ' +
          'square root of dk, the last axis of Q (eq. 4.5), not dk itself and not the model width.',
        keys:
          'Row i of S holds query i against every key, so the softmax runs over the last axis ' +
          '(the keys): each row of the weights sums to 1. The axis before it is the queries.',
        mask:
          'Eq. 4.3: where the mask is 0 the score becomes −∞ before the softmax, so that its ' +
          'weight e^−∞ is exactly 0 (maskedFill does it, with 1 − mask marking the blocked ' +
          'places). A row whose keys are all blocked would be 0/0: throw a RangeError instead.',
        cache:
          'Eq. 4.4: out = A V. The backward (eq. 4.6) needs Q, K, V, the weights A and the scale ' +
          '1/√dk: keep them in the cache, and return the output, the weights and that cache.',
      },
    },
    {
      id: 'transformer-bridge/scaled-dot-product-attention-backward',
      handDerived: true,
      title: 'Scaled dot-product attention backward',
      points: 5,
      section: 'the-backward-pass',
      week: 9,
      hints: {
        ops: 'Useful core ops: matmul, transpose, mul, sub, scale and sum(x, axis, keepDims).',
        product:
          'Start at out = A V, a product: dV = Aᵀ dout [..., Tk, dv] and dA = dout Vᵀ ' +
          '[..., Tq, Tk] (the first line of eq. 4.6). Check each shape against its tensor.',
        softmax:
          'The softmax couples the scores of one row: dS_ij = A_ij (dA_ij − Σ_l A_il dA_il). The ' +
          'sum is one number per query, sum(dA ⊙ A, −1) kept as [..., Tq, 1]; leaving it out ' +
          'gives dS = A ⊙ dA, which finite differences reject.',
        scale:
          'S = s Q Kᵀ with s = 1/√dk, so dQ = s dS K [..., Tq, dk] and dK = s dSᵀ Q ' +
          '[..., Tk, dk]: dS transposed for the keys, and the same s in both.',
        masked:
          'Masked keys need no special case: their weights are exactly 0, so their scores get ' +
          'no gradient through A_ij. With one key only (Tk = 1) the weight is always 1, and dQ ' +
          'and dK are exactly zero.',
      },
    },
    {
      id: 'transformer-bridge/multi-head-attention-forward',
      title: 'Multi-head attention forward',
      points: 4,
      section: 'multi-head-attention',
      week: 9,
      hints: {
        ops:
          'Useful core ops: reshape, permute, matmul, add; affine(x, W, b) is given; your ' +
          'scaledDotProductAttentionForward runs every head at once on [N, h, T, dk].',
        project:
          'Eq. 4.1: Q = query Wq + bq, K = key Wk + bk, V = value Wv + bv, each [N, T, E]. Check ' +
          'that numHeads divides E (a RangeError otherwise); each head has dk = E / h features.',
        split:
          'Head i takes features i·dk … (i+1)·dk − 1, as PyTorch does: reshape [N, T, E] to ' +
          '[N, T, h, dk] (the head axis before dk), then swap the time and head axes to ' +
          '[N, h, T, dk]. Reshaping straight to [N, h, T, dk] mixes positions into heads.',
        mask:
          'One mask for every head: a [Tq, Tk] or [N, 1, Tk] mask already broadcasts over ' +
          '[N, h, Tq, Tk]; a 3-D [N, Tq, Tk] mask needs a head axis, reshaped to [N, 1, Tq, Tk].',
        merge:
          'Eq. 4.7: mergeHeads undoes the split, [N, h, T, dk] → [N, T, h, dk] → [N, T, E], head 0 ' +
          'first; then out = merged Wo + bo. Return the per-head weights [N, h, Tq, Tk] too.',
      },
    },
    {
      id: 'transformer-bridge/multi-head-attention-backward',
      handDerived: true,
      title: 'Multi-head attention backward',
      points: 5,
      section: 'multi-head-attention',
      week: 9,
      hints: {
        order:
          'Walk the forward in reverse: the output projection, the merge, every head, the split, ' +
          'the three input projections. affineBackward(dy, x, W) is given for the projections.',
        moves:
          'The merge and split only move numbers, so their backward moves the gradient back: ' +
          'the gradient of the merged heads is split into [N, h, Tq, dk] exactly as the forward ' +
          'split Q, and the heads’ dQ, dK, dV are merged back to [N, T, E].',
        heads:
          "Your scaledDotProductAttentionBackward, given the cache of the heads' attention, " +
          'returns dQ, dK and dV of all heads at once.',
        params:
          'Each projection is shared by all N·T rows: dW = Σ xᵀ dy and db = Σ dy over the rows. ' +
          'dbk comes out zero (up to rounding): a key bias shifts every score of a row equally, ' +
          'which the softmax ignores.',
        selfAttention:
          'Return dquery, dkey and dvalue separately; when the three inputs are one tensor x, ' +
          'its gradient is their sum (the caller adds them, as the encoder block does).',
      },
    },
    {
      id: 'transformer-bridge/sinusoidal-positional-encoding',
      title: 'Sinusoidal positional encoding',
      points: 2,
      section: 'positional-encodings',
      week: 9,
      hints: {
        pairs:
          'Features 2i and 2i + 1 share one angle, t / 10000^(2i/D) (eq. 4.8): the exponent uses ' +
          'the even index 2i of the pair, divided by D, the number of features.',
        sineCosine:
          'Sine on the even features (k = 2i), cosine on the odd ones (k = 2i + 1); positions ' +
          'start at t = 0, so row 0 is 0, 1, 0, 1, …',
        oddD:
          'For an odd D the last feature is a sine without its cosine partner. T or D below 1, ' +
          'or not an integer, is a RangeError naming the bad value.',
      },
    },
    {
      id: 'transformer-bridge/causal-mask',
      title: 'Causal mask',
      points: 2,
      section: 'causal-masks',
      week: 9,
      hints: {
        sense:
          "Masks hold 1 where attention is allowed and 0 where it is blocked (this course's sense; " +
          "PyTorch's boolean masks are the opposite).",
        triangle:
          'Eq. 4.9: query i (row) may see key j (column) when j ≤ i: ones on and below the ' +
          'diagonal, the diagonal included. Position i must never see i + 1.',
        range:
          'T must be an integer ≥ 1 (a RangeError naming T otherwise); return a new [T, T] ' +
          'tensor at every call.',
      },
    },
    {
      id: 'transformer-bridge/layer-norm-forward',
      title: 'Layer normalisation forward',
      points: 3,
      section: 'residual-connections-and-layer-normalisation',
      week: 10,
      hints: {
        ops: 'Useful core ops: mean(x, axis, keepDims), sub, square, add, sqrt, div and mul.',
        axis:
          'The statistics are over the features of each position, the last axis (−1) with the ' +
          'dimension kept, [..., 1]: never over the batch or over time.',
        variance:
          'Eq. 4.10: σ² is the biased variance, the mean of (x − μ)² (divided by D, not D − 1), ' +
          'and eps goes inside the square root: x̂ = (x − μ) / √(σ² + eps).',
        affine:
          'Then y = γ ⊙ x̂ + β, with γ and β of shape [D] broadcast over every position. The ' +
          'backward needs x̂, 1/√(σ² + eps) and γ: keep them in the cache.',
      },
    },
    {
      id: 'transformer-bridge/layer-norm-backward',
      handDerived: true,
      title: 'Layer normalisation backward',
      points: 4,
      section: 'the-backward-pass-of-layer-norm',
      week: 10,
      hints: {
        params:
          'γ and β act on every position, so dβ = Σ dout and dγ = Σ dout ⊙ x̂, summed over all ' +
          'positions to shape [D] (reshape to [positions, D] and sum over axis 0).',
        through:
          'The gradient reaching x̂ is ĝ = dout ⊙ γ. μ and σ depend on every feature of the ' +
          'position, so dx is not simply ĝ / σ.',
        formula:
          'Eq. 4.11: dx = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + eps), both means over the ' +
          'features of each position (axis −1, kept as [..., 1]).',
      },
    },
    {
      id: 'transformer-bridge/transformer-encoder-block-forward',
      title: 'Transformer encoder block forward (pre-norm)',
      points: 3,
      section: 'the-transformer-block',
      week: 10,
      hints: {
        preNorm:
          'Eq. 4.12, pre-norm: the layer norm goes inside each branch, on its input; the ' +
          'residual adds the un-normalised input: z = x + MHA(LN₁(x)), out = z + FFN(LN₂(z)).',
        selfAttention:
          'Self-attention: LN₁(x) is the query, the key and the value of your ' +
          'multiHeadAttentionForward, with the mask passed on.',
        ffn:
          'Eq. 4.14, on every position: relu(u W1 + b1) W2 + b2 with u = LN₂(z) [N, T, E] and ' +
          'the hidden layer [N, T, F]. Keep u and the hidden activations for the backward.',
      },
    },
    {
      id: 'transformer-bridge/transformer-encoder-block-backward',
      handDerived: true,
      title: 'Transformer encoder block backward',
      points: 5,
      section: 'the-transformer-block',
      week: 10,
      hints: {
        ffn:
          'Start with the FFN branch: db2 and dW2 from dout and the hidden activations, then ' +
          'through the relu (its derivative is 1 where the hidden unit was positive, else 0), ' +
          'then db1, dW1 and the gradient of u = LN₂(z).',
        residual:
          'z feeds both the output and the FFN branch, so dz = dout + (what comes back through ' +
          'LN₂), not the branch alone. The same holds for x: dx = dz + (what comes back through ' +
          'attention and LN₁).',
        attention:
          'LN₁(x) was the query, the key and the value, so its gradient is dquery + dkey + ' +
          'dvalue from your multiHeadAttentionBackward, before your layerNormBackward.',
        names:
          'Return dx and one gradient per parameter, named after it: dWq … dbo, dgamma1, dbeta1, ' +
          'dW1, db1, dW2, db2, dgamma2, dbeta2.',
      },
    },
    {
      id: 'transformer-bridge/rnn-path-length-gradient',
      title: 'Path length of an RNN: the gradient from the first input',
      points: 2,
      section: 'path-length-measured',
      week: 10,
      hints: {
        states:
          "Run chapter 1's reference rnn (imported from @rnn-course/rnn) to get the hidden " +
          'states h_t; every Jacobian below needs one.',
        jacobians:
          'Chapter 1, eq. 1.14: ∂h_t/∂h_{t−1} = diag(1 − h_t²) Whᵀ; the first step adds ' +
          '∂h_0/∂x_0 = diag(1 − h_0²) Wxᵀ. The product of T such factors is [H, D].',
        order:
          'Multiply from the left end: start with the identity [H, H], for t = T − 1 down to 1 ' +
          'multiply by diag(1 − h_t²) Whᵀ, then by diag(1 − h_0²) Wxᵀ; return the Frobenius norm.',
      },
    },
    {
      id: 'transformer-bridge/self-attention-path-length-gradient',
      title: 'Path length of self-attention: the gradient from the first input',
      points: 4,
      section: 'path-length-measured',
      week: 10,
      hints: {
        forward:
          'Only the last query q = x_{T−1} Wq matters; compute its weights a over all T keys ' +
          '(softmax of q Kᵀ / √dk, the causal mask allows them all) and its output y = a V.',
        paths:
          'Eq. 4.15: x_0 reaches y_{T−1} through v_0 (the value path, a_0 Wvᵀ) and through k_0, ' +
          'whose score moves every weight of the row (the key path).',
        keyPath:
          'The key path is a_0 (v_0 − y)(Wk q)ᵀ / √dk, an outer product [dv, 1]·[1, D]; add it to ' +
          'a_0 Wvᵀ and return the Frobenius norm of the [dv, D] sum.',
      },
    },
  ],
});
