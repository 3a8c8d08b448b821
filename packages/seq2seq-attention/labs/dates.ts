/**
 * Lab: translating dates written by people ("saturday april 28 1990", "28/04/90") into ISO
 * dates ("1990-04-28") with an encoder-decoder, with and without attention.
 *
 * Both models have the same bidirectional RNN encoder and RNN decoder; the only difference is
 * where the decoder's context comes from: a fixed summary of the encoder (Cho et al. 2014) or
 * additive attention over the encoder's outputs (Bahdanau et al. 2014). Both train with teacher
 * forcing (eq. 3.10), Adam and clipping, on the seeded task of the lab kit. The lab then
 * measures exact match and a character BLEU on unseen dates in seen formats (validation) and
 * on unseen dates in unseen formats (test), exact match against input length, greedy decoding
 * against beam search, and draws the attention of a few test examples.
 *
 *   npm run lab:dates -w @rnn-course/seq2seq-attention                        # full run
 *   npm run lab:dates -w @rnn-course/seq2seq-attention -- --quick             # smoke run
 *   npm run lab:dates -w @rnn-course/seq2seq-attention -- --impl solutions    # hand-written gradients
 *
 * Writes dates-loss.svg, dates-length.svg, dates-attention.svg and dates-results.md.
 * Chapter 3, "Lab: translating dates".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, noGrad } from '@rnn-course/core';
import {
  DATE_EOS,
  DATE_SOS,
  DATE_SOURCE_VOCAB,
  DATE_TARGET_VOCAB,
  dateBatch,
  dateTask,
  decodeDateTarget,
  encodeDateSource,
  heatmapGrid,
  labCommand,
  lineChart,
  outputDir,
  parseLabArgs,
  runIfMain,
  shownPath,
  trainWithAdam,
  usage,
  wrapText,
  writeFigure,
} from '@rnn-course/lab';
import type { DateExample } from '@rnn-course/lab';
import {
  beamSearch,
  bleu,
  createSeq2Seq,
  exactMatch,
  greedyDecode,
  seq2seqParameters,
  teacherForcedLogits,
} from '../src/index';
import type { AttentionKind, Seq2Seq } from '../src/index';
import { loadImpl } from './impl';
import type { LabImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface DatesLabConfig {
  trainSize: number;
  validationSize: number;
  testSize: number;
  embedDim: number; // E
  encoderHidden: number; // H per direction
  decoderHidden: number; // Hd
  attentionDim: number; // A
  batchSize: number;
  steps: number;
  lr: number;
  maxNorm: number;
  /** examples decoded with beam search (per model and set) */
  beamExamples: number;
  beamWidth: number;
}

/** The full run. */
export const FULL: DatesLabConfig = {
  trainSize: 30_000,
  validationSize: 1000,
  testSize: 1000,
  embedDim: 16,
  encoderHidden: 32,
  decoderHidden: 64,
  attentionDim: 32,
  batchSize: 32,
  steps: 1500,
  lr: 3e-3,
  maxNorm: 5,
  beamExamples: 300,
  beamWidth: 5,
};

/** The smoke run of `--quick` and of the test suite. */
export const QUICK: DatesLabConfig = {
  trainSize: 2000,
  validationSize: 60,
  testSize: 60,
  embedDim: 8,
  encoderHidden: 8,
  decoderHidden: 16,
  attentionDim: 8,
  batchSize: 16,
  steps: 40,
  lr: 1e-2,
  maxNorm: 5,
  beamExamples: 8,
  beamWidth: 3,
};

/** Greedy translations of examples, in batches. */
function translate(
  model: Seq2Seq,
  examples: readonly DateExample[],
): { text: string; weights: number[][] }[] {
  const out: { text: string; weights: number[][] }[] = [];
  for (let i = 0; i < examples.length; i += 200) {
    const batch = dateBatch(examples.slice(i, i + 200));
    const { ids, weights } = greedyDecode(model, batch.source, batch.sourceLengths, 12);
    ids.forEach((row, n) => out.push({ text: decodeDateTarget(row), weights: weights[n]! }));
  }
  return out;
}

