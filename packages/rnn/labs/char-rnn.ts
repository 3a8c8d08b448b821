/**
 * Lab: a character-level language model on State of the Union addresses (Karpathy 2015).
 *
 * embedding (eq. 1.6) -> RNN (eq. 1.1) -> affine (eq. 1.8) -> softmax cross-entropy (eq. 1.10),
 * trained with truncated BPTT (the hidden state carried across chunks, the gradient cut at
 * their boundaries), clipping by the global norm (eq. 1.12) and Adam. Every so often it
 * measures the loss per character on held-out text; at the end it writes the loss curves and
 * samples at three temperatures (eq. 1.13).
 *
 *   npm run lab:char-rnn -w @rnn-course/rnn                      # reference
 *   npm run lab:char-rnn -w @rnn-course/rnn -- --impl exercises  # your exercise code
 *   npm run lab:char-rnn -w @rnn-course/rnn -- --quick           # ~10 s smoke run
 *
 * Writes figures/char-rnn-loss.svg and figures/char-rnn-samples.md (or into --out).
 * Chapter 1, "Language modeling and text generation".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  labCommand,
  lineChart,
  loadCorpus,
  parseLabArgs,
  progress,
  runIfMain,
  splitText,
  usage,
  writeFigure,
  outputDir,
  wrapText,
} from '@rnn-course/lab';
import { CharRnn, buildVocab, textChunks } from '../src/index';
import type { TextChunk } from '../src/index';
import { loadImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface CharRnnLabConfig {
  /** Characters of the corpus to use (undefined: all of it). */
  maxChars: number | undefined;
  embedDim: number; // D
  hiddenSize: number; // H
  batchSize: number; // N, parallel streams of text
  seqLen: number; // T, steps per chunk (the truncation length)
  steps: number; // parameter updates
  lr: number; // Adam's learning rate
  maxNorm: number; // clipping threshold c of eq. 1.12
  evalEvery: number; // steps between two validation measurements
  maxValChunks: number; // validation chunks per measurement during training; all at the end
  sampleLength: number; // characters per sample
}

/** The full run, sized to take a few minutes on two cores. */
export const FULL: CharRnnLabConfig = {
  maxChars: undefined,
  embedDim: 32,
  hiddenSize: 96,
  batchSize: 16,
  seqLen: 48,
  steps: 1500,
  lr: 3e-3,
  maxNorm: 50,
  evalEvery: 100,
  maxValChunks: 24,
  sampleLength: 400,
};

/** The smoke run of `--quick` and of the test suite. */
export const QUICK: CharRnnLabConfig = {
  maxChars: 40_000,
  embedDim: 16,
  hiddenSize: 32,
  batchSize: 8,
  seqLen: 32,
  steps: 60,
  lr: 1e-2,
  maxNorm: 5,
  evalEvery: 20,
  maxValChunks: 4,
  sampleLength: 120,
};

/** What a run measured. */
export interface CharRnnLabResult {
  config: CharRnnLabConfig;
  impl: string;
  vocabSize: number;
  corpusChars: number;
  /** Loss per character of the unigram model on the validation text (the baseline). */
  unigramLoss: number;
  /** [step, running mean of the training loss per character]. */
  train: [number, number][];
  /** [step, validation loss per character]. */
  validation: [number, number][];
  finalValidationLoss: number;
  perplexity: number;
  /** Fraction of the steps whose gradient norm exceeded the clipping threshold. */
  clippedFraction: number;
  samples: { temperature: number; text: string }[];
  seconds: number;
  files: string[];
}

/**
 * Cross-entropy (nats per character) of the unigram model, which predicts every character with
 * its frequency in `train`, on the text `heldOut`; add-one smoothing keeps unseen ones finite.
 */
