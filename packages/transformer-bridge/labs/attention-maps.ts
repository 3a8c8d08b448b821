/**
 * Lab: attention maps of a small encoder-decoder transformer trained to reverse sequences of
 * digits. Output token i of the reversal is input token L − 1 − i, so a decoder that has learned
 * the task should read, at target position i, the source position L − 1 − i: its
 * cross-attention should lie on the anti-diagonal. The decoder's self-attention is lower
 * triangular by construction (the causal mask); the encoder's may look anywhere.
 *
 * It trains the model, measures exact-match accuracy of greedy decoding on held-out
 * sequences and how much cross-attention weight lands on the mirrored position, and draws every
 * head of every attention layer for one held-out example. Figure: figures/attention-maps.svg.
 *
 *   npm run lab:attention-maps -w @rnn-course/transformer-bridge [-- --quick | --steps N]
 *
 * Chapter 4, "Attention maps".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  heatmapGrid,
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import type { HeatmapSpec } from '@rnn-course/lab';
import { Transformer } from '../src/index';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface AttentionMapsConfig {
  length: number; // L, digits per sequence
  digits: number; // V of the source; the target adds <s>
  dModel: number;
  heads: number;
  dFF: number;
  steps: number;
  batch: number;
  lr: number;
  testSize: number;
}

export const FULL: AttentionMapsConfig = {
  length: 8,
  digits: 10,
  dModel: 32,
  heads: 2,
  dFF: 64,
  steps: 300,
  batch: 32,
  lr: 3e-3,
  testSize: 200,
};

export const QUICK: AttentionMapsConfig = {
  ...FULL,
  length: 4,
  dModel: 8,
  dFF: 16,
  steps: 10,
  batch: 8,
  testSize: 10,
};

/** What a run measured. */
export interface AttentionMapsResult {
  config: AttentionMapsConfig;
  parameterCount: number;
  seconds: number;
  losses: number[];
  /** Fraction of test sequences reversed without a single wrong digit. */
  exactMatch: number;
  /** Per head: mean cross-attention weight on the mirrored source position. */
  mirroredWeight: number[];
  files: string[];
}

/** `count` random digit sequences and their reversals. */
function reversalBatch(count: number, config: AttentionMapsConfig, rng: Rng) {
  const src = Array.from({ length: count }, () =>
    Array.from({ length: config.length }, () => rng.int(config.digits)),
  );
  const tgt = src.map((r) => [...r].reverse());
  const bos = config.digits; // <s>, the first decoder input
  return { src, tgt, tgtIn: tgt.map((r) => [bos, ...r.slice(0, -1)]) };
}

/** Row-major `[rows, cols]` slice of a `[N, h, rows, cols]` tensor, as nested arrays. */
function head(weights: Tensor, n: number, h: number): number[][] {
  const [, H, R, C] = weights.shape as [number, number, number, number];
  const at = (n * H + h) * R * C;
  return Array.from({ length: R }, (_, i) =>
    Array.from(weights.data.subarray(at + i * C, at + (i + 1) * C)),
  );
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<AttentionMapsResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/attention-maps.ts [flags]\n${usage()}`);
    return undefined;
  }
  if (args.impl !== 'reference') {
    throw new Error('the attention-maps lab trains the reference model only; drop --impl');
  }
  const base = args.quick ? QUICK : FULL;
  const config: AttentionMapsConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const rng = new Rng(args.seed);
  const L = config.length;
  const model = new Transformer(
    {
      srcVocab: config.digits,
      tgtVocab: config.digits + 1,
      dModel: config.dModel,
      numHeads: config.heads,
      dFF: config.dFF,
      encoderLayers: 1,
      decoderLayers: 1,
      maxLen: L + 1,
      positional: 'sinusoidal',
    },
    rng,
  );
  const opt = new Adam(model.parameters(), { lr: config.lr });
  const losses: number[] = [];
  const bar = progress(config.steps, 'reverse');
  const t0 = performance.now();
  for (let step = 0; step < config.steps; step++) {
    const b = reversalBatch(config.batch, config, rng);
    opt.zeroGrad();
    const loss = model.loss(b.src, b.tgtIn, b.tgt);
    loss.backward();
    opt.step();
    losses.push(loss.item());
    bar.tick(loss.item());
  }
  bar.done();
  const seconds = (performance.now() - t0) / 1000;

  const test = reversalBatch(config.testSize, config, new Rng(args.seed + 1));
  const decoded = model.greedyDecode(test.src, config.digits, L);
  const exactMatch =
    decoded.filter((row, n) => row.every((v, i) => v === test.tgt[n]![i])).length / config.testSize;
  // Cross-attention on the mirrored position, with the true prefix as decoder input.
  const { maps } = noGrad(() => model.forward(test.src, test.tgtIn));
  const cross = maps.cross[0] as Tensor; // [N, h, L, L]
  const mirroredWeight = Array.from({ length: config.heads }, (_, h) => {
    let total = 0;
    for (let n = 0; n < config.testSize; n++) {
      const w = head(cross, n, h);
      for (let i = 0; i < L; i++) total += w[i]![L - 1 - i]!;
    }
    return total / (config.testSize * L);
  });
  console.log(
    `${model.parameterCount()} parameters, ${config.steps} steps in ${seconds.toFixed(0)} s; ` +
      `exact match ${(100 * exactMatch).toFixed(1)}% of ${config.testSize}; cross-attention on ` +
      `the mirrored position: ${mirroredWeight.map((w, h) => `head ${h} ${w.toFixed(3)}`).join(', ')}`,
  );

  // One held-out example, every head of every layer.
  const src = test.src[0] as number[];
  const tgtIn = test.tgtIn[0] as number[];
  const srcTicks = src.map(String);
  const tgtTicks = tgtIn.map((v) => (v === config.digits ? '<s>' : String(v)));
  const panels: HeatmapSpec[] = [];
  const layers: [string, Tensor, readonly string[], readonly string[], string, string][] = [
    ['encoder self-attention', maps.encoder[0]!, srcTicks, srcTicks, 'source', 'source'],
    [
      'decoder self-attention (causal)',
      maps.decoderSelf[0]!,
      tgtTicks,
      tgtTicks,
      'target input',
      'target input',
    ],
    ['cross-attention', maps.cross[0]!, tgtTicks, srcTicks, 'target input', 'source'],
  ];
  for (const [name, w, yTicks, xTicks, yLabel, xLabel] of layers) {
    for (let h = 0; h < config.heads; h++) {
      panels.push({
        title: `${name}, head ${h}`,
        xLabel: `key: ${xLabel}`,
        yLabel: `query: ${yLabel}`,
        values: head(w, 0, h),
        xTicks,
        yTicks,
        domain: [0, 1],
      });
    }
  }
  const files = [
    writeFigure(
      join(out, 'attention-maps.svg'),
      await heatmapGrid(
        `Attention weights reversing ${src.join(' ')} (trained ${config.steps} steps, exact match ${(100 * exactMatch).toFixed(0)}%)`,
        panels,
        config.heads,
      ),
    ),
  ];
  console.log(
    `reproduce: ${labCommand('lab:attention-maps', '@rnn-course/transformer-bridge', args)}`,
  );
  console.log(`wrote ${files.join(', ')}`);
  return {
    config,
    parameterCount: model.parameterCount(),
    seconds,
    losses,
    exactMatch,
    mirroredWeight,
    files,
  };
}

runIfMain(import.meta.url, main);
