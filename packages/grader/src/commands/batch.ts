/**
 * `course grade-batch DIR --csv FILE [--shard i/n] [--timeout s]`: grades every student
 * folder of DIR, each in its own process under a time limit, into one CSV (a row per student,
 * a column per exercise and the total). `--shard 2/3` takes every third student starting at
 * the second, so a large class splits across CI machines; each shard writes its own CSV. Each
 * student is graded in an environment of their own (src/batch-isolation.ts); a run that was void
 * or changed the course checkout or the class's files marks that student's row and the batch
 * goes on.
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
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Course } from '../course';
import type { BatchRow } from '../format/csv';
import { isolateStudent } from '../batch-isolation';
import { toCsv } from '../format/csv';
import { graderRoot, repoRoot, userPath } from '../paths';
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
  /** The seed of the suites' inputs; `random` draws one per student (recorded in the CSV). */
  readonly seed?: number | 'random';
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

/** Grades every student of the shard and writes the CSV; returns the rows. */
export async function gradeBatch(
  course: Course,
  opts: BatchOptions,
  progress: (s: string) => void = () => {},
): Promise<BatchRow[]> {
  const dir = userPath(opts.dir);
  if (!existsSync(dir)) throw new Error(`folder of submissions not found: ${opts.dir}`);
  const students = studentsOf(dir, opts.shard);
  const rows: BatchRow[] = [];
  for (const [i, student] of students.entries()) {
    const row = await gradeOne(join(dir, student), student, opts);
    rows.push(row);
    const score =
      row.report === undefined
        ? `error: ${row.error ?? ''}`
        : `${row.report.score}/${row.report.maxScore}`;
    progress(`[${i + 1}/${students.length}] ${student}: ${score}`);
  }
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

/** One student in a child process running `course grade --submission ... --json ...`. */
async function gradeOne(folder: string, student: string, opts: BatchOptions): Promise<BatchRow> {
  const work = mkdtempSync(join(tmpdir(), 'course-batch-'));
  const json = join(work, 'report.json');
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
  ];
  if (opts.checkTimeoutMs !== undefined) args.push('--timeout', String(opts.checkTimeoutMs / 1000));
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  // a fresh HOME and nothing of the instructor's environment; the checkout and the class watched
  const isolation = isolateStudent({
    submissions: dirname(folder),
    extra:
      opts.manifestPaths === undefined ? {} : { COURSE_MANIFESTS: opts.manifestPaths.join(',') },
  });
  const env = isolation.env;
  const limitMs = (opts.timeoutSeconds ?? 300) * 1000;
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined)
        process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, limitMs);
  await new Promise<void>((done) => child.on('close', () => done()));
  clearTimeout(timer);
  try {
    const report = existsSync(json)
      ? (JSON.parse(readFileSync(json, 'utf8')) as Report)
      : undefined;
    const tampered = isolation.finish(report);
    if (tampered !== undefined) return { student, error: tampered };
    if (timedOut) return { student, error: `timed out after ${limitMs / 1000}s` };
    if (report === undefined) return { student, error: `grading failed: ${lastLine(stderr)}` };
    return { student, report };
  } finally {
    rmSync(work, { recursive: true, force: true });
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
