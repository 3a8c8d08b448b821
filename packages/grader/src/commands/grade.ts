/**
 * `course grade [chapter | id]`: grade, print the table, write the requested report files,
 * and decide the exit code (`--fail-under PERCENT`: 1 below it; otherwise 0 once grading ran).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Course } from '../course';
import { formatNext, formatTable } from '../format/table';
import { toGradescope } from '../format/gradescope';
import { toJUnit } from '../format/junit';
import { plainReport } from '../format/plain';
import { grade } from '../grade';
import { repoRoot, userPath } from '../paths';
import type { Report } from '../report';
import { recordResults } from '../state';
import { percent } from '../report';

/** The options of `grade`, parsed. */
export interface GradeCommandOptions {
  readonly filter: readonly string[];
  readonly target?: string;
  readonly submission?: string;
  readonly json?: string;
  readonly gradescope?: string;
  readonly junit?: string;
  readonly failUnder?: number;
  readonly timeoutMs?: number;
  /** When grading must end (epoch ms); see `GradeOptions.deadline`. */
  readonly deadline?: number;
  /** No table (grade-batch reads the JSON file). */
  readonly quiet?: boolean;
}

/** Runs `grade`; returns the exit code. */
export async function gradeCommand(
  course: Course,
  opts: GradeCommandOptions,
  print: (s: string) => void,
): Promise<number> {
  const report = await grade({
    course,
    filter: opts.filter,
    ...(opts.target === undefined ? {} : { target: opts.target }),
    ...(opts.submission === undefined ? {} : { submission: opts.submission }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
  });
  writeReports(report, opts);
  if (report.target === 'exercises') recordResults(course, report, resolve(repoRoot, 'exercises'));
  if (opts.quiet !== true) {
    print(formatTable(report, { details: report.exercises.length <= 3 }));
    if (report.target === 'exercises')
      print(`\n${formatNext(report, course, resolve(repoRoot, 'exercises'))}`);
  }
  return exitCode(report, opts.failUnder);
}

/** 1 when the score is below `failUnder` percent, else 0. */
export function exitCode(report: Report, failUnder: number | undefined): number {
  return failUnder !== undefined && percent(report) < failUnder ? 1 : 0;
}

/** Writes `--json`, `--gradescope` and `--junit` files, creating their folders. */
export function writeReports(
  report: Report,
  opts: Pick<GradeCommandOptions, 'json' | 'gradescope' | 'junit'>,
): void {
  const write = (file: string | undefined, text: string): void => {
    if (file === undefined) return;
    mkdirSync(dirname(userPath(file)), { recursive: true });
    writeFileSync(userPath(file), text);
  };
  write(opts.json, JSON.stringify(plainReport(report), null, 2) + '\n');
  write(opts.gradescope, JSON.stringify(toGradescope(report), null, 2) + '\n');
  write(opts.junit, toJUnit(report));
}
