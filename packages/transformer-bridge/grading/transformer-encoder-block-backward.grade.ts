/**
 * Grading suite of transformer-bridge/transformer-encoder-block-backward: the backward pass of
 * the pre-norm block (eqs. 4.11, 4.12, 4.14 and multi-head attention's), every one of its
 * seventeen gradients against central differences of the learner's own forward and against the
 * reference's autograd, with masks and one position.
 */
import { Rng, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  type Explanation,
  type LayerGradients,
  layerGradients,
  referenceGradients,
  targetModule,
} from '@rnn-course/grader/testing';
import { causalMask, transformerEncoderBlock } from '@rnn-course/transformer-bridge';
import { blockFrom, blockInputs, normal, randomBlock } from './inputs';

const { transformerEncoderBlockBackward, transformerEncoderBlockForward } = await targetModule<
  typeof import('@target/transformer-bridge/transformer-encoder-block')
>('transformer-bridge/transformer-encoder-block.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference (about
// 1e-14 apart here) and TOLERANCES.numeric against central differences of the learner's forward.
// Gradients that are zero in exact arithmetic (dbk always; dWq, dWk, dbq with one position)
// pass by size, under the absolute floors.

/** The feed-forward branch's gradients and the attention branch's. */
const FFN = ['dW1', 'db1', 'dW2', 'db2', 'dgamma2', 'dbeta2'];
const ATTENTION = ['dWq', 'dWk', 'dWv', 'dbq', 'dbk', 'dbv', 'dWo', 'dbo', 'dgamma1', 'dbeta1'];

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(
  x: Tensor,
  seed: number,
  E: number,
  h: number,
  F: number,
  mask: Tensor | undefined,
  dout: Tensor,
): Promise<LayerGradients> {
  const inputs = { x, ...blockInputs(randomBlock(E, F, new Rng(seed))) };
  const names = Object.keys(inputs);
  const record = (t: Tensor[]) => Object.fromEntries(names.map((k, i) => [k, t[i] as Tensor]));
  return layerGradients({
    inputs, // x, then the parameters in the order of blockInputs
    dout,
    forward: (...t: Tensor[]) =>
      transformerEncoderBlockForward(t[0] as Tensor, blockFrom(record(t)), h, mask),
    output: (r) => r.out,
    backward: transformerEncoderBlockBackward,
    reference: (...t: Tensor[]) =>
      transformerEncoderBlock(
        t[0] as Tensor,
        blockFrom(record(t)),
        { numHeads: h, normFirst: true },
        mask,
      ).out,
  });
}

/** What wrong gradients say: which branch is right and which is wrong points at the step. */
function readBlockBackward(g: Record<string, unknown>, ref: Record<string, Tensor>): Explanation {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k] as Tensor));
  if (wrong.length === 0) return undefined;
  const ffnWrong = FFN.filter((k) => wrong.includes(k));
  const attentionWrong = ATTENTION.filter((k) => wrong.includes(k));
  if (ffnWrong.length > 0) {
    return {
      text: `The feed-forward branch is wrong (${ffnWrong.join(', ')}): start there, from dout, through W2, the relu, W1 and LN₂.`,
      hint: 'ffn',
    };
  }
  if (attentionWrong.length === 0) {
    return {
      text:
        'Every parameter gradient is right but dx is not: x feeds both the residual and the attention ' +
        'branch, so dx = dz + (what comes back through LN₁).',
      hint: 'residual',
    };
  }
  if (attentionWrong.every((k) => k === 'dgamma1' || k === 'dbeta1')) {
    return {
      text:
        'Attention’s parameters are right but LN₁’s are not: LN₁(x) was the query, the key and the value, ' +
        'so its gradient is dquery + dkey + dvalue.',
      hint: 'attention',
    };
  }
  return {
    text:
      'The feed-forward branch is right and the attention branch is not: the gradient reaching z is ' +
      'dout plus what comes back through LN₂ (z feeds the output directly and through the FFN).',
    hint: 'residual',
  };
}

/** The learner's gradients for one case against finite differences and the reference. */
async function expectBlockBackward(what: string, args: Parameters<typeof gradientsOf>) {
  const grads = await gradientsOf(...args);
  expectGradients({
    what,
    ...grads,
    hint: 'residual',
    explain: () => readBlockBackward(grads.analytic, grads.reference),
  });
  return grads;
}

exercise('transformer-bridge/transformer-encoder-block-backward', () => {
  check(
    'all seventeen gradients match finite differences of your forward and the reference (N = 2, T = 3, E = 4, h = 2, F = 6)',
    3,
    async () => {
      await expectBlockBackward('transformerEncoderBlockBackward', [
        normal(2001, [2, 3, 4]),
        2002,
        4,
        2,
        6,
        undefined,
        normal(2003, [2, 3, 4]),
      ]);
    },
  );

  // A causal mask, and one position of a batch of one (where attention is the identity on the
  // values: dWq, dWk, dbq are zero in exact arithmetic and pass by size). Same tolerances.
  check('with a causal mask, and N = T = 1', 1, async () => {
    await expectBlockBackward('transformerEncoderBlockBackward (causal mask)', [
      normal(2011, [2, 3, 4]),
      2012,
      4,
      2,
      6,
      causalMask(3),
      normal(2013, [2, 3, 4]),
    ]);
    await expectBlockBackward('transformerEncoderBlockBackward (N = T = 1)', [
      normal(2014, [1, 1, 4]),
      2015,
      4,
      1,
      5,
      undefined,
      normal(2016, [1, 1, 4]),
    ]);
  });

  // The cache holds the inputs and parameters; a backward that writes into them (or into dout)
  // corrupts the caller's model. A dout of the wrong shape is refused. With the values.
  check(
    'dout and the inputs held in the cache are not changed; a wrong dout is refused',
    1,
    async () => {
      const x = normal(2021, [2, 2, 4]);
      const p = randomBlock(4, 6, new Rng(2022));
      const dout = normal(2023, [2, 2, 4]);
      const { cache } = await transformerEncoderBlockForward(x, p, 2);
      const inputs = { x, ...blockInputs(p) };
      const g = await expectNoInputMutation(
        { dout, ...inputs },
        () => transformerEncoderBlockBackward(dout, cache),
        {
          what: 'transformerEncoderBlockBackward',
        },
      );
      const names = Object.keys(inputs);
      expectGradients({
        what: 'transformerEncoderBlockBackward',
        analytic: { ...g },
        reference: referenceGradients(
          (...t: Tensor[]) =>
            transformerEncoderBlock(
              t[0] as Tensor,
              blockFrom(Object.fromEntries(names.map((k, i) => [k, t[i] as Tensor]))),
              { numHeads: 2, normFirst: true },
            ).out,
          inputs,
          dout,
        ),
        hint: 'residual',
      });
      await expectThrows(() => transformerEncoderBlockBackward(normal(2024, [2, 3, 4]), cache), {
        what: 'transformerEncoderBlockBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout [2, 3, 4] where out is [2, 2, 4]',
        hint: 'names',
      });
    },
    {
      requires: [
        'all seventeen gradients match finite differences of your forward and the reference (N = 2, T = 3, E = 4, h = 2, F = 6)',
      ],
    },
  );
});
