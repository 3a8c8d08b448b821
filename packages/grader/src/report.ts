/**
 * The grade report: the JSON schema of the course design (target, score, maxScore, exercises
 * with their checks), plus per-chapter sums. Every output format is rendered from it.
 */

/** An exercise's (or a check's) outcome. */
export type Status = 'passed' | 'failed' | 'not-started' | 'error';

/** One graded check. */
export interface CheckReport {
  readonly name: string;
  readonly status: Status;
  /** The failure text; empty when passed. */
  readonly message: string;
  /** Points earned: `maxPoints` when passed, 0 otherwise. */
  readonly points: number;
  readonly maxPoints: number;
  readonly durationMs: number;
}

/** One exercise. */
export interface ExerciseReport {
  readonly id: string;
  readonly chapter: string;
  readonly title: string;
  readonly status: Status;
  readonly score: number;
  readonly maxScore: number;
  /** The first failure, or why the exercise is not started or in error; empty when passed. */
  readonly message: string;
  /** The graded file, as the learner finds it (`exercises/rnn/rnn-step.ts`). */
  readonly file: string;
  readonly tests: readonly CheckReport[];
}

/** Per-chapter sums. */
export interface ChapterReport {
  readonly chapter: string;
  readonly title: string;
  readonly score: number;
  readonly maxScore: number;
}

/** A whole grading run. */
export interface Report {
  /** `exercises`, `solutions`, or the graded folder. */
  readonly target: string;
  readonly score: number;
  readonly maxScore: number;
  readonly exercises: readonly ExerciseReport[];
  readonly chapters: readonly ChapterReport[];
  /** Wall time of the run. */
  readonly durationMs: number;
  /** Problems of the course itself (a suite naming an exercise no manifest has, ...). */
  readonly warnings: readonly string[];
  /** How a submission was read, when that needs saying (files found at its top level, ...). */
  readonly notes?: readonly string[];
}

/** score / maxScore as a percentage, 100 for an empty selection. */
export function percent(r: { score: number; maxScore: number }): number {
  return r.maxScore === 0 ? 100 : (100 * r.score) / r.maxScore;
}

/**
 * An exercise's status from its checks: a check that hit a NotImplementedError makes it
 * `not-started`; else one in error (timed out) makes it `error`; else any failure `failed`.
 */
export function statusOf(checks: readonly CheckReport[]): Status {
  if (checks.length === 0) return 'error';
  if (checks.some((c) => c.status === 'not-started')) return 'not-started';
  if (checks.some((c) => c.status === 'error')) return 'error';
  if (checks.some((c) => c.status === 'failed')) return 'failed';
  return 'passed';
}
