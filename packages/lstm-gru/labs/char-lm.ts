/**
 * Lab: language modeling again. Chapter 1's character-level model on the same corpus (State of
 * the Union addresses), with the same settings, trained three times: with chapter 1's vanilla
 * RNN (this run is chapter 1's run, draw for draw), with an LSTM and with a GRU whose hidden
 * sizes give the same number of parameters as the RNN model. The training loop is chapter 1's:
 * truncated BPTT with the state carried across chunks (h, and c for the LSTM), clipping by the
 * global norm, Adam. Every so often it measures the validation loss per character; at the end
 * it writes the three validation curves in one figure and samples from each model.
 *
 *   npm run lab:char-lm -w @rnn-course/lstm-gru                      # reference
 *   npm run lab:char-lm -w @rnn-course/lstm-gru -- --impl solutions  # hand-written cells
 *   npm run lab:char-lm -w @rnn-course/lstm-gru -- --quick           # smoke run
 *
 * Writes figures/char-lm-loss.svg and figures/char-lm-samples.md (or into --out).
 * Chapter 2, "Language modeling again".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, Rng } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  labCommand,
  lineChart,
  loadCorpus,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  splitText,
  usage,
  wrapText,
  writeFigure,
} from '@rnn-course/lab';
import { buildVocab, clipGradNorm, textChunks } from '@rnn-course/rnn';
import type { TextChunk } from '@rnn-course/rnn';
import { FULL as CHAPTER_1, QUICK as CHAPTER_1_QUICK, unigramLoss } from '../../rnn/labs/char-rnn';
import type { CharRnnLabConfig } from '../../rnn/labs/char-rnn';
import { CharModel, hiddenSizeForParams, recurrentParamCount } from '../src/index';
import type { CellKind, GatedLayers } from '../src/index';
import { CELLS, CELL_NAMES } from './long-term';
import { loadImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Chapter 1's settings (its RNN's hidden size is the parameter budget), and the LSTM's bias. */
export interface CharLmLabConfig extends CharRnnLabConfig {
  forgetBias: number;
}

/** Chapter 1's full run: the same corpus, sizes and schedule. */
export const FULL: CharLmLabConfig = { ...CHAPTER_1, forgetBias: 1 };

/** Chapter 1's smoke run. */
export const QUICK: CharLmLabConfig = { ...CHAPTER_1_QUICK, steps: 40, forgetBias: 1 };

/** One model's run. */
export interface CharLmRun {
  cell: CellKind;
  hiddenSize: number;
  params: number;
  /** [step, validation loss per character]. */
  validation: [number, number][];
  finalValidationLoss: number;
  /** Wall-clock milliseconds per training step (forward, backward, clipping, Adam). */
  msPerStep: number;
  sample: string;
}

/** What the lab measured. */
export interface CharLmLabResult {
  config: CharLmLabConfig;
  impl: string;
  vocabSize: number;
  unigramLoss: number;
  runs: CharLmRun[];
  seconds: number;
  files: string[];
}

/** The hidden size of each cell: the RNN's is chapter 1's, the others matched to its count. */
export function charModelSizes(config: CharLmLabConfig, V: number): Record<CellKind, number> {
  const D = config.embedDim;
  const fixed = V * D; // the embedding does not depend on H
  const target =
    fixed + recurrentParamCount('rnn', D, config.hiddenSize) + config.hiddenSize * V + V;
  return {
    rnn: config.hiddenSize,
    lstm: hiddenSizeForParams('lstm', D, target, V, fixed),
    gru: hiddenSizeForParams('gru', D, target, V, fixed),
  };
}

