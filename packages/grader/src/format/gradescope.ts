/**
 * Gradescope's autograder output, `results.json`: a top-level score and execution time, and a
 * test per exercise with its score, maximum, status and the messages of its failed checks.
 * https://gradescope-autograders.readthedocs.io/en/latest/specs/
 */
import type { Report } from '../report';
import { plainReport } from './plain';

/** One Gradescope test. */
export interface GradescopeTest {
  readonly name: string;
  readonly score: number;
  readonly max_score: number;
  readonly status: 'passed' | 'failed';
  readonly output: string;
  readonly visibility: 'visible' | 'hidden' | 'after_due_date' | 'after_published';
}

/** The whole file. */
export interface GradescopeResults {
  readonly score: number;
  readonly max_score: number;
  readonly execution_time: number;
  readonly output: string;
  readonly visibility: 'visible';
  readonly tests: readonly GradescopeTest[];
}

/**
 * Converts a report to Gradescope's results.json object. Its `output` fields are plain text
 * (Gradescope's default `output_format`), where escape sequences would show as garbage.
 */
export function toGradescope(full: Report): GradescopeResults {
  const report = plainReport(full);
  const notes = (report.notes ?? []).map((n) => `\n${n}`).join('');
  return {
    score: report.score,
    max_score: report.maxScore,
    execution_time: Math.round(report.durationMs / 1000),
    output: `Graded with the course's own suites: ${report.score}/${report.maxScore} points.${notes}`,
    visibility: 'visible',
    tests: report.exercises.map((e) => ({
      name: `${e.id}: ${e.title}`,
      score: e.score,
      max_score: e.maxScore,
      status: e.status === 'passed' ? 'passed' : 'failed',
      output: [
        `status: ${e.status}`,
        ...(e.tests.length === 0 && e.message !== '' ? [e.message] : []),
        ...e.tests.map(
          (t) =>
            `${t.status === 'passed' ? '✓' : '✗'} ${t.name} (${t.points}/${t.maxPoints})` +
            (t.status === 'passed' ? '' : `\n    ${t.message.split('\n').join('\n    ')}`),
        ),
      ].join('\n'),
      visibility: 'visible',
    })),
  };
}
