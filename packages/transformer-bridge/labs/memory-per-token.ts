/**
 * Lab: what generating one more token costs, for a vanilla RNN (chapter 1) and a decoder-only
 * transformer with a key/value cache, both of width 64, both generating greedily one token at a
 * time.
 *
 * The RNN carries one state vector h_t whatever t is: constant memory and constant time per
 * token. The transformer must keep the keys and values of every earlier position in every
 * block (its cache grows by 2 · layers · E numbers per token) and each new token attends over
 * all of them, so its time per token grows with t. The weights are random: memory and time do
 * not depend on what the model has learned. Figure: figures/memory-per-token.svg; table:
 * figures/memory-per-token.md.
 *
 *   npm run lab:memory -w @rnn-course/transformer-bridge [-- --quick | --seed N]
 *
 * Chapter 4, "Where RNNs still win".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Rng,
  add,
  embedding,
  matmul,
  noGrad,
  reshape,
  uniformRnnInit,
  xavierUniform,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  stackedLineCharts,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import { rnnStep } from '@rnn-course/rnn';
import { TransformerEncoder, keyValueCacheBytes } from '../src/index';
import type { KeyValueCache } from '../src/index';
import { markdownReport } from './report';
import { fastest } from './timing';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes of a run. */
export interface MemoryConfig {
  tokens: number; // how many tokens each model generates
  vocab: number;
  width: number; // H = E
  heads: number;
  dFF: number;
  layers: number; // transformer blocks
  window: number; // tokens per point of the time curve (the fastest in the window)
}

export const FULL: MemoryConfig = {
  tokens: 512,
  vocab: 64,
  width: 64,
  heads: 4,
  dFF: 256,
  layers: 2,
  window: 32,
};

export const QUICK: MemoryConfig = { ...FULL, tokens: 16, width: 8, heads: 2, dFF: 16, window: 4 };

/** Per generated token t (1 … tokens): the state held after it, and its time. */
export interface GeneratorTrace {
  name: string;
  parameterCount: number;
  stateBytes: number[];
  ms: number[];
}

/** What a run measured. */
export interface MemoryResult {
  config: MemoryConfig;
  traces: GeneratorTrace[];
  files: string[];
}

/** Index of the largest of the V logits `[1, V]`. */
function argmax(logits: Tensor): number {
  let best = 0;
  for (let v = 1; v < logits.size; v++) if (logits.data[v]! > logits.data[best]!) best = v;
  return best;
}

/** Generates with chapter 1's RNN: embedding, eq. 1.1, output layer; the state is h_t alone. */
function rnnGenerator(config: MemoryConfig, rng: Rng, bar: { tick(): void }): GeneratorTrace {
  const { vocab: V, width: H } = config;
  const We = xavierUniform([V, H], rng);
  const [Wx, Wh, b] = [
    uniformRnnInit([H, H], H, rng),
    uniformRnnInit([H, H], H, rng),
    uniformRnnInit([H], H, rng),
  ];
  const [Wy, by] = [xavierUniform([H, V], rng), zeros([V])];
  const trace: GeneratorTrace = {
    name: 'RNN (chapter 1)',
    parameterCount: [We, Wx, Wh, b, Wy, by].reduce((s, p) => s + p.size, 0),
    stateBytes: [],
    ms: [],
  };
  noGrad(() => {
    let h = zeros([1, H]); // the whole state between two tokens
    let id = 0;
    for (let t = 0; t < config.tokens; t++) {
      const t0 = performance.now();
      const x = reshape(embedding(We, [id]), [1, H]); // [1, H]
      h = rnnStep(x, h, Wx, Wh, b); // eq. 1.1: [1, H]
      id = argmax(add(matmul(h, Wy), by)); // [1, V]
      trace.ms.push(performance.now() - t0);
      trace.stateBytes.push(8 * h.size);
      bar.tick();
    }
  });
  return trace;
}

