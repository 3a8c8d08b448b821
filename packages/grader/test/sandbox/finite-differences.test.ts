import {
  maxRelError,
  noGrad,
  numericalGradientOfOutput,
  Rng,
  randn,
  type Tensor,
} from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numericGradientsBatched } from '../../src/sandbox/index';
import type * as Step from '../../../../solutions/rnn/rnn-step';
import { open, stepInputs, type Opened } from './helpers';
import { repoRoot } from '../../src/paths';

describe('numericGradientsBatched', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(`${repoRoot}/solutions`);
  });
  afterAll(() => t.close());

  it('equals central differences computed in process, bit for bit, in one round trip per 256 argument sets', async () => {
    const forward = t.sandbox.module<typeof Step>('rnn/rnn-step.ts').rnnStepForward;
    const p = stepInputs(21);
    const dout = randn([3, 5], new Rng(22));
    const batched = await numericGradientsBatched(forward, {
      inputs: { ...p },
      dout,
      output: ['nextH'],
    });
    for (const [name, x] of Object.entries(p)) {
      const local = numericalGradientOfOutput(
        () => noGrad(() => rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b)),
        x,
        dout,
      );
      expect(Array.from((batched[`d${name}`] as Tensor).data), name).toEqual(
        Array.from(local.data),
      );
    }
  });

  it("says so when the differentiated output is not a tensor of dout's shape", async () => {
    const forward = t.sandbox.module<typeof Step>('rnn/rnn-step.ts').rnnStepForward;
    const p = stepInputs(23);
    await expect(
      numericGradientsBatched(forward, {
        inputs: { ...p },
        dout: randn([2, 5], new Rng(1)),
        output: ['nextH'],
      }),
    ).rejects.toThrow(
      "the forward's output (differentiated by finite differences) has shape [3, 5], expected [2, 5]",
    );
  });
});
