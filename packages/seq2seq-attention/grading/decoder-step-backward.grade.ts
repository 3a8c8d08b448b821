/**
 * Grading suite of seq2seq-attention/decoder-step-backward: the gradients of one decoder step
 * (logits and nextS both reach the loss) against central differences of the learner's forward
 * and against the reference's autograd, for every kind of attention.
 */
import { concat, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  numericGradients,
  referenceGradients,
  targetModule,
  type FailureDetail,
} from '@rnn-course/grader/testing';
import { decoderStep, type AttentionKind, type DecoderParams } from '@rnn-course/seq2seq-attention';
import { normal, smallModel, stepInputs } from './inputs';

const { decoderStepForward, decoderStepBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/decoder-step')
>('seq2seq-attention/decoder-step.ts');

// Tolerances: expectGradients' defaults. The step's two outputs are differentiated together:
// sum(logits ⊙ dlogits) + sum(nextS ⊙ dnextS).

const WEIGHTS = ['Wx', 'Wh', 'b', 'Wc', 'bc', 'Wy', 'by', 'Wq', 'Wk', 'v', 'Wa'] as const;

/** Which gradients are wrong says which path of s_t was missed. */
function readPaths({ failed = [] }: FailureDetail) {
  const wrong = new Set(failed);
  if (wrong.size === 0) return undefined;
  const output = ['dWy', 'dby', 'dWc', 'dbc'].every((k) => !wrong.has(k));
  const rnnStep = ['dWx', 'dWh', 'db', 'dx', 'dprevS'].some((k) => wrong.has(k));
  if (output && rnnStep && !wrong.has('doutputs')) {
    return {
      text: 'The output layer’s and the attention’s gradients are right, but those behind s_t are not: s_t reaches the loss through the next step, the combination [c_t ; s_t] and the attention’s query; add all three before the RNN step’s backward.',
      hint: 'paths',
    };
  }
  if (output && wrong.has('doutputs') && !rnnStep) {
    return {
      text: 'Only doutputs is wrong: the encoder’s outputs are both the keys and the values of the attention, so their gradient is dkeys + dvalues.',
      hint: 'outputs',
    };
  }
  if (wrong.has('dWc') || wrong.has('dbc'))
    return {
      text: 'The combination h̃ = tanh([c_t ; s_t] Wc + bc) comes first on the way back: da = dh̃ ⊙ (1 − h̃²).',
      hint: 'tanhOutput',
    };
  return undefined;
}

async function expectStepGradients(
  kind: AttentionKind,
  seed: number,
  N = 3,
  S = 4,
  lengths = [4, 2, 1],
) {
  const { params } = smallModel(kind, seed);
  const { x, prevS, memory } = stepInputs(seed + 1, N, S, lengths);
  const dlogits = normal(seed + 2, [N, 6]);
  const dnextS = normal(seed + 3, [N, 4]);
  const weights = Object.fromEntries(
    WEIGHTS.filter((k) => params[k] !== undefined).map((k) => [k, params[k] as Tensor]),
  );
  const inputs: Record<string, Tensor> = {
    x,
    prevS,
    outputs: memory.outputs,
    summary: memory.summary,
    ...weights,
  };
  const names = Object.keys(inputs);
  const unpack = (q: Record<string, Tensor>) => ({
    memory: { outputs: q.outputs!, mask: memory.mask, summary: q.summary! },
    params: Object.fromEntries(
      Object.keys(weights).map((k) => [k, q[k]!]),
    ) as unknown as DecoderParams,
  });
  const dout = concat([dlogits, dnextS], 1); // [N, V + Hd]
  const { cache } = await decoderStepForward(x, prevS, memory, params, kind);
  const analytic = { ...(await decoderStepBackward(dlogits, dnextS, cache)) } as Record<
    string,
    Tensor
  >;
  if (kind !== 'none') delete analytic.dsummary; // zeros by contract; not an input the step reads
  if (kind === 'none') delete analytic.doutputs;
  const copies = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.clone()]));
  const numeric = await numericGradients(
    async (q) => {
      const u = unpack(q);
      const r = await decoderStepForward(q.x!, q.prevS!, u.memory, u.params, kind);
      return concat([r.logits, r.nextS], 1);
    },
    copies,
    dout,
  );
  const reference = referenceGradients(
    (...ts) => {
      const q = Object.fromEntries(names.map((k, i) => [k, ts[i]!]));
      const u = unpack(q);
      const r = decoderStep(q.x!, q.prevS!, u.memory, u.params, kind);
      return concat([r.logits, r.nextS], 1);
    },
    inputs,
    dout,
  );
  for (const g of [numeric, reference]) {
    if (kind !== 'none') delete g.dsummary;
    if (kind === 'none') delete g.doutputs;
  }
  expectGradients({
    what: `decoderStepBackward (${kind}, N = ${N}, S = ${S})`,
    analytic,
    numeric,
    reference,
    hint: 'step',
    explain: readPaths,
  });
}

exercise('seq2seq-attention/decoder-step-backward', () => {
  check(
    'additive attention: every gradient matches finite differences and the reference',
    2,
    async () => {
      await expectStepGradients('additive', 1021);
    },
  );

  check('dot, general and no attention: every gradient matches', 1.5, async () => {
    for (const kind of ['dot', 'general', 'none'] as const) await expectStepGradients(kind, 1025);
  });

  check(
    'the upstream gradients and the inputs are not changed, the gradients are new, and upstream gradients of the wrong shape are refused',
    1,
    async () => {
      const { params } = smallModel('dot', 1031);
      const { x, prevS, memory } = stepInputs(1032);
      const dlogits = normal(1033, [3, 6]);
      const dnextS = normal(1034, [3, 4]);
      const { cache } = await decoderStepForward(x, prevS, memory, params, 'dot');
      await expectNoInputMutation(
        { dlogits, dnextS, x, prevS, outputs: memory.outputs, Wc: params.Wc, Wx: params.Wx },
        () => decoderStepBackward(dlogits, dnextS, cache),
        { what: 'decoderStepBackward' },
      );
      await expectThrows(() => decoderStepBackward(normal(1035, [3, 5]), dnextS, cache), {
        what: 'decoderStepBackward',
        name: 'ShapeError',
        argument: 'dlogits',
        when: 'dlogits of shape [3, 5] where the logits are [3, 6]',
        hint: 'step',
      });
      await expectThrows(() => decoderStepBackward(dlogits, normal(1036, [3, 3]), cache), {
        what: 'decoderStepBackward',
        name: 'ShapeError',
        argument: 'dnextS',
        when: 'dnextS of shape [3, 3] where s_t is [3, 4]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  check('N = 1 with one source position (additive)', 0.5, async () => {
    await expectStepGradients('additive', 1037, 1, 1, [1]);
  });
});
