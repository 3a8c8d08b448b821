/**
 * Lab: chapter 3's date translation ("saturday april 28 1990" → "1990-04-28") with a small
 * encoder-decoder transformer, next to chapter 3's encoder-decoder RNN with additive attention.
 *
 * Everything but the model is chapter 3's: the lab kit's seeded task with its three sets
 * (training pairs, unseen dates in training formats, unseen dates in unseen formats), the same
 * ids, the same loss (eq. 3.10: cross-entropy summed over the 11 target tokens, averaged over the
 * batch, with teacher forcing), the same batches in the same order, the same optimiser and
 * schedule (Adam, learning rate decaying along a half cosine to a tenth, gradients clipped to a
 * global norm of 5), the same number of steps, and the same evaluation: greedy decoding, exact
 * match and character BLEU on the held-out sets. The seq2seq model is chapter 3's own
 * (`createSeq2Seq`, `seq2seqLoss`, `greedyDecode`), with the sizes of chapter 3's lab, so its
 * row reproduces chapter 3's Table 3.1. The transformer is this chapter's reference
 * (`Transformer`: pre-norm blocks, sinusoidal positions, a causal decoder with
 * cross-attention), sized to about the same number of parameters.
 *
 * The lab reports, per model, the parameters, the training time on the wall clock and on the
 * processor, the time per step, and the accuracy; it draws the two loss curves against steps
 * and against processor time. Figure: figures/dates-loss.svg; table: figures/dates.md.
 *
 *   npm run lab:dates -w @rnn-course/transformer-bridge [-- --quick | --steps N | --seed N]
 *
 * Chapter 4, "Date translation with a transformer".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  DATE_EOS,
  DATE_SOS,
  DATE_SOURCE_VOCAB,
  DATE_TARGET_VOCAB,
  HELD_OUT_DATE_FORMATS,
  dateBatch,
  dateTask,
  decodeDateTarget,
  labCommand,
  outputDir,
  parseLabArgs,
  runIfMain,
  shownPath,
  stackedLineCharts,
  trainWithAdam,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import type { DateBatch, DateExample, DateTask } from '@rnn-course/lab';
import { temporalSoftmaxLoss } from '@rnn-course/rnn';
import {
  bleu,
  createSeq2Seq,
  decoderInputs,
  exactMatch,
  greedyDecode,
  seq2seqLoss,
  seq2seqParameters,
} from '@rnn-course/seq2seq-attention';
import type { Seq2Seq } from '@rnn-course/seq2seq-attention';
import { Transformer } from '../src/index';
import { graphShape } from './graph-depth';
import { markdownReport } from './report';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** The most tokens greedy decoding emits per date, eos included (chapter 3's limit). */
const MAX_OUTPUT = 12;

/** Mistakes on the test set listed per model in the report. */
const MISTAKES_SHOWN = 6;

/** Sizes and schedule of a run. */
export interface DatesLabConfig {
  trainSize: number;
  validationSize: number;
  testSize: number;
  /** chapter 3's model: E, H per direction, Hd and A (additive attention) */
  seq2seq: { embedDim: number; encoderHidden: number; decoderHidden: number; attentionDim: number };
  /** this chapter's model: E, h, F and the blocks of each stack */
  transformer: {
    dModel: number;
    numHeads: number;
    dFF: number;
    encoderLayers: number;
    decoderLayers: number;
  };
  /** shared by both models */
  batchSize: number;
  steps: number;
  lr: number;
  maxNorm: number;
}

/**
 * The full run: chapter 3's data, schedule and seq2seq sizes (its lab's full run), and a
 * transformer of one encoder and one decoder block of width 32, which has about as many
 * parameters as the seq2seq model.
 */
