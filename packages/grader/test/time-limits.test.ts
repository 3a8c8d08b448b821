/**
 * Hangs during grading: a run that reaches its time limit keeps what it graded; an import that
 * never finishes is called that; a batch student whose code hangs keeps their row, and nothing
 * of their grading is left running or left on disk.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { courseOf, grade, gradeBatch } from '../src/index';
import { targetsDir } from '../src/paths';
import { descendantsOf, killTree } from '../src/process-tree';
import fixtureChapter from './fixtures/chapter/manifest';
import { fixtureManifestPath, target } from './fixture-paths';

const manifests = [fixtureChapter];
const work = mkdtempSync(join(tmpdir(), 'course-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('killing a process tree', () => {
  it('kills a child and the grandchild it started in a process group of its own', async () => {
    const script =
      "const { spawn } = require('node:child_process');" +
      "const g = spawn(process.execPath, ['-e', 'for (;;) {}'], { detached: true, stdio: 'ignore' });" +
      'console.log(g.pid); setInterval(() => {}, 1000);';
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = await new Promise<number>((done) =>
      child.stdout.once('data', (d: Buffer) => done(Number(d.toString().trim()))),
    );
    expect(descendantsOf(child.pid ?? -1)).toContain(grandchild);
    killTree(child.pid ?? -1);
    await new Promise((done) => child.on('close', done));
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((d) => setTimeout(d, 100));
    expect(alive(grandchild)).toBe(false);
  });
});

describe('time limits', () => {
  it('a run stopped at its deadline keeps the exercises it graded; the rest says why', async () => {
    const r = await grade({
      manifests,
      target: target('infinite-loop'),
      timeoutMs: 120_000, // the watchdog would wait this long; the deadline comes first
      deadline: Date.now() + 20_000,
    });
    expect(r.exercises.map((e) => [e.id, e.status, e.score])).toEqual([
      ['fixture/scale', 'error', 0],
      ['fixture/sum', 'passed', 2],
    ]);
    expect(r.exercises[0]?.message).toMatch(
      /not graded: the time limit of this grading run was reached first/,
    );
  }, 120_000);

  it("a check whose own work outlasts the learner's limit keeps its points: that limit holds each call into the learner's code", async () => {
    // the check spends 4 s in the course's code, then calls the learner's sum, which returns at once
    process.env.FIXTURE_COURSE_WORK_MS = '4000';
    try {
      const r = await grade({
        manifests,
        target: target('correct'),
        filter: ['fixture/sum'],
        timeoutMs: 2_000,
      });
      expect(r.exercises.map((e) => [e.id, e.status, e.score])).toEqual([
        ['fixture/sum', 'passed', 2],
      ]);
    } finally {
      delete process.env.FIXTURE_COURSE_WORK_MS;
    }
  });

  it('a top-level await that never settles is "the import never finished", not an endless loop', async () => {
    const dir = join(work, 'import-hangs');
    cpSync(target('correct'), dir, { recursive: true });
    const scale = join(dir, 'fixture/scale.ts');
    writeFileSync(scale, `await new Promise(() => {});\n${readFileSync(scale, 'utf8')}`);
    // 3 s: the honest exercise beside it must pass on a busy machine too
    const r = await grade({ manifests, target: dir, timeoutMs: 3_000 });
    const e = r.exercises.find((x) => x.id === 'fixture/scale');
    expect(e?.status).toBe('error');
    expect(e?.message).toMatch(
      /^importing .*fixture\/scale\.ts never finished \(3s and more\): a top-level await that never settles/,
    );
    expect(e?.message).not.toMatch(/endless loop/);
    expect(r.exercises.find((x) => x.id === 'fixture/sum')?.status).toBe('passed');
  }, 120_000);

  it('grade-batch keeps the row of a student whose code hangs, and leaves nothing behind', async () => {
    const dir = join(work, 'class');
    cpSync(target('correct'), join(dir, 'ada'), { recursive: true });
    cpSync(target('infinite-loop'), join(dir, 'bob'), { recursive: true });
    const staged = (): string[] =>
      existsSync(targetsDir) ? readdirSync(targetsDir).filter((n) => n.startsWith('batch-')) : [];
    const before = staged();
    const lines: string[] = [];
    const rows = await gradeBatch(
      courseOf(manifests),
      {
        dir,
        csv: join(work, 'class.csv'),
        manifestPaths: [fixtureManifestPath],
        timeoutSeconds: 90, // ada's whole grading fits in it on a loaded machine; bob's loop does not
        checkTimeoutMs: 120_000, // so that the student's time limit, not a check's, ends it
        jobs: 2,
      },
      (s) => lines.push(s),
    );
    expect(rows.map((r) => [r.student, r.report?.score, r.error])).toEqual([
      ['ada', 5, undefined],
      ['bob', 2, undefined],
    ]);
    const csv = readFileSync(join(work, 'class.csv'), 'utf8').split('\n');
    expect(csv[2]).toMatch(/^bob,0,2,2,5,0,fixture\/scale: .*not graded: the time limit/);
    expect(lines.at(-1)).toMatch(
      /^Graded 2 student\(s\) in [\d.]+ s, 2 at a time: [\d.]+ students per minute\.$/,
    );
    // no grading process outlives the batch, and no staged copy stays
    expect(descendantsOf(process.pid).filter((p) => cmdline(p).includes('vitest'))).toEqual([]);
    expect(staged()).toEqual(before);
  }, 400_000);
});

function cmdline(pid: number): string {
  const file = `/proc/${pid}/cmdline`;
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
