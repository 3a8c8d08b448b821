import { tensor, type Tensor } from '@rnn-course/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleTarget,
  closeSandboxes,
  learnerModule,
  sandboxFor,
  type TargetBundle,
} from '../../src/sandbox/index';
import type * as Honest from './targets/honest/rnn/rnn-step';
import { course, fixture } from './helpers';

describe('one sandbox per worker per chapter', () => {
  let bundle: TargetBundle;
  beforeAll(async () => {
    bundle = await bundleTarget({ course, targetDir: fixture('targets/honest') });
    process.env.COURSE_SANDBOX_DIR = bundle.dir;
  });
  afterAll(async () => {
    await closeSandboxes();
    delete process.env.COURSE_SANDBOX_DIR;
    bundle.cleanup();
  });

  it('opens the sandbox of the bundle the grader named, once, for every module of the chapter', async () => {
    const step = learnerModule<typeof Honest>('rnn/rnn-step.ts');
    const sequence = learnerModule<typeof import('./targets/honest/rnn/rnn')>('rnn/rnn.ts');
    const t: Tensor = await step.view(tensor([[1, 2]]));
    expect(t.shape).toEqual([2]);
    expect(await sequence.sameTensorClass(t)).toBe(true);
    const a = await sandboxFor('rnn/rnn-step.ts');
    const b = await sandboxFor('rnn/rnn.ts');
    expect(a).toBe(b);
    expect(a.starts).toBe(1);
    expect(a.bundle.dir).toBe(`${bundle.dir}/rnn`);
  });

  it('a module is not thenable, so awaiting it does not call into the sandbox', async () => {
    const step = learnerModule<typeof Honest>('rnn/rnn-step.ts');
    expect(await Promise.resolve(step)).toBe(step);
  });
});
