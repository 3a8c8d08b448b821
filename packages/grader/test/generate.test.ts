import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  conceptOf,
  courseOf,
  functionOf,
  generate,
  GenerateError,
  stubOf,
  withTables,
} from '../src/index';
import { repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';

const course = courseOf([fixtureChapter]);
const readme = resolve(repoRoot, 'packages/grader/test/fixtures/chapter/README.md');

describe('names follow from the id', () => {
  it('the function is the slug in camel case, the file and the reference are the concept', () => {
    expect(functionOf('rnn/rnn-step-forward')).toBe('rnnStepForward');
    expect(conceptOf('rnn/rnn-step-forward')).toBe('rnn-step');
    expect(conceptOf('rnn/temporal-softmax-loss-and-grad')).toBe('temporal-softmax-loss');
    expect(conceptOf('lstm-gru/lstm-backward')).toBe('lstm');
    expect(conceptOf('rnn/clip-grad-norm')).toBe('clip-grad-norm');
    const [scale] = course.exercises;
    expect(scale).toMatchObject({
      functionName: 'scale',
      file: 'fixture/scale.ts',
      suite: 'packages/grader/test/fixtures/chapter/grading/scale.grade.ts',
      section: 'packages/grader/test/fixtures/chapter/README.md#scaling',
    });
  });
});

describe('stubOf', () => {
  it("replaces an exercise's region by its TODO and notImplemented, drops the imports only it used", () => {
    const solution = [
      "import { add, mul } from '@rnn-course/core';",
      "import type { Tensor } from '@rnn-course/core';",
      '',
      '/** What the backward needs. */',
      'export interface ScaleCache {',
      '  // BEGIN SOLUTION: the fields your backward reads.',
      '  readonly s: number;',
      '  // END SOLUTION',
      '}',
      '',
      '/** Every entry of xs times s. */',
      'export function scale(xs: number[], s: number): number[] {',
      '  // BEGIN SOLUTION: multiply every entry by s.',
      '  return xs.map((x) => twice(x) * s) as unknown as Tensor as never;',
      '  // END SOLUTION',
      '}',
      '',
      '// BEGIN SOLUTION',
      '/** A helper of the solution only. */',
      'function twice(x: number): number {',
      '  return add(x, mul(0, x)) as never;',
      '}',
      '// END SOLUTION',
      '',
    ].join('\n');
    expect(stubOf(solution, 'fixture/scale.ts', course)).toBe(
      [
        "import { notImplemented } from '@rnn-course/core';",
        '',
        '/** What the backward needs. */',
        'export interface ScaleCache {',
        '  // TODO: the fields your backward reads.',
        '}',
        '',
        '/** Every entry of xs times s. */',
        'export function scale(xs: number[], s: number): number[] {',
        '  // TODO: multiply every entry by s.',
        "  notImplemented('fixture/scale');",
        '}',
        '',
      ].join('\n'),
    );
  });

  it('the fixture stubs are those generated from the fixture solutions', () => {
    const fixtures = resolve(repoRoot, 'packages/grader/test/fixtures/targets');
    for (const file of ['fixture/scale.ts', 'fixture/sum.ts']) {
      const solution = readFileSync(resolve(fixtures, 'correct', file), 'utf8');
      const stub = readFileSync(resolve(fixtures, 'not-implemented', file), 'utf8');
      expect(stubOf(solution, file, course)).toBe(stub);
    }
  });

  it('refuses a region left open, one in a function that is no exercise, and an exercise without one', () => {
    const open = 'export function scale() {\n  // BEGIN SOLUTION\n  return 1;\n}\n';
    expect(() => stubOf(open, 'fixture/scale.ts', course)).toThrow(
      'solutions/fixture/scale.ts:2: BEGIN SOLUTION without its END SOLUTION',
    );
    const helper =
      'export function scale() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}\n' +
      'export function helper() {\n  // BEGIN SOLUTION\n  return 2;\n  // END SOLUTION\n}\n';
    expect(() => stubOf(helper, 'fixture/scale.ts', course)).toThrow(
      "solutions/fixture/scale.ts:7: a region in helper, which is no exercise's function of fixture/scale.ts (exercises: scale)",
    );
    expect(() =>
      stubOf('export function scale() {\n  return 1;\n}\n', 'fixture/scale.ts', course),
    ).toThrow(GenerateError);
  });
});

describe('withTables', () => {
  it('fills each region from the manifest, with links relative to the file, and leaves the rest', () => {
    const text = [
      '# Notes',
      '',
      'Before.',
      '',
      '<!-- generated: total fixture -->',
      'stale',
      '<!-- end generated -->',
      '',
      '<!-- generated: exercises fixture week 1 -->',
      '<!-- end generated -->',
      '',
      'After.',
      '',
    ].join('\n');
    const out = withTables(text, resolve(repoRoot, 'docs/notes.md'), course);
    expect(out).toBe(
      [
        '# Notes',
        '',
        'Before.',
        '',
        '<!-- generated: total fixture -->',
        '',
        '2 exercises, 5 points.',
        '',
        '<!-- end generated -->',
        '',
        '<!-- generated: exercises fixture week 1 -->',
        '',
        '| id | title | function | file | points | section |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `fixture/scale` | Scale an array | `scale` | [scale.ts](../exercises/fixture/scale.ts) | 3 | [Scaling](../packages/grader/test/fixtures/chapter/README.md#scaling) |',
        '| `fixture/sum` | Sum an array | `sum` | [sum.ts](../exercises/fixture/sum.ts) | 2 | [Summing](../packages/grader/test/fixtures/chapter/README.md#summing) |',
        '',
        '2 exercises, 5 points.',
        '',
        '<!-- end generated -->',
        '',
        'After.',
        '',
      ].join('\n'),
    );
    expect(withTables(out, resolve(repoRoot, 'docs/notes.md'), course)).toBe(out);
    expect(readFileSync(readme, 'utf8')).toBe(
      withTables(readFileSync(readme, 'utf8'), readme, course),
    );
  });

  it('names the file and the region when a region names no chapter or an unknown kind', () => {
    const at = resolve(repoRoot, 'docs/notes.md');
    expect(() =>
      withTables('<!-- generated: exercises nope -->\n<!-- end generated -->', at, course),
    ).toThrow(
      "docs/notes.md: generated region 'exercises nope' names no chapter (chapters: fixture)",
    );
    expect(() =>
      withTables('<!-- generated: list fixture -->\n<!-- end generated -->', at, course),
    ).toThrow(
      "docs/notes.md: generated region 'list fixture': unknown kind 'list' (use exercises or total)",
    );
  });
});

describe('generate', () => {
  it('writes the stale stubs, backing up the file it replaces, and says what it wrote', () => {
    const work = mkdtempSync(join(tmpdir(), 'course-generate-'));
    const fixtures = resolve(repoRoot, 'packages/grader/test/fixtures/targets');
    const exercisesDir = join(work, 'exercises');
    cpSync(resolve(fixtures, 'not-implemented'), exercisesDir, { recursive: true });
    const mine = 'export function sum(xs: number[]): number {\n  return 42;\n}\n';
    writeFileSync(join(exercisesDir, 'fixture/sum.ts'), mine);
    process.env.COURSE_STATE_DIR = join(work, 'state');
    try {
      const opts = { exercisesDir, solutionsDir: resolve(fixtures, 'correct'), documents: [] };
      const lines = generate(course, opts);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^wrote .*exercises\/fixture\/sum\.ts from .*correct\/fixture\/sum\.ts \(the previous version is in (.*)\)$/,
      );
      const backup = /the previous version is in (.*)\)$/.exec(lines[0] ?? '')?.[1] ?? '';
      expect(readFileSync(backup, 'utf8')).toBe(mine);
      expect(readFileSync(join(exercisesDir, 'fixture/sum.ts'), 'utf8')).toBe(
        readFileSync(resolve(fixtures, 'not-implemented/fixture/sum.ts'), 'utf8'),
      );
      expect(generate(course, opts)).toEqual(['Every generated file is up to date.']);
    } finally {
      delete process.env.COURSE_STATE_DIR;
      rmSync(work, { recursive: true, force: true });
    }
  });
});
