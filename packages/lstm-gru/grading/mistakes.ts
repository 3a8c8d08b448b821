/**
 * The usual mistakes of chapter 2, each written as a small edit of the worked solution in
 * `solutions/<file>`. test/mistakes.test.ts stages each one, grades it with the solutions as its
 * neighbours, and asserts that its exercise fails with a message matching `points`
 * (`describeMistakes` of the grader). An edit whose `find` no longer occurs exactly once in the
 * solution fails that test.
 */
import type { Mistake } from '@rnn-course/grader/mistakes';

export const mistakes: readonly Mistake[] = [
  // CS231n's assignment slices the LSTM's blocks as i, f, o, g; PyTorch's order is i, f, g, o.
  {
    name: 'lstm-gate-order-ifog',
    exercise: 'lstm-gru/lstm-step-forward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const g = tanh(narrow(a, 1, 2 * H, H)); // [N, H]',
        replace: "const g = tanh(narrow(a, 1, 3 * H, H)); // MISTAKE: CS231n's order i, f, o, g",
      },
      {
        find: 'const o = sigmoid(narrow(a, 1, 3 * H, H)); // [N, H]',
        replace: 'const o = sigmoid(narrow(a, 1, 2 * H, H));',
      },
    ],
    points: [/i, f, o, g/, /PyTorch's order i, f, g, o/],
  },
  // TensorFlow's BasicLSTMCell adds forget_bias = 1 inside the cell; here the 1 is an initial b.
  {
    name: 'lstm-forget-bias-added-in-cell',
    exercise: 'lstm-gru/lstm-step-forward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const f = sigmoid(narrow(a, 1, H, H)); // [N, H]',
        replace:
          'const f = sigmoid(add(narrow(a, 1, H, H), 1)); // MISTAKE: forget_bias inside the cell',
      },
    ],
    points: [/σ\(a\^f \+ 1\)/, /initialised/],
  },
  // The forget gate multiplies h_{t−1} where eq. 2.3 has c_{t−1}.
  {
    name: 'lstm-forget-gate-on-hidden-state',
    exercise: 'lstm-gru/lstm-step-forward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const nextC = add(mul(f, prevC), mul(i, g)); // [N, H]',
        replace: 'const nextC = add(mul(f, prevH), mul(i, g)); // MISTAKE: f ⊙ h_{t−1}',
      },
    ],
    points: [/forget gate multiplies prevH/, /c_\{t−1\}/],
  },
  // The output reads the old cell state: h_t = o ⊙ tanh(c_{t−1}).
  {
    name: 'lstm-output-of-previous-cell',
    exercise: 'lstm-gru/lstm-step-forward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const tanhC = tanh(nextC); // [N, H]',
        replace: 'const tanhC = tanh(prevC); // MISTAKE: c_{t−1} where c_t belongs',
      },
    ],
    points: [/tanh\(c_\{t−1\}\)/, /new cell state/],
  },
  // The output without the tanh: h_t = o ⊙ c_t.
  {
    name: 'lstm-output-without-tanh',
    exercise: 'lstm-gru/lstm-step-forward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const nextH = mul(o, tanhC); // [N, H]',
        replace: 'const nextH = mul(o, nextC); // MISTAKE: no tanh on c_t',
      },
    ],
    points: [/without the tanh/, /o ⊙ tanh\(c_t\)/],
  },
  // δc takes dnextC only: the path from c_t through h_t = o ⊙ tanh(c_t) is lost (eq. 2.5).
  {
    name: 'lstm-dc-without-path-through-h',
    exercise: 'lstm-gru/lstm-step-backward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const dc = add(dnextC, mul(mul(dnextH, o), sub(onesLike(tanhC), square(tanhC)))); // [N, H]',
        replace: 'const dc = dnextC; // MISTAKE: the path through h_t is missing',
      },
    ],
    points: [/missing the path through h_t/, /eq\. 2\.5/],
  },
  // σ′ and tanh′ evaluated on the pre-activations kept in the cache.
  {
    name: 'lstm-gate-derivatives-on-preactivation',
    exercise: 'lstm-gru/lstm-step-backward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'readonly tanhC: Tensor; // [N, H] tanh(c_t)',
        replace:
          'readonly tanhC: Tensor; // [N, H] tanh(c_t)\n  readonly a: Tensor; // [N, 4H] the pre-activation',
      },
      {
        find: 'cache: { x, prevH, prevC, Wx, Wh, i, f, g, o, tanhC } };',
        replace: 'cache: { x, prevH, prevC, Wx, Wh, i, f, g, o, tanhC, a } };',
      },
      {
        find:
          '  const dai = mul(di, mul(i, sub(onesLike(i), i))); // [N, H]\n' +
          '  const daf = mul(df, mul(f, sub(onesLike(f), f))); // [N, H]\n' +
          '  const dag = mul(dg, sub(onesLike(g), square(g))); // [N, H]\n' +
          '  const dao = mul(dO, mul(o, sub(onesLike(o), o))); // [N, H]\n',
        replace:
          '  const H = i.shape[1] as number; // MISTAKE: derivatives on the pre-activations\n' +
          '  const A = (k: number) => narrow(cache.a, 1, k * H, H);\n' +
          '  const dai = mul(di, mul(A(0), sub(onesLike(i), A(0))));\n' +
          '  const daf = mul(df, mul(A(1), sub(onesLike(f), A(1))));\n' +
          '  const dag = mul(dg, sub(onesLike(g), square(A(2))));\n' +
          '  const dao = mul(dO, mul(A(3), sub(onesLike(o), A(3))));\n',
      },
    ],
    points: [/pre-activations/, /read off the gate values/],
  },
  // dprevC = δc: the forget gate is left out on the way back.
  {
    name: 'lstm-dprevc-without-forget-gate',
    exercise: 'lstm-gru/lstm-step-backward',
    file: 'lstm-gru/lstm-step.ts',
    edits: [
      {
        find: 'const dprevC = mul(dc, f); // [N, H]: the constant error carousel, eq. 2.10',
        replace: 'const dprevC = dc; // MISTAKE: the forget gate is missing',
      },
    ],
    points: [/dprevC is δc itself/, /δc ⊙ f/],
  },
  // The forward restarts every step from c0: the cell state is not carried.
  {
    name: 'lstm-forward-cell-not-carried',
    exercise: 'lstm-gru/lstm-forward',
    file: 'lstm-gru/lstm.ts',
    edits: [{ find: 'prevC = step.nextC;', replace: 'prevC = c0; // MISTAKE: c0, not c_{t−1}' }],
    points: [/started from c0/, /prevC is the previous step's nextC/],
  },
  // BPTT drops the cell gradient arriving from step t+1 (eq. 2.9).
  {
    name: 'lstm-bptt-cell-gradient-not-carried',
    exercise: 'lstm-gru/lstm-backward',
    file: 'lstm-gru/lstm.ts',
    edits: [
      {
        find: 'add(timeStep(dc, t), dnextC), // [N, H]',
        replace: 'timeStep(dc, t), // MISTAKE: dprevC of step t+1 is not added',
      },
    ],
    points: [/cell state's gradient from step t\+1 is not carried/, /dprevC/],
  },
  // BPTT drops the hidden gradient arriving from step t+1.
  {
    name: 'lstm-bptt-hidden-gradient-not-carried',
    exercise: 'lstm-gru/lstm-backward',
    file: 'lstm-gru/lstm.ts',
    edits: [
      {
        find: 'add(timeStep(dh, t), dnextH), // [N, H]',
        replace: 'timeStep(dh, t), // MISTAKE: dprevH of step t+1 is not added',
      },
    ],
    points: [/hidden state's gradient from step t\+1 is not carried/, /dprevH/],
  },
  // The parameter gradients overwritten at every step instead of summed over time.
  {
    name: 'lstm-param-grads-overwritten',
    exercise: 'lstm-gru/lstm-backward',
    file: 'lstm-gru/lstm.ts',
    edits: [
      { find: 'dWx = add(dWx, g.dWx);', replace: 'dWx = g.dWx; // MISTAKE: overwritten' },
      { find: 'dWh = add(dWh, g.dWh);', replace: 'dWh = g.dWh;' },
      { find: 'db = add(db, g.db);', replace: 'db = g.db;' },
    ],
    points: [/shared by every step/, /add up/],
  },
  // z and 1 − z swapped: z admits the candidate (some papers' convention, not PyTorch's).
  {
    name: 'gru-z-and-one-minus-z-swapped',
    exercise: 'lstm-gru/gru-step-forward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'const nextH = add(mul(sub(onesLike(z), z), n), mul(z, prevH)); // [N, H]',
        replace:
          'const nextH = add(mul(z, n), mul(sub(onesLike(z), z), prevH)); // MISTAKE: swapped',
      },
    ],
    points: [/z and 1 − z are swapped/, /z keeps the old state/],
  },
  // The reset gate applied to h_{t−1} before the matrix product (Cho et al.'s form).
  {
    name: 'gru-reset-before-matmul',
    exercise: 'lstm-gru/gru-step-forward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'const n = tanh(add(narrow(ax, 1, 2 * H, H), mul(r, hn))); // [N, H]',
        replace:
          'const hnReset = add(matmul(mul(r, prevH), narrow(Wh, 1, 2 * H, H)), narrow(bh, 0, 2 * H, H)); // MISTAKE\n' +
          '  const n = tanh(add(narrow(ax, 1, 2 * H, H), hnReset));',
      },
    ],
    points: [/before the matrix product/, /r ⊙ \(h_\{t−1\} Wh\^n \+ bh\^n\)/],
  },
  // One bias where PyTorch has two: bh folded into bx, so bh^n ends up outside the reset product.
  {
    name: 'gru-one-bias',
    exercise: 'lstm-gru/gru-step-forward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'const ax = add(matmul(x, Wx), bx); // [N, 3H]',
        replace: 'const ax = add(matmul(x, Wx), add(bx, bh)); // MISTAKE: one bias, as in the LSTM',
      },
      {
        find: 'const ah = add(matmul(prevH, Wh), bh); // [N, 3H]',
        replace: 'const ah = matmul(prevH, Wh);',
      },
    ],
    points: [/as if the GRU had one bias/, /PyTorch keeps two/],
  },
  // dprevH without the direct path dnextH ⊙ z.
  {
    name: 'gru-backward-without-direct-path',
    exercise: 'lstm-gru/gru-step-backward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'const dprevH = add(dprevHDirect, matmul(dah, transpose(Wh))); // [N, H]: both paths',
        replace:
          'const dprevH = matmul(dah, transpose(Wh)); // MISTAKE: the direct path is missing\n' +
          '  void dprevHDirect;',
      },
    ],
    points: [/missing the direct path/, /dnextH ⊙ z/],
  },
  // The recurrent n block given δaⁿ, as if bh^n sat outside the reset product.
  {
    name: 'gru-backward-recurrent-block-without-reset',
    exercise: 'lstm-gru/gru-step-backward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'const dah = concat([dar, daz, dhn], 1); // [N, 3H], gradient of h_{t−1} Wh + bh',
        replace: 'const dah = concat([dar, daz, dan], 1); // MISTAKE: the reset gate is left out',
      },
    ],
    points: [/outside the reset product/, /δaⁿ ⊙ r/],
  },
  // The GRU's σ′ and tanh′ evaluated on the pre-activations kept in the cache.
  {
    name: 'gru-gate-derivatives-on-preactivation',
    exercise: 'lstm-gru/gru-step-backward',
    file: 'lstm-gru/gru-step.ts',
    edits: [
      {
        find: 'readonly hn: Tensor; // [N, H] h_{t−1} Wh^n + bh^n, the product the reset gate scales',
        replace:
          'readonly hn: Tensor; // [N, H] h_{t−1} Wh^n + bh^n, the product the reset gate scales\n' +
          '  readonly pre: Tensor[]; // MISTAKE: the pre-activations of r, z and n',
      },
      {
        find: 'return { nextH, cache: { x, prevH, Wx, Wh, r, z, n, hn } };',
        replace:
          'const pre = [0, 1].map((k) => add(narrow(ax, 1, k * H, H), narrow(ah, 1, k * H, H)));\n' +
          '  pre.push(add(narrow(ax, 1, 2 * H, H), mul(r, hn)));\n' +
          '  return { nextH, cache: { x, prevH, Wx, Wh, r, z, n, hn, pre } };',
      },
      {
        find: 'const dan = mul(dn, sub(onesLike(n), square(n))); // [N, H]',
        replace:
          'const [ar, az, an] = cache.pre as [Tensor, Tensor, Tensor];\n' +
          '  const dan = mul(dn, sub(onesLike(n), square(an))); // MISTAKE: 1 − a², not 1 − n²',
      },
      {
        find: 'const dar = mul(dr, mul(r, sub(onesLike(r), r))); // [N, H]',
        replace: 'const dar = mul(dr, mul(ar, sub(onesLike(r), ar)));',
      },
      {
        find: 'const daz = mul(dz, mul(z, sub(onesLike(z), z))); // [N, H]',
        replace: 'const daz = mul(dz, mul(az, sub(onesLike(z), az)));',
      },
    ],
    points: [/pre-activations/, /r ⊙ \(1 − r\)/],
  },
  // The loader reshapes weight_ih_l0 [4H, D] to [D, 4H] where eq. 2.20 transposes it.
  {
    name: 'lstm-load-reshape-not-transpose',
    exercise: 'lstm-gru/lstm-load-state-dict',
    file: 'lstm-gru/lstm.ts',
    edits: [
      { find: '  noGrad,\n', replace: '  noGrad,\n  reshape,\n' },
      {
        find: 'Wx: trainable(transpose(sd.weight_ih_l0)), // [4H, D] -> [D, 4H]',
        replace:
          'Wx: trainable(reshape(sd.weight_ih_l0, [sizes.inputSize, 4 * sizes.hiddenSize])), // MISTAKE',
      },
    ],
    points: [/reshaped to \[3, 8\]/, /a transpose moves row j to column j/],
  },
  // GRU BPTT drops the gradient arriving from step t+1.
  {
    name: 'gru-bptt-gradient-not-carried',
    exercise: 'lstm-gru/gru-backward',
    file: 'lstm-gru/gru.ts',
    edits: [
      {
        find: 'const g = gruStepBackward(add(timeStep(dh, t), dnextH), cache.steps[t] as GruStepCache);',
        replace:
          'const g = gruStepBackward(timeStep(dh, t), cache.steps[t] as GruStepCache); // MISTAKE',
      },
    ],
    points: [/not carried/, /dprevH that step t\+1 returned/],
  },
  // The LSTM's b loaded from one of PyTorch's two biases.
  {
    name: 'lstm-load-one-bias',
    exercise: 'lstm-gru/lstm-load-state-dict',
    file: 'lstm-gru/lstm.ts',
    edits: [
      {
        find: 'b: trainable(add(sd.bias_ih_l0, sd.bias_hh_l0)), // [4H]: PyTorch adds its two biases',
        replace: 'b: trainable(sd.bias_ih_l0), // MISTAKE: bias_hh_l0 is dropped',
      },
    ],
    points: [/b is one of the two biases/, /their sum/],
  },
  // The GRU's biases summed into bx as for the LSTM, bh zero.
  {
    name: 'gru-load-biases-summed',
    exercise: 'lstm-gru/gru-load-state-dict',
    file: 'lstm-gru/gru.ts',
    edits: [
      {
        find: 'bx: trainable(sd.bias_ih_l0), // [3H]',
        replace:
          'bx: trainable(add(sd.bias_ih_l0, sd.bias_hh_l0)), // MISTAKE: summed, as for the LSTM',
      },
      {
        find: 'bh: trainable(sd.bias_hh_l0), // [3H]: apart, its n block sits inside r ⊙ (...)',
        replace: 'bh: trainable(zeros([3 * sizes.hiddenSize])),',
      },
    ],
    points: [/sum of the two biases/, /needs them apart/],
  },
  // The LSTM saved with b in both biases: PyTorch adds them and computes with 2b.
  {
    name: 'lstm-save-b-in-both-biases',
    exercise: 'lstm-gru/lstm-state-dict',
    file: 'lstm-gru/lstm.ts',
    edits: [
      {
        find: 'bias_hh_l0: zeros(b.shape).toArray(), // [4H]: ... so that the sum PyTorch uses is b',
        replace: 'bias_hh_l0: b.toArray(), // MISTAKE: b in both',
      },
    ],
    points: [/add up to 2b/, /zeros in the other/],
  },
];
