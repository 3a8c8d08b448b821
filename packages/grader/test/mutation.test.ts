/**
 * Mutation testing's setup (`npm run mutation`): which exercises a mutant reaches, that the
 * active mutant reaches the sandbox where the solutions run, and that StrykerJS stays out of the
 * course's own install.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesReached } from '../mutation/reach';
import { grade } from '../src/index';
import { repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

/** Instrumented files as Stryker writes them: each mutant guarded by its id. */
const texts = new Map([
  ['rnn-step.ts', 'export function f() { return stryMutAct_9fa48("3") ? 1 : 2; }'],
  ['rnn.ts', 'import { f } from \'./rnn-step\';\nconst a = stryMutAct_9fa48("31") ? 0 : 1;'],
  ['norms.ts', "import { g } from './rnn';"],
  ['clip.ts', 'const c = stryMutAct_9fa48("7") ? 0 : 1;'],
  ['tbptt.ts', 'import type { X } from "./clip.ts";\nimport { g } from \'./rnn\';'],
]);

describe('filesReached', () => {
  it('is the file that holds the mutant and every file importing it, directly or not', () => {
    expect([...(filesReached(texts, '3') ?? [])].sort()).toEqual([
      'norms.ts',
      'rnn-step.ts',
      'rnn.ts',
      'tbptt.ts',
    ]);
    expect([...(filesReached(texts, '7') ?? [])].sort()).toEqual(['clip.ts', 'tbptt.ts']);
  });

  it('matches the whole id (mutant 3 is not mutant 31), and nothing for an unknown one', () => {
    expect([...(filesReached(texts, '31') ?? [])].sort()).toEqual([
      'norms.ts',
      'rnn.ts',
      'tbptt.ts',
    ]);
    expect(filesReached(texts, '99')).toBeUndefined();
  });
});

describe('the active mutant', () => {
  const work = mkdtempSync(join(tmpdir(), 'course-mutant-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reaches the sandbox, where the instrumented solutions read it', async () => {
    // As Stryker instruments a file: the mutant's code runs only when the environment names it.
    const dir = join(work, 'instrumented');
    cpSync(target('correct'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'fixture/sum.ts'),
      'export function sum(xs: number[]): number {\n' +
        "  const active = process.env.__STRYKER_ACTIVE_MUTANT__ === '7';\n" +
        '  return xs.reduce((a, b) => (active ? a - b : a + b), 0);\n}\n',
    );
    const graded = async (): Promise<unknown> => {
      const r = await grade({ manifests: [fixtureChapter], target: dir, filter: ['fixture/sum'] });
      return r.exercises.map((e) => [e.id, e.status, e.score]);
    };
    const before = process.env.__STRYKER_ACTIVE_MUTANT__;
    try {
      delete process.env.__STRYKER_ACTIVE_MUTANT__;
      expect(await graded()).toEqual([['fixture/sum', 'passed', 2]]);
      process.env.__STRYKER_ACTIVE_MUTANT__ = '7';
      expect(await graded()).toEqual([['fixture/sum', 'failed', 0]]);
    } finally {
      if (before === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
      else process.env.__STRYKER_ACTIVE_MUTANT__ = before;
    }
  });
});

describe("StrykerJS is not part of the course's install", () => {
  it('the root lock holds no @stryker-mutator package; the mutation folder pins StrykerJS 9', () => {
    const lock = readFileSync(resolve(repoRoot, 'package-lock.json'), 'utf8');
    expect(lock).not.toMatch(/node_modules\/@stryker-mutator\//);
    const own = JSON.parse(
      readFileSync(resolve(repoRoot, 'packages/grader/mutation/package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(own.dependencies['@stryker-mutator/core']).toMatch(/^9\.\d+\.\d+$/);
    expect(lock).not.toMatch(/"packages\/grader\/mutation"/); // not a workspace of the course
    const root = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(root.scripts['mutation']).toBe('tsx packages/grader/mutation/run.ts');
  });
});
