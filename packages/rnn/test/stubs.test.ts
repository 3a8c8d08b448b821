/// <reference types="vite/client" />
/**
 * The exercise stubs and the solutions match the manifest: every exercise's file exists in both
 * folders with the listed exports, and each stub throws NotImplementedError carrying its own id,
 * which the grader reports as "not-started".
 */
import { describe, expect, it } from 'vitest';
import { NotImplementedError } from '@rnn-course/core';
import manifest from '../manifest';

type Module = Record<string, unknown>;
const exercises = import.meta.glob<Module>('../../../exercises/rnn/*.ts');
const solutions = import.meta.glob<Module>('../../../solutions/rnn/*.ts');

async function load(
  folder: Record<string, () => Promise<Module>>,
  root: string,
  file: string,
): Promise<Module> {
  const loader = folder[`../../../${root}/${file}`];
  expect(loader, `${root}/${file} exists`).toBeDefined();
  return (loader as () => Promise<Module>)();
}

describe('exercise stubs', () => {
  it('the manifest lists 13 exercises with distinct ids worth 50 points', () => {
    expect(manifest.exercises).toHaveLength(13);
    expect(new Set(manifest.exercises.map((e) => e.id)).size).toBe(13);
    expect(manifest.exercises.reduce((s, e) => s + e.points, 0)).toBe(50);
  });

  for (const ex of manifest.exercises) {
    it(`${ex.id}: ${ex.exports.join(', ')} throw NotImplementedError('${ex.id}'), and the solution exports them`, async () => {
      const stub = await load(exercises, 'exercises', ex.file);
      const solution = await load(solutions, 'solutions', ex.file);
      for (const name of ex.exports) {
        expect(typeof solution[name], `solutions/${ex.file} exports ${name}`).toBe('function');
        const fn = stub[name] as (...args: unknown[]) => unknown;
        expect(typeof fn, `exercises/${ex.file} exports ${name}`).toBe('function');
        let thrown: unknown;
        try {
          fn();
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(NotImplementedError);
        expect((thrown as NotImplementedError).exerciseId).toBe(ex.id);
      }
    });
  }

  it('stubs and solutions export the same names from every file', async () => {
    const files = Object.keys(solutions).map((p) => p.split('/').at(-1) as string);
    expect(
      Object.keys(exercises)
        .map((p) => p.split('/').at(-1))
        .sort(),
    ).toEqual([...files].sort());
    for (const file of files) {
      const a = Object.keys(await load(exercises, 'exercises', `rnn/${file}`)).sort();
      const b = Object.keys(await load(solutions, 'solutions', `rnn/${file}`)).sort();
      expect(a, file).toEqual(b);
    }
  });
});
