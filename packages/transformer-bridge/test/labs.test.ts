/**
 * The labs' quick modes, run in-process into a temporary folder: each writes its figures and
 * tables, and its measurements have the shape the chapter's text describes.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@rnn-course/core';
import { main as attentionMaps } from '../labs/attention-maps';
import { milestones, recallBatch, main as longRange } from '../labs/long-range';
import { main as memory } from '../labs/memory-per-token';
import { main as parallelism } from '../labs/parallelism';
import { main as pathLength } from '../labs/path-length';

// A lab's quick mode takes seconds, not milliseconds: Vega loads, models train.
const LAB_TIMEOUT_MS = 180_000;

const out = (): string => mkdtempSync(join(tmpdir(), 'ch4-lab-'));
const read = (dir: string, file: string): string => {
  const path = join(dir, file);
  expect(existsSync(path), `${file} was written`).toBe(true);
  return readFileSync(path, 'utf8');
};

describe('parallelism lab (--quick)', () => {
  it(
    'times the three layers at every length; the RNN chain grows with T, attention’s does not',
    async () => {
      const dir = out();
      const r = await parallelism(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.rows.length).toBe(3 * r.config.lengths.length);
      for (const row of r.rows) {
        expect(row.forwardMs).toBeGreaterThan(0);
        expect(row.backwardMs).toBeGreaterThan(0);
      }
      const depth = (layer: string) => r.rows.filter((x) => x.layer === layer).map((x) => x.depth);
      const [rnn, attention] = [depth('RNN'), depth('self-attention')];
      // Each recurrent step adds the same number of dependent ops: depth is affine in T.
      const [T0, T1] = r.config.lengths as [number, number];
      expect((rnn[1]! - rnn[0]!) / (T1 - T0)).toBeGreaterThanOrEqual(2);
      expect(new Set(attention).size).toBe(1); // the same chain for every T
      expect(read(dir, 'parallelism.svg')).toContain('sequential operations');
      expect(read(dir, 'parallelism.md')).toContain('| T |');
    },
    LAB_TIMEOUT_MS,
  );
});

describe('path-length lab (--quick)', () => {
  const run = async (impl: string) => {
    const dir = out();
    const r = await pathLength(['--quick', '--impl', impl, '--out', dir]);
    if (!r) throw new Error('the lab returned nothing');
    return { r, dir };
  };

  for (const impl of ['reference', 'solutions']) {
    it(
      `RNN gradients from the first input shrink faster than attention's (${impl})`,
      async () => {
        const { r, dir } = await run(impl);
        const [torchRnn, , attention] = r.curves.map((c) => c.norms);
        const last = r.config.lengths.length - 1;
        const drop = (v: number[]) => v[last]! / v[0]!;
        expect(drop(torchRnn!)).toBeLessThan(drop(attention!));
        expect(read(dir, 'path-length.svg')).toContain('1 / T');
      },
      LAB_TIMEOUT_MS,
    );
  }

  it(
    "the solutions' hand-derived Jacobians give the reference's norms (relative error 1e-10)",
    async () => {
      const [ref, sol] = [(await run('reference')).r, (await run('solutions')).r];
      expect(sol.report.every((line) => line.includes('solutions/transformer-bridge'))).toBe(true);
      sol.curves.forEach((curve, c) =>
        curve.norms.forEach((v, k) => {
          const e = ref.curves[c]!.norms[k]!;
          expect(Math.abs(v - e) / Math.abs(e)).toBeLessThan(1e-10);
        }),
      );
    },
    LAB_TIMEOUT_MS,
  );

  it(
    '--impl exercises falls back to the reference for each exercise still a stub, and says so',
    async () => {
      const [ref, ex] = [(await run('reference')).r, (await run('exercises')).r];
      expect(ex.report).toEqual([
        'rnnPathLengthGradient: reference (transformer-bridge/rnn-path-length-gradient not implemented yet in exercises/transformer-bridge)',
        'selfAttentionPathLengthGradient: reference (transformer-bridge/self-attention-path-length-gradient not implemented yet in exercises/transformer-bridge)',
      ]);
      expect(ex.curves).toEqual(ref.curves);
    },
    LAB_TIMEOUT_MS,
  );
});

describe('long-range lab (--quick)', () => {
  it('builds sequences whose answer is the marked token at the given distance', () => {
    const b = recallBatch(3, 6, 4, new Rng(0), [1, 3, 5]);
    b.ids.forEach((row, n) => {
      const p = 6 - 1 - (b.distances[n] as number);
      expect(row[5]).toBe(8); // the query, id 2K
      expect(row[p]).toBe(4 + (b.answers[n] as number)); // the marked copy of the answer
      expect(row.filter((v) => v >= 4 && v < 8).length).toBe(1); // exactly one mark
    });
  });

  it(
    'trains both models and reports accuracy at every distance',
    async () => {
      const dir = out();
      const r = await longRange(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.runs.map((x) => x.name)).toEqual(['LSTM', 'transformer encoder']);
      for (const run of r.runs) {
        expect(run.perDistance.length).toBe(r.config.length - 1);
        expect(run.perDistance.every((a) => a >= 0 && a <= 1)).toBe(true);
      }
      for (const run of r.runs) {
        expect(run.steps).toBeLessThanOrEqual(r.config.maxSteps);
        expect(run.snapshots.at(-1)?.step).toBe(run.steps); // measured where training stopped
        expect(milestones(run).length).toBeGreaterThan(0);
      }
      expect(read(dir, 'long-range.svg')).toContain('chance');
      const md = read(dir, 'long-range.md');
      expect(md).toContain('| LSTM, final (test) |');
      expect(md).toContain('| transformer encoder, final (test) |');
    },
    LAB_TIMEOUT_MS,
  );
});

describe('attention-maps lab (--quick)', () => {
  it(
    'draws every head of the three attention layers',
    async () => {
      const dir = out();
      const r = await attentionMaps(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.losses.at(-1) as number).toBeLessThan(r.losses[0] as number);
      const svg = read(dir, 'attention-maps.svg');
      for (const name of [
        'encoder self-attention',
        'decoder self-attention (causal)',
        'cross-attention',
      ]) {
        for (let h = 0; h < r.config.heads; h++) expect(svg).toContain(`${name}, head ${h}`);
      }
    },
    LAB_TIMEOUT_MS,
  );
});

describe('memory-per-token lab (--quick)', () => {
  it(
    'the RNN state stays constant while the key/value cache grows by 2·layers·E numbers a token',
    async () => {
      const dir = out();
      const r = await memory(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      const [rnn, transformer] = r.traces;
      const { width: E, layers, tokens } = r.config;
      expect(new Set(rnn!.stateBytes)).toEqual(new Set([8 * E]));
      transformer!.stateBytes.forEach((b, t) => expect(b).toBe(8 * 2 * layers * E * (t + 1)));
      expect(transformer!.ms.length).toBe(tokens);
      expect(read(dir, 'memory-per-token.md')).toContain('bytes added per token');
    },
    LAB_TIMEOUT_MS,
  );
});