export function unigramLoss(
  train: readonly number[],
  heldOut: readonly number[],
  V: number,
): number {
  const counts = new Float64Array(V).fill(1);
  for (const id of train) counts[id]! += 1;
  const total = train.length + V;
  let nll = 0;
  for (const id of heldOut) nll -= Math.log((counts[id] as number) / total);
  return nll / heldOut.length;
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<CharRnnLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/char-rnn.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: CharRnnLabConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'rnn');
  const started = performance.now();

  // Data: the corpus, its last 10% held out; one vocabulary for both parts.
  const corpus = loadCorpus(config.maxChars === undefined ? {} : { maxChars: config.maxChars });
  const { train, validation } = splitText(corpus.text, 0.1);
  const vocab = buildVocab(corpus.text);
  const trainIds = vocab.encode(train);
  const valIds = vocab.encode(validation);
  const chunks = textChunks(trainIds, config.batchSize, config.seqLen); // each [N][T]
  // During training a prefix of the validation chunks (cheap); at the end all of them.
  const allValChunks = textChunks(valIds, Math.min(config.batchSize, 16), config.seqLen);
  const valChunks = allValChunks.slice(0, config.maxValChunks);
  const baseline = unigramLoss(trainIds, valIds, vocab.size);

  const lab = await loadImpl(args.impl);
  const rng = new Rng(args.seed);
  const model = new CharRnn(
    { vocabSize: vocab.size, embedDim: config.embedDim, hiddenSize: config.hiddenSize },
    rng,
    lab.layers,
  );
  const params = model.parameters();
  const names = ['We', 'Wx', 'Wh', 'b', 'Wy', 'by'];
  const optimizer = new Adam(params, { lr: config.lr });

  console.log(
    `char-rnn: ${corpus.text.length} characters (${train.length} train, ${validation.length} ` +
      `validation), V = ${vocab.size}, D = ${config.embedDim}, H = ${config.hiddenSize}, ` +
      `N = ${config.batchSize}, T = ${config.seqLen}, ${config.steps} steps ` +
      `(${((config.steps * config.batchSize * config.seqLen) / trainIds.length).toFixed(2)} epochs)`,
  );
  for (const line of lab.report) console.log(`  ${line}`);
  console.log(`  unigram baseline on the validation text: ${baseline.toFixed(3)} nats/char`);

  const trainCurve: [number, number][] = [];
  const valCurve: [number, number][] = [];
  const bar = progress(config.steps, 'char-rnn');
  let h: Tensor = model.initialState(config.batchSize); // [N, H], carried across chunks
  let k = 0;
  let clippedSteps = 0;
  for (let step = 1; step <= config.steps; step++) {
    if (k === chunks.length) {
      k = 0; // a new epoch starts from a zero state
      h = model.initialState(config.batchSize);
    }
    const chunk = chunks[k++] as TextChunk;
    optimizer.zeroGrad();
    const { loss, hNext } = model.forward(chunk, h); // eq. 1.10 over the chunk
    loss.backward();
    h = hNext; // carried forward, detached: truncated BPTT

    // eq. 1.12 on all six gradients together.
    const grads: Record<string, Tensor> = {};
    params.forEach((p, i) => {
      if (p.grad) grads[names[i] as string] = p.grad;
    });
    const { grads: clipped, totalNorm } = lab.clipGradNorm(grads, config.maxNorm);
    params.forEach((p, i) => {
      const g = clipped[names[i] as string];
      if (g) p.grad = g;
    });
    optimizer.step();
    if (totalNorm > config.maxNorm) clippedSteps++;

    // The loss sums over T steps and averages over N sequences: divide by T for nats/char.
    const perChar = loss.item() / config.seqLen;
    bar.tick(perChar, `‖g‖ ${totalNorm.toFixed(2)}`);
    trainCurve.push([step, bar.runningLoss as number]);
    if (step % config.evalEvery === 0 || step === config.steps) {
      const val = model.evaluate(step === config.steps ? allValChunks : valChunks);
      valCurve.push([step, val]);
      bar.log(
        `step ${step}: validation loss ${val.toFixed(3)} nats/char, perplexity ${Math.exp(val).toFixed(2)}`,
      );
    }
  }
  bar.done();

  const finalValidationLoss = (valCurve.at(-1) as [number, number])[1];
  const perplexity = Math.exp(finalValidationLoss);
  const clippedFraction = clippedSteps / config.steps;

  // Samples: the same prompt and seed at every temperature.
  const prompt = 'The state of the Union';
  const samples = [0.5, 1.0, 1.5].map((temperature) => ({
    temperature,
    text:
      prompt +
      vocab.decode(
        model.generate(
          vocab.encode(prompt),
          config.sampleLength,
          temperature,
          new Rng(args.seed + 1),
        ),
      ),
  }));
  const seconds = (performance.now() - started) / 1000;

  const svg = await lineChart({
    title: 'Character-level RNN on State of the Union addresses',
    subtitle:
      `H = ${config.hiddenSize}, T = ${config.seqLen}, N = ${config.batchSize}, Adam lr ${config.lr}, ` +
      `clip ${config.maxNorm}; final validation loss ${finalValidationLoss.toFixed(3)}`,
    xLabel: 'training step (one chunk of N × T characters)',
    yLabel: 'loss per character (nats)',
    series: [
      { name: 'training loss (running mean)', points: trainCurve },
      { name: 'validation loss', points: valCurve },
      {
        name: 'unigram baseline',
        points: [
          [1, baseline],
          [config.steps, baseline],
        ],
        dashed: true,
      },
    ],
  });
  const files = [writeFigure(join(out, 'char-rnn-loss.svg'), svg)];
  const command = labCommand('lab:char-rnn', '@rnn-course/rnn', args);
  const markdown = [
    '# Samples from the character-level RNN',
    '',
    ...wrapText(
      `Produced by \`${command}\` (implementation: ${lab.impl}) after ${config.steps} steps; ` +
        `final validation loss ${finalValidationLoss.toFixed(4)} nats per character (perplexity ` +
        `${perplexity.toFixed(2)}); unigram baseline ${baseline.toFixed(3)}. Each sample starts ` +
        `from the prompt "${prompt}" with the same seed.`,
      96,
    ),
    '',
    ...samples.flatMap((s) => [
      `## Temperature ${s.temperature.toFixed(1)}`,
      '',
      '```text',
      ...wrapText(s.text, 96),
      '```',
      '',
    ]),
  ].join('\n');
  files.push(writeFigure(join(out, 'char-rnn-samples.md'), markdown));

  console.log(
    `final validation loss ${finalValidationLoss.toFixed(4)} nats/char (perplexity ` +
      `${perplexity.toFixed(2)} = exp of the unrounded loss), unigram baseline ${baseline.toFixed(3)}; ` +
      `${(100 * clippedFraction).toFixed(1)}% of the steps clipped; ${seconds.toFixed(0)} s`,
  );
  console.log(`reproduce: ${command}`);
  for (const s of samples)
    console.log(`\n--- temperature ${s.temperature.toFixed(1)} ---\n${s.text}`);
  console.log(`\nwrote ${files.join(', ')}`);
  return {
    config,
    impl: lab.impl,
    vocabSize: vocab.size,
    corpusChars: corpus.text.length,
    unigramLoss: baseline,
    train: trainCurve,
    validation: valCurve,
    finalValidationLoss,
    perplexity,
    clippedFraction,
    samples,
    seconds,
    files,
  };
}

runIfMain(import.meta.url, main);