export const FULL: DatesLabConfig = {
  trainSize: 30_000,
  validationSize: 1000,
  testSize: 1000,
  seq2seq: { embedDim: 16, encoderHidden: 32, decoderHidden: 64, attentionDim: 32 },
  transformer: { dModel: 32, numHeads: 4, dFF: 64, encoderLayers: 1, decoderLayers: 1 },
  batchSize: 32,
  steps: 1500,
  lr: 3e-3,
  maxNorm: 5,
};

/** The smoke run of `--quick` and of the test suite (chapter 3's quick sizes). */
export const QUICK: DatesLabConfig = {
  trainSize: 2000,
  validationSize: 60,
  testSize: 60,
  seq2seq: { embedDim: 8, encoderHidden: 8, decoderHidden: 16, attentionDim: 8 },
  transformer: { dModel: 8, numHeads: 2, dFF: 16, encoderLayers: 1, decoderLayers: 1 },
  batchSize: 16,
  steps: 40,
  lr: 1e-2,
  maxNorm: 5,
};

/** A model of the comparison, as the training loop and the evaluation see it. */
export interface DateModel {
  name: string;
  /** every trainable tensor */
  parameters: Tensor[];
  /** eq. 3.10 on a batch: a differentiable scalar, nats per date */
  loss(batch: DateBatch): Tensor;
  /** greedy decoding: per source, the emitted target ids, eos dropped */
  decode(batch: DateBatch): number[][];
}

/**
 * Chapter 3's encoder-decoder RNN with additive attention (chapter 3, eqs. 3.7–3.17), with
 * weights drawn from `Rng(seed)` as chapter 3's lab draws them.
 */
export function dateSeq2Seq(config: DatesLabConfig, seed: number): DateModel & { model: Seq2Seq } {
  const model = createSeq2Seq(
    {
      sourceVocab: DATE_SOURCE_VOCAB,
      targetVocab: DATE_TARGET_VOCAB,
      ...config.seq2seq,
      attention: 'additive',
      sos: DATE_SOS,
      eos: DATE_EOS,
    },
    new Rng(seed),
  );
  return {
    name: 'RNN seq2seq with attention (chapter 3)',
    model,
    parameters: seq2seqParameters(model).map(([, t]) => t),
    loss: (batch) => seq2seqLoss(model, batch),
    decode: (batch) => greedyDecode(model, batch.source, batch.sourceLengths, MAX_OUTPUT).ids,
  };
}

/**
 * This chapter's encoder-decoder transformer (eqs. 4.2–4.12) on the same ids, with weights
 * drawn from `Rng(seed)`. It is trained on chapter 3's loss: the decoder reads `<sos>` and the
 * target shifted right (chapter 3's `decoderInputs`), the causal mask lets every position see
 * only the tokens before it, and the logits of all 11 positions, from one pass, go into the
 * same summed cross-entropy as the RNN's.
 *
 * @param maxLen the longest source (the transformer's `maxLen`; sinusoidal positions need no table)
 */
export function dateTransformer(
  config: DatesLabConfig,
  seed: number,
  maxLen: number,
): DateModel & { model: Transformer } {
  const model = new Transformer(
    {
      srcVocab: DATE_SOURCE_VOCAB,
      tgtVocab: DATE_TARGET_VOCAB,
      ...config.transformer,
      maxLen,
      positional: 'sinusoidal',
    },
    new Rng(seed),
  );
  return {
    name: 'transformer (chapter 4)',
    model,
    parameters: model.parameters(),
    loss: (batch) => {
      const tgtIn = decoderInputs(batch.target, DATE_SOS); // [N][L]: <sos>, y_0 … y_{L−2}
      const { logits } = model.forward(batch.source, tgtIn, batch.sourceLengths); // [N, L, Vt]
      const mask = batch.targetLengths.map((len) =>
        batch.target[0]!.map((_, t) => (t < len ? 1 : 0)),
      ); // [N][L]
      return temporalSoftmaxLoss(logits, batch.target, mask); // eq. 3.10
    },
    decode: (batch) =>
      // MAX_OUTPUT tokens each, then cut at the first eos, as chapter 3's decoding stops there.
      model.greedyDecode(batch.source, DATE_SOS, MAX_OUTPUT, batch.sourceLengths).map((ids) => {
        const end = ids.indexOf(DATE_EOS);
        return end < 0 ? ids : ids.slice(0, end);
      }),
  };
}

