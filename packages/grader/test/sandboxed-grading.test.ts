/**
 * Grading with the learner's code in the sandbox, end to end: no learner code in a worker, the
 * grading seed, what the suites read from the sandbox's report of a call (mutations, aliases, a
 * seeded generator's new state), where a learner's error is located, and grading a class with
 * each student isolated.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolateStudent, studentEnvironment } from '../src/batch-isolation';
import {
  courseOf,
  grade,
  gradeBatch,
  stageEdited,
  type ExerciseReport,
  type Report,
} from '../src/index';
import { displayPath, repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import isolationChapter from './fixtures/isolation/manifest';
import seededChapter from './fixtures/seeded/manifest';
import tamperingChapter from './fixtures/tampering/manifest';
import { fixtureManifestPath, fixturesDir, target } from './fixture-paths';

const work = mkdtempSync(join(tmpdir(), 'course-sandboxed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function byId(r: Report, id: string): ExerciseReport {
  const e = r.exercises.find((x) => x.id === id);
  if (e === undefined) throw new Error(`no ${id} in the report`);
  return e;
}

/** Grades chapter 1's worked solutions with one file edited (a known mistake). */
async function gradeEdited(
  file: string,
  edits: Array<{ find: string; replace: string }>,
  filter: string[],
): Promise<{ report: Report; dir: string }> {
  const staged = stageEdited({ from: 'solutions', file, edits });
  try {
    return { report: await grade({ target: staged.dir, filter }), dir: staged.dir };
  } finally {
    staged.cleanup();
  }
}

describe('no learner code in a grading worker', () => {
  it("a learner file's top-level side effect runs in the sandbox's process, never in the worker's", async () => {
    const r = await grade({
      manifests: [isolationChapter],
      target: join(fixturesDir, 'isolation/target'),
    });
    // the check (run in the worker) finds its own global object unmarked and the learner's
    // code marked in another process
    expect(r.exercises[0]).toMatchObject({ status: 'passed', score: 1, message: '' });
  });
});

describe('the grading seed', () => {
  const honest = join(fixturesDir, 'seeded/students/honest');
  const hardCoded = join(fixturesDir, 'seeded/students/hard-coded');
  const run = (t: string, seed?: number | 'random') =>
    grade({ manifests: [seededChapter], target: t, ...(seed === undefined ? {} : { seed }) });

  it('keeps the suites own inputs by default, where outputs hard-coded from a learner run pass', async () => {
    const r = await run(hardCoded);
    expect(r).toMatchObject({ seed: 0, score: 1 });
  });

  it('draws other inputs with --seed: hard-coded outputs fail, computed ones pass', async () => {
    const [fair, copied] = [await run(honest, 7), await run(hardCoded, 7)];
    expect(fair).toMatchObject({ seed: 7, score: 1 });
    expect(copied).toMatchObject({ seed: 7, score: 0 });
    expect(copied.exercises[0]?.message).toMatch(
      /^double\(\[\d+, \d+, \d+\]\) returned \[0,70,66\], expected \[\d+, \d+, \d+\]/,
    );
    expect(copied.exercises[0]?.message).not.toContain('double([0, 35, 33])');
  });

  it('records a random seed, and grading with that seed reproduces the grade', async () => {
    const first = await run(hardCoded, 'random');
    expect(first.seed).toBeGreaterThan(0);
    const again = await run(hardCoded, first.seed);
    expect(again.seed).toBe(first.seed);
    expect(again.exercises[0]?.message).toBe(first.exercises[0]?.message);
  });

  it('course grade --seed random writes the seed into the JSON, Gradescope and JUnit reports', () => {
    const files = {
      json: join(work, 'r.json'),
      gs: join(work, 'gs.json'),
      xml: join(work, 'r.xml'),
    };
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(repoRoot, 'packages/grader/src/cli.ts'),
        'grade',
        '--target',
        honest,
        '--seed',
        'random',
        '--json',
        files.json,
        '--gradescope',
        files.gs,
        '--junit',
        files.xml,
      ],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          ...process.env,
          COURSE_MANIFESTS: 'packages/grader/test/fixtures/seeded/manifest.ts',
        },
      },
    );
    expect(r.status).toBe(0);
    const seed = (JSON.parse(readFileSync(files.json, 'utf8')) as Report).seed;
    expect(seed).toBeGreaterThan(0);
    expect(r.stdout).toContain(`Inputs drawn with seed ${seed}: --seed ${seed} grades them again.`);
    expect(JSON.parse(readFileSync(files.gs, 'utf8')).extra_data).toEqual({ seed });
    expect(readFileSync(files.xml, 'utf8')).toContain(`<property name="seed" value="${seed}"/>`);
    const bad = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(repoRoot, 'packages/grader/src/cli.ts'),
        'grade',
        '--seed',
        'soon',
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr + bad.stdout).toContain(
      "--seed: a grading seed is a whole number from 0 to 4294967295 (or 'random'), received 'soon'",
    );
  }, 120_000);
});