/** Trains one model with chapter 1's loop; returns its curves and a sample. */
function trainOne(
  cell: CellKind,
  H: number,
  config: CharLmLabConfig,
  data: { V: number; chunks: TextChunk[]; valChunks: TextChunk[]; allValChunks: TextChunk[] },
  layers: GatedLayers,
  seed: number,
  prompt: number[],
  decode: (ids: number[]) => string,
): CharLmRun {
  const model = new CharModel(
    {
      cell,
      vocabSize: data.V,
      embedDim: config.embedDim,
      hiddenSize: H,
      forgetBias: config.forgetBias,
    },
    new Rng(seed),
    layers,
  );
  const params = model.parameters();
  const names = model.names();
  const optimizer = new Adam(params, { lr: config.lr });
  const validation: [number, number][] = [];
  const bar = progress(config.steps, `char-lm ${cell}`);
  let state = model.initialState(config.batchSize);
  let k = 0;
  let trainMs = 0;
  for (let step = 1; step <= config.steps; step++) {
    const t0 = performance.now();
    if (k === data.chunks.length) {
      k = 0; // a new epoch starts from a zero state
      state = model.initialState(config.batchSize);
    }
    const chunk = data.chunks[k++] as TextChunk;
    optimizer.zeroGrad();
    const { loss, next } = model.forward(chunk, state);
    loss.backward();
    state = next; // carried forward, detached: truncated BPTT
    // Chapter 1's eq. 1.12 on all gradients together, as its lab does.
    const grads: Record<string, Tensor> = {};
    params.forEach((p, i) => {
      if (p.grad) grads[names[i] as string] = p.grad;
    });
    const { grads: clipped, totalNorm } = clipGradNorm(grads, config.maxNorm);
    params.forEach((p, i) => {
      const g = clipped[names[i] as string];
      if (g) p.grad = g;
    });
    optimizer.step();
    trainMs += performance.now() - t0;
    bar.tick(loss.item() / config.seqLen, `‖g‖ ${totalNorm.toFixed(2)}`);
    if (step % config.evalEvery === 0 || step === config.steps) {
      const val = model.evaluate(step === config.steps ? data.allValChunks : data.valChunks);
      validation.push([step, val]);
      bar.log(`${CELL_NAMES[cell]} step ${step}: validation loss ${val.toFixed(3)} nats/char`);
    }
  }
  bar.done();
  const sample = decode(model.generate(prompt, config.sampleLength, 0.5, new Rng(seed + 1)));
  return {
    cell,
    hiddenSize: H,
    params: model.parameterCount(),
    validation,
    finalValidationLoss: (validation.at(-1) as [number, number])[1],
    msPerStep: trainMs / config.steps,
    sample,
  };
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<CharLmLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/char-lm.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: CharLmLabConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'lstm-gru');
  const lab = await loadImpl(args.impl);
  for (const line of lab.report) console.log(`  ${line}`);
  const started = performance.now();

  // Chapter 1's data: the corpus, its last 10% held out, one vocabulary for both parts.
  const corpus = loadCorpus(config.maxChars === undefined ? {} : { maxChars: config.maxChars });
  const { train, validation } = splitText(corpus.text, 0.1);
  const vocab = buildVocab(corpus.text);
  const trainIds = vocab.encode(train);
  const valIds = vocab.encode(validation);
  const allValChunks = textChunks(valIds, Math.min(config.batchSize, 16), config.seqLen);
  const data = {
    V: vocab.size,
    chunks: textChunks(trainIds, config.batchSize, config.seqLen),
    valChunks: allValChunks.slice(0, config.maxValChunks),
    allValChunks,
  };
  const baseline = unigramLoss(trainIds, valIds, vocab.size);
  const sizes = charModelSizes(config, vocab.size);
  console.log(
    `char-lm: ${corpus.text.length} characters, V = ${vocab.size}, D = ${config.embedDim}, ` +
      `N = ${config.batchSize}, T = ${config.seqLen}, ${config.steps} steps per model; ` +
      CELLS.map((c) => `${CELL_NAMES[c]} H = ${sizes[c]}`).join(', '),
  );
  const prompt = 'The state of the Union';
  const runs = CELLS.map((cell) =>
    trainOne(
      cell,
      sizes[cell],
      config,
      data,
      lab.layers,
      args.seed,
      vocab.encode(prompt),
      (ids) => prompt + vocab.decode(ids),
    ),
  );
  const seconds = (performance.now() - started) / 1000;

  const svg = await lineChart({
    title: 'Character-level language models of equal size: RNN, LSTM, GRU',
    subtitle:
      `State of the Union corpus, D = ${config.embedDim}, T = ${config.seqLen}, N = ${config.batchSize}, ` +
      `Adam lr ${config.lr}, clip ${config.maxNorm}; ` +
      runs.map((r) => `${CELL_NAMES[r.cell]} ${r.finalValidationLoss.toFixed(3)}`).join(', '),
    xLabel: 'training step (one chunk of N × T characters)',
    yLabel: 'validation loss per character (nats)',
    series: [
      ...runs.map((r) => ({
        name: `${CELL_NAMES[r.cell]} (H = ${r.hiddenSize}, ${r.params} parameters)`,
        points: r.validation,
      })),
      {
        name: 'unigram baseline',
        points: [
          [runs[0]?.validation[0]?.[0] ?? 1, baseline],
          [config.steps, baseline],
        ] as [number, number][],
        dashed: true,
      },
    ],
  });
  const files = [writeFigure(join(out, 'char-lm-loss.svg'), svg)];
  const command = labCommand('lab:char-lm', '@rnn-course/lstm-gru', args);
  const markdown = [
    '# Samples from the character-level RNN, LSTM and GRU',
    '',
    ...wrapText(
      `Produced by \`${command}\` (implementation: ${lab.impl}) after ${config.steps} steps per ` +
        `model; every sample starts from the prompt "${prompt}" with the same seed, at ` +
        `temperature 0.5. Unigram baseline ${baseline.toFixed(3)} nats per character.`,
      96,
    ),
    '',
    ...runs.flatMap((r) => [
      `## ${CELL_NAMES[r.cell]} (H = ${r.hiddenSize}, ${r.params} parameters)`,
      '',
      `Final validation loss ${r.finalValidationLoss.toFixed(3)} nats per character (perplexity ` +
        `${Math.exp(r.finalValidationLoss).toFixed(2)}).`,
      '',
      '```text',
      ...wrapText(r.sample, 96),
      '```',
      '',
    ]),
  ].join('\n');
  files.push(writeFigure(join(out, 'char-lm-samples.md'), markdown));

  for (const r of runs) {
    console.log(
      `${CELL_NAMES[r.cell]} (H = ${r.hiddenSize}, ${r.params} parameters): final validation loss ` +
        `${r.finalValidationLoss.toFixed(3)} nats/char, ${r.msPerStep.toFixed(0)} ms per step`,
    );
  }
  console.log(`unigram baseline ${baseline.toFixed(3)}; ${seconds.toFixed(0)} s`);
  console.log(`reproduce: ${command}`);
  for (const r of runs) console.log(`\n--- ${CELL_NAMES[r.cell]} ---\n${r.sample}`);
  console.log(`\nwrote ${files.join(', ')}`);
  return {
    config,
    impl: lab.impl,
    vocabSize: vocab.size,
    unigramLoss: baseline,
    runs,
    seconds,
    files,
  };
}

runIfMain(import.meta.url, main);
