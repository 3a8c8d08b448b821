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
import {
  courseOf,
  findExercise,
  gradeBatch,
  parseShard,
  resetExercise,
  studentsOf,
} from '../src/index';
import { repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import { fixtureManifestPath, target } from './fixture-paths';

const work = mkdtempSync(join(tmpdir(), 'course-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the course CLI on the fixture chapter, with its state in a scratch folder. */
function course(args: string[], input = ''): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve(repoRoot, 'packages/grader/src/cli.ts'), ...args],
    {
      cwd: repoRoot,
      input,
      encoding: 'utf8',
      env: {
        ...process.env,
        COURSE_MANIFESTS: fixtureManifestPath,
        COURSE_STATE_DIR: join(work, 'state'),
        NO_COLOR: '1',
      },
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the course command', () => {
  it('grade writes the JSON, Gradescope and JUnit reports and exits 0 at 100% with --fail-under 100', () => {
    const [json, gs, junit] = ['r.json', 'results.json', 'junit.xml'].map((f) => join(work, f)) as [
      string,
      string,
      string,
    ];
    const r = course([
      'grade',
      '--target',
      target('correct'),
      '--json',
      json,
      '--gradescope',
      gs,
      '--junit',
      junit,
      '--fail-under',
      '100',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fixture\/scale\s+passed\s+3\/3/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      score: number;
      maxScore: number;
      exercises: unknown[];
    };
    expect([report.score, report.maxScore, report.exercises.length]).toEqual([5, 5, 2]);
    const results = JSON.parse(readFileSync(gs, 'utf8')) as {
      score: number;
      tests: Array<{ max_score: number }>;
    };
    expect([results.score, results.tests.map((t) => t.max_score)]).toEqual([5, [3, 2]]);
    expect(readFileSync(junit, 'utf8')).toContain(
      '<testsuites name="course" tests="3" failures="0" errors="0"',
    );
  });

  it('grade exits 1 below --fail-under and 0 without it, whatever the score', () => {
    expect(
      course(['grade', '--target', target('not-implemented'), '--fail-under', '50']).code,
    ).toBe(1);
    const plain = course(['grade', '--target', target('not-implemented')]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/fixture\/sum\s+not-started\s+0\/2\s+not implemented yet/);
  });

  it('an unknown exercise id or command exits 2 and lists what is valid', () => {
    const id = course(['hint', 'fixture/nope']);
    expect(id.code).toBe(2);
    expect(id.err).toContain("unknown chapter or exercise 'fixture/nope'");
    expect(id.err).toContain('fixture/scale');
    const cmd = course(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toContain(
      'Commands: list, grade, watch, hint, solution, reset, restore, verify, generate, export, grade-batch',
    );
    expect(course(['grade', '--colour']).code).toBe(2);
  });

  it('hint shows the next unseen hint each time, and all of them with --all', () => {
    expect(course(['hint', 'fixture/scale']).out).toContain(
      'Hint 1 of 2 (multiply): Multiply every entry by s.',
    );
    const second = course(['hint', 'fixture/scale']).out;
    expect(second).toContain('Hint 2 of 2 (newArray): Build a new array with xs.map.');
    expect(second).not.toContain('Hint 1 of 2');
    const all = course(['hint', 'fixture/scale', '--all']).out;
    expect([all.includes('Hint 1 of 2'), all.includes('Hint 2 of 2')]).toEqual([true, true]);
  });

  it('hint <id> <key> shows the hint a failure names; an unknown key exits 2 listing the keys', () => {
    const named = course(['hint', 'fixture/scale', 'newArray']);
    expect(named.code).toBe(0);
    expect(named.out).toContain('Hint 2 of 2 (newArray): Build a new array with xs.map.');
    expect(named.out).not.toContain('Hint 1 of 2');
    const unknown = course(['hint', 'fixture/scale', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      "fixture/scale has no hint 'nope'. Its hints: multiply, newArray",
    );
  });
});

describe('watch on standard input', () => {
  it('prints the current exercise and its hint, then quits on q', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(repoRoot, 'packages/grader/src/cli.ts'),
        'watch',
        'fixture/sum',
        '--target',
        target('not-implemented'),
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          COURSE_MANIFESTS: fixtureManifestPath,
          COURSE_STATE_DIR: join(work, 'watch-state'),
          NO_COLOR: '1',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const seen = (text: string): Promise<void> =>
      new Promise((done) => {
        const look = (): void => {
          if (out.includes(text)) done();
          else setTimeout(look, 50);
        };
        look();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));

    await seen('h hint');
    child.stdin.write('h\n');
    await seen('Hint 1 of 1 (add)');
    child.stdin.write('q\n');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(out).toMatch(/fixture\/sum Sum an array\s+not-started\s+0\/2/);
    expect(out).toContain('Hint 1 of 1 (add): Add the entries one by one.');
  });
});

describe('reset and grade-batch', () => {
  const fixtureCourse = courseOf([fixtureChapter]);

  it('reset backs up the learner file, prints nothing lost, and restores the stub', async () => {
    const dir = join(work, 'exercises');
    cpSync(target('correct'), dir, { recursive: true });
    const stub = readFileSync(join(target('not-implemented'), 'fixture/scale.ts'), 'utf8');
    const mine = readFileSync(join(dir, 'fixture/scale.ts'), 'utf8');
    process.env.COURSE_STATE_DIR = join(work, 'reset-state');
    try {
      const r = await resetExercise(fixtureCourse, findExercise(fixtureCourse, 'fixture/scale'), {
        exercisesDir: dir,
        solutionsDir: target('correct'), // the stub is generated from the solution
      });
      expect(readFileSync(join(dir, 'fixture/scale.ts'), 'utf8')).toBe(stub);
      expect(r.backup !== undefined && readFileSync(r.backup, 'utf8')).toBe(mine);
      const again = await resetExercise(
        fixtureCourse,
        findExercise(fixtureCourse, 'fixture/scale'),
        {
          exercisesDir: dir,
          stubOf: () => stub,
        },
      );
      expect([again.backup, again.scope]).toEqual([undefined, 'none']);
      await expect(
        resetExercise(fixtureCourse, findExercise(fixtureCourse, 'fixture/sum'), {
          exercisesDir: dir,
          stubOf: () => undefined,
        }),
      ).rejects.toThrow(/no stub of fixture\/sum can be made .*your file is unchanged/);
    } finally {
      delete process.env.COURSE_STATE_DIR;
    }
  });

  it('--shard i/n splits the students round-robin and rejects nonsense', () => {
    const dir = join(work, 'class-names');
    for (const s of ['d', 'a', 'c', 'b', 'e']) mkdirSync(join(dir, s), { recursive: true });
    expect(studentsOf(dir)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(studentsOf(dir, parseShard('1/2'))).toEqual(['a', 'c', 'e']);
    expect(studentsOf(dir, parseShard('2/2'))).toEqual(['b', 'd']);
    expect(() => parseShard('3/2')).toThrow(/--shard takes i\/n/);
  });

  it('grade-batch grades each student in its own process into one CSV', async () => {
    const dir = join(work, 'class');
    cpSync(target('correct'), join(dir, 'ada'), { recursive: true });
    cpSync(target('missing-file'), join(dir, 'bob'), { recursive: true });
    mkdirSync(join(dir, 'cy'), { recursive: true });
    writeFileSync(join(dir, 'cy', 'notes.txt'), 'no code here');
    const csv = join(work, 'class.csv');
    const rows = await gradeBatch(fixtureCourse, {
      dir,
      csv,
      manifestPaths: [fixtureManifestPath],
      timeoutSeconds: 120,
    });
    expect(rows.map((r) => r.student)).toEqual(['ada', 'bob', 'cy']);
    expect(existsSync(csv)).toBe(true);
    expect(readFileSync(csv, 'utf8').split('\n')).toEqual([
      'student,fixture/scale,fixture/sum,total,max,seed,note',
      'ada,3,2,5,5,0,',
      'bob,0,2,2,5,0,',
      `cy,0,0,0,5,0,"found none of the 2 exercise files in ${dir}/cy/. Expected them as in ` +
        'exercises/ (fixture/scale.ts, fixture/sum.ts), or the whole course with its exercises/ ' +
        'folder, or the files themselves at the top level; found: notes.txt"',
      '',
    ]);
  }, 120_000);

  it('grade-batch --similarity writes the pairs of similar files next to the CSV', () => {
    const dir = join(work, 'similar');
    cpSync(target('correct'), join(dir, 'ada'), { recursive: true });
    cpSync(target('correct'), join(dir, 'bea'), { recursive: true });
    cpSync(target('not-implemented'), join(dir, 'cy'), { recursive: true });
    const csv = join(work, 'similar.csv');
    const r = course([
      'grade-batch',
      dir,
      '--csv',
      csv,
      '--similarity',
      '--similarity-threshold',
      '0.9',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Wrote ${join(work, 'similar.similarity.csv')} and `);
    const rows = readFileSync(join(work, 'similar.similarity.csv'), 'utf8').trim().split('\n');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 5).join(','))).toEqual([
      'fixture/scale.ts,ada,bea,fixture/scale.ts,100%',
      'fixture/sum.ts,ada,bea,fixture/sum.ts,100%',
    ]);
    expect(readFileSync(join(work, 'similar.similarity.md'), 'utf8')).toContain(
      '## 1. ada and bea: `fixture/scale.ts`, 100%',
    );
    const bad = course(['grade-batch', dir, '--csv', csv, '--similarity-threshold', '50']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--similarity-threshold takes a number from 0 to 1, got '50'");
  }, 240_000);
});
