/**
 * Reports as plain text. What a check reports can carry a terminal's escape sequences (a parser's
 * code frame is coloured whatever `NO_COLOR` says) and the path of a staged copy under
 * `.course/targets/`. Every report is cleaned once, where it is made: no escape sequences, and
 * the learner's own file in place of the staged copy. The file formats clean again, so that a
 * report read back from JSON is plain too.
 */
import { resolve } from 'node:path';
import { displayPath } from '../paths';
import type { CheckReport, ExerciseReport, Report } from '../report';

/**
 * Escape sequences: CSI (colours, cursor movement; ESC [ or the one-byte 0x9b) and OSC
 * (hyperlinks, window titles; ESC ] ... BEL or ESC \).
 */
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are the point
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** The text without terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, '');
}

/** Where a staged copy was made from: names in messages are mapped back to the learner's. */
export interface StagedPaths {
  /** The staged copy (absolute). */
  readonly dir: string;
  /** The folder the learner knows (absolute). */
  readonly sourceDir: string;
  /** Folder prefixes renamed after that (an arranged copy of a flat upload → the upload). */
  readonly renames?: ReadonlyArray<readonly [string, string]>;
}

/**
 * A message as a report shows it: plain text, and every path into the staged copy (absolute or
 * as printed from the repository root) replaced by the learner's file.
 */
export function plainText(text: string, staged?: StagedPaths): string {
  let out = readableParseError(stripAnsi(text));
  if (staged !== undefined && resolve(staged.dir) !== resolve(staged.sourceDir)) {
    out = renamePrefix(out, staged.dir, staged.sourceDir);
  }
  for (const [from, to] of staged?.renames ?? []) out = renamePrefix(out, from, to);
  return out;
}

/** `text` with the folder `from` (absolute, or as printed) renamed `to` in every path. */
function renamePrefix(text: string, from: string, to: string): string {
  let out = text;
  for (const prefix of [resolve(from), displayPath(resolve(from))]) {
    out = out.split(`${prefix}/`).join(`${displayPath(resolve(to))}/`);
  }
  return out;
}

/**
 * The TypeScript transform's report of a syntax error begins "Transform failed with 1 error:",
 * then the error and a code frame headed by its location: the first line says it instead,
 * "syntax error at exercises/rnn/word-embedding.ts:7:7: Unexpected token", and the frame stays.
 */
export function readableParseError(text: string): string {
  const m =
    /Transform failed with \d+ errors?:\s*\n\s*\[PARSE_ERROR\]\s*([^\n]*)\n(\s*╭─\[\s*(\S+?)\s*\][\s\S]*)$/.exec(
      text,
    );
  if (m === null) return text;
  const [, what, frame, where] = m;
  return `${text.slice(0, m.index)}syntax error at ${where}: ${what?.trim()}\n${frame}`;
}

/** The report with every message plain (see `plainText`). */
export function plainReport(report: Report, staged?: StagedPaths): Report {
  const check = (t: CheckReport): CheckReport => ({ ...t, message: plainText(t.message, staged) });
  const exercise = (e: ExerciseReport): ExerciseReport => ({
    ...e,
    message: plainText(e.message, staged),
    file: plainText(e.file, staged),
    tests: e.tests.map(check),
  });
  return {
    ...report,
    exercises: report.exercises.map(exercise),
    warnings: report.warnings.map((w) => plainText(w, staged)),
    ...(report.notes === undefined ? {} : { notes: report.notes.map((n) => plainText(n)) }),
  };
}
