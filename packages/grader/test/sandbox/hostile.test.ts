/**
 * One hostile submission per row of the issue "Grading that a submission cannot forge", run in
 * the sandbox: each is refused with a message that says what was refused, or has no effect on
 * what the trusted side receives. The fixtures are in `hostile/<row>/rnn/`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { maxRelError, Rng, randn, Tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths';
import rnnManifest from '../../../rnn/manifest';
import { courseOf } from '../../src/index';
import { HAND_DERIVED, handDerivedReason } from '../../src/sandbox/index';
import { copyOf, fixture, open, rejection, stepInputs, type Opened } from './helpers';

const args = (seed: number): Tensor[] => Object.values(stepInputs(seed));

describe('row 1: Math.abs and Number.isFinite patched at import, then zeros', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('hostile/patched-math'));
  });
  afterAll(() => t.close());

  it('patches only the sandbox: the trusted side compares with intact intrinsics and sees zeros', async () => {
    const p = stepInputs(11);
    const { value } = await t.sandbox.call<{ nextH: Tensor }>('rnn/rnn-step.ts', 'rnnStepForward', [
      p.x,
      p.prevH,
      p.Wx,
      p.Wh,
      p.b,
    ]);
    // the patch took hold where the learner's code runs ...
    expect((await t.sandbox.call('rnn/rnn-step.ts', 'patchedHere', [])).value).toEqual([0, true]);
    // ... and nowhere else
    expect(Math.abs(-3)).toBe(3);
    expect(Number.isFinite(Number.NaN)).toBe(false);
    expect(Array.from(value.nextH.data).every((v) => v === 0)).toBe(true);
    expect(maxRelError(value.nextH, rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b))).toBe(1);
  });
});

describe('row 2: Float64Array.from, BigUint64Array and Tensor.prototype.backward patched', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('hostile/patched-intrinsics'));
  });
  afterAll(() => t.close());

  it("leaves the trusted side's intrinsics and core alone", async () => {
    const from = Float64Array.from;
    const big = BigUint64Array;
    const backward = Tensor.prototype.backward;
    await t.sandbox.call('rnn/rnn-step.ts', 'rnnStepForward', args(12));
    expect((await t.sandbox.call('rnn/rnn-step.ts', 'patchedHere', [])).value).toBe(true);
    expect(Float64Array.from).toBe(from);
    expect(BigUint64Array).toBe(big);
    expect(Tensor.prototype.backward).toBe(backward);
    expect(Float64Array.from([1, 2])).toEqual(new Float64Array([1, 2]));
  });

  it("still sees the mutation the patches were meant to hide, and the values are the learner's", async () => {
    const p = stepInputs(13);
    const r = await t.sandbox.call<{ nextH: Tensor }>('rnn/rnn-step.ts', 'rnnStepForward', [
      p.x,
      p.prevH,
      p.Wx,
      p.Wh,
      p.b,
    ]);
    expect(r.report.mutated).toHaveLength(1);
    expect(r.report.mutated[0]).toMatchObject({ path: 'args[0]', index: 0 });
    expect(r.report.mutated[0]?.text).toMatch(/^flat element 0 was .* before the call, 1234 after/);
    expect(maxRelError(r.value.nextH, rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b))).toBeLessThan(1e-14);
    expect(p.x.data[0]).not.toBe(1234); // the trusted side's x is a different tensor
  });
});

describe('row 3: fake "passed" events, and the parent killed', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('hostile/fake-events'));
  });
  afterAll(() => t.close());

  it('finds no events variable: the environment is scrubbed', async () => {
    process.env.COURSE_EVENTS = '/tmp/events-for-this-test.jsonl';
    try {
      await t.sandbox.close();
      const keys = (await t.sandbox.call<string[]>('rnn/rnn-step.ts', 'environment', [])).value;
      expect(keys.filter((k) => k.startsWith('COURSE_') || k.startsWith('VITEST'))).toEqual([]);
    } finally {
      delete process.env.COURSE_EVENTS;
    }
  });

  it('cannot open the file system, through getBuiltinModule or a global require', async () => {
    const viaBuiltin = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'appendFakeEvents', []));
    expect(viaBuiltin.message).toBe(
      "process.getBuiltinModule('fs') was refused: exercises may not use Node's built-in modules",
    );
    const viaRequire = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'appendWithRequire', []));
    expect(viaRequire.message).toMatch(/^import or require of 'node:fs' was refused/);
  });

  it('cannot signal its parent, and cannot post a reply of its own', async () => {
    const kill = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'killParent', []));
    expect(kill.message).toBe('process.kill was refused: code in the sandbox may not send signals');
    expect(process.kill(process.pid, 0)).toBe(true); // this process, the sandbox's parent, lives
    const forged = await t.sandbox.call('rnn/rnn-step.ts', 'forgeReply', []);
    expect(forged.value).toBe('no send');
  });
});

describe('row 4: a grading suite rewritten at import', () => {
  const suites = ['rnn-step-forward', 'word-embedding-forward'].map((s) =>
    join(repoRoot, `packages/rnn/grading/${s}.grade.ts`),
  );
  const hashes = (): string[] =>
    suites.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
  let t: Opened;
  let before: string[];
  beforeAll(async () => {
    before = hashes();
    t = await open(fixture('hostile/rewrite-suite'));
  });
  afterAll(() => t.close());

  it('a static import of node:fs is refused when the file is bundled, naming the file and line', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'rnnStepForward', []));
    expect(e.name).toBe('ImportRefusedError');
    expect(e.message).toBe(
      "packages/grader/test/sandbox/hostile/rewrite-suite/rnn/rnn-step.ts:2 imports 'node:fs': " +
        "Node's built-in modules are not available to exercises (allowed: @rnn-course/core and " +
        'files of packages/grader/test/sandbox/hostile/rewrite-suite/rnn/)',
    );
  });

  it('the file system taken at run time is refused while the file imports; the suites are intact', async () => {
    const e = await rejection(t.sandbox.load('rnn/word-embedding.ts'));
    expect(e.message).toBe(
      'packages/grader/test/sandbox/hostile/rewrite-suite/rnn/word-embedding.ts failed to import: ' +
        "process.getBuiltinModule('fs') was refused: exercises may not use Node's built-in modules",
    );
    expect(hashes()).toEqual(before);
  });
});

describe("row 5: the chapter's reference reached around the import rule", () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('hostile/reference'));
  });
  afterAll(() => t.close());

  it("Vitest's __vite_ssr_dynamic_import__ does not exist in the sandbox", async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'viaVite', []));
    expect(e.name).toBe('ReferenceError');
    expect(e.message).toBe('__vite_ssr_dynamic_import__ is not defined');
  });

  it('a computed import() is refused, naming what it asked for', async () => {
    const e = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'computedImport', args(14)));
    expect(e.message).toBe(
      "import or require of '@rnn-course/rnn' was refused: the sandbox loads only what the " +
        'bundler resolved when it read your files, so an import must name its file or package in quotes',
    );
    const byPath = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'importByPath', []));
    expect(byPath.message).toMatch(
      /^import or require of '.*packages\/rnn\/src\/rnn-step.ts' was refused/,
    );
  });

  it('reading the reference with fs is refused, and so is evaluating text as code', async () => {
    const read = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'readReference', []));
    expect(read.message).toBe(
      "process.getBuiltinModule('fs') was refused: exercises may not use Node's built-in modules",
    );
    const evaluated = await rejection(t.sandbox.call('rnn/rnn-step.ts', 'evaluate', ['return 42']));
    expect(evaluated.name).toBe('EvalError');
    expect(evaluated.message).toBe('Code generation from strings disallowed for this context');
  });

  it('the reference imported by name is refused as this chapter reference, with the line', async () => {
    const e = await rejection(
      t.sandbox.call('rnn/temporal-affine.ts', 'temporalAffineForward', []),
    );
    expect(e.name).toBe('ImportRefusedError');
    expect(e.message).toMatch(
      /^packages\/grader\/test\/sandbox\/hostile\/reference\/rnn\/temporal-affine.ts:2 imports '@rnn-course\/rnn': that is this chapter's reference implementation; the exercise must be your own code/,
    );
  });

  it('a template-literal import reaching outside the chapter folder is refused when bundled', async () => {
    const e = await rejection(
      t.sandbox.call('rnn/word-embedding.ts', 'wordEmbeddingForward', ['rnn-step']),
    );
    expect(e.name).toBe('ImportRefusedError');
    expect(e.message).toContain('a computed import reaches packages/rnn/src/');
    expect(e.message).toContain('outside packages/grader/test/sandbox/hostile/reference/rnn/');
  });

  it('a submitted file that is a symbolic link to the reference is refused', async () => {
    const copy = copyOf(fixture('hostile/reference'));
    symlinkSync(join(repoRoot, 'packages/rnn/src/rnn-step.ts'), join(copy.dir, 'rnn/rnn.ts'));
    const linked = await open(copy.dir);
    try {
      const e = await rejection(linked.sandbox.call('rnn/rnn.ts', 'rnnForward', []));
      expect(e.name).toBe('ImportRefusedError');
      expect(e.message).toMatch(
        /rnn\/rnn.ts: .*rnn\/rnn.ts is a symbolic link to .*packages\/rnn\/src\/rnn-step.ts; submit the file itself, not a link$/,
      );
    } finally {
      await linked.close();
      copy.cleanup();
    }
  });
});

describe("row 6: detecting the grader and answering through the grader's helpers", () => {
  let t: Opened;
  beforeAll(async () => {
    t = await open(fixture('hostile/detect-grading'));
  });
  afterAll(() => t.close());

  it('sees nothing that says "grader", so it gives its wrong answer, which the comparison catches', async () => {
    process.env.COURSE_TARGET = 'exercises';
    try {
      await t.sandbox.close();
      expect((await t.sandbox.call('rnn/rnn-step.ts', 'beingGraded', [])).value).toBe(false);
      const p = stepInputs(15);
      const { value } = await t.sandbox.call<{ nextH: Tensor }>(
        'rnn/rnn-step.ts',
        'rnnStepForward',
        [p.x, p.prevH, p.Wx, p.Wh, p.b],
      );
      expect(maxRelError(value.nextH, rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b))).toBeGreaterThan(
        0.01,
      );
    } finally {
      delete process.env.COURSE_TARGET;
    }
  });

  it("importing the grader's helpers by name is refused", async () => {
    const e = await rejection(t.sandbox.call('rnn/word-embedding.ts', 'wordEmbeddingForward', []));
    expect(e.name).toBe('ImportRefusedError');
    expect(e.message).toContain(
      "word-embedding.ts:2 imports '@rnn-course/grader/testing': an exercise may import only @rnn-course/core",
    );
  });
});

describe("row 7: the hand-written backward computed with the core's autograd", () => {
  let strict: Opened;
  let lax: Opened;
  beforeAll(async () => {
    strict = await open(fixture('hostile/autograd-backward'));
    // the same chapter with no exercise marked hand-derived: what grading was before
    const unmarked = courseOf([
      { ...rnnManifest, exercises: rnnManifest.exercises.map(({ handDerived: _, ...e }) => e) },
    ]);
    lax = await open(fixture('hostile/autograd-backward'), {}, unmarked);
  });
  afterAll(async () => {
    await strict.close();
    await lax.close();
  });

  it('with autograd on it would pass; graded as the course marks it, it fails with a message that says why', async () => {
    type M = typeof import('./hostile/autograd-backward/rnn/rnn-step');
    const p = stepInputs(16);
    const dnextH = randn([3, 5], new Rng(17));
    const cheating = lax.sandbox.module<M>('rnn/rnn-step.ts');
    const { cache } = await cheating.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    expect(Object.keys(await cheating.rnnStepBackward(dnextH, cache))).toHaveLength(5);
    const graded = strict.sandbox.module<M>('rnn/rnn-step.ts');
    const { cache: kept } = await graded.rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    const e = await rejection(graded.rnnStepBackward(dnextH, kept));
    expect(e.message).toBe(
      `matmul on a tensor that requires grad: ${handDerivedReason(['rnn/rnn-step-backward'], 'rnnStepBackward')}`,
    );
    expect(e.message).toContain('rnn/rnn-step-backward asks for gradients derived by hand');
    expect(e.location).toMatch(/autograd-backward\/rnn\/rnn-step.ts:\d+:\d+$/);
  });

  it('a graph built in the forward cannot be built when the whole exercise runs with autograd off', async () => {
    const m = lax.sandbox.module<typeof import('./hostile/autograd-backward/rnn/rnn-step')>(
      'rnn/rnn-step.ts',
      { withoutAutograd: true },
    );
    const e = await rejection(
      m.forwardWithGraph(...(args(18) as [Tensor, Tensor, Tensor, Tensor, Tensor])),
    );
    expect(e.message).toBe(`matmul on a tensor that requires grad: ${HAND_DERIVED}`);
  });
});