/** Greedy translations of examples, in batches of 200. */
function translate(model: DateModel, examples: readonly DateExample[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < examples.length; i += 200) {
    for (const ids of model.decode(dateBatch(examples.slice(i, i + 200)))) {
      out.push(decodeDateTarget(ids));
    }
  }
  return out;
}

/** Chapter 3's measures: exact match and character BLEU (eq. 3.19) against the ISO dates. */
function score(examples: readonly DateExample[], got: readonly string[]) {
  const outputs = got.map((t) => [...t]);
  const references = examples.map((e) => [...e.output]);
  return { exact: exactMatch(outputs, references), bleu: bleu(outputs, references).score };
}

/** What one model measured. */
export interface DatesRun {
  name: string;
  parameterCount: number;
  steps: number;
  /** [step, running training loss in nats per date] */
  curve: [number, number][];
  /**
   * The autograd graph of one training batch's loss (the first `batchSize` training pairs):
   * operations recorded, the longest chain of them (sequential operations, as in the
   * parallelism lab) and the multiply-adds of its matrix products
   */
  graph: { ops: number; depth: number; multiplyAdds: number };
  /** [processor seconds since training started, running training loss] */
  curveByCpu: [number, number][];
  wallSeconds: number;
  cpuSeconds: number;
  wallMsPerStep: number;
  cpuMsPerStep: number;
  validationExact: number;
  validationBleu: number;
  testExact: number;
  testBleu: number;
  /** [held-out format, exact match, count] on the test set */
  byFormat: [string, number, number][];
  /** processor seconds of greedily decoding the validation and test sets */
  decodeCpuSeconds: number;
  /** the first test examples the model got wrong, and what it wrote */
  mistakes: { input: string; output: string; predicted: string }[];
}

/** What a run measured. */
export interface DatesLabResult {
  config: DatesLabConfig;
  runs: DatesRun[];
  files: string[];
}

