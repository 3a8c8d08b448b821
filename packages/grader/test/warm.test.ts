/**
 * The warm Vitest instance of `watch`: it sees each save, and a hang ends the instance without
 * losing the other exercises' results (the hung one is re-run cold and called a time-out).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { courseOf, grade } from '../src/index';
import { repoRoot } from '../src/paths';
import { startWarm } from '../src/warm';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const course = courseOf([fixtureChapter]);
// inside the repository, as exercises/ is: graded in place, not staged
mkdirSync(resolve(repoRoot, '.course'), { recursive: true });
const work = mkdtempSync(resolve(repoRoot, '.course/warm-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the warm instance', () => {
  it('grades each save anew on one instance', async () => {
    const dir = join(work, 'edits');
    cpSync(target('not-implemented'), dir, { recursive: true });
    const warm = await startWarm(dir, 10_000);
    try {
      const first = await grade({ course, target: dir, filter: ['fixture/sum'], runner: warm.run });
      expect(first.exercises[0]?.status).toBe('not-started');
      const solved = readFileSync(join(target('correct'), 'fixture/sum.ts'), 'utf8');
      writeFileSync(join(dir, 'fixture/sum.ts'), solved);
      const second = await grade({
        course,
        target: dir,
        filter: ['fixture/sum'],
        runner: warm.run,
      });
      expect([second.exercises[0]?.status, second.score]).toEqual(['passed', 2]);
      expect(warm.alive()).toBe(true);
    } finally {
      await warm.close();
    }
  }, 120_000);

  it("an endless loop is stopped by the sandbox's time limit: a time-out, the other exercise keeps its grade, the instance lives on", async () => {
    const dir = join(work, 'loop');
    // 5 s: short enough to wait for the loop, long enough for the honest exercise on a busy machine
    cpSync(target('infinite-loop'), dir, { recursive: true });
    const warm = await startWarm(dir, 5_000);
    try {
      const r = await grade({ course, target: dir, timeoutMs: 5_000, runner: warm.run });
      expect(r.exercises.map((e) => [e.id, e.status, e.score])).toEqual([
        ['fixture/scale', 'error', 0],
        ['fixture/sum', 'passed', 2],
      ]);
      expect(r.exercises[0]?.message).toMatch(/timed out after 5s/);
      // the loop ran in the sandbox, whose time limit killed it: the worker never hung
      expect(warm.alive()).toBe(true);
    } finally {
      await warm.close();
    }
  }, 120_000);
});
