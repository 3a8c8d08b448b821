/**
 * `course grade-batch DIR --csv FILE [--shard i/n] [--timeout s] [--jobs n]`: grades every
 * student folder of DIR into one CSV (a row per student, a column per exercise, the total and a
 * note). Each student is graded by its own `course grade` process, `--jobs` of them at a time
 * (one per core by default), under a time limit per student:
 *
 * - the grading process is told the limit and stops itself when it is reached, keeping every
 *   exercise already graded (those not reached are `error`, "not graded: the time limit ...");
 * - should it not stop (a hang outside the checks), the whole process tree is killed a grace
 *   period later and the row says so;
 * - either way its staged copy (its own folder under `.course/targets/`) is removed.
 *
 * `--shard 2/3` takes every third student starting at the second, so a large class splits
 * across CI machines; each shard writes its own CSV. When done it says how many students per
 * minute it graded.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Course } from '../course';
import type { BatchRow } from '../format/csv';
import { toCsv } from '../format/csv';
import { graderRoot, repoRoot, targetsDir, userPath } from '../paths';
import { killTree } from '../process-tree';
import type { Report } from '../report';

/** What to grade and where the CSV goes. */
export interface BatchOptions {
  readonly dir: string;
  readonly csv: string;
  /** 1-based shard index and shard count. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Time limit per student, in seconds (default 300). */
  readonly timeoutSeconds?: number;
  /** Per-check time limit passed on to each grading run. */
  readonly checkTimeoutMs?: number;
  /** Manifests to grade with (`COURSE_MANIFESTS` for the child processes). */
  readonly manifestPaths?: readonly string[];
  /** Students graded at the same time (default: one per core). */
  readonly jobs?: number;
}

/** How long the grading of one student may overrun its limit before its processes are killed. */
export function graceMs(limitMs: number): number {
  return Math.max(15_000, limitMs / 5);
}

/** Parses `i/n` (1 <= i <= n); throws a readable message otherwise. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard takes i/n with 1 <= i <= n, e.g. --shard 1/4; got '${text}'`);
  }
  return { index, count };
}

/** The student folders of a shard, sorted by name. */
export function studentsOf(dir: string, shard?: { index: number; count: number }): string[] {
  const all = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
    .sort();
  return shard === undefined ? all : all.filter((_, i) => i % shard.count === shard.index - 1);
}

/** Students per minute, from a count and a wall time. */
export function perMinute(students: number, ms: number): number {
  return ms <= 0 ? 0 : (students * 60_000) / ms;
}

/**
 * Grades every student of the shard, `jobs` at a time, and writes the CSV; returns the rows in
 * the students' order. `progress` gets a line per student as each finishes, then the throughput.
 */
export async function gradeBatch(
  course: Course,
  opts: BatchOptions,
  progress: (s: string) => void = () => {},
): Promise<BatchRow[]> {
  const dir = userPath(opts.dir);
  if (!existsSync(dir)) throw new Error(`folder of submissions not found: ${opts.dir}`);
  const students = studentsOf(dir, opts.shard);
  const jobs = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), students.length || 1));
  const started = Date.now();
  const rows: BatchRow[] = new Array(students.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < students.length) {
      const i = next++;
      const student = students[i] ?? '';
      const row = await gradeOne(join(dir, student), student, opts);
      rows[i] = row;
      done++;
      const score =
        row.report === undefined
          ? `error: ${row.error ?? ''}`
          : `${row.report.score}/${row.report.maxScore}`;
      progress(`[${done}/${students.length}] ${student}: ${score}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const ms = Date.now() - started;
  progress(
    `Graded ${students.length} student(s) in ${(ms / 1000).toFixed(1)} s, ${jobs} at a time: ` +
      `${perMinute(students.length, ms).toFixed(1)} students per minute.`,
  );
  mkdirSync(dirname(userPath(opts.csv)), { recursive: true });
  writeFileSync(
    userPath(opts.csv),
    toCsv(
      course.exercises.map((e) => e.id),
      rows,
    ),
  );
  return rows;
}

/**
 * One student in a child process running `course grade --submission ... --json ...
 * --time-limit ...`, with its own folder for staged copies.
 */
async function gradeOne(folder: string, student: string, opts: BatchOptions): Promise<BatchRow> {
  const work = mkdtempSync(join(tmpdir(), 'course-batch-'));
  mkdirSync(targetsDir, { recursive: true });
  const staging = mkdtempSync(join(targetsDir, 'batch-'));
  const json = join(work, 'report.json');
  const limitMs = (opts.timeoutSeconds ?? 300) * 1000;
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = [
    '--import',
    loader,
    resolve(graderRoot, 'src/cli.ts'),
    'grade',
    '--submission',
    folder,
    '--json',
    json,
    '--quiet',
    '--time-limit',
    String(limitMs / 1000),
  ];
  if (opts.checkTimeoutMs !== undefined) args.push('--timeout', String(opts.checkTimeoutMs / 1000));
  const env: NodeJS.ProcessEnv = { ...process.env, COURSE_TARGETS_DIR: staging };
  if (opts.manifestPaths !== undefined) env.COURSE_MANIFESTS = opts.manifestPaths.join(',');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    if (child.pid !== undefined) killTree(child.pid);
  }, limitMs + graceMs(limitMs));
  await new Promise<void>((done) => child.on('close', () => done()));
  clearTimeout(timer);
  if (child.pid !== undefined) killTree(child.pid); // anything it left running
  try {
    if (existsSync(json)) {
      return { student, report: JSON.parse(readFileSync(json, 'utf8')) as Report };
    }
    if (killed) {
      const s = (limitMs + graceMs(limitMs)) / 1000;
      return { student, error: `grading did not stop within ${s}s and was killed` };
    }
    return { student, error: `grading failed: ${lastLine(stderr)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

function lastLine(s: string): string {
  return (
    s
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? 'no output'
  );
}