/** Processor seconds this process has used so far. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Trains a model on the task's training pairs with the shared schedule, then measures it. */
function run(model: DateModel, config: DatesLabConfig, task: DateTask, seed: number): DatesRun {
  const graph = graphShape(model.loss(dateBatch(task.train.slice(0, config.batchSize))));
  const rng = new Rng(seed + 1000); // chapter 3's batches: the same for both models
  const trained = trainWithAdam({
    params: model.parameters,
    steps: config.steps,
    lr: config.lr,
    maxNorm: config.maxNorm,
    label: `dates, ${model.name}`,
    loss: () => {
      const examples = Array.from(
        { length: config.batchSize },
        () => task.train[rng.int(task.train.length)]!,
      );
      return model.loss(dateBatch(examples));
    },
  });
  const cpu0 = cpuNow();
  const validation = translate(model, task.validation);
  const test = translate(model, task.test);
  const decodeCpuSeconds = cpuNow() - cpu0;
  const v = score(task.validation, validation);
  const t = score(task.test, test);
  const byFormat = HELD_OUT_DATE_FORMATS.map((format): [string, number, number] => {
    const at = task.test.flatMap((e, i) => (e.format === format ? [i] : []));
    const ok = at.filter((i) => test[i] === task.test[i]!.output).length;
    return [format, at.length === 0 ? Number.NaN : ok / at.length, at.length];
  });
  return {
    name: model.name,
    parameterCount: model.parameters.reduce((s, p) => s + p.size, 0),
    steps: config.steps,
    graph,
    curve: trained.curve,
    curveByCpu: trained.curve.map(([, loss], i) => [trained.cpuAt[i]!, loss]),
    wallSeconds: trained.wallSeconds,
    cpuSeconds: trained.cpuSeconds,
    wallMsPerStep: (1000 * trained.wallSeconds) / config.steps,
    cpuMsPerStep: (1000 * trained.cpuSeconds) / config.steps,
    validationExact: v.exact,
    validationBleu: v.bleu,
    testExact: t.exact,
    testBleu: t.bleu,
    byFormat,
    decodeCpuSeconds,
    mistakes: task.test
      .map((e, i) => ({ input: e.input, output: e.output, predicted: test[i]! }))
      .filter((m) => m.predicted !== m.output)
      .slice(0, MISTAKES_SHOWN),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const fixed = (x: number, digits: number): string => x.toFixed(digits);

/** The comparison as Markdown tables: the models, then test exact match per held-out format. */
export function table(runs: readonly DatesRun[], task: DateTask): string {
  const rows = runs.map(
    (r) =>
      `| ${r.name} | ${r.parameterCount} | ${r.steps} | ${fixed(r.wallSeconds, 0)} | ` +
      `${fixed(r.cpuSeconds, 0)} | ${fixed(r.wallMsPerStep, 0)} | ${fixed(r.cpuMsPerStep, 0)} | ` +
      `${fixed(r.graph.multiplyAdds / 1e6, 1)} | ${r.graph.depth} of ${r.graph.ops} | ` +
      `${pct(r.validationExact)} | ${fixed(r.validationBleu, 3)} | ${pct(r.testExact)} | ` +
      `${fixed(r.testBleu, 3)} | ${fixed(r.decodeCpuSeconds, 0)} |`,
  );
  const formats = runs[0]?.byFormat.map(([f]) => f) ?? [];
  const steps = runs[0]?.steps ?? 0;
  const milestones = [...new Set([Math.round(steps / 5), Math.round(steps / 2), steps])].filter(
    (s) => s >= 1,
  );
  return [
    '| model | parameters | training steps | training wall (s) | training CPU (s) | ' +
      'wall ms per step | CPU ms per step | forward multiply-adds per step (millions) | ' +
      'sequential ops per step (of all ops) | validation exact | validation BLEU | test exact | ' +
      'test BLEU | greedy decoding CPU (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Running training loss (nats per date):',
    '',
    `| model | ${milestones.map((m) => `step ${m}`).join(' | ')} |`,
    `| --- | ${milestones.map(() => '---:').join(' | ')} |`,
    ...runs.map(
      (r) =>
        `| ${r.name} | ${milestones.map((m) => fixed(r.curve[m - 1]?.[1] ?? Number.NaN, 3)).join(' | ')} |`,
    ),
    '',
    'Test exact match per held-out format:',
    '',
    `| format | example | ${runs.map((r) => r.name).join(' | ')} |`,
    `| --- | --- | ${runs.map(() => '---:').join(' | ')} |`,
    ...formats.map((f) => {
      const example = task.test.find((e) => e.format === f)?.input ?? '';
      const cells = runs.map((r) => pct(r.byFormat.find(([g]) => g === f)?.[1] ?? Number.NaN));
      return `| \`${f}\` | ${example} | ${cells.join(' | ')} |`;
    }),
    '',
    `The first test dates each model got wrong (at most ${MISTAKES_SHOWN}):`,
    '',
    '| model | input | ISO date | written |',
    '| --- | --- | --- | --- |',
    ...runs.flatMap((r) =>
      r.mistakes.map(
        (m) => `| ${r.name} | ${m.input} | ${m.output} | ${m.predicted || '(nothing)'} |`,
      ),
    ),
    '',
  ].join('\n');
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<DatesLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/dates.ts [flags]\n${usage()}`);
    return undefined;
  }
  if (args.impl !== 'reference') {
    throw new Error('the dates lab trains the reference models only; drop --impl');
  }
  const base = args.quick ? QUICK : FULL;
  const config: DatesLabConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const task = dateTask({
    seed: args.seed,
    trainSize: config.trainSize,
    validationSize: config.validationSize,
    testSize: config.testSize,
  });
  const maxLen = Math.max(
    ...[...task.train, ...task.validation, ...task.test].map((e) => e.input.length),
  );
  const models = [dateSeq2Seq(config, args.seed), dateTransformer(config, args.seed, maxLen)];
  console.log(
    `dates: ${task.train.length} training pairs, ${task.validation.length} validation (unseen ` +
      `dates), ${task.test.length} test (unseen dates in unseen formats); ${config.steps} steps ` +
      `of ${config.batchSize} for each model`,
  );
  const runs: DatesRun[] = [];
  for (const model of models) {
    const r = run(model, config, task, args.seed);
    runs.push(r);
    console.log(
      `${r.name}: ${r.parameterCount} parameters; training ${r.wallSeconds.toFixed(0)} s wall, ` +
        `${r.cpuSeconds.toFixed(0)} s CPU (${r.cpuMsPerStep.toFixed(0)} ms per step); ` +
        `validation exact match ${pct(r.validationExact)}, test ${pct(r.testExact)}`,
    );
  }
  const command = labCommand('lab:dates', '@rnn-course/transformer-bridge', args);
  const md = table(runs, task);
  console.log(md);

  const { seq2seq: s, transformer: tr } = config;
  const longest = Math.max(...task.train.slice(0, config.batchSize).map((e) => e.input.length));
  const files = [
    writeFigure(
      join(out, 'dates-loss.svg'),
      await stackedLineCharts(
        `Date translation: training loss, ${config.steps} steps of ${config.batchSize} dates, the same batches for both models`,
        [
          {
            title: 'against training steps',
            subtitle: command,
            xLabel: 'training step',
            yLabel: 'loss per date (nats, running mean)',
            logY: true,
            series: runs.map((r) => ({ name: r.name, points: r.curve })),
            height: 240,
          },
          {
            title: 'against processor time (one core)',
            xLabel: 'training CPU time (s)',
            yLabel: 'loss per date (nats, running mean)',
            logY: true,
            series: runs.map((r) => ({ name: r.name, points: r.curveByCpu })),
            height: 240,
          },
        ],
      ),
    ),
    writeFigure(
      join(out, 'dates.md'),
      markdownReport(
        'Date translation: a transformer next to chapter 3’s seq2seq model',
        `${task.train.length} training pairs; validation: ${task.validation.length} unseen dates ` +
          `in training formats; test: ${task.test.length} unseen dates in the ` +
          `${HELD_OUT_DATE_FORMATS.length} unseen formats. Seq2seq: E = ${s.embedDim}, H = ` +
          `${s.encoderHidden} per direction, Hd = ${s.decoderHidden}, A = ${s.attentionDim}. ` +
          `Transformer: ${tr.encoderLayers} encoder and ${tr.decoderLayers} decoder block, ` +
          `E = ${tr.dModel}, h = ${tr.numHeads}, F = ${tr.dFF}, pre-norm, sinusoidal positions. ` +
          `Both: ${config.steps} steps of ${config.batchSize} (the same batches), Adam from ` +
          `${config.lr} decaying along a half cosine to a tenth, gradients clipped at norm ` +
          `${config.maxNorm}; greedy decoding; exact match and character BLEU. Times are of ` +
          'one shared machine: CPU is the processor time of the training loop, wall its ' +
          'wall-clock time; greedy decoding covers the validation and test sets. ' +
          "Multiply-adds and operations are counted on the autograd graph of one batch's loss " +
          `(the first ${config.batchSize} training pairs, inputs of up to ${longest} ` +
          'characters): the multiply-adds of its matrix products, the operations recorded, and ' +
          'the longest chain of them, which must run one after another.',
        command,
        md,
      ),
    ),
  ];
  console.log(`reproduce: ${command}`);
  console.log(`wrote ${files.map(shownPath).join(', ')}`);
  return { config, runs, files };
}

runIfMain(import.meta.url, main);