/** What one model measured. */
export interface ModelResult {
  attention: AttentionKind;
  /** [step, running training loss] */
  loss: [number, number][];
  validationExact: number;
  testExact: number;
  validationBleu: number;
  testBleu: number;
  /** exact match with greedy and with beam search on the first `beamExamples` test examples */
  greedySubsetExact: number;
  beamSubsetExact: number;
  /** [input length, exact match, count] on validation and test together */
  byLength: [number, number, number][];
  /** [held-out format, exact match, count] on the test set */
  byFormat: [string, number, number][];
  seconds: number;
}

/** What a run measured. */
export interface DatesLabResult {
  config: DatesLabConfig;
  impl: string;
  models: ModelResult[];
  examples: { input: string; output: string; predicted: string }[];
  seconds: number;
  files: string[];
}

/** Trains one model and measures it. */
async function run(
  attention: AttentionKind,
  config: DatesLabConfig,
  task: ReturnType<typeof dateTask>,
  seed: number,
  lossFn: LabImpl['seq2seqLoss'],
): Promise<{ model: Seq2Seq; result: ModelResult }> {
  const started = performance.now();
  const model = createSeq2Seq(
    {
      sourceVocab: DATE_SOURCE_VOCAB,
      targetVocab: DATE_TARGET_VOCAB,
      embedDim: config.embedDim,
      encoderHidden: config.encoderHidden,
      decoderHidden: config.decoderHidden,
      attention,
      attentionDim: config.attentionDim,
      sos: DATE_SOS,
      eos: DATE_EOS,
    },
    new Rng(seed),
  );
  const rng = new Rng(seed + 1000);
  // Adam from lr down to lr / 10 along a half cosine (large steps first, fine ones last), and
  // gradients clipped to maxNorm: the lab kit's loop, which chapter 4 trains a transformer with.
  const { curve: loss } = trainWithAdam({
    params: seq2seqParameters(model).map(([, t]) => t),
    steps: config.steps,
    lr: config.lr,
    maxNorm: config.maxNorm,
    label: `dates (${attention === 'none' ? 'no attention' : attention})`,
    loss: () => {
      const examples = Array.from(
        { length: config.batchSize },
        () => task.train[rng.int(task.train.length)]!,
      );
      return lossFn(model, dateBatch(examples)); // eq. 3.10, summed over the 11 target steps
    },
  });

  const score = (examples: readonly DateExample[], got: readonly string[]) => ({
    exact: exactMatch(
      got.map((t) => [...t]),
      examples.map((e) => [...e.output]),
    ),
    bleu: bleu(
      got.map((t) => [...t]),
      examples.map((e) => [...e.output]),
    ).score,
  });
  const validation = translate(model, task.validation);
  const test = translate(model, task.test);
  const v = score(
    task.validation,
    validation.map((p) => p.text),
  );
  const t = score(
    task.test,
    test.map((p) => p.text),
  );

  // Exact match against the input's length, over both held-out sets.
  const buckets = new Map<number, [number, number]>();
  [...task.validation, ...task.test].forEach((e, i) => {
    const predicted =
      i < validation.length ? validation[i]!.text : test[i - validation.length]!.text;
    const b = buckets.get(e.input.length) ?? [0, 0];
    buckets.set(e.input.length, [b[0] + (predicted === e.output ? 1 : 0), b[1] + 1]);
  });
  const byLength = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([len, [ok, n]]) => [len, ok / n, n] as [number, number, number]);

  // Exact match per held-out format: which recombinations the model generalises to.
  const formats = new Map<string, [number, number]>();
  task.test.forEach((e, i) => {
    const f = formats.get(e.format) ?? [0, 0];
    formats.set(e.format, [f[0] + (test[i]!.text === e.output ? 1 : 0), f[1] + 1]);
  });
  const byFormat = [...formats.entries()].map(
    ([format, [ok, n]]) => [format, ok / n, n] as [string, number, number],
  );

  // Greedy against beam search on the first test examples.
  const subset = task.test.slice(0, config.beamExamples);
  const beamed = subset.map((e) => {
    const [best] = beamSearch(model, encodeDateSource(e.input), {
      beamWidth: config.beamWidth,
      maxLength: 12,
      alpha: 1,
    });
    return decodeDateTarget(best?.ids ?? []);
  });
  const greedySubset = score(
    subset,
    test.slice(0, subset.length).map((p) => p.text),
  ).exact;
  const beamSubset = score(subset, beamed).exact;
  return {
    model,
    result: {
      attention,
      loss,
      validationExact: v.exact,
      testExact: t.exact,
      validationBleu: v.bleu,
      testBleu: t.bleu,
      greedySubsetExact: greedySubset,
      beamSubsetExact: beamSubset,
      byLength,
      byFormat,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const label = (kind: AttentionKind): string =>
  kind === 'none' ? 'no attention' : `${kind} attention`;

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<DatesLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/dates.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: DatesLabConfig = { ...base, steps: args.steps ?? base.steps };
  const impl = await loadImpl(args.impl);
  const out = outputDir(args, FIGURES, 'seq2seq-attention');
  const started = performance.now();
  const task = dateTask({
    seed: args.seed,
    trainSize: config.trainSize,
    validationSize: config.validationSize,
    testSize: config.testSize,
  });
  console.log(
    `dates: ${task.train.length} training pairs, ${task.validation.length} validation (unseen dates), ` +
      `${task.test.length} test (unseen dates in unseen formats); E = ${config.embedDim}, ` +
      `H = ${config.encoderHidden} per direction, Hd = ${config.decoderHidden}, ` +
      `${config.steps} steps of ${config.batchSize}`,
  );
  console.log(`  ${impl.report}`);

  const models: ModelResult[] = [];
  let attentionModel: Seq2Seq | undefined;
  for (const kind of ['none', 'additive'] as AttentionKind[]) {
    const { model, result } = await run(kind, config, task, args.seed, impl.seq2seqLoss);
    models.push(result);
    if (kind === 'additive') attentionModel = model;
    console.log(
      `  test exact match per held-out format: ${result.byFormat.map(([f, acc]) => `${f} ${pct(acc)}`).join(', ')}`,
    );
    console.log(
      `${label(kind)}: validation exact match ${pct(result.validationExact)} (BLEU ${result.validationBleu.toFixed(3)}), ` +
        `test ${pct(result.testExact)} (BLEU ${result.testBleu.toFixed(3)}); on ${config.beamExamples} test ` +
        `examples greedy ${pct(result.greedySubsetExact)}, beam ${config.beamWidth} ${pct(result.beamSubsetExact)}; ` +
        `${result.seconds.toFixed(0)} s`,
    );
  }
  const model = attentionModel as Seq2Seq;
  const seconds = (performance.now() - started) / 1000;
  const command = labCommand('lab:dates', '@rnn-course/seq2seq-attention', args);

  // Figures.
  const files: string[] = [];
  files.push(
    writeFigure(
      join(out, 'dates-loss.svg'),
      await lineChart({
        title: 'Date translation: training loss',
        subtitle: `teacher-forced cross-entropy summed over the 11 output tokens; ${command}`,
        xLabel: 'training step',
        yLabel: 'loss per sequence (nats, running mean)',
        logY: true,
        series: models.map((m) => ({ name: label(m.attention), points: m.loss })),
      }),
    ),
  );
  files.push(
    writeFigure(
      join(out, 'dates-length.svg'),
      await lineChart({
        title: 'Exact match against input length (unseen dates, seen and unseen formats)',
        subtitle: command,
        xLabel: 'input length (characters)',
        yLabel: 'exact match (%)',
        series: models.map((m) => ({
          name: label(m.attention),
          points: m.byLength
            .filter(([, , n]) => n >= 5)
            .map(([len, acc]) => [len, 100 * acc] as [number, number]),
        })),
      }),
    ),
  );
  const shown = pickExamples(task.test);
  const translated = translate(model, shown);
  // The attention while the decoder reads the correct date (teacher forcing): 11 rows, the
  // 10 characters and eos, whatever the model would have written.
  const aligned = noGrad(() => teacherForcedLogits(model, dateBatch(shown)).weights); // [n, 11, S]
  const [, L, S] = aligned.shape as [number, number, number];
  files.push(
    writeFigure(
      join(out, 'dates-attention.svg'),
      await heatmapGrid(
        'Additive attention while writing the ISO date (unseen formats)',
        shown.map((e, i) => ({
          title: `"${e.input}" → ${translated[i]!.text || '(nothing)'}`,
          values: Array.from({ length: L }, (_, t) =>
            Array.from(aligned.data.subarray((i * L + t) * S, (i * L + t) * S + e.input.length)),
          ),
          xTicks: [...e.input].map((c) => (c === ' ' ? '␣' : c)),
          yTicks: [...e.output, '</s>'],
          xLabel: 'input character',
          yLabel: 'output',
          domain: [0, 1] as const,
          legendTitle: 'α',
          width: 14 * e.input.length,
          height: 14 * L,
        })),
        2,
      ),
    ),
  );
  const examples = shown.map((e, i) => ({
    input: e.input,
    output: e.output,
    predicted: translated[i]!.text,
  }));
  const formats = models[0]!.byFormat.map(([f]) => f);
  const table = [
    '# Date translation: results',
    '',
    ...wrapText(
      `Produced by \`${command}\` (implementation: ${impl.impl}) in ${seconds.toFixed(0)} s. ` +
        `Validation: ${config.validationSize} unseen dates in training formats. Test: ` +
        `${config.testSize} unseen dates in unseen formats. Greedy decoding and beam search ` +
        `(width ${config.beamWidth}, α = 1) are compared on the first ${config.beamExamples} test ` +
        'examples. BLEU is over characters, up to 4-grams.',
    ),
    '',
    '| model | validation exact | validation BLEU | test exact | test BLEU | greedy (subset) | beam (subset) | time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...models.map(
      (m) =>
        `| ${label(m.attention)} | ${pct(m.validationExact)} | ${m.validationBleu.toFixed(3)} | ${pct(m.testExact)} | ` +
        `${m.testBleu.toFixed(3)} | ${pct(m.greedySubsetExact)} | ${pct(m.beamSubsetExact)} | ${m.seconds.toFixed(0)} s |`,
    ),
    '',
    'Exact match on the test set, per held-out format:',
    '',
    `| format | example | ${models.map((m) => label(m.attention)).join(' | ')} |`,
    `| --- | --- | ${models.map(() => '---').join(' | ')} |`,
    ...formats.map((f) => {
      const example = task.test.find((e) => e.format === f)?.input ?? '';
      const cells = models.map((m) => pct(m.byFormat.find(([g]) => g === f)?.[1] ?? NaN));
      return `| \`${f}\` | ${example} | ${cells.join(' | ')} |`;
    }),
    '',
  ].join('\n');
  files.push(writeFigure(join(out, 'dates-results.md'), table));
  console.log(`took ${seconds.toFixed(0)} s; reproduce: ${command}`);
  console.log(`wrote ${files.map(shownPath).join(', ')}`);
  return { config, impl: impl.impl, models, examples, seconds, files };
}

/** Four test examples in different unseen formats, short to long. */
function pickExamples(test: readonly DateExample[]): DateExample[] {
  const byFormat = new Map<string, DateExample>();
  for (const e of test) if (!byFormat.has(e.format)) byFormat.set(e.format, e);
  const picked = [...byFormat.values()].sort((a, b) => a.input.length - b.input.length);
  const n = picked.length;
  return [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1]
    .map((i) => picked[i]!)
    .filter((e, i, a) => a.indexOf(e) === i);
}

runIfMain(import.meta.url, main);
