/**
 * The `course` command: `npm run course -- <command>`, and `npm run grade` for `course grade`.
 * Each command lives in commands/; this file parses arguments and maps errors to exit codes:
 * 0 done, 1 a check failed (`--fail-under`, `verify`, ...), 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { findExercise, loadCourse, selectExercises, UnknownIdError } from './course';
import type { Course } from './course';
import { gradeBatch, parseShard } from './commands/batch';
import { writeSimilarityReport } from './similarity/index';
import { gradeCommand } from './commands/grade';
import { showHint, UnknownHintError } from './commands/hint';
import {
  describeBackups,
  describeReset,
  describeRestore,
  resetExercise,
  restoreExercise,
} from './commands/reset';
import { solutionCommand } from './commands/solution';
import { watchCommand } from './commands/watch';
import { progressOf } from './commands/list';
import { formatFatal, formatList, formatNext, formatProgress } from './format/table';
import { bold, green, red } from './format/style';
import { grade } from './grade';
import { exportCourse, needsInstructorCopy } from './export';
import { hasSolutions, repoRoot, userPath } from './paths';
import { recordResults } from './state';
import { killActiveRuns } from './run-vitest';
import { parseSeed } from './testing/seed';
import { verify } from './verify';
import { generate } from './commands/generate';
import { resolve } from 'node:path';

const USAGE = `Usage: npm run course -- <command>

  list [--grade]                every exercise with its status, and your progress (as last
                                graded; --grade grades first)
  grade [chapter | id]          grade; options:
      --target exercises|solutions|DIR   what to grade (also COURSE_TARGET)
      --submission DIR          a student's folder: only its exercise files are used
      --json FILE  --gradescope FILE  --junit FILE   write reports
      --fail-under PERCENT      exit 1 below this score (for CI)
      --timeout SECONDS         time limit per call into your code (default 10)
      --seed random|N           instructors: draw the suites' inputs from a seed chosen now
                                (recorded in every report; --seed N grades the same inputs)
      --time-limit SECONDS      stop grading then; what has not finished is error (a batch's
                                limit per student)
  watch [id]                    re-grade on every save; h hint, l list, q quit
  hint <id> [key] [--all]       the next hint, the one a failure names, or all of them
  solution <id> [--force]       the worked solution, once your exercise passes
  reset <id> [--file]           reset the exercise's function to its stub, the rest of the file
                                untouched (--file: the whole file); your version is backed up
  restore <id> [--list] [--from STAMP]
                                put back your version of the function from its newest backup
  verify                        maintainers: solutions 100%, stubs not-started, manifests complete,
                                generated files fresh
  generate                      maintainers: write the stubs (from solutions/) and the tables and
                                counts of the chapter texts and docs/ (from the manifests)
  export DIR                    instructors: write the learner's repository (no solutions/) with
                                a GitHub Classroom workflow
  grade-batch DIR --csv FILE [--shard i/n] [--timeout SECONDS-PER-STUDENT] [--jobs N]
              [--seed random|N] [--similarity [--similarity-threshold 0..1]]
                                grade a folder of student folders into one CSV, N students at
                                a time (default: one per core); with --similarity also
                                FILE.similarity.csv and .md`;

const COMMANDS = [
  'list',
  'grade',
  'watch',
  'hint',
  'solution',
  'reset',
  'restore',
  'verify',
  'generate',
  'export',
  'grade-batch',
  'help',
];

/** A mistake in the command line: printed with the usage, exit code 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

const print = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    print(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command '${command}'. Commands: ${COMMANDS.join(', ')}`);
  }
  const course = await loadCourse();
  switch (command) {
    case 'list':
      return list(course, rest);
    case 'grade':
      return gradeCli(course, rest);
    case 'watch': {
      const { values, positionals } = parse(
        rest,
        { target: { type: 'string' }, timeout: { type: 'string' } },
        1,
      );
      const code = await watchCommand(course, positionals[0], {
        ...targetOf(values),
        ...timeoutOf(values),
      });
      process.exit(code); // standard input may still be open; quitting watch ends the command
    }
    case 'hint': {
      const { values, positionals } = parse(rest, { all: { type: 'boolean' } }, 2);
      const exercise = findExercise(course, needId(positionals, 'hint'));
      const key = positionals[1];
      showHint(
        exercise,
        { all: values.all === true, ...(key === undefined ? {} : { key }) },
        print,
      );
      return 0;
    }
    case 'solution': {
      const { values, positionals } = parse(rest, { force: { type: 'boolean' } }, 1);
      return solutionCommand(
        course,
        findExercise(course, needId(positionals, 'solution')),
        values.force === true,
        print,
      );
    }
    case 'reset': {
      const { values, positionals } = parse(rest, { file: { type: 'boolean' } }, 1);
      const exercise = findExercise(course, needId(positionals, 'reset'));
      const result = await resetExercise(course, exercise, {
        wholeFile: values.file === true,
        ...(process.stdin.isTTY === true ? { confirm: askYesNo } : {}),
      });
      print(describeReset(exercise, result));
      return result.refused === undefined ? 0 : 1;
    }
    case 'restore': {
      const { values, positionals } = parse(
        rest,
        { list: { type: 'boolean' }, from: { type: 'string' } },
        1,
      );
      const exercise = findExercise(course, needId(positionals, 'restore'));
      if (values.list === true) {
        print(describeBackups(exercise));
        return 0;
      }
      const from = typeof values.from === 'string' ? { from: values.from } : {};
      const result = restoreExercise(exercise, from);
      print(describeRestore(exercise, result));
      return result.from === undefined ? 1 : 0;
    }
    case 'verify':
      if (!hasSolutions()) throw new Error(needsInstructorCopy('verify'));
      return verifyCli(course, rest);
    case 'generate': {
      parse(rest, {}, 0);
      if (!hasSolutions()) throw new Error(needsInstructorCopy('generate'));
      for (const line of generate(course)) print(line);
      return 0;
    }
    case 'export': {
      const { positionals } = parse(rest, {}, 1);
      const dir = positionals[0];
      if (dir === undefined) throw new UsageError('export needs a folder: course export DIR');
      const r = exportCourse(course, userPath(dir));
      print(
        `Wrote the learner's copy of the course to ${r.dir}: ${r.files} files, ${r.stubs} ` +
          'exercise stubs (generated from solutions/), and a GitHub Classroom workflow ' +
          '(.github/workflows/classroom.yml: one step per exercise, npm run grade -- ID --fail-under 100).',
      );
      print(
        `Left out ${r.leftOut.length} files: solutions/, the known mistakes of each chapter ` +
          "(grading/mistakes.ts) and what imports them, and the course's own CI.",
      );
      print(
        `Next: cd ${r.dir} && npm ci && npm run grade   (every exercise not-started); then make ` +
          'it a git repository and a GitHub Classroom template.',
      );
      return 0;
    }
    case 'grade-batch':
      return batchCli(course, rest);
    default:
      return 2;
  }
}

async function list(course: Course, args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { target: { type: 'string' }, grade: { type: 'boolean' } },
    Infinity,
  );
  const exercisesDir = resolve(repoRoot, 'exercises');
  const target = targetOf(values).target ?? process.env.COURSE_TARGET ?? 'exercises';
  if (target === 'exercises' && values.grade !== true) {
    // from the last grades and the files: no grading run (commands/list.ts)
    const rows = progressOf(selectExercises(course, positionals), exercisesDir);
    print(formatProgress(course, rows));
    print(`\n${formatNext({ exercises: rows }, course, exercisesDir)}`);
    return 0;
  }
  const report = await grade({ course, filter: positionals, ...targetOf(values) });
  if (report.target === 'exercises') recordResults(course, report, exercisesDir);
  print(formatList(report));
  if (report.target === 'exercises') print(`\n${formatNext(report, course, exercisesDir)}`);
  return 0;
}

async function gradeCli(course: Course, args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      target: { type: 'string' },
      submission: { type: 'string' },
      json: { type: 'string' },
      gradescope: { type: 'string' },
      junit: { type: 'string' },
      'fail-under': { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      'time-limit': { type: 'string' },
      quiet: { type: 'boolean' },
    },
    Infinity,
  );
  const limit = values['time-limit'] === undefined ? undefined : Number(values['time-limit']);
  if (limit !== undefined && !(limit > 0)) {
    throw new UsageError(`--time-limit takes seconds, got '${values['time-limit']}'`);
  }
  const failUnder = values['fail-under'] === undefined ? undefined : Number(values['fail-under']);
  if (failUnder !== undefined && !(failUnder >= 0 && failUnder <= 100)) {
    throw new UsageError(
      `--fail-under takes a percentage from 0 to 100, got '${values['fail-under']}'`,
    );
  }
  return gradeCommand(
    course,
    {
      filter: positionals,
      ...targetOf(values),
      ...strings(values, ['submission', 'json', 'gradescope', 'junit']),
      ...(failUnder === undefined ? {} : { failUnder }),
      ...timeoutOf(values),
      ...seedOf(values),
      // counted from the start of this process, as a batch that started it counts
      ...(limit === undefined ? {} : { deadline: performance.timeOrigin + limit * 1000 }),
      quiet: values.quiet === true,
    },
    print,
  );
}

/** `--seed random` or `--seed N`, checked. */
function seedOf(values: Record<string, string | boolean | undefined>): {
  seed?: number | 'random';
} {
  const text = values.seed;
  if (typeof text !== 'string') return {};
  if (text === 'random') return { seed: 'random' };
  try {
    return { seed: parseSeed(text) };
  } catch (error) {
    throw new UsageError(`--seed: ${(error as Error).message}`);
  }
}