/** Generates with a decoder-only transformer; the state is its key/value cache. */
function transformerGenerator(
  config: MemoryConfig,
  rng: Rng,
  bar: { tick(): void },
): GeneratorTrace {
  const { vocab: V, width: E } = config;
  const model = new TransformerEncoder(
    {
      vocabSize: V,
      dModel: E,
      numHeads: config.heads,
      dFF: config.dFF,
      numLayers: config.layers,
      maxLen: config.tokens,
      positional: 'sinusoidal',
      causal: true,
    },
    rng,
  );
  const [Wy, by] = [xavierUniform([E, V], rng), zeros([V])];
  const trace: GeneratorTrace = {
    name: `decoder-only transformer (${config.layers} blocks, key/value cache)`,
    parameterCount: model.parameterCount() + Wy.size + by.size,
    stateBytes: [],
    ms: [],
  };
  noGrad(() => {
    let cache: KeyValueCache | null = null;
    let id = 0;
    for (let t = 0; t < config.tokens; t++) {
      const t0 = performance.now();
      const r = model.step([id], cache); // h [1, 1, E]
      cache = r.cache;
      id = argmax(add(matmul(reshape(r.h, [1, E]), Wy), by)); // [1, V]
      trace.ms.push(performance.now() - t0);
      trace.stateBytes.push(keyValueCacheBytes(cache));
      bar.tick();
    }
  });
  return trace;
}

/** Fastest time per token in consecutive windows: [middle token, ms]. */
function windows(ms: readonly number[], size: number): [number, number][] {
  const points: [number, number][] = [];
  for (let start = 0; start + size <= ms.length; start += size) {
    points.push([start + size / 2, fastest(ms.slice(start, start + size))]);
  }
  return points;
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<MemoryResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/memory-per-token.ts [flags]\n${usage()}`);
    return undefined;
  }
  if (args.impl !== 'reference') {
    throw new Error('the memory lab runs the reference models only; drop --impl');
  }
  const config = args.quick ? QUICK : FULL;
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const rng = new Rng(args.seed);
  // A short unmeasured run of each first, so that compiling the code does not count as the
  // cost of the first tokens.
  const warm = { ...config, tokens: Math.min(config.tokens, 2 * config.window) };
  const quiet = { tick: () => {} };
  rnnGenerator(warm, new Rng(args.seed + 1), quiet);
  transformerGenerator(warm, new Rng(args.seed + 1), quiet);
  const bar = progress(2 * config.tokens, 'generate');
  const traces = [rnnGenerator(config, rng, bar), transformerGenerator(config, rng, bar)];
  bar.done();
  const marks = [1, 64, 128, 256, 512, 1024].filter((t) => t <= config.tokens);
  const kib = (bytes: number): string => (bytes / 1024).toFixed(bytes < 10240 ? 1 : 0);
  const rows = traces.map((tr) => {
    const w = windows(tr.ms, config.window);
    const first = w[0]?.[1] ?? NaN;
    const last = w.at(-1)?.[1] ?? NaN;
    const perToken = (tr.stateBytes.at(-1)! - tr.stateBytes[0]!) / (config.tokens - 1);
    return (
      `| ${tr.name} | ${tr.parameterCount} | ${marks.map((t) => kib(tr.stateBytes[t - 1]!)).join(' | ')} | ` +
      `${perToken.toFixed(0)} | ${first.toFixed(2)} | ${last.toFixed(2)} |`
    );
  });
  const md = [
    `| model | parameters | ${marks.map((t) => `state after ${t} (KiB)`).join(' | ')} | bytes added per token | ms per token, first ${config.window} | ms per token, last ${config.window} |`,
    `| --- | ---: | ${marks.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
    ...rows,
    '',
  ].join('\n');
  console.log(md);
  const files = [
    writeFigure(
      join(out, 'memory-per-token.svg'),
      await stackedLineCharts(
        `Generating ${config.tokens} tokens one at a time, width ${config.width}`,
        [
          {
            title: 'state kept between tokens',
            xLabel: 'tokens generated',
            yLabel: 'bytes (log scale)',
            series: traces.map((tr) => ({
              name: tr.name,
              points: tr.stateBytes.map((b, t) => [t + 1, b] as [number, number]),
            })),
            logY: true,
            height: 200,
          },
          {
            title: `time per token (fastest of each ${config.window} tokens)`,
            xLabel: 'tokens generated',
            yLabel: 'milliseconds',
            series: traces.map((tr) => ({ name: tr.name, points: windows(tr.ms, config.window) })),
            height: 200,
          },
        ],
      ),
    ),
    writeFigure(
      join(out, 'memory-per-token.md'),
      markdownReport(
        'Memory and time per generated token',
        `Width ${config.width}, one stream, greedy decoding; time per token is the fastest of ` +
          `each window of ${config.window} tokens.`,
        labCommand('lab:memory', '@rnn-course/transformer-bridge', args),
        md,
      ),
    ),
  ];
  console.log(`reproduce: ${labCommand('lab:memory', '@rnn-course/transformer-bridge', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { config, traces, files };
}

runIfMain(import.meta.url, main);
