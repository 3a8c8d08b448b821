/**
 * The class spreadsheet of `grade-batch`: a row per student, a column per exercise (its
 * score), the total, the maximum, the seed of the suites' inputs and a note when grading that
 * student went wrong.
 */
import type { Report } from '../report';

/** One student's row: their report, or why there is none. */
export interface BatchRow {
  readonly student: string;
  readonly report?: Report;
  readonly error?: string;
}

/** The CSV text; `ids` fixes the exercise columns and their order. */
export function toCsv(ids: readonly string[], rows: readonly BatchRow[]): string {
  const header = ['student', ...ids, 'total', 'max', 'seed', 'note'];
  const lines = [header.map(cell).join(',')];
  for (const row of rows) {
    const byId = new Map((row.report?.exercises ?? []).map((e) => [e.id, e]));
    const scores = ids.map((id) =>
      row.report === undefined ? '' : String(byId.get(id)?.score ?? 0),
    );
    const total = row.report === undefined ? '' : String(row.report.score);
    const max = row.report === undefined ? '' : String(row.report.maxScore);
    const seed = row.report === undefined ? '' : String(row.report.seed);
    lines.push([row.student, ...scores, total, max, seed, row.error ?? ''].map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}

function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
