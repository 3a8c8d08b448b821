import { describe, expect, it } from 'vitest';
import { courseOf, loadFunctions } from '../src/index';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const course = courseOf([fixtureChapter]);

describe('loadFunctions, what a lab trains on', () => {
  it('leaves out a function that fails its grader, with the reason, and keeps the passing one', async () => {
    const loaded = await loadFunctions('fixture', target('throws'), { course });
    expect(Object.keys(loaded.functions)).toEqual(['sum']);
    expect(loaded.failing.map((f) => [f.exercise.id, f.status])).toEqual([
      ['fixture/scale', 'failed'],
    ]);
    expect(loaded.failing[0]?.message).toMatch(/^RangeError: scale: cannot scale 3 entries/);
    expect(loaded.notImplemented).toEqual([]);
  }, 120_000);

  it('stubs are not implemented, and nothing is graded for them', async () => {
    const loaded = await loadFunctions('fixture', target('not-implemented'), { course });
    expect([Object.keys(loaded.functions), loaded.failing]).toEqual([[], []]);
    expect(loaded.notImplemented.map((e) => e.id)).toEqual(['fixture/scale', 'fixture/sum']);
  });

  it('without the check, every implemented function is taken as it is', async () => {
    const loaded = await loadFunctions('fixture', target('throws'), { course, check: false });
    expect(Object.keys(loaded.functions).sort()).toEqual(['scale', 'sum']);
  });
});
