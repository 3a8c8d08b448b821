/**
 * The class spreadsheet of `grade-batch`: a row per student, a column per exercise (its
 * score), the total, the maximum and a note saying what went wrong with that student's files:
 * why there is no report at all, how the submission was read, and the first line of every
 * exercise in `error` (a file that does not parse, a forbidden import, a time-out).
 */
import type { Report } from '../report';
import { stripAnsi } from './plain';

/** One student's row: their report, or why there is none. */
export interface BatchRow {
  readonly student: string;
  readonly report?: Report;
  readonly error?: string;
}

/** The CSV text; `ids` fixes the exercise columns and their order. */
export function toCsv(ids: readonly string[], rows: readonly BatchRow[]): string {
  const header = ['student', ...ids, 'total', 'max', 'note'];
  const lines = [header.map(cell).join(',')];
  for (const row of rows) {
    const byId = new Map((row.report?.exercises ?? []).map((e) => [e.id, e]));
    const scores = ids.map((id) =>
      row.report === undefined ? '' : String(byId.get(id)?.score ?? 0),
    );
    const total = row.report === undefined ? '' : String(row.report.score);
    const max = row.report === undefined ? '' : String(row.report.maxScore);
    lines.push([row.student, ...scores, total, max, noteOf(row)].map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * What the instructor should know about a row, one sentence per problem joined by "; ": the
 * row's error, the report's notes, then each distinct first line of an exercise in `error`,
 * with the ids it concerns.
 */
export function noteOf(row: BatchRow): string {
  const parts: string[] = [];
  if (row.error !== undefined) parts.push(row.error);
  for (const n of row.report?.notes ?? []) parts.push(firstLine(n));
  const byMessage = new Map<string, string[]>();
  for (const e of row.report?.exercises ?? []) {
    if (e.status !== 'error') continue;
    const line = firstLine(e.message) || 'error';
    byMessage.set(line, [...(byMessage.get(line) ?? []), e.id]);
  }
  for (const [line, ids] of byMessage) parts.push(`${ids.join(', ')}: ${line}`);
  return parts.join('; ');
}

function firstLine(s: string): string {
  return (
    stripAnsi(s)
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

function cell(s: string): string {
  const plain = stripAnsi(s);
  return /[",\n]/.test(plain) ? `"${plain.replace(/"/g, '""')}"` : plain;
}