describe("what the suites read from the sandbox's report of a call", () => {
  it('an input written in place by an otherwise correct backward is named; the gradients, from pristine inputs, still count', async () => {
    const { report } = await gradeEdited(
      'rnn/rnn-step.ts',
      [
        {
          find: 'const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]',
          replace:
            'for (let i = 0; i < dnextH.size; i++) dnextH.data[i] *= 1 - nextH.data[i] * nextH.data[i];\n  const da = dnextH; // [N, H]',
        },
      ],
      ['rnn/rnn-step-backward'],
    );
    const e = byId(report, 'rnn/rnn-step-backward');
    expect(e).toMatchObject({ status: 'failed', score: 3 });
    expect(e.message).toMatch(
      /^rnnStepBackward changed its input dnextH: element \[0, 0\] was -?[\d.e-]+ before the call, -?[\d.e-]+ after \(15 of 15 elements changed\)\. Inputs are read-only/,
    );
    expect(e.message).not.toContain('Every gradient is wrong');
  });

  it('a change of an input that makes the gradients wrong is reported first, in place of the comparisons', async () => {
    const { report } = await gradeEdited(
      'rnn/rnn-step.ts',
      [
        {
          find: 'const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]',
          replace:
            'for (let i = 0; i < dnextH.size; i++) dnextH.data[i] *= 1 - nextH.data[i] * nextH.data[i];\n  const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]',
        },
      ],
      ['rnn/rnn-step-backward'],
    );
    const e = byId(report, 'rnn/rnn-step-backward');
    expect(e.score).toBe(0);
    for (const t of e.tests) {
      expect(t.message).toMatch(/^rnnStepBackward changed its input dnextH: element \[0, 0\]/);
    }
    expect(e.tests[0]?.message).toContain(
      "(Reported in place of this check's comparisons: they would read values computed from a changed input.)",
    );
  });

  it('an output that is the input tensor itself is found by the alias report', async () => {
    const { report } = await gradeEdited(
      'rnn/clip-grad-norm.ts',
      [{ find: 'clipped[name] = fromData(scaled, g.shape);', replace: 'clipped[name] = g;' }],
      ['rnn/clip-grad-norm'],
    );
    const check = byId(report, 'rnn/clip-grad-norm').tests.find((t) =>
      t.name.startsWith('below maxNorm the gradients come back unchanged in new tensors'),
    );
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(
      /^clipGradNorm returned its input dWx itself as grads.dWx. Outputs must be new tensors: a caller that updates grads.dWx would change dWx too/,
    );
  });

  it("a seeded generator passed to the learner's code advances on the suite's side: two draws per call are seen", async () => {
    const { report } = await gradeEdited(
      'rnn/sample-with-temperature.ts',
      [{ find: 'const u = rng.uniform();', replace: 'rng.uniform();\n  const u = rng.uniform();' }],
      ['rnn/sample-with-temperature'],
    );
    const check = byId(report, 'rnn/sample-with-temperature').tests.find(
      (t) => t.name === 'each call draws exactly one rng.uniform()',
    );
    expect(check?.message).toMatch(
      /^after 25 calls the generator is not where 25 uniform draws leave it \(it moved 50 draws, about 2.00 per call\)/,
    );
  });

  it("a ShapeError the core throws is located in the learner's own file and line", async () => {
    const find = 'const dx = matmul(da, transpose(Wx)); // [N, H]·[H, D] = [N, D]';
    const line = readFileSync(join(repoRoot, 'solutions/rnn/rnn-step.ts'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(find));
    const { report, dir } = await gradeEdited(
      'rnn/rnn-step.ts',
      [{ find, replace: 'const dx = matmul(da, Wx); // [N, H]·[D, H]: a mistake' }],
      ['rnn/rnn-step-backward'],
    );
    const e = byId(report, 'rnn/rnn-step-backward');
    expect(e.message).toMatch(/^ShapeError: matmul/);
    expect(e.message).toContain(`(at ${displayPath(join(dir, 'rnn/rnn-step.ts'))}:${line + 1}:`);
  });
});

describe('grading a class, each student isolated', () => {
  const fixtureCourse = courseOf([fixtureChapter]);

  it("a student whose code reaches for a classmate's files gets a refusal; the classmate scores as before", async () => {
    const dir = join(work, 'class');
    cpSync(target('correct'), join(dir, 'ada'), { recursive: true });
    mkdirSync(join(dir, 'eve/fixture'), { recursive: true });
    writeFileSync(
      join(dir, 'eve/fixture/scale.ts'),
      [
        "/** Overwrites a classmate's file and a file of the course, then answers. */",
        'export function scale(xs: number[], s: number): number[] {',
        "  const fs = process.getBuiltinModule('fs');",
        "  fs.writeFileSync('../ada/fixture/scale.ts', 'export const scale = () => [];');",
        '  return xs.map((x) => x * s);',
        '}',
        '',
      ].join('\n'),
    );
    cpSync(join(target('correct'), 'fixture/sum.ts'), join(dir, 'eve/fixture/sum.ts'));
    const before = readFileSync(join(dir, 'ada/fixture/scale.ts'), 'utf8');
    const rows = await gradeBatch(fixtureCourse, {
      dir,
      csv: join(work, 'class.csv'),
      manifestPaths: [fixtureManifestPath],
      timeoutSeconds: 120,
    });
    expect(rows.map((r) => [r.student, r.report?.score, r.error])).toEqual([
      ['ada', 5, undefined],
      ['eve', 2, undefined],
    ]);
    const eve = rows[1]?.report?.exercises.find((e) => e.id === 'fixture/scale');
    expect(eve?.message).toMatch(/^Error: process.getBuiltinModule\('fs'\) was refused/);
    expect(readFileSync(join(dir, 'ada/fixture/scale.ts'), 'utf8')).toBe(before);
  }, 240_000);

  it("a run that detects tampering marks that student's row, and the batch goes on", async () => {
    const dir = join(work, 'tampered');
    cpSync(join(fixturesDir, 'tampering/students'), dir, { recursive: true });
    const csv = join(work, 'tampered.csv');
    const rows = await gradeBatch(courseOf([tamperingChapter]), {
      dir,
      csv,
      manifestPaths: ['packages/grader/test/fixtures/tampering/manifest.ts'],
      timeoutSeconds: 120,
    });
    expect(rows.map((r) => r.student)).toEqual(['mallory', 'ned']);
    expect(rows[0]?.report).toBeUndefined();
    expect(rows[0]?.error).toMatch(
      /^tampering detected, grade void: grading suites changed during the run, so the run is void: .*act.grade.ts \(staged copy\)/,
    );
    expect(rows[1]).toMatchObject({ student: 'ned', report: { score: 1 } });
    expect(readFileSync(csv, 'utf8').split('\n')[2]).toBe('ned,1,1,1,0,');
  }, 240_000);

  it("gives each student a HOME of their own and none of the instructor's environment", () => {
    process.env.COURSE_SECRET_TOKEN = 'instructor only';
    try {
      const a = studentEnvironment({ COURSE_MANIFESTS: 'm.ts' });
      const b = studentEnvironment();
      expect(a.home).not.toBe(b.home);
      expect(existsSync(a.home)).toBe(true);
      expect(a.env.HOME).toBe(a.home);
      expect(a.env.TMPDIR).toBe(a.home);
      expect(a.env.COURSE_MANIFESTS).toBe('m.ts');
      expect(a.env.COURSE_SECRET_TOKEN).toBeUndefined();
      expect(a.env.PATH).toBe(process.env.PATH);
      a.cleanup();
      b.cleanup();
      expect(existsSync(a.home)).toBe(false);
    } finally {
      delete process.env.COURSE_SECRET_TOKEN;
    }
  });

  it('names the watched files a run changed, leaves them for the instructor to check, ignores prose; a clean run says nothing', () => {
    const root = join(work, 'checkout');
    mkdirSync(join(root, 'packages/pkg/src'), { recursive: true });
    mkdirSync(join(root, 'packages/pkg/grading'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'packages/pkg/README.md'), '# pkg\n');
    writeFileSync(join(root, 'packages/pkg/src/a.ts'), 'export const a = 1;\n');
    const submissions = join(work, 'submissions');
    mkdirSync(join(submissions, 'bo'), { recursive: true });
    writeFileSync(join(submissions, 'bo/x.ts'), 'bo');

    const clean = isolateStudent({ submissions, root });
    expect(clean.env.HOME).toMatch(/course-student-/);
    writeFileSync(join(root, 'packages/pkg/README.md'), '# pkg, edited meanwhile\n');
    expect(clean.finish()).toBeUndefined();

    const run = isolateStudent({ submissions, root });
    writeFileSync(join(root, 'packages/pkg/src/a.ts'), 'export const a = 2;\n');
    rmSync(join(submissions, 'bo/x.ts'));
    writeFileSync(join(root, 'packages/pkg/grading/new.grade.ts'), '');
    const note = run.finish();
    expect(note).toMatch(
      /^tampering detected, grade void: files changed while this student was graded: /,
    );
    expect(note).toContain('packages/pkg/src/a.ts');
    expect(note).toContain('bo/x.ts (removed)');
    expect(note).toContain('packages/pkg/grading/new.grade.ts (added)');
    expect(note).toMatch(/\(check the course checkout, with git status, before grading more\)$/);
    // nothing is written back: an edit made meanwhile is never lost
    expect(readFileSync(join(root, 'packages/pkg/src/a.ts'), 'utf8')).toBe('export const a = 2;\n');
  });
});
