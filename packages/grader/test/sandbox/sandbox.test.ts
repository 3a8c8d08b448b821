import { maxRelError, Rng, randn, Tensor, tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_DERIVED, permissionFlag } from '../../src/sandbox/index';
import type * as Honest from './targets/honest/rnn/rnn-step';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../../src/paths';
import { fixture, open, rejection, stepInputs, type Opened } from './helpers';

const honest = 'packages/grader/test/sandbox/targets/honest/rnn/rnn-step.ts';

/** The 1-based line of `file` (from the repository root) that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(`${repoRoot}/${file}`, 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(text)) + 1;
}

describe('calls into the sandbox', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('targets/honest'));
  });
  afterAll(() => t.close());

  it('returns tensors as the trusted core tensors, with the values of the reference', async () => {
    const p = stepInputs(1);
    const { value } = await t.sandbox.call<{ nextH: Tensor }>('rnn/rnn-step.ts', 'rnnStepForward', [
      p.x,
      p.prevH,
      p.Wx,
      p.Wh,
      p.b,
    ]);
    expect(value.nextH).toBeInstanceOf(Tensor);
    expect(value.nextH.shape).toEqual([3, 5]);
    expect(maxRelError(value.nextH, rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b))).toBeLessThan(1e-15);
  });

  it('passes a returned cache back as the original object, closures included', async () => {
    const m = t.sandbox.module<typeof Honest>('rnn/rnn-step.ts');
    const p = stepInputs(2);
    const { cache } = await m.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    // on the trusted side the closure is a stand-in; the sandbox calls its own
    expect(typeof cache.replay).toBe('function');
    const grads = await m.rnnStepBackward(randn([3, 5], new Rng(3)), cache);
    expect(Object.keys(grads).sort()).toEqual(['dWh', 'dWx', 'db', 'dprevH', 'dx']);
    expect(grads.dx?.shape).toEqual([3, 4]);
    expect(await cache.replay()).toBeInstanceOf(Tensor);
  });

  it('keeps one Tensor class across the learner files of a chapter', async () => {
    const { value } = await t.sandbox.call('rnn/rnn.ts', 'sameTensorClass', [tensor([1, 2])]);
    expect(value).toBe(true);
  });

  it('reports inputs the call changed and outputs that are (or view) an input', async () => {
    const x = tensor([1, 2, 3, 4]);
    const r = await t.sandbox.call('rnn/rnn-step.ts', 'mutates', [x]);
    expect(r.report.mutated).toEqual([
      {
        path: 'args[0]',
        index: 2,
        before: 3,
        after: 42,
        changed: 1,
        size: 4,
        text: 'flat element 2 was 3 before the call, 42 after (only this element changed)',
      },
    ]);
    expect(r.report.aliased).toEqual([{ output: 'result', input: 'args[0]', same: true }]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4]); // the trusted side's tensor is untouched
    const v = await t.sandbox.call('rnn/rnn-step.ts', 'view', [
      tensor([
        [1, 2],
        [3, 4],
      ]),
    ]);
    expect(v.report).toEqual({
      mutated: [],
      aliased: [{ output: 'result', input: 'args[0]', same: false }],
      params: ['x'],
    });
    const ids = await t.sandbox.call('rnn/rnn-step.ts', 'touchesIds', [
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(ids.report.mutated).toEqual([
      {
        path: 'args[0]',
        index: 1,
        before: 2,
        after: 9,
        changed: 1,
        size: 4,
        text: 'number 1 (in reading order) was 2 before the call, 9 after',
      },
    ]);
  });

  it('an honest call reports nothing', async () => {
    const p = stepInputs(4);
    const r = await t.sandbox.call('rnn/rnn-step.ts', 'rnnStepForward', [
      p.x,
      p.prevH,
      p.Wx,
      p.Wh,
      p.b,
    ]);
    expect(r.report.mutated).toEqual([]);
    expect(r.report.params).toEqual(['x', 'prevH', 'Wx', 'Wh', 'b']);
    // the cache holds the inputs themselves: reported, for the suite to judge
    expect(r.report.aliased.map((a) => a.output)).toEqual([
      'result.cache.x',
      'result.cache.prevH',
      'result.cache.Wx',
      'result.cache.Wh',
    ]);
  });

  it('carries plain data of every kind, and awaits a promise', async () => {
    const { value } = await t.sandbox.call<Record<string, unknown>>('rnn/rnn-step.ts', 'kinds', []);
    expect(value.numbers).toEqual([NaN, -0, Infinity, 1.5]);
    expect(Object.is((value.numbers as number[])[1], -0)).toBe(true);
    expect(value).toMatchObject({ text: 'text', nothing: null, big: 12n });
    expect(value.typed).toEqual(new Int32Array([1, -2]));
    expect(value.map).toEqual(new Map([['a', 1]]));
    expect(value.set).toEqual(new Set([2, 3]));
    expect(value.nested).toEqual({ list: [[1], [2, 3]] });
    expect((await t.sandbox.call('rnn/rnn-step.ts', 'later', [21])).value).toBe(42);
  });

  it('calls a returned function in the sandbox, keeping its state', async () => {
    const { value: next } = await t.sandbox.call<() => Promise<number>>(
      'rnn/rnn-step.ts',
      'counter',
      [],
    );
    expect(await next()).toBe(1);
    expect(await next()).toBe(2);
  });

  it('advances a seeded generator passed in, on the trusted side too', async () => {
    const rng = new Rng(7);
    const twin = new Rng(7);
    await t.sandbox.call('rnn/rnn-step.ts', 'counter', [rng]);
    expect(rng.uniform()).toBe(twin.uniform());
  });

  it('names a NotImplementedError with its exercise id', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'notYet', []));
    expect(e.name).toBe('NotImplementedError');
    expect(e.exerciseId).toBe('rnn/rnn-step-forward');
  });

  it("locates an error in the learner's own file and line, through the source map", async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'throwsHere', []));
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe('throwsHere: no good');
    expect(e.location).toBe(`${honest}:${lineOf(honest, "throw new RangeError('throwsHere")}:9`);
    // an error the core throws is located at the learner's call of the core
    const shape = await rejection(
      t.sandbox.call('rnn/rnn-step.ts', 'squareMatmul', [tensor([[1, 2, 3]])]),
    );
    expect(shape.name).toBe('ShapeError');
    expect(shape.location).toBe(`${honest}:${lineOf(honest, 'return matmul(x, x)')}:10`);
  });

  it('names an export the module does not have, with the ones it has', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'rnnStepForwardd', []));
    expect(e.name).toBe('MissingExportError');
    expect(e.message).toContain("rnn/rnn-step.ts has no exported function 'rnnStepForwardd'");
    expect(e.message).toContain('rnnStepBackward');
  });

  it('runs a batch: one message, every result in order', async () => {
    const xs = [tensor([1]), tensor([2]), tensor([3])];
    const out = await t.sandbox.batch<Tensor>(
      'rnn/rnn-step.ts',
      'view',
      xs.map((x) => [x]),
    );
    expect(out.map((o) => o.item())).toEqual([1, 2, 3]);
    const picked = await t.sandbox.batch<Tensor>(
      'rnn/rnn-step.ts',
      'rnnStepForward',
      [0, 1].map((s) => Object.values(stepInputs(s))),
      { pick: ['nextH'] },
    );
    expect(picked.map((p) => p.shape)).toEqual([
      [3, 5],
      [3, 5],
    ]);
  });

  it('refuses to pass a function of the trusted side', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'later', [() => 1]));
    expect(e.message).toBe("argument 1: a function cannot be passed to the learner's code");
  });
});

describe('time limits and crashes', () => {
  let t: Opened;
  beforeAll(async () => {
    // The limit covers a module's import as well as the call: 15 s is what a healthy import
    // needs on a machine whose cores other test runs share (1.5 s was not, at load 30).
    t = await open(fixture('targets/behaviour'), { timeoutMs: 15_000, memoryMb: 64 });
  });
  afterAll(() => t.close());

  it('an endless loop is killed with the process, and the next call starts a fresh sandbox', async () => {
    await t.sandbox.call('rnn/rnn-step.ts', 'environment', []);
    const first = t.sandbox.pid;
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'loop', []));
    expect(e.name).toBe('SandboxTimeoutError');
    expect(e.message).toBe('timed out after 15s: the code never returned (an endless loop?)');
    expect(first).toBeDefined();
    expect(() => process.kill(first as number, 0)).toThrow(); // gone
    const { value } = await t.sandbox.call<{ keys: string[] }>(
      'rnn/rnn-step.ts',
      'environment',
      [],
    );
    expect(value.keys.length).toBeGreaterThan(0);
    expect(t.sandbox.pid).not.toBe(first);
  });

  it('a promise that never settles times out with its own message', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'neverSettles', []));
    expect(e.message).toBe('timed out after 15s: a promise that never settles?');
  });

  it('an import that never finishes says so, naming the file', async () => {
    const e = await rejection(t.sandbox.call('rnn/word-embedding.ts', 'wordEmbeddingForward', []));
    expect(e.name).toBe('SandboxTimeoutError');
    expect(e.message).toBe(
      'the import of packages/grader/test/sandbox/targets/behaviour/rnn/word-embedding.ts never finished within 15s ' +
        '(an endless loop at its top level, or a top-level await that never settles?)',
    );
  });

  it('an import that throws names the file and the error', async () => {
    const e = await rejection(t.sandbox.load('rnn/temporal-affine.ts'));
    expect(e.message).toBe(
      'packages/grader/test/sandbox/targets/behaviour/rnn/temporal-affine.ts failed to import: ' +
        'temporal-affine: broken at import',
    );
    const file = 'packages/grader/test/sandbox/targets/behaviour/rnn/temporal-affine.ts';
    expect(e.location).toBe(`${file}:${lineOf(file, 'broken at import')}:40`);
  });

  it('process.exit, running out of memory and an uncaught throw are crashes that say what happened', async () => {
    const exit = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'exitNow', []));
    expect(exit.name).toBe('SandboxCrashError');
    expect(exit.message).toBe(
      'the sandbox process exited with code 3 (was process.exit called?) during exitNow',
    );
    const oom = await rejection(
      t.sandbox.call('rnn/rnn-step.ts', 'hog', [], { timeoutMs: 60_000 }),
    );
    expect(oom.message).toBe(
      'the sandbox process ran out of memory (its heap limit is 64 MB) during hog',
    );
    // typed arrays live outside the heap; the address-space limit stops them (Linux)
    // (the allocation fails, or the heap cannot grow any more and the process stops)
    if (process.platform === 'linux') {
      const outcome = await t.sandbox
        .call<number>('rnn/rnn-step.ts', 'hogTyped', [], { timeoutMs: 60_000 })
        .then(
          (r) => (r.value < 64 + 1536 ? 'bounded' : `${r.value} MB`),
          (e: Error) => e.message,
        );
      expect(outcome).toMatch(
        /^(bounded|the sandbox process ran out of memory \(its heap limit is 64 MB\) during hogTyped)$/,
      );
    }
    await t.sandbox.call('rnn/rnn-step.ts', 'throwLater', []);
    const after = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'neverSettles', []));
    expect(after.message).toMatch(
      /^the sandbox process stopped on an uncaught TypeError: thrown from a timer \(at packages\/grader\/test\/sandbox\/targets\/behaviour\/rnn\/rnn-step.ts:\d+:\d+\) during (neverSettles|the import of .*rnn-step.ts)$/,
    );
  });

  it('a batch holds the time limit per item, not for the whole batch', async () => {
    // 30 items of 100 ms: 3 s in all, twice the limit, but each item well within it
    const sets = Array.from({ length: 30 }, (_, i) => [tensor([i]), 100]);
    const out = await t.sandbox.batch<Tensor>('rnn/rnn-step.ts', 'slowDouble', sets);
    expect(out.map((o) => o.item())).toEqual(sets.map((_, i) => 2 * i));
  });

  it('the learner sees a scrubbed environment and a HOME of its own', async () => {
    process.env.COURSE_SECRET_FOR_TEST = 'x';
    try {
      await t.sandbox.close();
      const { value } = await t.sandbox.call<{ keys: string[]; home: string }>(
        'rnn/rnn-step.ts',
        'environment',
        [],
      );
      // (on Linux the shell that sets the memory limit adds PWD, the bundle folder)
      const shell = process.platform === 'linux' ? ['PWD'] : [];
      expect(value.keys.sort()).toEqual(['HOME', 'LANG', ...shell, 'TMPDIR'].sort());
      expect(value.home).toMatch(/course-sandbox-home-/);
      expect(value.home).not.toBe(process.env.HOME);
    } finally {
      delete process.env.COURSE_SECRET_FOR_TEST;
    }
  });
});

describe('the core with autograd switched off', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('targets/honest'));
  });
  afterAll(() => t.close());

  it('lets a hand-written backward run, and refuses a graph with the reason', async () => {
    const p = stepInputs(5);
    const { cache } = (
      await t.sandbox.call<{ cache: unknown }>(
        'rnn/rnn-step.ts',
        'rnnStepForward',
        Object.values(p),
      )
    ).value;
    const ok = await t.sandbox.call(
      'rnn/rnn-step.ts',
      'rnnStepBackward',
      [randn([3, 5], new Rng(1)), cache],
      {
        withoutAutograd: true,
      },
    );
    expect(Object.keys(ok.value as object)).toHaveLength(5);
    expect(HAND_DERIVED).toBe(
      "this exercise asks for a hand-derived backward; the core's autograd is switched off here",
    );
  });
});

describe('permissionFlag', () => {
  it('uses the stable flag from Node 22.13 and 23.5, the experimental one before', () => {
    expect(permissionFlag('20.20.2')).toBe('--experimental-permission');
    expect(permissionFlag('22.12.0')).toBe('--experimental-permission');
    expect(permissionFlag('22.13.0')).toBe('--permission');
    expect(permissionFlag('23.4.0')).toBe('--experimental-permission');
    expect(permissionFlag('23.5.0')).toBe('--permission');
    expect(permissionFlag('24.1.0')).toBe('--permission');
  });
});
