/**
 * The terminal report: a table per chapter (exercise, status, points, first failure), chapter
 * and total scores, and a pointer to the next exercise to work on.
 */
import { resolve } from 'node:path';
import type { ProgressRow } from '../commands/list';
import type { Course } from '../course';
import { displayPath } from '../paths';
import type { ExerciseReport, Report, Status } from '../report';
import { percent } from '../report';
import { todoLine } from '../stub';
import {
  bold,
  cyan,
  dim,
  green,
  magenta,
  pad,
  padStart,
  progressBar,
  red,
  truncate,
  width,
  yellow,
} from './style';

/** A status, coloured. */
export function paintStatus(status: Status): string {
  const paint = { passed: green, failed: red, error: magenta, 'not-started': yellow }[status];
  return paint(status);
}

/**
 * The grade table. With `details`, every check of every exercise that did not pass is listed
 * under it with its whole message (what `grade <id>` and `watch` show).
 */
export function formatTable(
  report: Report,
  opts: { details?: boolean; messages?: boolean } = {},
): string {
  const showMessages = opts.messages ?? true;
  const idWidth = Math.max(8, ...report.exercises.map((e) => e.id.length));
  const out: string[] = [];
  for (const chapter of report.chapters) {
    const score = `${chapter.score}/${chapter.maxScore}`;
    out.push('', `${bold(chapter.title)} ${dim(`(${chapter.chapter})`)}  ${bold(score)}`);
    for (const e of report.exercises.filter((x) => x.chapter === chapter.chapter)) {
      const points = padStart(`${e.score}/${e.maxScore}`, 6);
      const head = `  ${pad(e.id, idWidth)}  ${pad(paintStatus(e.status), 11)}  ${points}`;
      const room = width() - (idWidth + 25);
      const message = showMessages && e.message !== '' ? `  ${dim(truncate(e.message, room))}` : '';
      out.push(head + message);
      if (opts.details === true && e.status !== 'passed') out.push(...checkLines(e));
    }
  }
  const total = `${report.score}/${report.maxScore} (${Math.floor(percent(report))}%)`;
  out.push(
    '',
    `${bold('Total')}  ${bold(total)}  ${dim(`target ${report.target}, ${(report.durationMs / 1000).toFixed(1)}s`)}`,
  );
  for (const n of report.notes ?? []) out.push(cyan(`note: ${n}`));
  for (const w of report.warnings) out.push(yellow(`warning: ${w}`));
  return out.join('\n');
}

/** The checks of one exercise, each with its status and full message, indented. */
export function checkLines(e: ExerciseReport): string[] {
  const lines: string[] = [];
  for (const t of e.tests) {
    const mark =
      t.status === 'passed' ? green('✓') : t.status === 'not-started' ? yellow('·') : red('✗');
    lines.push(`      ${mark} ${t.name} ${dim(`(${t.points}/${t.maxPoints})`)}`);
    if (t.status !== 'passed' && t.message !== '') {
      for (const l of t.message.split('\n')) lines.push(`          ${l}`);
    }
  }
  if (e.tests.length === 0 && e.message !== '') {
    for (const l of e.message.split('\n')) lines.push(`      ${l}`);
  }
  return lines;
}

/** `list`: every exercise with its status and points, and a progress bar for the course. */
export function formatList(report: Report): string {
  const done = report.exercises.filter((e) => e.status === 'passed').length;
  const total = report.exercises.length;
  const bar = progressBar(total === 0 ? 1 : done / total);
  const summary = `${done}/${total} exercises passed, ${report.score}/${report.maxScore} points`;
  return `${formatTable(report, { messages: false })}\n\n${bar} ${bold(summary)}`;
}

/**
 * `list` without grading: a row per exercise from its last grade or its file (see
 * commands/list.ts), chapter and total points of what is known, and a progress bar.
 */
export function formatProgress(course: Course, rows: readonly ProgressRow[]): string {
  const idWidth = Math.max(8, ...rows.map((r) => r.id.length));
  const paint = (s: ProgressRow['status']): string =>
    s === 'edited' || s === 'not graded' ? cyan(s) : paintStatus(s);
  const points = (rs: readonly ProgressRow[]): string =>
    `${rs.reduce((a, r) => a + (r.score ?? 0), 0)}/${rs.reduce((a, r) => a + r.maxScore, 0)}`;
  const out: string[] = [];
  for (const chapter of course.chapters) {
    const mine = rows.filter((r) => r.chapter === chapter.manifest.chapter);
    if (mine.length === 0) continue;
    out.push(
      '',
      `${bold(chapter.manifest.title)} ${dim(`(${chapter.manifest.chapter})`)}  ${bold(points(mine))}`,
    );
    for (const r of mine) {
      const score = padStart(`${r.score ?? '-'}/${r.maxScore}`, 6);
      const room = width() - (idWidth + 25);
      const note = r.note === '' ? '' : `  ${dim(truncate(r.note, room))}`;
      out.push(`  ${pad(r.id, idWidth)}  ${pad(paint(r.status), 11)}  ${score}${note}`);
    }
  }
  const done = rows.filter((r) => r.status === 'passed').length;
  const unknown = rows.filter((r) => r.status === 'edited' || r.status === 'not graded').length;
  const summary = `${done}/${rows.length} exercises passed, ${points(rows)} points`;
  const since =
    unknown === 0 ? '' : dim(`  (${unknown} not graded as they are now: npm run grade)`);
  out.push(
    '',
    `${progressBar(rows.length === 0 ? 1 : done / rows.length)} ${bold(summary)}${since}`,
  );
  return out.join('\n');
}

/**
 * Where to go next: the first exercise that does not pass, its file as `path:line` (the TODO),
 * the chapter section to read, and the commands to grade it and get a hint.
 */
export function formatNext(
  report: { readonly exercises: readonly { id: string; status: string }[] },
  course: Course,
  targetDir: string,
): string {
  const next = report.exercises.find((e) => e.status !== 'passed');
  if (next === undefined) return report.exercises.length === 0 ? '' : green(bold(allPass(report)));
  const entry = course.exercises.find((e) => e.id === next.id);
  if (entry === undefined) return '';
  const file = resolve(targetDir, entry.file);
  const where = `${displayPath(file)}:${todoLine(file, entry)}`;
  return [
    `${bold('Next:')} ${cyan(next.id)} ${entry.title} ${dim(`(${entry.points} points, ${next.status})`)}`,
    `  read   ${entry.section}`,
    `  edit   ${where}`,
    `  grade  npm run course -- watch ${next.id}`,
    `  stuck  npm run course -- hint ${next.id}`,
  ].join('\n');
}

/** "rnn/rnn-step-forward passes." for one exercise, "All 9 exercises pass." for more. */
export function allPass(report: { readonly exercises: readonly { id: string }[] }): string {
  const n = report.exercises.length;
  return n === 1 ? `${report.exercises[0]?.id} passes.` : `All ${n} exercises pass.`;
}

/** A short line for an error the grader itself hit. */
export function formatFatal(message: string): string {
  return `${magenta(bold('course:'))} ${message}`;
}