async function verifyCli(course: Course, args: string[]): Promise<number> {
  parse(args, {}, 0);
  print('Verifying: manifests, stubs, solutions (100%), stubs (not-started)...');
  const result = await verify({ course });
  const n = course.exercises.length;
  const points = course.exercises.reduce((a, e) => a + e.points, 0);
  if (result.ok) {
    print(
      green(
        `verify: OK — ${n} exercises, ${points} points; solutions ${result.solutions?.score}/${result.solutions?.maxScore}; every stub not-started`,
      ),
    );
    return 0;
  }
  print(red(bold(`verify: ${result.problems.length} problem(s)`)));
  for (const p of result.problems) print(`  - ${p}`);
  return 1;
}

async function batchCli(course: Course, args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      csv: { type: 'string' },
      shard: { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      similarity: { type: 'boolean' },
      'similarity-threshold': { type: 'string' },
      jobs: { type: 'string' },
    },
    1,
  );
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
    throw new UsageError(`--jobs takes a whole number of students at a time, got '${values.jobs}'`);
  const dir = positionals[0];
  const csv = values.csv;
  if (dir === undefined || typeof csv !== 'string')
    throw new UsageError('grade-batch needs DIR and --csv FILE');
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0))
    throw new UsageError(`--timeout takes seconds, got '${values.timeout}'`);
  const shard = typeof values.shard === 'string' ? parseShard(values.shard) : undefined;
  const rows = await gradeBatch(
    course,
    {
      dir,
      csv,
      ...(shard === undefined ? {} : { shard }),
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
      ...seedOf(values),
      ...(jobs === undefined ? {} : { jobs }),
    },
    print,
  );
  print(`Wrote ${csv}: ${rows.length} student(s).`);
  if (values.similarity === true || values['similarity-threshold'] !== undefined) {
    const threshold = Number(values['similarity-threshold'] ?? 0.5);
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new UsageError(
        `--similarity-threshold takes a number from 0 to 1, got '${values['similarity-threshold']}'`,
      );
    }
    const base = csv.replace(/\.csv$/, '');
    const files = { csv: `${base}.similarity.csv`, markdown: `${base}.similarity.md` };
    const report = writeSimilarityReport({ course, dir, threshold, ...files });
    print(
      `Wrote ${files.csv} and ${files.markdown}: ${report.matches.length} pair(s) at ${threshold} or more.`,
    );
  }
  return 0;
}

