/**
 * `targetModule`, the one accessor suites use, and the grading helpers that call through it:
 * the learner's file runs in the sandbox, finite differences go in one batch, and the sandbox's
 * report of each call is what the mutation checks read.
 */
import { Rng, randn, type Tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleTarget,
  closeSandboxes,
  sandboxFor,
  type TargetBundle,
} from '../../src/sandbox/index';
import { layerGradients, numericGradient } from '../../src/testing/gradients';
import { withCallLog, type LearnerCall } from '../../src/testing/learner-calls';
import { callerInputMutation, expectNoInputMutation } from '../../src/testing/mutation';
import { targetModule } from '../../src/testing/target-module';
import type * as Wiring from './targets/wiring/rnn/rnn-step';
import { course, fixture, rejection, stepInputs } from './helpers';

const FILE = 'rnn/rnn-step.ts';

describe('targetModule', () => {
  let bundle: TargetBundle;
  let m: Awaited<ReturnType<typeof targetModule<typeof Wiring>>>;
  beforeAll(async () => {
    bundle = await bundleTarget({ course, targetDir: fixture('targets/wiring') });
    process.env.COURSE_SANDBOX_DIR = bundle.dir;
    m = await targetModule<typeof Wiring>(FILE);
  });
  afterAll(async () => {
    await closeSandboxes();
    delete process.env.COURSE_SANDBOX_DIR;
    bundle.cleanup();
  });

  it("imports the learner's file in the sandbox: its top level never runs in this process", async () => {
    const sandbox = await sandboxFor(FILE);
    expect(sandbox.requests).toBeGreaterThanOrEqual(1); // the import, when the module was loaded
    expect((globalThis as { wiringTopLevelRanIn?: unknown }).wiringTopLevelRanIn).toBeUndefined();
    const pid = await m.markedIn();
    expect(pid).toBe(sandbox.pid);
    expect(pid).not.toBe(process.pid);
  });

  it('differentiates a learner forward by finite differences in one batch, as the reference does', async () => {
    const p = stepInputs(31);
    const dnextH = randn([3, 5], new Rng(32));
    const sandbox = await sandboxFor(FILE);
    const before = sandbox.requests;
    const g = await layerGradients({
      inputs: { ...p },
      dout: dnextH,
      forward: m.rnnStepForward,
      output: (r) => r.nextH,
      backward: m.rnnStepBackward,
      reference: rnnStep,
    });
    // the forward, the backward, and 2 × 77 perturbed forwards in one message
    expect(sandbox.requests - before).toBe(3);
    for (const name of ['dx', 'dprevH', 'dWx', 'dWh', 'db']) {
      const numeric = g.numeric[name] as Tensor;
      const reference = g.reference[name] as Tensor;
      numeric.data.forEach((v, i) => expect(v).toBeCloseTo(reference.data[i] as number, 8));
      const analytic = g.analytic[name] as Tensor;
      analytic.data.forEach((v, i) => expect(v).toBeCloseTo(reference.data[i] as number, 12));
    }
  });

  it('batches a closure over one learner call too, perturbing a tensor inside a record', async () => {
    const x = randn([2, 3], new Rng(33));
    const W = randn([3, 4], new Rng(34), { std: 0.5 });
    const probe = { W: W.clone() };
    const sandbox = await sandboxFor(FILE);
    const before = sandbox.requests;
    const g = await numericGradient(async () => (await m.lossOf(probe, x)).loss, probe.W);
    expect(sandbox.requests - before).toBe(1);
    expect(Array.from(probe.W.data)).toEqual(Array.from(W.data)); // left as it was
    // d/dW of sum(tanh(xW)²)/2 is xᵀ (tanh(xW) ⊙ (1 − tanh(xW)²))
    const y = tanhOf(x, W);
    for (let d = 0; d < 3; d++) {
      for (let h = 0; h < 4; h++) {
        let s = 0;
        for (let n = 0; n < 2; n++) {
          const v = y[n * 4 + h] as number;
          s += (x.data[n * 3 + d] as number) * v * (1 - v * v);
        }
        expect(g.data[d * 4 + h]).toBeCloseTo(s, 8);
      }
    }
  });

  it('names the input a learner call changed by the name the suite gave it, with its element', async () => {
    const p = stepInputs(35);
    const dnextH = randn([3, 5], new Rng(36));
    const { cache } = await m.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    const e = await rejection(
      expectNoInputMutation({ dnextH, ...p }, () => m.backwardScalesDout(dnextH, cache), {
        what: 'rnnStepBackward',
      }),
    );
    expect(e.name).toBe('InputMutationError');
    expect(e.message).toMatch(
      /^rnnStepBackward changed its input dnextH: element \[0, 0\] was .* before the call, .* after \(15 of 15 elements changed\)\. Inputs are read-only/,
    );
    // the suite's own tensor is untouched: the learner's code had a copy
    expect(Array.from(dnextH.data)).toEqual(Array.from(randn([3, 5], new Rng(36)).data));
  });

  it('recognises an input kept in the cache by its values', async () => {
    const p = stepInputs(37);
    const dnextH = randn([3, 5], new Rng(38));
    const { cache } = await m.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    const e = await rejection(
      expectNoInputMutation({ dnextH, ...p }, () => m.backwardWritesCache(dnextH, cache), {
        what: 'rnnStepBackward',
      }),
    );
    expect(e.message).toMatch(/^rnnStepBackward changed its input x: element \[0, 1\] was /);
  });

  it("gives the change of an input the caller passed for a check to report first, not one inside the learner's cache", async () => {
    const p = stepInputs(39);
    const dnextH = randn([3, 5], new Rng(40));
    const { cache } = await m.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    const scaled: LearnerCall[] = [];
    await withCallLog(scaled, () => m.backwardScalesDout(dnextH, cache));
    expect(callerInputMutation(scaled)?.message).toMatch(
      /^backwardScalesDout changed its input dnextH: element \[0, 0\] .*\n\(Reported in place of this check's comparisons/,
    );
    const inCache: LearnerCall[] = [];
    await withCallLog(inCache, () => m.backwardWritesCache(dnextH, cache));
    expect(inCache[0]?.report.mutated.map((x) => x.path)).toEqual(['args[1].x']);
    expect(callerInputMutation(inCache)).toBeUndefined();
  });

  it('is not thenable, and a missing export names the file and its exports', async () => {
    expect(await Promise.resolve(m)).toBe(m);
    const e = await rejection((m as unknown as { nope: () => Promise<unknown> }).nope());
    expect(e.message).toMatch(
      /^rnn\/rnn-step.ts has no exported function 'nope' \(its exported functions: .*rnnStepForward/,
    );
  });
});

/** tanh(x W) of x [2, 3] and W [3, 4], flat. */
function tanhOf(x: Tensor, W: Tensor): number[] {
  const out: number[] = [];
  for (let n = 0; n < 2; n++) {
    for (let h = 0; h < 4; h++) {
      let s = 0;
      for (let d = 0; d < 3; d++)
        s += (x.data[n * 3 + d] as number) * (W.data[d * 4 + h] as number);
      out.push(Math.tanh(s));
    }
  }
  return out;
}
