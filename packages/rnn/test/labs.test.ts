/**
 * The labs' quick modes, run in-process into a temporary folder: each must write its figures
 * with the expected series, and training must lower the loss.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageEdited } from '@rnn-course/grader';
import { describe, expect, it } from 'vitest';
import { mistakes } from '../grading/mistakes';
import { loadImpl } from '../labs/impl';
import { main as charRnn } from '../labs/char-rnn';
import { main as diagrams } from '../labs/diagrams';
import { main as timeSeries } from '../labs/time-series';
import { main as gradients, reportedDistances } from '../labs/vanishing-gradients';

// A lab's quick mode takes seconds, not milliseconds: Vega loads, a model trains.
const LAB_TIMEOUT_MS = 120_000;

const out = (): string => mkdtempSync(join(tmpdir(), 'rnn-lab-'));
const read = (dir: string, file: string): string => {
  const path = join(dir, file);
  expect(existsSync(path), `${file} was written`).toBe(true);
  return readFileSync(path, 'utf8');
};

describe('char-rnn lab (--quick)', () => {
  it(
    'trains, lowers the loss, and writes the loss figure and the samples',
    async () => {
      const dir = out();
      const r = await charRnn(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const first = r.train[0]?.[1] as number;
      const last = r.train.at(-1)?.[1] as number;
      expect(last).toBeLessThan(first - 0.3);
      expect(r.validation.length).toBeGreaterThanOrEqual(2);
      expect(Number.isFinite(r.finalValidationLoss)).toBe(true);
      expect(r.perplexity).toBeCloseTo(Math.exp(r.finalValidationLoss), 10);

      const svg = read(dir, 'char-rnn-loss.svg');
      for (const name of ['training loss (running mean)', 'validation loss', 'unigram baseline']) {
        expect(svg).toContain(name);
      }
      const samples = read(dir, 'char-rnn-samples.md');
      for (const t of ['0.5', '1.0', '1.5']) expect(samples).toContain(`## Temperature ${t}`);
      expect(r.samples.every((s) => s.text.startsWith('The state of the Union'))).toBe(true);
    },
    LAB_TIMEOUT_MS,
  );

  it(
    'runs the same model on the worked solutions through customOp',
    async () => {
      const dir = out();
      const r = await charRnn(['--quick', '--steps', '20', '--impl', 'solutions', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.impl).toBe('solutions');
      expect(r.train.at(-1)?.[1] as number).toBeLessThan(r.train[0]?.[1] as number);
    },
    LAB_TIMEOUT_MS,
  );
});

describe('the implementation a lab trains on (--impl exercises)', () => {
  it(
    'falls back to the reference for a layer that fails its grader, and says which and why',
    async () => {
      // the BPTT bug of the mistakes list: no gradient carried from step t+1
      const bug = mistakes.find((m) => m.name === 'no-gradient-from-next-step');
      if (bug === undefined) throw new Error('the mistake no-gradient-from-next-step is gone');
      const staged = stageEdited({ from: 'solutions', file: bug.file, edits: bug.edits });
      try {
        const lab = await loadImpl('exercises', staged.dir);
        const rnnLine = lab.report.find((l) => l.startsWith('RNN forward/backward:'));
        expect(rnnLine?.split('\n')[0]).toMatch(
          /^RNN forward\/backward: reference, not .*\/rnn, because rnn\/rnn-backward failed its grader$/,
        );
        expect(rnnLine).toMatch(/\n {6}.*step t\+1/); // the grader's diagnosis, indented
        expect(rnnLine?.split('\n').at(-1)).toBe(
          '    fix it, then: npm run grade -- rnn/rnn-backward',
        );
        expect(lab.report.find((l) => l.startsWith('word embedding:'))).toMatch(
          /^word embedding: .*\/rnn \(passes its grader\)$/,
        );
      } finally {
        staged.cleanup();
      }
    },
    LAB_TIMEOUT_MS,
  );
});

describe('vanishing-gradients lab (--quick)', () => {
  it('prints the norms at distances that exist in the run, in order', () => {
    expect(reportedDistances(60)).toEqual([0, 10, 30, 59]);
    expect(reportedDistances(20)).toEqual([0, 10, 19]);
    expect(reportedDistances(11)).toEqual([0, 10]);
    expect(reportedDistances(1)).toEqual([0]);
  });

  it(
    'measures shrinking norms for ρ < 1 and draws both figures',
    async () => {
      const dir = out();
      const r = await gradients(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const small = r.norms[0]?.byRadius ?? [];
      const halfRun = small.find((n) => n.radius === 0.5);
      const half = halfRun?.byDistance ?? [];
      // Small inputs at ρ = 0.5 keep the states near zero, where tanh is nearly linear.
      expect(halfRun?.meanAbsH as number).toBeLessThan(0.1);
      // At distance 0 the Jacobian is the identity: ‖I‖_F = sqrt(H).
      expect(half[0]).toBeCloseTo(Math.sqrt(r.config.hiddenSize), 10);
      expect(half.at(-1) as number).toBeLessThan(1e-3 * (half[0] as number));

      const norms = read(dir, 'gradient-norms.svg');
      for (const rho of r.config.radii) expect(norms).toContain(`ρ = ${rho.toFixed(1)}`);
      const clipping = read(dir, 'clipping.svg');
      expect(clipping).toContain('no clipping');
      expect(clipping).toContain(`clipping at ${r.config.clipMaxNorm}`);
      const clipped = r.runs[1];
      expect(Math.max(...(clipped?.gradNorm ?? [Infinity]))).toBeGreaterThan(0);
      expect(clipped?.loss.at(-1) as number).toBeLessThan(clipped?.loss[0] as number);
    },
    LAB_TIMEOUT_MS,
  );
});

describe('time-series lab (--quick)', () => {
  it(
    'trains the regressor and plots truth, both forecasts and the seasonal naive baseline',
    async () => {
      const dir = out();
      const r = await timeSeries(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.train.at(-1)?.[1] as number).toBeLessThan(r.train[0]?.[1] as number);
      // The removed trend is the series' rising line (0.004 per step, less what the weekly cycle bends).
      expect(r.trend.slope).toBeGreaterThan(0.003);
      expect(r.trend.slope).toBeLessThan(0.005);
      // Reading the truth at every step, even 40 updates beat repeating the last observed day.
      expect(r.rmseOneStep).toBeLessThan(r.rmseSeasonalNaive);
      expect(Number.isFinite(r.rmseMultiStep)).toBe(true);
      const svg = read(dir, 'time-series.svg');
      for (const name of [
        'truth',
        'one step ahead',
        'multi-step (predictions fed back)',
        'seasonal naive (repeat last day)',
      ]) {
        expect(svg).toContain(name);
      }
    },
    LAB_TIMEOUT_MS,
  );

  // Quick mode is too short a run for the closed loop; 200 updates of the full model (about
  // 9 s) are enough, on every seed tried, for the two-day multi-step forecast of the detrended
  // series to beat the seasonal naive one by a wide margin (about 0.26 against 0.42 RMSE).
  it(
    'forecasts two days closed-loop better than repeating the last day, once trained',
    async () => {
      const r = await timeSeries(['--steps', '200', '--out', out()]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.rmseMultiStep).toBeLessThan(0.8 * r.rmseSeasonalNaive);
    },
    LAB_TIMEOUT_MS,
  );
});

describe('diagrams', () => {
  it(
    'draws the sequence shapes, the unrolled RNN, the backward flow and the cliff',
    async () => {
      const dir = out();
      const r = await diagrams(['--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const unrolled = read(dir, 'unrolled-rnn.svg');
      for (const label of ['h₋₁', 'x₀', 'h₃', 'Wh', 'Wx', 'Wy']) expect(unrolled).toContain(label);
      const shapes = read(dir, 'sequence-shapes.svg');
      for (const title of [
        'one to many',
        'many to one',
        'many to many, aligned',
        'many to many, encoder–decoder',
        'chapter 3',
      ]) {
        expect(shapes).toContain(title);
      }
      const flow = read(dir, 'backward-flow.svg');
      // both terms of eq. 1.4 reach hₜ: from ℓₜ through yₜ, and from hₜ₊₁
      for (const label of ['∂ℓₜ/∂yₜ', 'δₜ₊₁ Whᵀ', 'δₜ Wxᵀ', 'hₜ₊₁']) expect(flow).toContain(label);
      const cliff = read(dir, 'clipping-cliff.svg');
      expect(cliff).toContain('no clipping');
      expect(cliff).toContain('clipping at c = 1');
    },
    LAB_TIMEOUT_MS,
  );

  it(
    'the cliff: one unclipped step throws the parameters far away, the clipped run converges',
    async () => {
      const { cliff } = (await diagrams(['--out', out()])) ?? {};
      if (!cliff) throw new Error('the lab returned nothing');
      const { plain, clipped, longestPlainStep } = cliff;
      // The runs agree until the first gradient above the threshold: the step onto the cliff.
      const k = clipped.gradNorm.findIndex((g) => g > 1);
      expect(k).toBeGreaterThan(0);
      expect(plain.points.slice(0, k + 1)).toEqual(clipped.points.slice(0, k + 1));
      // At the cliff both step in the same direction; only the length differs (eq. 1.12).
      const step = (run: typeof plain): [number, number] => {
        const [w0, b0] = run.points[k] as [number, number];
        const [w1, b1] = run.points[k + 1] as [number, number];
        return [w1 - w0, b1 - b0];
      };
      const [pw, pb] = step(plain);
      const [cw, cb] = step(clipped);
      expect((pw * cw + pb * cb) / (Math.hypot(pw, pb) * Math.hypot(cw, cb))).toBeCloseTo(1, 12);
      expect(Math.hypot(cw, cb)).toBeCloseTo(0.3 * 1, 5); // lr · c
      expect(longestPlainStep.iteration).toBe(k + 1);
      expect(longestPlainStep.length).toBeGreaterThan(10);
      // Thrown onto a plateau, the plain run never recovers; the clipped one reaches the valley.
      expect(plain.loss.at(-1) as number).toBeGreaterThan(0.05);
      expect(clipped.loss.at(-1) as number).toBeLessThan(1e-4);
    },
    LAB_TIMEOUT_MS,
  );
});
