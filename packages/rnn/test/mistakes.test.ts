/**
 * The grader catches the usual mistakes of chapter 1. Each fixture under
 * grading/fixtures/<mistake>/ is a submission-shaped folder holding the one exercise file with a
 * known mistake; grading it must fail that exercise (not error, not pass) with a message that
 * points at the cause.
 *
 * Every fixture is graded by the course's own grader, in its own Vitest process; the runs go
 * a few at a time in `beforeAll`, and each test then reads its fixture's report.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grade, type ExerciseReport } from '@rnn-course/grader';
import { beforeAll, describe, expect, test } from 'vitest';

const fixtures = resolve(fileURLToPath(new URL('.', import.meta.url)), '../grading/fixtures');

/** One mistake: its folder, the exercise it breaks, and what the message must mention. */
interface Mistake {
  folder: string;
  exercise: string;
  /** Every pattern must match the exercise's failure message. */
  points: RegExp[];
}

const mistakes: Mistake[] = [
  { folder: 'no-gradient-from-next-step', exercise: 'rnn/sequence-backward', points: [/step t\+1/, /right at (the last )?step 4/] },
  { folder: 'dwh-uses-current-h', exercise: 'rnn/step-backward', points: [/h_\{t-1\}/, /dWh/] },
  { folder: 'dwh-uses-current-h-in-sequence', exercise: 'rnn/sequence-backward', points: [/h_\{t-1\}/, /dWh/] },
  { folder: 'tanh-derivative-on-preactivation', exercise: 'rnn/step-backward', points: [/pre-activation/, /1 − h_t²/] },
  { folder: 'db-not-summed-over-batch', exercise: 'rnn/step-backward', points: [/summed over the batch/, /\bdb\b/] },
  { folder: 'temporal-affine-db-not-summed-over-batch', exercise: 'rnn/temporal-affine-backward', points: [/not over the batch/, /\bdb\b/] },
  { folder: 'param-grads-overwritten-over-time', exercise: 'rnn/sequence-backward', points: [/summed over time/] },
  { folder: 'embedding-overwrites-repeated-ids', exercise: 'rnn/embedding-backward', points: [/accumulate/, /more than once/] },
  { folder: 'loss-mean-over-tokens', exercise: 'rnn/temporal-softmax-loss', points: [/normalis/, /batch size/] },
  { folder: 'softmax-without-max', exercise: 'rnn/temporal-softmax-loss', points: [/overflow/, /NaN|Infinity/, /maximum/] },
  { folder: 'clip-each-tensor-separately', exercise: 'rnn/clip-grad-norm', points: [/global norm/, /own norm/] },
  { folder: 'temperature-after-softmax', exercise: 'rnn/sample-temperature', points: [/before the softmax/, /temperature/] },
  { folder: 'sampling-without-max', exercise: 'rnn/sample-temperature', points: [/overflow/, /maximum/] },
  { folder: 'tbptt-hnext-not-carried', exercise: 'rnn/tbptt-step', points: [/hNext/, /last/] },
  { folder: 'tbptt-ignores-hprev', exercise: 'rnn/tbptt-step', points: [/hPrev/, /zeros/] },
  { folder: 'sequence-forward-restarts-from-h0', exercise: 'rnn/sequence-forward', points: [/h_\{t-1\}/, /h0/] },
  { folder: 'gradient-norms-without-tanh-derivative', exercise: 'rnn/gradient-norms', points: [/tanh derivative/, /diag\(1 − h_k²\)/] },
];

/** Grading runs at once: each is a Vitest process with two workers, on a two-core machine. */
const CONCURRENCY = 4;

const reports = new Map<string, ExerciseReport | Error>();

/** Runs `work` over `items`, at most `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

beforeAll(async () => {
  await inBatches(mistakes, CONCURRENCY, async (m) => {
    try {
      // A fixture holds only its mistaken file; the worked solutions fill in its neighbours.
      const report = await grade({ target: resolve(fixtures, m.folder), base: 'solutions', filter: [m.exercise] });
      const found = report.exercises.find((e) => e.id === m.exercise);
      reports.set(m.folder, found ?? new Error(`no report for ${m.exercise}`));
    } catch (error) {
      reports.set(m.folder, error instanceof Error ? error : new Error(String(error)));
    }
  });
}, 300_000);

describe('grading fails each mistake fixture with a message that points at the cause', () => {
  for (const m of mistakes) {
    test(`${m.folder} fails ${m.exercise}`, { timeout: 120_000 }, () => {
      const report = reports.get(m.folder);
      if (report instanceof Error) throw report;
      expect(report, 'the exercise was graded').toBeDefined();
      const r = report as ExerciseReport;
      expect(r.status, `status of ${m.exercise}; message:\n${r.message}`).toBe('failed');
      expect(r.score).toBeLessThan(r.maxScore);
      // The first failing check's message is what the learner reads first.
      for (const pattern of m.points) expect(r.message).toMatch(pattern);
      expect(r.message).toMatch(/Read hint \d: npm run course -- hint rnn\//);
    });
  }
});
