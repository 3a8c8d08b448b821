/**
 * The usual mistakes of chapter 3, each written as a small edit of the worked solution in
 * `solutions/<file>`. test/mistakes.test.ts stages each one, grades it with the solutions as its
 * neighbours, and asserts that its exercise fails with a message matching `points`
 * (`describeMistakes` of the grader). An edit whose `find` no longer occurs exactly once in the
 * solution fails that test.
 */
import type { Mistake } from '@rnn-course/grader/mistakes';

export const mistakes: readonly Mistake[] = [
  // The mask is read for the maximum but padded positions still get e^{e − c} and join the sum.
  {
    name: 'padding-gets-weight',
    exercise: 'seq2seq-attention/masked-softmax-forward',
    file: 'seq2seq-attention/masked-softmax.ts',
    edits: [
      {
        find: '      if (m[r * T + t] !== 1) continue; // padding gets exactly no weight\n',
        replace: '      // MISTAKE: padded positions are not skipped\n',
      },
    ],
    points: [/Padded positions receive attention weight/, /exactly 0/],
  },
  // The softmax normalises each column (over the batch) instead of each row (over the positions).
  {
    name: 'softmax-over-the-batch-axis',
    exercise: 'seq2seq-attention/masked-softmax-forward',
    file: 'seq2seq-attention/masked-softmax.ts',
    edits: [
      {
        find:
          '  for (let r = 0; r < rows; r++) {\n' +
          '    // The largest valid score: subtracting it keeps every exponent <= 0 (no overflow).\n' +
          '    let c = -Infinity;\n' +
          '    for (let t = 0; t < T; t++) if (m[r * T + t] === 1) c = Math.max(c, e[r * T + t]!);\n' +
          '    if (c === -Infinity) continue; // no valid position: the row stays all zero, not 0/0\n' +
          '    let total = 0;\n' +
          '    for (let t = 0; t < T; t++) {\n' +
          '      if (m[r * T + t] !== 1) continue; // padding gets exactly no weight\n' +
          '      alpha[r * T + t] = Math.exp(e[r * T + t]! - c);\n' +
          '      total += alpha[r * T + t]!;\n' +
          '    }\n' +
          '    for (let t = 0; t < T; t++) alpha[r * T + t]! /= total;\n' +
          '  }',
        replace:
          '  // MISTAKE: each column (position t, over the batch) is normalised, not each row\n' +
          '  for (let t = 0; t < T; t++) {\n' +
          '    let c = -Infinity;\n' +
          '    for (let r = 0; r < rows; r++) if (m[r * T + t] === 1) c = Math.max(c, e[r * T + t]!);\n' +
          '    if (c === -Infinity) continue;\n' +
          '    let total = 0;\n' +
          '    for (let r = 0; r < rows; r++) {\n' +
          '      if (m[r * T + t] !== 1) continue;\n' +
          '      alpha[r * T + t] = Math.exp(e[r * T + t]! - c);\n' +
          '      total += alpha[r * T + t]!;\n' +
          '    }\n' +
          '    for (let r = 0; r < rows; r++) alpha[r * T + t]! /= total;\n' +
          '  }',
      },
    ],
    points: [/over the batch axis/, /along the last axis/],
  },
  // de = α ⊙ dα: the softmax's Jacobian without its off-diagonal part.
  {
    name: 'softmax-backward-without-the-sum',
    exercise: 'seq2seq-attention/masked-softmax-backward',
    file: 'seq2seq-attention/masked-softmax.ts',
    edits: [
      {
        find: 'de[r * T + t] = a[r * T + t]! * (g[r * T + t]! - dot);',
        replace:
          'de[r * T + t] = a[r * T + t]! * g[r * T + t]!; // MISTAKE: − Σ_u α_u dα_u left out',
      },
    ],
    points: [/dscores is α ⊙ dα/, /is missing/],
  },
  // Additive attention hands the softmax a mask of ones: padding is attended to.
  {
    name: 'attention-padding-not-masked',
    exercise: 'seq2seq-attention/additive-attention-forward',
    file: 'seq2seq-attention/additive-attention.ts',
    edits: [
      {
        find: 'maskedSoftmaxForward(scores, mask); // [N, T]',
        replace: 'maskedSoftmaxForward(scores, onesLike(mask)); // MISTAKE: the mask is not used',
      },
    ],
    points: [/Padded positions receive attention weight/, /use the mask/],
  },
  // The backward goes through e = u · v but not through the tanh.
  {
    name: 'additive-backward-without-tanh-derivative',
    exercise: 'seq2seq-attention/additive-attention-backward',
    file: 'seq2seq-attention/additive-attention.ts',
    edits: [
      {
        find: 'const delta = mul(du, sub(onesLike(hidden), square(hidden))); // [N, T, A]',
        replace: 'const delta = du; // MISTAKE: the tanh is skipped',
      },
    ],
    points: [/behind the tanh/, /1 − u²/],
  },
  // Luong's general score computed as the dot score: Wa is never applied.
  {
    name: 'luong-general-without-wa',
    exercise: 'seq2seq-attention/multiplicative-attention-forward',
    file: 'seq2seq-attention/multiplicative-attention.ts',
    edits: [
      {
        find: 'const projected = Wa === undefined ? query : matmul(query, Wa); // [N, Hk]',
        replace: 'const projected = query; // MISTAKE: Wa is not applied',
      },
    ],
    points: [/dot attention/, /q Wa kᵀ/],
  },
  // The keys' gradient uses the query where the score used the projected query q Wa.
  {
    name: 'general-dkeys-from-the-raw-query',
    exercise: 'seq2seq-attention/multiplicative-attention-backward',
    file: 'seq2seq-attention/multiplicative-attention.ts',
    edits: [
      {
        find: 'reshape(projected, [N, 1, Hk])); // [N, T, Hk]',
        replace: 'reshape(query, [N, 1, Hk])); // MISTAKE: q where q̃ = q Wa belongs',
      },
    ],
    points: [/dkeys/, /projected query/],
  },
  // The backward direction's states are concatenated in its reading order.
  {
    name: 'backward-states-not-reversed-back',
    exercise: 'seq2seq-attention/bidirectional-rnn-forward',
    file: 'seq2seq-attention/bidirectional-rnn.ts',
    edits: [
      {
        find: 'const hb = reverseSequence(hbReversed, lengths); // [N, T, H]',
        replace: 'const hb = hbReversed; // MISTAKE: not reversed back',
      },
    ],
    points: [/reading order/, /reverse them back/],
  },
  // The backward direction reverses whole rows, padding included, and so starts on padding.
  {
    name: 'backward-direction-ignores-lengths',
    exercise: 'seq2seq-attention/bidirectional-rnn-forward',
    file: 'seq2seq-attention/bidirectional-rnn.ts',
    edits: [
      {
        find: 'const xReversed = reverseSequence(x, lengths); // [N, T, D]',
        replace: 'const xReversed = reverseSequence(x); // MISTAKE: whole rows, padding included',
      },
      {
        find: 'const hb = reverseSequence(hbReversed, lengths); // [N, T, H]',
        replace: 'const hb = reverseSequence(hbReversed); // MISTAKE: whole rows',
      },
    ],
    points: [/read the padding first/, /within its length/],
  },
  // The backward direction's half of dh goes into its BPTT unreversed.
  {
    name: 'backward-half-of-dh-not-reversed',
    exercise: 'seq2seq-attention/bidirectional-rnn-backward',
    file: 'seq2seq-attention/bidirectional-rnn.ts',
    edits: [
      {
        find: "    reverseSequence(dhb, lengths), // [N, T, H], in the backward RNN's reading order",
        replace: '    dhb, // MISTAKE: not reversed into the backward RNN’s reading order',
      },
    ],
    points: [/forward direction's gradients are right/, /before its BPTT/],
  },
  // The gradient going down skips the dropout mask the forward applied.
  {
    name: 'dropout-mask-skipped-in-backward',
    exercise: 'seq2seq-attention/stacked-rnn-backward',
    file: 'seq2seq-attention/stacked-rnn.ts',
    edits: [
      {
        find: 'dout = mask === undefined ? (g.dx as Tensor) : mul(g.dx as Tensor, mask); // [N, T, D_l]',
        replace: 'dout = g.dx as Tensor; // MISTAKE: the dropout mask is skipped',
      },
    ],
    points: [/top layer’s gradients are right/, /same dropout mask/],
  },
  // Bahdanau's order (attend with s_{t−1}) in a decoder that recurs first (Luong's order).
  {
    name: 'attention-query-is-the-previous-state',
    exercise: 'seq2seq-attention/decoder-step-forward',
    file: 'seq2seq-attention/decoder-step.ts',
    edits: [
      {
        find: '} = additiveAttentionForward(nextS, outputs, outputs, mask, Wq, Wk, v));',
        replace:
          '} = additiveAttentionForward(prevS, outputs, outputs, mask, Wq, Wk, v)); // MISTAKE: s_{t−1}',
      },
    ],
    points: [/query is s_\{t−1\}/, /new state s_t/],
  },
  // s_t's gradient misses the path through the attention's query.
  {
    name: 'query-gradient-not-added-to-st',
    exercise: 'seq2seq-attention/decoder-step-backward',
    file: 'seq2seq-attention/decoder-step.ts',
    edits: [
      {
        find:
          '    ds = add(ds, g.dquery);\n' +
          '    doutputs = add(g.dkeys, g.dvalues); // the outputs are both keys and values',
        replace:
          '    // MISTAKE: the query’s gradient is not added to ds\n' +
          '    doutputs = add(g.dkeys, g.dvalues); // the outputs are both keys and values',
      },
    ],
    points: [/the attention’s query/, /before the RNN step’s backward/],
  },
  // Teacher forcing off by one: step t reads y_t, the token it must predict.
  {
    name: 'teacher-forcing-off-by-one',
    exercise: 'seq2seq-attention/seq2seq-loss-and-grad',
    file: 'seq2seq-attention/seq2seq-loss.ts',
    edits: [
      {
        find: 'const inputIds = batch.target.map((row) => [config.sos, ...row.slice(0, -1)]); // [N][L]',
        replace: 'const inputIds = batch.target.map((row) => [...row]); // MISTAKE: not shifted',
      },
    ],
    points: [/reads y_t/, /shifted right by one/],
  },
  // The decoder reads its own argmax where the exercise asks for teacher forcing.
  {
    name: 'decoder-fed-its-own-predictions',
    exercise: 'seq2seq-attention/seq2seq-loss-and-grad',
    file: 'seq2seq-attention/seq2seq-loss.ts',
    edits: [
      {
        find: '    const step = decoderStepForward(timeStep(inputs, t), s, enc.memory, params, config.attention);',
        replace:
          '    // MISTAKE: after step 0 the decoder reads its own prediction, not the true token\n' +
          '    const previous = logits[t - 1];\n' +
          '    const fed =\n' +
          '      previous === undefined\n' +
          '        ? timeStep(inputs, 0)\n' +
          '        : timeStep(\n' +
          '            embedding(\n' +
          '              params.Et,\n' +
          '              Array.from({ length: N }, (_, n) => {\n' +
          '                const z = Array.from(previous.data.subarray(n * config.targetVocab, (n + 1) * config.targetVocab));\n' +
          '                return [z.indexOf(Math.max(...z))];\n' +
          '              }),\n' +
          '            ),\n' +
          '            0,\n' +
          '          );\n' +
          '    const step = decoderStepForward(fed, s, enc.memory, params, config.attention);',
      },
    ],
    points: [/its own predictions/, /true previous token/],
  },
  // Greedy decoding that never feeds its choice back: every step reads sos.
  {
    name: 'greedy-choices-not-fed-back',
    exercise: 'seq2seq-attention/greedy-decode',
    file: 'seq2seq-attention/greedy-decode.ts',
    edits: [
      {
        find: '    previous = next;\n',
        replace: '    void next; // MISTAKE: the choices are not fed back\n',
      },
    ],
    points: [/every step reads sos/, /token chosen at step t/],
  },
  // A hypothesis that ends in eos is neither kept nor extended: it is lost.
  {
    name: 'beam-drops-finished-hypotheses',
    exercise: 'seq2seq-attention/beam-search',
    file: 'seq2seq-attention/beam-search.ts',
    edits: [
      {
        find:
          '        finished.push({\n' +
          '          ids: [...ids],\n' +
          '          logProb: c.logProb,\n' +
          '          score: score(c.logProb, ids.length + 1),\n' +
          '          finished: true,\n' +
          '        });',
        replace: '        // MISTAKE: the finished hypothesis is dropped',
      },
    ],
    points: [/finished hypotheses returned/, /never dropped/],
  },
  // Hypotheses of different lengths compared by their raw log-probabilities.
  {
    name: 'beam-without-length-normalisation',
    exercise: 'seq2seq-attention/beam-search',
    file: 'seq2seq-attention/beam-search.ts',
    edits: [
      {
        find: 'const score = (logProb: number, length: number): number => logProb / length ** alpha;',
        replace: 'const score = (logProb: number, _length: number): number => logProb; // MISTAKE',
      },
    ],
    points: [/raw log-probabilities/, /\|Y\|\^α/],
  },
  // The hypotheses are returned in the order they were found.
  {
    name: 'beam-results-not-sorted',
    exercise: 'seq2seq-attention/beam-search',
    file: 'seq2seq-attention/beam-search.ts',
    edits: [
      {
        find:
          '  return finished.sort(\n' +
          '    (p, q) => Number(q.finished) - Number(p.finished) || q.score - p.score || q.logProb - p.logProb,\n' +
          '  );',
        replace: '  return finished; // MISTAKE: not sorted',
      },
    ],
    points: [/in the wrong order/, /best first/],
  },
  // CTC lets a path skip the blank between two equal labels, merging them into one.
  {
    name: 'ctc-merges-repeats-across-the-blank',
    exercise: 'seq2seq-attention/ctc-loss-and-grad',
    file: 'seq2seq-attention/ctc-loss.ts',
    edits: [
      {
        find: 'const skip = (s: number): boolean => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];',
        replace: 'const skip = (s: number): boolean => s >= 2 && ext[s] !== blank; // MISTAKE',
      },
    ],
    points: [/repeated label/, /cannot be skipped/],
  },
  // CTC's sums of probabilities computed in linear space: they underflow on long inputs.
  {
    name: 'ctc-in-linear-space',
    exercise: 'seq2seq-attention/ctc-loss-and-grad',
    file: 'seq2seq-attention/ctc-loss.ts',
    edits: [
      {
        find: '  return m + Math.log1p(Math.exp(-Math.abs(a - b)));',
        replace: '  return Math.log(Math.exp(a) + Math.exp(b)); // MISTAKE: in linear space',
      },
    ],
    points: [/underflows/, /logarithms/],
  },
];
