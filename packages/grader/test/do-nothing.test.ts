import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tensor, type Tensor } from '@rnn-course/core';
import { afterAll, describe, expect, it } from 'vitest';
import { courseOf } from '../src/course';
import {
  batches,
  DO_NOTHING_KINDS,
  doNothingSource,
  gradeDoNothing,
  type DoNothingKind,
} from '../src/do-nothing';
import { repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import leakyChapter from './fixtures/leaky/manifest';
import { fixturesDir, target } from './fixture-paths';

/** A solution file of the shape a chapter's are: a forward returning outputs and a cache. */
const STEP = `import { add, Tensor } from '@rnn-course/core';
export interface Cache { readonly x: Tensor }
/** out = x + y. */
export function stepForward(x: Tensor, y: Readonly<Record<string, Tensor>>, scale: number = 2): { out: Tensor; norm: number; cache: Cache } {
  return { out: add(x, y.b as Tensor), norm: scale * 3, cache: { x } };
}
`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Writes the variant next to the repository's packages (so the core resolves) and imports it. */
async function variant(kind: DoNothingKind): Promise<Record<string, (...a: unknown[]) => unknown>> {
  mkdirSync(join(repoRoot, '.course'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.course', 'do-nothing-test-'));
  made.push(dir);
  const file = join(dir, 'step.ts');
  writeFileSync(file, doNothingSource(STEP, 'stepForward', kind, 'step.ts'));
  return (await import(pathToFileURL(file).href)) as Record<string, (...a: unknown[]) => unknown>;
}

describe('doNothingSource', () => {
  const x = tensor([1, 2]);
  const y = { b: tensor([10, 20]) };

  it('keeps the structure and replaces the values: zeros, a constant, an input, a copy', async () => {
    const values = async (kind: DoNothingKind) => {
      const r = (await (await variant(kind)).stepForward?.(x, y, 5)) as {
        out: Tensor;
        norm: number;
        cache: { x: Tensor };
      };
      return { r, out: [...r.out.data], norm: r.norm };
    };
    expect(await values('zeros')).toMatchObject({ out: [0, 0], norm: 0 });
    expect(await values('constant')).toMatchObject({ out: [1, 1], norm: 1 });
    const identity = await values('identity');
    expect(identity.r.out).toBe(x); // the input object itself
    expect(identity.norm).toBe(5); // the first number among the arguments
    const copy = await values('copy');
    expect(copy.r.out).not.toBe(x);
    expect(copy.out).toEqual([1, 2]);
    expect(identity.r.cache.x).toBe(x); // the worked cache passes through, for a backward
  });

  it('returns nothing, an input or [] without computing, and refuses by name', async () => {
    expect(await (await variant('undefined')).stepForward?.(x, y)).toBeUndefined();
    expect(await (await variant('first-input')).stepForward?.(x, y)).toBe(x);
    expect(await (await variant('empty-array')).stepForward?.(x, y)).toEqual([]);
    const shape = await variant('refuse-shape');
    expect(() => shape.stepForward?.(x, y)).toThrow(
      /^stepForward: expected nothing \(x, y, scale\)/,
    );
    const range = await variant('refuse-range');
    expect(() => range.stepForward?.(x, y)).toThrow(RangeError);
    expect(() => range.stepForward?.(x, y)).toThrow('stepForward: refused x, y, scale');
  });

  it('names the file when the function is not declared once', () => {
    expect(() => doNothingSource(STEP, 'stepBackward', 'zeros', 'rnn/step.ts')).toThrow(
      "rnn/step.ts: expected one 'export function stepBackward', found 0",
    );
  });
});

describe('batches', () => {
  it('never puts two exercises of one file in the same batch', () => {
    const course = courseOf([fixtureChapter, leakyChapter]);
    const twoPerFile = [
      ...course.exercises,
      { ...course.exercises[0]!, id: 'fixture/scale-backward' },
    ];
    const groups = batches(twoPerFile);
    expect(groups.map((g) => g.map((e) => e.id))).toEqual([
      ['fixture/scale', 'fixture/sum', 'leaky/clamp'],
      ['fixture/scale-backward'],
    ]);
  });
});

describe('gradeDoNothing', () => {
  it('scores 0 for every way of doing nothing when the checks that do not compute are gated', async () => {
    const results = await gradeDoNothing({
      course: courseOf([fixtureChapter]),
      from: target('correct'),
    });
    expect(results).toHaveLength(2 * DO_NOTHING_KINDS.length);
    expect(results.filter((r) => r.score > 0 || r.error !== undefined)).toEqual([]);
  });

  it('finds a check that rewards code that does nothing, by name', async () => {
    const results = await gradeDoNothing({
      course: courseOf([leakyChapter]),
      from: resolve(fixturesDir, 'leaky/solutions'),
      kinds: ['zeros', 'first-input'],
    });
    expect(results.map((r) => [r.kind, r.score, r.scored.map((c) => c.name)])).toEqual([
      ['zeros', 1, ['clamp leaves its input unchanged']],
      ['first-input', 1, ['clamp leaves its input unchanged']],
    ]);
  });
});
