/**
 * The labs' quick modes, run in-process into a temporary folder: each must write its figure
 * with the expected series and report numbers in range; the models must learn something.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as charLm } from '../labs/char-lm';
import { main as diagrams } from '../labs/diagrams';
import { main as gradientFlow } from '../labs/gradient-flow';
import { main as longTerm } from '../labs/long-term';
import { main as video } from '../labs/video';

// A lab's quick mode takes seconds to a minute on a busy machine: Vega loads, models train.
const LAB_TIMEOUT_MS = 300_000;

const out = (): string => mkdtempSync(join(tmpdir(), 'lstm-gru-lab-'));
const read = (dir: string, file: string): string => {
  const path = join(dir, file);
  expect(existsSync(path), `${file} was written`).toBe(true);
  return readFileSync(path, 'utf8');
};

describe('long-term lab (--quick)', () => {
  it(
    'trains the three cells at every lag of both tasks with matched parameter counts, and draws them',
    async () => {
      const dir = out();
      const r = await longTerm(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const { adding, copy } = r.config;
      expect(r.runs).toHaveLength(3 * (adding.lags.length + copy.lags.length));
      for (const task of ['adding', 'copy'] as const) {
        const runs = r.runs.filter((x) => x.task === task);
        const counts = runs.map((x) => x.params);
        // Equal budgets as far as whole units allow: at the quick run's RNN H = 16, one LSTM unit
        // more or less is 12% of the budget, so the closest count is within 15%.
        const rnn = runs.find((x) => x.cell === 'rnn')!.params;
        expect(counts.every((c) => Math.abs(c - rnn) / rnn < 0.15)).toBe(true);
        expect(runs.every((x) => x.accuracy >= 0 && x.accuracy <= 1)).toBe(true);
        expect(runs.every((x) => Number.isFinite(x.loss) && x.msPerStep > 0)).toBe(true);
      }
      // Even 25 steps teach the copy task at the shortest lag something: above guessing.
      const copyShort = r.runs.filter((x) => x.task === 'copy' && x.lag === copy.lags[0]);
      expect(Math.max(...copyShort.map((x) => x.accuracy))).toBeGreaterThan(1 / copy.symbols + 0.1);
      const svg = read(dir, 'long-term.svg');
      for (const name of ['vanilla RNN (H = 16', 'LSTM (H = 7', 'GRU (H = 8', 'guessing']) {
        expect(svg).toContain(name);
      }
    },
    LAB_TIMEOUT_MS,
  );
});

describe('gradient-flow lab (--quick)', () => {
  it(
    'measures ‖∂L/∂h_t‖ for every step of every cell, before and after training',
    async () => {
      const dir = out();
      const r = await gradientFlow(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const T = r.config.length;
      for (const curves of [r.initial, r.trained]) {
        expect(curves.every((c) => c.byDistance.length === T)).toBe(true);
        expect(curves.every((c) => c.byDistance.every((v) => v > 0 && Number.isFinite(v)))).toBe(
          true,
        );
      }
      // At initialisation the cell state with forget bias 1 keeps more of its gradient than with
      // PyTorch's random bias (about σ(1) against σ(0) per step).
      const keep = (name: string): number => {
        const c = r.initial.find((x) => x.name === name)!;
        return (c.byDistance.at(-1) as number) / (c.byDistance[0] as number);
      };
      expect(keep('LSTM, forget bias 1: ‖∂L/∂c_t‖')).toBeGreaterThan(
        10 * keep("LSTM, PyTorch's forget bias: ‖∂L/∂c_t‖"),
      );
      const svg = read(dir, 'gradient-flow.svg');
      for (const name of ['vanilla RNN: ‖∂L/∂h_t‖', 'LSTM: ‖∂L/∂c_t‖', 'GRU: ‖∂L/∂h_t‖']) {
        expect(svg).toContain(name);
      }
    },
    LAB_TIMEOUT_MS,
  );
});

describe('char-lm lab (--quick)', () => {
  it(
    "trains chapter 1's model with each cell at equal size, lowers the loss, writes curves and samples",
    async () => {
      const dir = out();
      const r = await charLm(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.runs.map((x) => x.cell)).toEqual(['rnn', 'lstm', 'gru']);
      const rnn = r.runs[0]!.params;
      for (const run of r.runs) {
        expect(Math.abs(run.params - rnn) / rnn).toBeLessThan(0.05);
        expect(run.finalValidationLoss).toBeLessThan(Math.log(r.vocabSize)); // beats uniform
        expect(run.sample.startsWith('The state of the Union')).toBe(true);
      }
      const svg = read(dir, 'char-lm-loss.svg');
      for (const name of ['vanilla RNN (H = 32', 'LSTM (H = ', 'GRU (H = ', 'unigram baseline']) {
        expect(svg).toContain(name);
      }
      const samples = read(dir, 'char-lm-samples.md');
      for (const h of ['## vanilla RNN', '## LSTM', '## GRU']) expect(samples).toContain(h);
    },
    LAB_TIMEOUT_MS,
  );
});

describe('video lab (--quick)', () => {
  it(
    'classifies the direction of motion far above chance and draws the held-out clips',
    async () => {
      const dir = out();
      const r = await video(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.accuracy.lstm).toBeGreaterThan(0.8);
      expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.config.evalSize);
      const svg = read(dir, 'video-clips.svg');
      expect(svg).toContain('clip 1: ');
      expect(svg).toContain('frame 8');
    },
    LAB_TIMEOUT_MS,
  );

  it(
    'runs the LSTM on the worked solutions through customOp',
    async () => {
      const r = await video(['--quick', '--steps', '10', '--impl', 'solutions', '--out', out()]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.impl).toBe('solutions');
      expect(r.train.at(-1)![1]).toBeLessThan(r.train[0]![1]);
    },
    LAB_TIMEOUT_MS,
  );

  it('says that --impl exercises comes with the exercises', async () => {
    await expect(video(['--quick', '--impl', 'exercises', '--out', out()])).rejects.toThrow(
      /not published yet/,
    );
  });
});

describe('diagrams', () => {
  it(
    'draws both cells with their gates and states labelled',
    async () => {
      const dir = out();
      await diagrams(['--out', dir]);
      const lstm = read(dir, 'lstm-cell.svg');
      for (const label of ['cₜ₋₁', 'f σ', 'i σ', 'g tanh', 'o σ', 'hₜ', 'f ⊙ c']) {
        expect(lstm).toContain(label);
      }
      const gru = read(dir, 'gru-cell.svg');
      for (const label of ['r σ', 'z σ', 'n tanh', '1 − z', 'hWhⁿ']) expect(gru).toContain(label);
    },
    LAB_TIMEOUT_MS,
  );
});
