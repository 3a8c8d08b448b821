/**
 * The labs' quick modes, run in-process into a temporary folder: each writes its figures and
 * tables, and its measurements have the shape the chapter's text describes.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng, add, matmul, randn, sum, tanh } from '@rnn-course/core';
import {
  DATE_SOS,
  DATE_SOURCE_VOCAB,
  DATE_TARGET_VOCAB,
  dateBatch,
  dateTask,
} from '@rnn-course/lab';
import { decoderInputs } from '@rnn-course/seq2seq-attention';
import {
  FULL as CHAPTER3_FULL,
  QUICK as CHAPTER3_QUICK,
  main as chapter3Dates,
} from '../../seq2seq-attention/labs/dates';
import { main as attentionMaps } from '../labs/attention-maps';
import { graphShape } from '../labs/graph-depth';
import {
  FULL as DATES_FULL,
  QUICK as DATES_QUICK,
  dateSeq2Seq,
  dateTransformer,
  main as dates,
} from '../labs/dates';
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

describe('graphShape', () => {
  it('counts the recorded ops, the longest chain of them and the multiply-adds of the products', () => {
    const rng = new Rng(0);
    const x = randn([2, 3, 4], rng, { requiresGrad: true }); // [N, T, D]
    const W = randn([4, 5], rng, { requiresGrad: true });
    const V = randn([5, 6], rng, { requiresGrad: true });
    const h = tanh(matmul(x, W)); // [2, 3, 5]: 2·3·5 outputs of 4 multiply-adds each
    const y = sum(matmul(h, V)); // [2, 3, 6]: 2·3·6 outputs of 5 multiply-adds each
    expect(graphShape(y)).toEqual({
      ops: 4,
      depth: 4,
      multiplyAdds: 2 * 3 * 5 * 4 + 2 * 3 * 6 * 5,
    });
    // two branches joined: 5 ops, and the chain is the longer branch (2) plus the add and the sum
    const z = sum(add(tanh(tanh(x)), tanh(x)));
    expect(graphShape(z)).toEqual({ ops: 5, depth: 4, multiplyAdds: 0 });
  });
});

describe('dates lab (--quick)', () => {
  // Two models train, and decode their held-out sets greedily: minutes on a busy machine.
  const DATES_TIMEOUT_MS = 600_000;

  /** Parameters of chapter 3's model with additive attention, from its equations' shapes. */
  const seq2seqCount = ({
    embedDim: E,
    encoderHidden: H,
    decoderHidden: Hd,
    attentionDim: A,
  }: typeof DATES_FULL.seq2seq) =>
    DATE_SOURCE_VOCAB * E + // Es
    2 * (E * H + H * H + H) + // both directions of the encoder, eq. 3.1
    (2 * H * Hd + Hd) + // Winit, binit, eq. 3.7
    DATE_TARGET_VOCAB * E + // Et
    (E * Hd + Hd * Hd + Hd) + // the decoder's RNN
    ((2 * H + Hd) * Hd + Hd) + // Wc, bc
    (Hd * DATE_TARGET_VOCAB + DATE_TARGET_VOCAB) + // Wy, by
    (Hd * A + 2 * H * A + A); // Wq, Wk, v
  /** Parameters of the encoder-decoder transformer, from eqs. 4.7–4.12. */
  const transformerCount = ({
    dModel: E,
    dFF: F,
    encoderLayers,
    decoderLayers,
  }: typeof DATES_FULL.transformer) => {
    const attention = 4 * E * E + 4 * E; // Wq, Wk, Wv, Wo and their biases
    const norm = 2 * E; // gamma, beta
    const ffn = 2 * E * F + F + E;
    const encoder = DATE_SOURCE_VOCAB * E + encoderLayers * (attention + 2 * norm + ffn) + norm;
    const decoder = DATE_TARGET_VOCAB * E + decoderLayers * (2 * attention + 3 * norm + ffn) + norm;
    return encoder + decoder + E * DATE_TARGET_VOCAB + DATE_TARGET_VOCAB;
  };

  it("uses chapter 3's data sizes, schedule and seq2seq sizes, full and quick", () => {
    for (const [ours, theirs] of [
      [DATES_FULL, CHAPTER3_FULL],
      [DATES_QUICK, CHAPTER3_QUICK],
    ] as const) {
      for (const key of [
        'trainSize',
        'validationSize',
        'testSize',
        'batchSize',
        'steps',
        'lr',
        'maxNorm',
      ] as const) {
        expect(ours[key], key).toBe(theirs[key]);
      }
      expect(ours.seq2seq).toEqual({
        embedDim: theirs.embedDim,
        encoderHidden: theirs.encoderHidden,
        decoderHidden: theirs.decoderHidden,
        attentionDim: theirs.attentionDim,
      });
    }
    // the full run's two models are within 10% of each other in parameters
    const [a, b] = [seq2seqCount(DATES_FULL.seq2seq), transformerCount(DATES_FULL.transformer)];
    expect(Math.abs(a - b) / a).toBeLessThan(0.1);
  });

  it('trains the transformer on eq. 3.10: the cross-entropy of the 11 target tokens summed per date', () => {
    const task = dateTask({ seed: 5, trainSize: 6, validationSize: 1, testSize: 1 });
    const batch = dateBatch(task.train);
    const { model, loss } = dateTransformer(DATES_QUICK, 5, 32);
    const meanPerToken = model.loss(
      batch.source,
      decoderInputs(batch.target, DATE_SOS),
      batch.target,
      undefined,
      batch.sourceLengths,
    );
    expect(loss(batch).item()).toBeCloseTo(11 * meanPerToken.item(), 10);
  });

  it(
    'trains both models, lowers their loss, and tables their real parameter counts and accuracy',
    async () => {
      const dir = out();
      const r = await dates(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.runs.map((x) => x.name)).toEqual([
        'RNN seq2seq with attention (chapter 3)',
        'transformer (chapter 4)',
      ]);
      const [seq2seq, transformer] = r.runs as [(typeof r.runs)[0], (typeof r.runs)[0]];
      const models = [dateSeq2Seq(r.config, 0), dateTransformer(r.config, 0, 32)];
      r.runs.forEach((run, i) =>
        expect(run.parameterCount).toBe(models[i]!.parameters.reduce((s, p) => s + p.size, 0)),
      );
      expect(seq2seq.parameterCount).toBe(seq2seqCount(r.config.seq2seq));
      // the RNNs chain their steps through time; the transformer's chain does not grow with T
      expect(transformer.graph.depth).toBeLessThan(seq2seq.graph.depth);
      for (const run of r.runs) expect(run.graph.multiplyAdds).toBeGreaterThan(0);
      expect(transformer.parameterCount).toBe(transformerCount(r.config.transformer));
      for (const run of r.runs) {
        expect(run.steps).toBe(r.config.steps);
        expect(run.curve).toHaveLength(r.config.steps);
        expect(run.curve.at(-1)![1]).toBeLessThan(run.curve[0]![1] - 3); // nats per date
        expect(run.curveByCpu.map(([t]) => t)).toEqual(
          [...run.curveByCpu.map(([t]) => t)].sort((x, y) => x - y),
        );
        for (const x of [run.validationExact, run.testExact, run.validationBleu, run.testBleu]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
        expect(run.byFormat.reduce((s, [, , n]) => s + n, 0)).toBe(r.config.testSize);
        expect(run.cpuMsPerStep).toBeCloseTo((1000 * run.cpuSeconds) / run.steps, 10);
      }
      const md = read(dir, 'dates.md');
      for (const run of r.runs)
        expect(md).toContain(`| ${run.name} | ${run.parameterCount} | ${r.config.steps} |`);
      expect(md).toContain('npm run lab:dates -w @rnn-course/transformer-bridge -- --quick');
      const svg = read(dir, 'dates-loss.svg');
      for (const run of r.runs) expect(svg).toContain(run.name);
      expect(svg).toContain('against processor time');
    },
    DATES_TIMEOUT_MS,
  );

  it(
    "trains chapter 3's model exactly as chapter 3's lab does: the same loss at every step",
    async () => {
      const ours = await dates(['--quick', '--steps', '8', '--out', out()]);
      const theirs = await chapter3Dates(['--quick', '--steps', '8', '--out', out()]);
      if (!ours || !theirs) throw new Error('a lab returned nothing');
      const additive = theirs.models.find((m) => m.attention === 'additive');
      expect(ours.runs[0]!.curve).toEqual(additive?.loss);
      expect(ours.runs[0]!.validationExact).toBe(additive?.validationExact);
      expect(ours.runs[0]!.testBleu).toBe(additive?.testBleu);
    },
    DATES_TIMEOUT_MS,
  );

  it('refuses --impl: it trains the reference models only', async () => {
    await expect(dates(['--quick', '--impl', 'exercises', '--out', out()])).rejects.toThrow(
      /trains the reference models only; drop --impl/,
    );
  });
});
