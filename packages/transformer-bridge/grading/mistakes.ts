/**
 * The usual mistakes of chapter 4, each written as a small edit of the worked solution in
 * `solutions/<file>`. test/mistakes.test.ts stages each one, grades it with the solutions as its
 * neighbours, and asserts that its exercise fails with a message matching `points`
 * (`describeMistakes` of the grader). An edit whose `find` no longer occurs exactly once in the
 * solution fails that test.
 */
import type { Mistake } from '@rnn-course/grader/mistakes';

export const mistakes: readonly Mistake[] = [
  // The scores divided by dk instead of √dk (eq. 4.2): wide heads attend almost uniformly.
  {
    name: 'scores-scaled-by-d',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'const s = 1 / Math.sqrt(dk);',
        replace: 'const s = 1 / dk; // MISTAKE: dk where √dk belongs',
      },
    ],
    points: [/divided by dk/, /√dk/],
  },
  // The scores not scaled at all.
  {
    name: 'scores-not-scaled',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'const s = 1 / Math.sqrt(dk);',
        replace: 'const s = 1; // MISTAKE: Q Kᵀ not divided by √dk',
      },
    ],
    points: [/not scaled/, /√dk/],
  },
  // The softmax over the queries (axis −2) instead of the keys: columns, not rows, sum to 1.
  {
    name: 'softmax-over-queries',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'const weights = softmax(S, -1); // [..., Tq, Tk]',
        replace: 'const weights = softmax(S, -2); // MISTAKE: over the queries, not the keys',
      },
    ],
    points: [/over the queries/, /keys/],
  },
  // The softmax's backward without its coupling term: dS = A ⊙ dA.
  {
    name: 'softmax-backward-without-row-sum',
    exercise: 'transformer-bridge/scaled-dot-product-attention-backward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'const dS = mul(A, sub(dA, rowDot)); // [..., Tq, Tk]',
        replace:
          'const dS = mul(A, dA); // MISTAKE: the Σ_l A_il dA_il term is missing\n  void rowDot;',
      },
    ],
    points: [/coupling term/, /Σ_l A_il dA_il/],
  },
  // The mask dropped: blocked keys keep their weight.
  {
    name: 'mask-ignored',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'S = maskedFill(S, sub(1, mask), -Infinity);',
        replace: '// MISTAKE: the mask is never applied to the scores',
      },
    ],
    points: [/mask is ignored/, /−∞/],
  },
  // The mask applied after the softmax, to the weights: the rows no longer sum to 1.
  {
    name: 'mask-after-softmax',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'S = maskedFill(S, sub(1, mask), -Infinity);',
        replace: '// MISTAKE: the scores are left as they are; the mask comes after the softmax',
      },
      {
        find: 'const weights = softmax(S, -1); // [..., Tq, Tk]',
        replace: 'const weights = mask === undefined ? softmax(S, -1) : mul(softmax(S, -1), mask);',
      },
    ],
    points: [/multiplied by the mask after the softmax/, /before the softmax/],
  },
  // Blocked scores set to 0 instead of −∞: a blocked key still has weight e^0 before normalising.
  {
    name: 'mask-filled-with-zero',
    exercise: 'transformer-bridge/scaled-dot-product-attention-forward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'S = maskedFill(S, sub(1, mask), -Infinity);',
        replace: 'S = maskedFill(S, sub(1, mask), 0); // MISTAKE: 0 where −∞ belongs',
      },
    ],
    points: [/set to 0, not −∞/, /e\^−∞ is exactly 0/],
  },
  // dQ and dK without the factor 1/√dk of S = Q Kᵀ / √dk.
  {
    name: 'attention-backward-without-scale',
    exercise: 'transformer-bridge/scaled-dot-product-attention-backward',
    file: 'transformer-bridge/scaled-dot-product-attention.ts',
    edits: [
      {
        find: 'const dQ = scale(matmul(dS, K), s);',
        replace: 'const dQ = matmul(dS, K); // MISTAKE: the 1/√dk of the scores is forgotten',
      },
      {
        find: 'const dK = scale(matmul(transpose(dS), Q), s);',
        replace: 'const dK = matmul(transpose(dS), Q);',
      },
    ],
    points: [/missing the factor s = 1\/√dk/, /dQ and dK/],
  },
  // Head i given features i, i + h, i + 2h, … (a reshape to [N, T, dk, h]) instead of a block.
  {
    name: 'heads-split-in-wrong-order',
    exercise: 'transformer-bridge/multi-head-attention-forward',
    file: 'transformer-bridge/multi-head-attention.ts',
    edits: [
      {
        find: 'return permute(reshape(x, [N, T, h, E / h]), [0, 2, 1, 3]);',
        replace:
          'return permute(reshape(x, [N, T, E / h, h]), [0, 3, 1, 2]); // MISTAKE: dk before h',
      },
    ],
    points: [/split in the wrong order/, /\[N, T, h, dk\]/],
  },
  // The heads' outputs interleaved feature by feature instead of concatenated head by head.
  {
    name: 'heads-merged-in-wrong-order',
    exercise: 'transformer-bridge/multi-head-attention-forward',
    file: 'transformer-bridge/multi-head-attention.ts',
    edits: [
      {
        find: 'return reshape(permute(x, [0, 2, 1, 3]), [N, T, h * dk]);',
        replace:
          'return reshape(permute(x, [0, 2, 3, 1]), [N, T, h * dk]); // MISTAKE: dk before h',
      },
    ],
    points: [/merged in the wrong order/, /head 0 first/],
  },
  // The gradient of the merged heads reshaped straight to [N, h, Tq, dk], not split like Q.
  {
    name: 'head-gradient-not-split-like-the-heads',
    exercise: 'transformer-bridge/multi-head-attention-backward',
    file: 'transformer-bridge/multi-head-attention.ts',
    edits: [
      {
        find: 'const dheads = splitHeads(o.dx, numHeads); // [N, h, Tq, dk]',
        replace:
          'const dheads = reshape(o.dx, attention.Q.shape); // MISTAKE: reshaped, not split like Q',
      },
    ],
    points: [/dWo and dbo are right/, /split the gradient of the merged heads/i],
  },
  // Sine on the odd features and cosine on the even ones.
  {
    name: 'sine-and-cosine-swapped',
    exercise: 'transformer-bridge/sinusoidal-positional-encoding',
    file: 'transformer-bridge/sinusoidal-positional-encoding.ts',
    edits: [
      {
        find: 'PE.set(k % 2 === 0 ? Math.sin(angle) : Math.cos(angle), t, k);',
        replace:
          'PE.set(k % 2 === 0 ? Math.cos(angle) : Math.sin(angle), t, k); // MISTAKE: swapped',
      },
    ],
    points: [/Sine and cosine are on the wrong features/, /even/],
  },
  // The exponent 2i/D written with the feature index k: the two features of a pair differ.
  {
    name: 'frequency-per-feature-not-per-pair',
    exercise: 'transformer-bridge/sinusoidal-positional-encoding',
    file: 'transformer-bridge/sinusoidal-positional-encoding.ts',
    edits: [
      {
        find: 'const angle = t / base ** ((2 * i) / D);',
        replace: 'const angle = t / base ** (k / D); // MISTAKE: k, not 2i',
      },
    ],
    points: [/feature index k/, /share one frequency/],
  },
  // Sines in the first half of the features and cosines in the second (concatenated, not
  // interleaved), a layout some libraries use.
  {
    name: 'sine-and-cosine-in-halves',
    exercise: 'transformer-bridge/sinusoidal-positional-encoding',
    file: 'transformer-bridge/sinusoidal-positional-encoding.ts',
    edits: [
      {
        find: 'const i = Math.floor(k / 2); // features 2i and 2i + 1 share one frequency',
        replace:
          'const half = Math.ceil(D / 2); // MISTAKE: sines first, then cosines\n      const i = k < half ? k : k - half;',
      },
      {
        find: 'PE.set(k % 2 === 0 ? Math.sin(angle) : Math.cos(angle), t, k);',
        replace: 'PE.set(k < half ? Math.sin(angle) : Math.cos(angle), t, k);',
      },
    ],
    points: [/first half of the features/, /interleaves them/],
  },
  // Positions counted from 1: row 0 is no longer sin 0 = 0, cos 0 = 1.
  {
    name: 'positions-start-at-one',
    exercise: 'transformer-bridge/sinusoidal-positional-encoding',
    file: 'transformer-bridge/sinusoidal-positional-encoding.ts',
    edits: [
      {
        find: 'const angle = t / base ** ((2 * i) / D);',
        replace: 'const angle = (t + 1) / base ** ((2 * i) / D); // MISTAKE: positions from 1',
      },
    ],
    points: [/positions start at 1/, /t = 0/],
  },
  // The exponent i/D instead of 2i/D: the wavelengths stop at 100·2π for D features.
  {
    name: 'exponent-i-over-d',
    exercise: 'transformer-bridge/sinusoidal-positional-encoding',
    file: 'transformer-bridge/sinusoidal-positional-encoding.ts',
    edits: [
      {
        find: 'const angle = t / base ** ((2 * i) / D);',
        replace: 'const angle = t / base ** (i / D); // MISTAKE: i/D, not 2i/D',
      },
    ],
    points: [/exponent is i\/D/, /2i\/D/],
  },
  // A causal mask that lets query i also see key i + 1.
  {
    name: 'causal-mask-sees-the-next-position',
    exercise: 'transformer-bridge/causal-mask',
    file: 'transformer-bridge/causal-mask.ts',
    edits: [
      {
        find: 'for (let j = 0; j <= i; j++) M.set(1, i, j);',
        replace:
          'for (let j = 0; j <= Math.min(i + 1, T - 1); j++) M.set(1, i, j); // MISTAKE: i + 1 too',
      },
    ],
    points: [/see key i \+ 1/, /j ≤ i/],
  },
  // A causal mask without its diagonal: query 0 sees nothing at all.
  {
    name: 'causal-mask-without-diagonal',
    exercise: 'transformer-bridge/causal-mask',
    file: 'transformer-bridge/causal-mask.ts',
    edits: [
      {
        find: 'for (let j = 0; j <= i; j++) M.set(1, i, j);',
        replace: 'for (let j = 0; j < i; j++) M.set(1, i, j); // MISTAKE: j < i',
      },
    ],
    points: [/diagonal is blocked/, /j ≤ i/],
  },
  // The mask transposed: query i sees the keys after it, j ≥ i.
  {
    name: 'causal-mask-transposed',
    exercise: 'transformer-bridge/causal-mask',
    file: 'transformer-bridge/causal-mask.ts',
    edits: [
      {
        find: 'for (let j = 0; j <= i; j++) M.set(1, i, j);',
        replace: 'for (let j = 0; j <= i; j++) M.set(1, j, i); // MISTAKE: row and column swapped',
      },
    ],
    points: [/transposed/, /keys j ≤ i/],
  },
  // PyTorch's boolean sense (True = blocked, torch.triu(ones, 1)) in a course whose masks hold 1
  // where attention is allowed.
  {
    name: 'causal-mask-in-pytorch-sense',
    exercise: 'transformer-bridge/causal-mask',
    file: 'transformer-bridge/causal-mask.ts',
    edits: [
      {
        find: 'for (let j = 0; j <= i; j++) M.set(1, i, j);',
        replace: 'for (let j = i + 1; j < T; j++) M.set(1, i, j); // MISTAKE: 1 = blocked',
      },
    ],
    points: [/1 where attention is blocked/, /1 means allowed/],
  },
  // Layer norm with the statistics of the batch (axis 0), as batch normalisation.
  {
    name: 'layer-norm-over-the-batch',
    exercise: 'transformer-bridge/layer-norm-forward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const mu = mean(x, -1, true); // [..., 1]',
        replace: 'const mu = mean(x, 0, true); // MISTAKE: over the batch, not the features',
      },
      {
        find: 'const variance = mean(square(xc), -1, true); // [..., 1], biased: Σ/D',
        replace: 'const variance = mean(square(xc), 0, true);',
      },
    ],
    points: [/over the batch \(axis 0\)/, /D features/],
  },
  // The unbiased variance (divided by D − 1) where nn.LayerNorm uses the biased one.
  {
    name: 'layer-norm-unbiased-variance',
    exercise: 'transformer-bridge/layer-norm-forward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const variance = mean(square(xc), -1, true); // [..., 1], biased: Σ/D',
        replace:
          'const variance = mul(mean(square(xc), -1, true), D / (D - 1)); // MISTAKE: divided by D − 1',
      },
    ],
    points: [/unbiased/, /divided by D\b/],
  },
  // eps added to σ instead of inside the square root.
  {
    name: 'layer-norm-eps-outside-the-root',
    exercise: 'transformer-bridge/layer-norm-forward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const invStd = div(1, sqrt(add(variance, eps))); // [..., 1]',
        replace: 'const invStd = div(1, add(sqrt(variance), eps)); // MISTAKE: √σ² + eps',
      },
    ],
    points: [/inside the square root/],
  },
  // dx of layer norm as if μ and σ were constants: ĝ / σ.
  {
    name: 'layer-norm-backward-without-mean-terms',
    exercise: 'transformer-bridge/layer-norm-backward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const dx = mul(sub(sub(dxhat, meanDxhat), mul(xhat, meanDxhatXhat)), invStd); // [..., D]',
        replace:
          'const dx = mul(dxhat, invStd); // MISTAKE: μ and σ treated as constants\n  void meanDxhat;\n  void meanDxhatXhat;',
      },
    ],
    points: [/missing a term of eq\. 4\.11/, /mean\(ĝ\)/],
  },
  // dgamma left per position instead of summed over every position.
  {
    name: 'layer-norm-dgamma-not-summed',
    exercise: 'transformer-bridge/layer-norm-backward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const dgamma = sum(rows(mul(dout, xhat)), 0); // [D]',
        replace: 'const dgamma = mul(dout, xhat); // MISTAKE: not summed over the positions',
      },
    ],
    points: [/dgamma has shape/, /sums over all of them/],
  },
  // The first residual adds LN1(x) instead of x.
  {
    name: 'residual-adds-the-normalised-input',
    exercise: 'transformer-bridge/transformer-encoder-block-forward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const z = add(x, a.out); // [N, T, E]',
        replace: 'const z = add(ln1.out, a.out); // MISTAKE: LN1(x), not x',
      },
    ],
    points: [/first residual adds LN₁\(x\)/],
  },
  // Attention reading x instead of LN1(x).
  {
    name: 'attention-reads-x-not-its-norm',
    exercise: 'transformer-bridge/transformer-encoder-block-forward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'multiHeadAttentionForward(ln1.out, ln1.out, ln1.out, p.attn, numHeads, mask);',
        replace:
          'multiHeadAttentionForward(x, x, x, p.attn, numHeads, mask); // MISTAKE: x, not LN1(x)',
      },
    ],
    points: [/Attention reads x/, /LN₁\(x\)/],
  },
  // dgamma without x̂: the gradient of the shift β, not of the scale γ.
  {
    name: 'layer-norm-dgamma-without-xhat',
    exercise: 'transformer-bridge/layer-norm-backward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const dgamma = sum(rows(mul(dout, xhat)), 0); // [D]',
        replace: 'const dgamma = sum(rows(dout), 0); // MISTAKE: x̂ left out',
      },
    ],
    points: [/dgamma is Σ dout/, /dout ⊙ x̂/],
  },
  // γ left out of the gradient that reaches x̂.
  {
    name: 'layer-norm-backward-without-gamma',
    exercise: 'transformer-bridge/layer-norm-backward',
    file: 'transformer-bridge/layer-norm.ts',
    edits: [
      {
        find: 'const dxhat = mul(dout, gamma); // [..., D]',
        replace: 'const dxhat = dout; // MISTAKE: γ left out\n  void gamma;',
      },
    ],
    points: [/with dout where ĝ = dout ⊙ γ belongs/],
  },
  // The second residual connection left out: out = FFN(LN₂(z)).
  {
    name: 'block-without-the-second-residual',
    exercise: 'transformer-bridge/transformer-encoder-block-forward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const out = add(z, ffnOut); // [N, T, E]',
        replace: 'const out = ffnOut; // MISTAKE: the residual z + … is missing',
      },
    ],
    points: [/A residual connection is missing/, /out = z \+ FFN\(LN₂\(z\)\)/],
  },
  // The first residual connection left out: z = MHA(LN₁(x)).
  {
    name: 'block-without-the-first-residual',
    exercise: 'transformer-bridge/transformer-encoder-block-forward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const z = add(x, a.out); // [N, T, E]',
        replace: 'const z = a.out; // MISTAKE: the residual x + … is missing',
      },
    ],
    points: [/A residual connection is missing/, /z = x \+ MHA\(LN₁\(x\)\)/],
  },
  // The feed-forward network without its relu.
  {
    name: 'feed-forward-without-relu',
    exercise: 'transformer-bridge/transformer-encoder-block-forward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const hidden = relu(add(matmul(ln2.out, W1), b1));',
        replace: 'const hidden = add(matmul(ln2.out, W1), b1); // MISTAKE: no relu\n  void relu;',
      },
    ],
    points: [/no relu/, /max\(0/],
  },
  // The gradient of z taken from the feed-forward branch alone, without dout from the residual.
  {
    name: 'block-backward-without-the-residual-gradient',
    exercise: 'transformer-bridge/transformer-encoder-block-backward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const dz = add(dout, n2.dx); // [N, T, E]',
        replace: 'const dz = n2.dx; // MISTAKE: the residual z → out is forgotten',
      },
    ],
    points: [/gradient reaching z is dout plus/, /feed-forward branch is right/],
  },
  // LN1(x) fed query, key and value, but only dquery is passed back.
  {
    name: 'block-backward-query-gradient-only',
    exercise: 'transformer-bridge/transformer-encoder-block-backward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const dln1 = add(add(g.dquery, g.dkey), g.dvalue); // [N, T, E]',
        replace: 'const dln1 = g.dquery; // MISTAKE: dkey and dvalue dropped',
      },
    ],
    points: [/dquery \+ dkey \+ dvalue/, /query, the key and the value/],
  },
  // dx without the residual x → z.
  {
    name: 'block-backward-dx-without-the-residual',
    exercise: 'transformer-bridge/transformer-encoder-block-backward',
    file: 'transformer-bridge/transformer-encoder-block.ts',
    edits: [
      {
        find: 'const dx = add(dz, n1.dx);',
        replace: 'const dx = n1.dx; // MISTAKE: the residual x → z is forgotten\n  void add;',
      },
    ],
    points: [/Every parameter gradient is right but dx is not/, /dx = dz \+/],
  },
  // The RNN's Jacobians without the tanh derivative: powers of Whᵀ.
  {
    name: 'rnn-path-without-tanh-derivative',
    exercise: 'transformer-bridge/rnn-path-length-gradient',
    file: 'transformer-bridge/rnn-path-length-gradient.ts',
    edits: [
      {
        find: 'M = matmul(mul(M, slope(t)), transpose(Wh));',
        replace: 'M = matmul(M, transpose(Wh)); // MISTAKE: no diag(1 − h_t²)',
      },
      {
        find: 'const J = matmul(mul(M, slope(0)), transpose(Wx));',
        replace: 'const J = matmul(M, transpose(Wx));\n    void mul;',
      },
    ],
    points: [/no tanh derivative/, /diag\(1 − h_t²\) Whᵀ/],
  },
  // Self-attention's path through the value of x_0 only, without the path through its key.
  {
    name: 'attention-path-without-the-key-path',
    exercise: 'transformer-bridge/self-attention-path-length-gradient',
    file: 'transformer-bridge/self-attention-path-length-gradient.ts',
    edits: [
      {
        find: 'const J = scale(add(valuePath, keyPath), a0); // [dv, D]',
        replace:
          'const J = scale(valuePath, a0); // MISTAKE: the key path is left out\n    void keyPath;\n    void add;',
      },
    ],
    points: [/value path alone/, /key path/],
  },
  // The key path without the 1/√dk of the scores.
  {
    name: 'attention-path-key-path-unscaled',
    exercise: 'transformer-bridge/self-attention-path-length-gradient',
    file: 'transformer-bridge/self-attention-path-length-gradient.ts',
    edits: [
      {
        find: 'const keyPath = scale(matmul(transpose(sub(v0, y)), Wkq), 1 / Math.sqrt(dk));',
        replace: 'const keyPath = matmul(transpose(sub(v0, y)), Wkq); // MISTAKE: no 1/√dk',
      },
    ],
    points: [/missing its 1\/√dk/],
  },
];