type Spec = Record<string, { type: 'string' | 'boolean' }>;

function parse(args: string[], options: Spec, maxPositionals: number) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > maxPositionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
    }
    return parsed as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Asks a yes/no question on the terminal; anything but y or yes is no. */
async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function needId(positionals: string[], command: string): string {
  const id = positionals[0];
  if (id === undefined)
    throw new UsageError(
      `${command} needs an exercise id, e.g. npm run course -- ${command} rnn/rnn-step-forward`,
    );
  return id;
}

/** The string-valued options among `keys` that were given. */
function strings<K extends string>(
  values: Record<string, string | boolean | undefined>,
  keys: K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = values[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function targetOf(values: Record<string, string | boolean | undefined>): { target?: string } {
  return typeof values.target === 'string' ? { target: values.target } : {};
}

function timeoutOf(values: Record<string, string | boolean | undefined>): { timeoutMs?: number } {
  if (values.timeout === undefined) return {};
  const s = Number(values.timeout);
  if (!(s > 0)) throw new UsageError(`--timeout takes seconds, got '${String(values.timeout)}'`);
  return { timeoutMs: s * 1000 };
}

process.on('exit', killActiveRuns); // no grading process outlives the command
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killActiveRuns();
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killActiveRuns();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${formatFatal(message)}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode =
      error instanceof UsageError ||
      error instanceof UnknownIdError ||
      error instanceof UnknownHintError
        ? 2
        : 1;
  },
);
