/**
 * The usual mistakes of chapter 1, each written as a small edit of the worked solution in
 * `solutions/<file>`. test/mistakes.test.ts stages each one, grades it with the solutions as its
 * neighbours, and asserts that its exercise fails with a message matching `points`
 * (`describeMistakes` of the grader). An edit whose `find` no longer occurs exactly once in the
 * solution fails that test.
 */
import type { Mistake } from '@rnn-course/grader/mistakes';

export const mistakes: readonly Mistake[] = [
  // BPTT forgets the gradient arriving at h_t from step t+1 (eq. 1.4): only the last step is right.
  {
    name: 'no-gradient-from-next-step',
    exercise: 'rnn/rnn-backward',
    file: 'rnn/rnn.ts',
    edits: [
      {
        find: 'const dht = add(timeStep(dh, t), dnext); // [N, H]',
        replace:
          'const dht = timeStep(dh, t); // MISTAKE: dnext, the gradient from step t+1, is not added',
      },
    ],
    points: [/step t\+1/, /right at (the last )?step 4/],
  },
  // dWh of one step multiplies da by h_t (nextH), the step's output, where eq. 1.3 needs h_{t−1}.
  {
    name: 'dwh-uses-current-h',
    exercise: 'rnn/rnn-step-backward',
    file: 'rnn/rnn-step.ts',
    edits: [
      {
        find: 'const dWh = matmul(transpose(prevH), da); // [H, N]·[N, H] = [H, H], uses h_{t−1}, not h_t',
        replace: 'const dWh = matmul(transpose(nextH), da); // MISTAKE: h_t where h_{t−1} belongs',
      },
    ],
    points: [/h_\{t-1\}/, /dWh/],
  },
  // The same through time: each step is handed h_t as its h_{t−1}, so dWh sums h_tᵀ da.
  {
    name: 'dwh-uses-current-h-in-sequence',
    exercise: 'rnn/rnn-backward',
    file: 'rnn/rnn.ts',
    edits: [
      {
        find: 'const g = rnnStepBackward(dht, cache.steps[t]);',
        replace:
          'const step = cache.steps[t];\n' +
          '    const g = rnnStepBackward(dht, { ...step, prevH: step.nextH }); // MISTAKE: dWh from h_t, not h_{t−1}',
      },
    ],
    points: [/h_\{t-1\}/, /dWh/],
  },
  // The tanh derivative taken as 1 − a² of the pre-activation a, where it is 1 − tanh(a)² = 1 − h_t².
  {
    name: 'tanh-derivative-on-preactivation',
    exercise: 'rnn/rnn-step-backward',
    file: 'rnn/rnn-step.ts',
    edits: [
      {
        find: 'readonly nextH: Tensor; // [N, H]',
        replace:
          'readonly nextH: Tensor; // [N, H]\n  readonly a: Tensor; // [N, H] the pre-activation',
      },
      {
        find: 'cache: { x, prevH, Wx, Wh, nextH } };',
        replace: 'cache: { x, prevH, Wx, Wh, nextH, a } };',
      },
      {
        find: 'const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]',
        replace:
          'const da = mul(dnextH, sub(onesLike(cache.a), square(cache.a))); // MISTAKE: 1 − a², not 1 − tanh(a)²',
      },
    ],
    points: [/pre-activation/, /1 − h_t²/],
  },
  // db of one step left per example, [N, H], instead of summed over the batch to [H].
  {
    name: 'db-not-summed-over-batch',
    exercise: 'rnn/rnn-step-backward',
    file: 'rnn/rnn-step.ts',
    edits: [
      {
        find: 'const db = sum(da, 0); // [H]',
        replace: 'const db = da; // MISTAKE: [N, H], not summed over the batch',
      },
    ],
    points: [/summed over the batch/, /\bdb\b/],
  },
  // db of the temporal affine layer summed over time but not over the batch: [N, V], not [V].
  {
    name: 'temporal-affine-db-not-summed-over-batch',
    exercise: 'rnn/temporal-affine-backward',
    file: 'rnn/temporal-affine.ts',
    edits: [
      {
        find: 'const db = sum(dout2, 0); // [V]',
        replace: 'const db = sum(dout, 1); // MISTAKE: [N, V], summed over time only',
      },
    ],
    points: [/not over the batch/, /\bdb\b/],
  },
  // The parameter gradients overwritten at every step instead of summed over time (eq. 1.5).
  {
    name: 'param-grads-overwritten-over-time',
    exercise: 'rnn/rnn-backward',
    file: 'rnn/rnn.ts',
    edits: [
      {
        find: 'dWx = add(dWx, g.dWx);',
        replace: 'dWx = g.dWx; // MISTAKE: overwritten, not summed over time',
      },
      { find: 'dWh = add(dWh, g.dWh);', replace: 'dWh = g.dWh;' },
      { find: 'db = add(db, g.db);', replace: 'db = g.db;' },
    ],
    points: [/summed over time/],
  },
  // dW[id] overwritten, so an id that occurs several times keeps only its last gradient.
  {
    name: 'embedding-overwrites-repeated-ids',
    exercise: 'rnn/word-embedding-backward',
    file: 'rnn/word-embedding.ts',
    edits: [
      {
        find: 'dW.data[id * D + d] += dout.data[src + d];',
        replace: 'dW.data[id * D + d] = dout.data[src + d]; // MISTAKE: = where += belongs',
      },
    ],
    points: [/accumulate/, /more than once/],
  },
  // The loss and its gradient divided by the number of unmasked tokens where the chapter divides by N.
  {
    name: 'loss-mean-over-tokens',
    exercise: 'rnn/temporal-softmax-loss-and-grad',
    file: 'rnn/temporal-softmax-loss.ts',
    edits: [
      {
        find: 'let loss = 0;',
        replace:
          'let loss = 0;\n  const count = mask.flat().reduce((s, m) => s + m, 0); // MISTAKE: divides by the unmasked tokens, not N',
      },
      {
        find: '(m * (logSumExp - z[row + y])) / N;',
        replace: '(m * (logSumExp - z[row + y])) / count;',
      },
      {
        find: '(m * (p - (v === y ? 1 : 0))) / N;',
        replace: '(m * (p - (v === y ? 1 : 0))) / count;',
      },
    ],
    points: [/normalis/, /batch size/],
  },
  // The softmax of the loss exponentiates the raw logits: exp overflows for logits near 1000.
  {
    name: 'softmax-without-max',
    exercise: 'rnn/temporal-softmax-loss-and-grad',
    file: 'rnn/temporal-softmax-loss.ts',
    edits: [
      {
        find: 'for (let v = 0; v < V; v++) max = Math.max(max, z[row + v]);',
        replace: "max = 0; // MISTAKE: the row's maximum is not subtracted",
      },
    ],
    points: [/overflow/, /NaN|Infinity/, /maximum/],
  },
  // Each gradient clipped by its own norm instead of all of them by one factor from the global norm.
  {
    name: 'clip-each-tensor-separately',
    exercise: 'rnn/clip-grad-norm',
    file: 'rnn/clip-grad-norm.ts',
    edits: [
      {
        find: "const scaled = g.data.map((v) => v * factor); // new data, never the input's",
        replace:
          "const own = Math.sqrt(g.data.reduce((s, v) => s + v * v, 0)); // MISTAKE: this tensor's norm, not the global one\n" +
          '    const scaled = g.data.map((v) => v * Math.min(1, maxNorm / (own + 1e-6)));',
      },
    ],
    points: [/global norm/, /own norm/],
  },
  // The temperature divides the probabilities after exp, and normalising undoes it: every τ samples like τ = 1.
  {
    name: 'temperature-after-softmax',
    exercise: 'rnn/sample-with-temperature',
    file: 'rnn/sample-with-temperature.ts',
    edits: [
      {
        find: 'const z = Array.from(logits.data, (v) => v / temperature);',
        replace: 'const z = Array.from(logits.data);',
      },
      {
        find: 'const e = z.map((v) => Math.exp(v - max));',
        replace:
          'const e = z.map((v) => Math.exp(v - max) / temperature); // MISTAKE: τ applied after exp',
      },
    ],
    points: [/before the softmax/, /temperature/],
  },
  // The softmax of logits / τ without subtracting the maximum: exp overflows at small temperatures.
  {
    name: 'sampling-without-max',
    exercise: 'rnn/sample-with-temperature',
    file: 'rnn/sample-with-temperature.ts',
    edits: [
      {
        find: 'const max = Math.max(...z);',
        replace: 'const max = 0; // MISTAKE: the maximum of z is not subtracted',
      },
    ],
    points: [/overflow/, /maximum/],
  },
  // hNext is the chunk's first hidden state, not its last, so the next chunk does not continue from it.
  {
    name: 'tbptt-hnext-not-carried',
    exercise: 'rnn/tbptt-step',
    file: 'rnn/tbptt-step.ts',
    edits: [
      {
        find: 'const hNext = timeStep(rnn.h, T - 1).detach(); // [N, H]',
        replace: 'const hNext = timeStep(rnn.h, 0).detach(); // MISTAKE: step 0, not T − 1',
      },
    ],
    points: [/hNext/, /last/],
  },
  // Every chunk starts from zeros instead of hPrev, so nothing is carried between chunks.
  {
    name: 'tbptt-ignores-hprev',
    exercise: 'rnn/tbptt-step',
    file: 'rnn/tbptt-step.ts',
    edits: [
      {
        find: "import { assertShape, timeStep } from '@rnn-course/core';",
        replace: "import { assertShape, timeStep, zerosLike } from '@rnn-course/core';",
      },
      {
        find: 'const rnn = rnnForward(emb.out, hPrev, Wx, Wh, b); // [N, T, H]',
        replace:
          'const rnn = rnnForward(emb.out, zerosLike(hPrev), Wx, Wh, b); // MISTAKE: zeros, not hPrev',
      },
    ],
    points: [/hPrev/, /zeros/],
  },
  // Every step of the forward starts from h0 instead of h_{t−1}: step 0 is right, every later step wrong.
  {
    name: 'sequence-forward-restarts-from-h0',
    exercise: 'rnn/rnn-forward',
    file: 'rnn/rnn.ts',
    edits: [
      {
        find: 'rnnStepForward(timeStep(x, t), prevH, Wx, Wh, b); // [N, H]',
        replace: 'rnnStepForward(timeStep(x, t), h0, Wx, Wh, b); // MISTAKE: h0, not h_{t−1}',
      },
    ],
    points: [/h_\{t-1\}/, /h0/],
  },
  // The Jacobian of one step taken as Whᵀ alone, without the tanh derivative diag(1 − h_k²) (eq. 1.14).
  {
    name: 'gradient-norms-without-tanh-derivative',
    exercise: 'rnn/hidden-gradient-norms',
    file: 'rnn/hidden-gradient-norms.ts',
    edits: [
      {
        find: 'J = matmul(J, step); // [H, H]',
        replace:
          'J = matmul(J, WhT); // MISTAKE: Whᵀ alone, without the tanh derivative diag(1 − h_k²)',
      },
    ],
    points: [/tanh derivative/, /diag\(1 − h_k²\)/],
  },
  // The loss as −log of the softmax probability: a target 2e4 below its row's maximum has p = 0
  // in float64, so the loss is −log 0 = Infinity where the log-sum-exp form is finite.
  {
    name: 'loss-as-log-of-probability',
    exercise: 'rnn/temporal-softmax-loss-and-grad',
    file: 'rnn/temporal-softmax-loss.ts',
    edits: [
      {
        find: 'loss += (m * (logSumExp - z[row + y])) / N;',
        replace:
          'loss += (m * -Math.log(Math.exp(z[row + y] - max) / sumExp)) / N; // MISTAKE: the log of a probability',
      },
    ],
    points: [/Infinity/, /log-sum-exp form/],
  },
  // Below maxNorm the caller's own tensors are handed back: updating them changes the gradients.
  {
    name: 'clip-returns-inputs-below-max-norm',
    exercise: 'rnn/clip-grad-norm',
    file: 'rnn/clip-grad-norm.ts',
    edits: [
      {
        find: 'const factor = Math.min(1, maxNorm / (totalNorm + 1e-6));',
        replace:
          'const factor = Math.min(1, maxNorm / (totalNorm + 1e-6));\n' +
          '  if (factor === 1) return { grads: { ...grads }, totalNorm }; // MISTAKE: the inputs themselves',
      },
    ],
    points: [/returned its input \w+ itself/, /new tensors/],
  },
  // maxNorm is used unchecked: 0 zeroes every gradient instead of being refused.
  {
    name: 'max-norm-not-checked',
    exercise: 'rnn/clip-grad-norm',
    file: 'rnn/clip-grad-norm.ts',
    edits: [
      {
        find: 'if (!(maxNorm > 0))\n    throw new RangeError(`clipGradNorm: maxNorm must be > 0, received ${maxNorm}`);',
        replace: '// MISTAKE: maxNorm is not checked',
      },
    ],
    points: [/maxNorm = 0/, /RangeError naming maxNorm/],
  },
  // An id outside [0, V) is looked up anyway: the lookup past the end of W copies nothing.
  {
    name: 'embedding-ids-not-checked',
    exercise: 'rnn/word-embedding-forward',
    file: 'rnn/word-embedding.ts',
    edits: [
      {
        find:
          '      if (!Number.isInteger(id) || id < 0 || id >= V) {\n' +
          '        throw new RangeError(\n' +
          '          `wordEmbeddingForward: ids[${n}][${t}] = ${id} is not an integer in [0, ${V})`,\n' +
          '        );\n' +
          '      }\n',
        replace: '      // MISTAKE: the id is not checked against [0, V)\n',
      },
    ],
    points: [/ids\[1\]\[2\] = 7 with V = 7/, /RangeError naming ids/],
  },
  // T taken from the first row and the others never compared with it: a ragged ids is read past
  // the end of a short row.
  {
    name: 'embedding-ragged-ids-not-refused',
    exercise: 'rnn/word-embedding-forward',
    file: 'rnn/word-embedding.ts',
    edits: [
      {
        find: 'const T = Math.max(0, ...ids.map((row) => row.length)); // the longest row: a shorter one is ragged',
        replace:
          'const T = ids[0]?.length ?? 0; // MISTAKE: the first row decides, the others are not checked',
      },
      {
        find:
          '    if (row.length !== T)\n' +
          '      throw new ShapeError(\n' +
          "        'wordEmbeddingForward',\n" +
          '        `ids [${N}][${T}]`,\n' +
          '        `row ${n} of length ${row.length}`,\n' +
          '      );\n',
        replace: '',
      },
    ],
    points: [/ragged/, /ShapeError naming ids/],
  },
  // The temperature is used unchecked: τ = 0 divides by zero and samples garbage.
  {
    name: 'temperature-not-checked',
    exercise: 'rnn/sample-with-temperature',
    file: 'rnn/sample-with-temperature.ts',
    edits: [
      {
        find:
          '  if (!(temperature > 0) || !Number.isFinite(temperature)) {\n' +
          '    throw new RangeError(\n' +
          '      `sampleWithTemperature: temperature must be > 0 and finite, received ${temperature}`,\n' +
          '    );\n' +
          '  }\n',
        replace: '  // MISTAKE: the temperature is not checked\n',
      },
    ],
    points: [/temperature = 0/, /RangeError naming temperature/],
  },
  // After the walk, the last index whatever its probability: with u within 2^-53 of 1 it draws a
  // character of probability 0.
  {
    name: 'sampler-falls-back-to-last-index',
    exercise: 'rnn/sample-with-temperature',
    file: 'rnn/sample-with-temperature.ts',
    edits: [
      {
        find: '  let last = V - 1;\n  while (e[last] === 0) last--;\n  return last;',
        replace: '  return V - 1; // MISTAKE: the last index, whatever its probability',
      },
    ],
    points: [/returned 11, expected 9/, /probability 0/],
  },
  // No check of T: an empty sequence reaches stacking an empty list of states.
  {
    name: 'rnn-forward-accepts-empty-sequence',
    exercise: 'rnn/rnn-forward',
    file: 'rnn/rnn.ts',
    edits: [
      {
        find: "  if (T < 1) throw new ShapeError('rnnForward', 'x [N, T >= 1, D]', x.shape);\n",
        replace: '  // MISTAKE: T = 0 is not refused\n',
      },
    ],
    points: [/T = 0/, /core operation inside/],
  },
  // The mask's shape is not checked: a mask with an extra row is accepted silently.
  {
    name: 'mask-not-checked',
    exercise: 'rnn/temporal-softmax-loss-and-grad',
    file: 'rnn/temporal-softmax-loss.ts',
    edits: [
      {
        find: "  checkGrid('mask', mask, N, T);\n",
        replace: '  // MISTAKE: the mask is not checked\n',
      },
    ],
    points: [/mask with 3 rows/, /ShapeError naming mask/],
  },
  // b is not checked: a b of [1, H] broadcasts over the batch and the step computes on.
  {
    name: 'step-forward-bias-shape-not-checked',
    exercise: 'rnn/rnn-step-forward',
    file: 'rnn/rnn-step.ts',
    edits: [
      {
        find: "  assertShape('rnnStepForward', b, [H], 'b');\n",
        replace: '  // MISTAKE: b is not checked\n',
      },
    ],
    points: [/b of shape \[1, 5\]/, /ShapeError naming b/],
  },
  // dout is not checked: one of the right size but the wrong shape is reshaped into wrong rows.
  {
    name: 'affine-backward-dout-not-checked',
    exercise: 'rnn/temporal-affine-backward',
    file: 'rnn/temporal-affine.ts',
    edits: [
      {
        find: "  assertShape('temporalAffineBackward', dout, [N, T, V], 'dout');\n",
        replace: '  // MISTAKE: dout is not checked\n',
      },
    ],
    points: [/dout of shape \[4, 2, 5\]/, /ShapeError naming dout/],
  },
  // The walk stops where the cumulative sum reaches u, not where it exceeds it: u on a boundary
  // goes to the interval below it.
  {
    name: 'sampler-boundary-inclusive',
    exercise: 'rnn/sample-with-temperature',
    file: 'rnn/sample-with-temperature.ts',
    edits: [
      {
        find: 'if (u < cdf) return i;',
        replace: 'if (u <= cdf) return i; // MISTAKE: <= where the interval is half-open',
      },
    ],
    points: [/u = 0\.5/, /strictly/],
  },
];
