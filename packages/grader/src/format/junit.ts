/**
 * JUnit XML: a `testsuite` per exercise and a `testcase` per check. Failed checks are
 * `failure`s, checks in error `error`s, not-started ones `skipped`, so CI dashboards show the
 * three apart.
 */
import type { CheckReport, ExerciseReport, Report } from '../report';
import { plainReport } from './plain';

/** Converts a report to a JUnit XML document (plain text: no terminal escape sequences). */
export function toJUnit(full: Report): string {
  const report = plainReport(full);
  const count = (s: CheckReport['status']): number =>
    report.exercises.reduce((n, e) => n + casesOf(e).filter((t) => t.status === s).length, 0);
  const tests = report.exercises.reduce((n, e) => n + casesOf(e).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="course" tests="${tests}" failures="${count('failed')}" errors="${count('error')}" ` +
      `skipped="${count('not-started')}" time="${seconds(report.durationMs)}">`,
  ];
  for (const e of report.exercises) {
    const cases = casesOf(e);
    const n = (s: CheckReport['status']): number => cases.filter((t) => t.status === s).length;
    lines.push(
      `  <testsuite name="${esc(e.id)}" tests="${cases.length}" failures="${n('failed')}" ` +
        `errors="${n('error')}" skipped="${n('not-started')}" ` +
        `time="${seconds(cases.reduce((a, t) => a + t.durationMs, 0))}">`,
      `    <properties><property name="score" value="${e.score}"/>` +
        `<property name="maxScore" value="${e.maxScore}"/><property name="status" value="${e.status}"/></properties>`,
    );
    for (const t of cases) {
      const open = `    <testcase classname="${esc(e.id)}" name="${esc(t.name)}" time="${seconds(t.durationMs)}"`;
      if (t.status === 'passed') {
        lines.push(`${open}/>`);
        continue;
      }
      const tag = { failed: 'failure', error: 'error', 'not-started': 'skipped', passed: '' }[
        t.status
      ];
      const first = t.message.split('\n')[0] ?? '';
      lines.push(
        `${open}>`,
        `      <${tag} message="${esc(first)}">${esc(t.message)}</${tag}>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** The checks, or one stand-in case when the exercise never got to run its checks. */
function casesOf(e: ExerciseReport): readonly CheckReport[] {
  if (e.tests.length > 0) return e.tests;
  return [
    {
      name: e.title,
      status: e.status,
      message: e.message,
      points: e.score,
      maxPoints: e.maxScore,
      durationMs: 0,
    },
  ];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function esc(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // characters XML 1.0 does not allow
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
