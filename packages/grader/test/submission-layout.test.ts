import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../src/index';
import type { Report } from '../src/index';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const work = mkdtempSync(join(tmpdir(), 'course-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const gradeSubmission = (submission: string): Promise<Report> =>
  grade({ manifests: [fixtureChapter], submission, timeoutMs: 5_000 });

/** A submission holding the files of one fixture kind without their chapter folder. */
function flat(name: string, kind: string): string {
  const dir = join(work, name);
  cpSync(join(target(kind), 'fixture'), dir, { recursive: true });
  return dir;
}

describe('the layout of a submission', () => {
  it('files dragged in without their chapter folder are found at the top level and graded, saying so', async () => {
    const dir = flat('flat-correct', 'correct');
    const r = await gradeSubmission(dir);
    expect([r.score, r.maxScore]).toEqual([5, 5]);
    expect(r.notes).toEqual([
      `found scale.ts, sum.ts at the top level of ${dir}/, not in a fixture/ folder: ` +
        'graded them as fixture/scale.ts, fixture/sum.ts',
    ]);
    expect(r.exercises.map((e) => e.file)).toEqual([join(dir, 'scale.ts'), join(dir, 'sum.ts')]);
  });

  it("a flat file's failure names the file where the student has it", async () => {
    const dir = flat('flat-throws', 'throws');
    const r = await gradeSubmission(dir);
    const scale = r.exercises.find((e) => e.id === 'fixture/scale');
    expect(scale?.status).toBe('failed');
    expect(scale?.message).toContain(`(at ${join(dir, 'scale.ts')}:4`);
  });

  it('a course unpacked into one folder is found inside it', async () => {
    const dir = join(work, 'wrapped');
    cpSync(target('correct'), join(dir, 'course-main/exercises'), { recursive: true });
    const r = await gradeSubmission(dir);
    expect(r.score).toBe(5);
    expect(r.notes).toEqual([`found the exercise files in ${dir}/course-main/exercises/`]);
  });

  it('when nothing is found, the note says which layout was expected and what is there', async () => {
    const dir = join(work, 'nothing');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'my answers');
    writeFileSync(join(dir, 'main.py'), 'print(1)');
    const r = await gradeSubmission(dir);
    expect(r.exercises.map((e) => [e.status, e.message])).toEqual([
      ['not-started', 'file missing'],
      ['not-started', 'file missing'],
    ]);
    expect(r.notes).toEqual([
      `found none of the 2 exercise files in ${dir}/. Expected them as in exercises/ ` +
        '(fixture/scale.ts, fixture/sum.ts), or the whole course with its exercises/ folder, ' +
        'or the files themselves at the top level; found: main.py, notes.txt, src/',
    ]);
  });

  it('a copy of exercises/ needs no note', async () => {
    const r = await gradeSubmission(target('correct'));
    expect([r.score, r.notes]).toEqual([5, undefined]);
  });
});
