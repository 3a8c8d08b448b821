/**
 * Grading suite of seq2seq-attention/decoder-step-forward: eqs. 3.8–3.9 (recur, attend, combine)
 * for every kind of attention, against the reference on a padded memory.
 */
import { sequenceMask, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectThrows,
  targetModule,
  TOLERANCES,
  type Explanation,
} from '@rnn-course/grader/testing';
import {
  additiveAttention,
  decoderStep,
  multiplicativeAttention,
  type AttentionKind,
  type DecoderParams,
  type EncoderMemory,
} from '@rnn-course/seq2seq-attention';
import { normal, paddingWithWeight, smallModel, stepInputs } from './inputs';

const { decoderStepForward } = await targetModule<
  typeof import('@target/seq2seq-attention/decoder-step')
>('seq2seq-attention/decoder-step.ts');

// Tolerance TOLERANCES.value: one RNN step, one attention and two affine maps.

/** The attention a step would compute with query `q`. */
function attentionWith(
  q: Tensor,
  memory: EncoderMemory,
  params: DecoderParams,
  kind: AttentionKind,
) {
  const { outputs, mask } = memory;
  if (kind === 'additive')
    return additiveAttention(q, outputs, outputs, mask, params.Wq!, params.Wk!, params.v!);
  return multiplicativeAttention(
    q,
    outputs,
    outputs,
    mask,
    kind === 'general' ? params.Wa : undefined,
  );
}

function readStepMistake(
  weights: unknown,
  x: Tensor,
  prevS: Tensor,
  memory: EncoderMemory,
  params: DecoderParams,
  kind: AttentionKind,
): Explanation {
  if (kind === 'none') return undefined;
  const padding = paddingWithWeight(weights, memory.mask);
  if (padding !== undefined) return padding;
  if (agrees(weights, attentionWith(prevS, memory, params, kind).weights)) {
    return {
      text: 'The attention’s query is s_{t−1}, the state before this step. In this chapter’s decoder (Luong’s order: recur, attend, combine) the query is the new state s_t that the RNN step just produced.',
      hint: 'query',
    };
  }
  return undefined;
}

async function expectStep(kind: AttentionKind, seed: number, label = '') {
  const { params } = smallModel(kind, seed);
  const { x, prevS, memory } = stepInputs(seed + 1);
  const out = await decoderStepForward(x, prevS, memory, params, kind);
  const ref = decoderStep(x, prevS, memory, params, kind);
  const why = {
    hint: 'order',
    explain: () => readStepMistake(out.weights, x, prevS, memory, params, kind),
  };
  for (const name of ['nextS', 'weights', 'context', 'logits'] as const) {
    expectClose(out[name], ref[name], {
      what: `${name} (${kind}${label})`,
      tol: TOLERANCES.value,
      ...why,
    });
  }
}

exercise('seq2seq-attention/decoder-step-forward', () => {
  check(
    'additive attention: nextS, weights, context and logits match the reference',
    1,
    async () => {
      await expectStep('additive', 1001);
    },
  );

  check('dot, general and no attention match the reference', 1, async () => {
    for (const kind of ['dot', 'general', 'none'] as const) await expectStep(kind, 1002);
  });

  check(
    'inputs are not changed, the outputs are new, and shapes that disagree are refused',
    0.5,
    async () => {
      const { params } = smallModel('additive', 1003);
      const { x, prevS, memory } = stepInputs(1004);
      await expectNoInputMutation(
        {
          x,
          prevS,
          outputs: memory.outputs,
          mask: memory.mask,
          summary: memory.summary,
          Wc: params.Wc,
          Wq: params.Wq!,
        },
        () => decoderStepForward(x, prevS, memory, params, 'additive'),
        { what: 'decoderStepForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'prevS',
          when: 'prevS of shape [3, 4, 1] (not [N, Hd])',
          call: () => decoderStepForward(x, normal(1005, [3, 4, 1]), memory, params, 'additive'),
        },
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [3, 5] where Wx has E = 3 rows',
          call: () => decoderStepForward(normal(1006, [3, 5]), prevS, memory, params, 'additive'),
        },
        {
          name: 'ShapeError',
          argument: 'memory',
          when: 'memory.outputs of shape [2, 4, 4] where prevS has N = 3',
          call: () =>
            decoderStepForward(
              x,
              prevS,
              { ...memory, outputs: normal(1007, [2, 4, 4]) },
              params,
              'additive',
            ),
        },
        {
          name: 'ShapeError',
          argument: 'memory',
          when: 'memory.mask of shape [3, 5] where the outputs have S = 4',
          call: () =>
            decoderStepForward(
              x,
              prevS,
              { ...memory, mask: sequenceMask([5, 2, 1], 5) },
              params,
              'additive',
            ),
        },
        {
          name: 'ShapeError',
          argument: 'params',
          when: 'Wc of shape [4, 4] where [c ; s] has 8 features',
          call: () =>
            decoderStepForward(
              x,
              prevS,
              memory,
              { ...params, Wc: normal(1008, [4, 4]) },
              'additive',
            ),
        },
        {
          name: 'ShapeError',
          argument: 'params',
          when: 'general attention without Wa',
          call: () => decoderStepForward(x, prevS, memory, { ...params, Wa: undefined }, 'general'),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'decoderStepForward',
          hint: 'shapes',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  check('N = 1 with a source of one position', 0.5, async () => {
    const { params } = smallModel('general', 1009);
    const { x, prevS, memory } = stepInputs(1010, 1, 1, [1]);
    const out = await decoderStepForward(x, prevS, memory, params, 'general');
    const ref = decoderStep(x, prevS, memory, params, 'general');
    for (const name of ['nextS', 'weights', 'logits'] as const) {
      expectClose(out[name], ref[name], {
        what: `${name} (N = 1, S = 1)`,
        tol: TOLERANCES.value,
        hint: 'step',
      });
    }
  });
});
