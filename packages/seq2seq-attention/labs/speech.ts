/**
 * Lab: speech recognition in miniature. Digit strings spoken by eSpeak NG voices (synthesised
 * on this machine, see speech-data.ts), log-mel features computed by the chapter's own code
 * (eq. 3.25), a bidirectional LSTM that emits, at every frame, a distribution over the ten
 * digits and the blank, trained with CTC (eqs. 3.20–3.23): no one says which frames belong to
 * which digit. Measured by the label error rate on voices the model never heard, with best-path
 * and prefix beam decoding (eq. 3.24).
 *
 *   npm run lab:speech -w @rnn-course/seq2seq-attention                        # full run
 *   npm run lab:speech -w @rnn-course/seq2seq-attention -- --quick             # smoke run
 *   npm run lab:speech -w @rnn-course/seq2seq-attention -- --impl solutions    # your CTC gradient
 *
 * The first run synthesises the clips (a few minutes for all voices) into .course/speech-clips/;
 * later runs read them from there. Writes speech-loss.svg, speech-alignment.svg and
 * speech-results.md. Chapter 3, "Lab: speech recognition in miniature".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  Rng,
  Tensor,
  add,
  clipGradNormInPlace,
  logSoftmax,
  matmul,
  narrow,
  noGrad,
  reshape,
  xavierUniform,
  zeros,
} from '@rnn-course/core';
import {
  heatmapAboveLines,
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  shownPath,
  stackedLineCharts,
  usage,
  wrapText,
  writeFigure,
} from '@rnn-course/lab';
import { lstm, lstmParams } from '@rnn-course/lstm-gru';
import type { LstmParams } from '@rnn-course/lstm-gru';
import {
  bidirectional,
  ctcGreedyDecode,
  ctcPrefixBeamSearch,
  labelErrorRate,
  logMelSpectrogram,
} from '../src/index';
import { loadImpl } from './impl';
import {
  CLIP_CACHE,
  DIGIT_WORDS,
  HELD_OUT_VOICES,
  TRAIN_VOICES,
  digitClips,
  makeUtterance,
  voiceKey,
} from './speech-data';
import type { Utterance, VoiceSetting } from './speech-data';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface SpeechLabConfig {
  /** training voices (a prefix of TRAIN_VOICES) and held-out voices (of HELD_OUT_VOICES) */
  trainVoices: number;
  heldOutVoices: number;
  /** mel bands, and frames stacked into one input vector (the model's step is `stack` frames) */
  bands: number;
  stack: number;
  hidden: number; // H of each LSTM direction
  batchSize: number;
  steps: number;
  lr: number;
  maxNorm: number;
  /** utterances of each evaluation set, and how often (steps) to measure during training */
  evalUtterances: number;
  evalEvery: number;
  beamWidth: number;
}

/** The full run. */
export const FULL: SpeechLabConfig = {
  trainVoices: TRAIN_VOICES.length,
  heldOutVoices: HELD_OUT_VOICES.length,
  bands: 40,
  stack: 3,
  hidden: 32,
  batchSize: 8,
  steps: 250,
  lr: 3e-3,
  maxNorm: 5,
  evalUtterances: 60,
  evalEvery: 50,
  beamWidth: 8,
};

/** The smoke run of `--quick` and of the test suite. */
export const QUICK: SpeechLabConfig = {
  trainVoices: 3,
  heldOutVoices: 1,
  bands: 20,
  stack: 3,
  hidden: 12,
  batchSize: 4,
  steps: 20,
  lr: 1e-2,
  maxNorm: 5,
  evalUtterances: 6,
  evalEvery: 10,
  beamWidth: 4,
};

/** Symbols: 0 is the blank, 1–10 the digits 0–9. */
const BLANK = 0;
const SYMBOLS = 11;

/** Feature extraction settings (eq. 3.25): 23 ms Hann frames every 11.6 ms at 22.05 kHz. */
const FRAME = 512;
const HOP = 256;

/**
 * Log-mel features of a signal, normalised per utterance (each band minus its mean, all divided
 * by the overall standard deviation: loudness and the noise floor vary between utterances),
 * then `stack` consecutive frames side by side.
 *
 * @returns `[F / stack, bands · stack]` and the unstacked spectrogram `[F, bands]`
 */
export function speechFeatures(
  signal: Float64Array,
  sampleRate: number,
  bands: number,
  stack: number,
): { features: Tensor; spectrogram: Tensor } {
  const spectrogram = logMelSpectrogram(signal, sampleRate, {
    frameLength: FRAME,
    hop: HOP,
    fftSize: FRAME,
    bands,
    fMin: 60,
    fMax: 8000,
  }); // [F, bands]
  const [F] = spectrogram.shape as [number, number];
  const x = spectrogram.data.slice();
  let variance = 0;
  for (let j = 0; j < bands; j++) {
    let mean = 0;
    for (let f = 0; f < F; f++) mean += x[f * bands + j]! / F;
    for (let f = 0; f < F; f++) {
      x[f * bands + j]! -= mean;
      variance += x[f * bands + j]! ** 2 / (F * bands);
    }
  }
  const sd = Math.sqrt(variance) || 1;
  const steps = Math.floor(F / stack);
  const out = new Float64Array(steps * bands * stack); // [steps, bands · stack]
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < stack * bands; k++)
      out[t * stack * bands + k] = x[t * stack * bands + k]! / sd;
  }
  return { features: new Tensor(out, [steps, bands * stack]), spectrogram };
}

/** The recogniser's weights: an LSTM per direction (chapter 2's) and the output layer. */
export interface SpeechModel {
  forward: LstmParams;
  backward: LstmParams;
  Wy: Tensor; // [2H, 11]
  by: Tensor; // [11]
}

function createModel(D: number, H: number, rng: Rng): SpeechModel {
  return {
    forward: lstmParams(D, H, rng, { forgetBias: 1 }),
    backward: lstmParams(D, H, rng, { forgetBias: 1 }),
    Wy: xavierUniform([2 * H, SYMBOLS], rng),
    by: zeros([SYMBOLS], { requiresGrad: true }),
  };
}

function parametersOf(m: SpeechModel): Tensor[] {
  return [
    m.forward.Wx,
    m.forward.Wh,
    m.forward.b,
    m.backward.Wx,
    m.backward.Wh,
    m.backward.b,
    m.Wy,
    m.by,
  ];
}

/**
 * log y: the per-frame log-probabilities of the blank and the digits.
 *
 * @param x       `[N, T, D]` padded features
 * @param lengths N frame counts
 * @returns `[N, T, 11]`
 */
export function logProbsOf(m: SpeechModel, x: Tensor, lengths: readonly number[]): Tensor {
  const [N] = x.shape as [number, number, number];
  const H = m.Wy.shape[0]! / 2;
  const h0 = zeros([N, H]); // [N, H]: both directions start from zero states
  // Chapter 2's LSTM (eqs. 2.1–2.4), one per direction; only its hidden states are read.
  const run = (p: LstmParams) => (xs: Tensor) => lstm(xs, h0, h0, p.Wx, p.Wh, p.b).h; // [N, T, H]
  const h = bidirectional(run(m.forward), run(m.backward), x, lengths); // [N, T, 2H]
  return logSoftmax(add(matmul(h, m.Wy), m.by), -1); // [N, T, 11]
}

/** A featurised utterance. */
interface Example {
  features: Tensor; // [T, D]
  labels: number[]; // 1–10
  utterance: Utterance;
  spectrogram: Tensor;
}

/** Pads examples into one batch `[N, T, D]`. */
function toBatch(examples: readonly Example[]): {
  x: Tensor;
  lengths: number[];
  labels: number[][];
} {
  const D = examples[0]!.features.shape[1] as number;
  const lengths = examples.map((e) => e.features.shape[0] as number);
  const T = Math.max(...lengths);
  const x = new Float64Array(examples.length * T * D);
  examples.forEach((e, n) => x.set(e.features.data, n * T * D));
  return {
    x: new Tensor(x, [examples.length, T, D]),
    lengths,
    labels: examples.map((e) => e.labels),
  };
}

/** The clips of some voices, synthesised or read from the cache. */
async function loadVoices(
  voices: readonly VoiceSetting[],
): Promise<{ clips: Float64Array[][]; sampleRate: number; synthesised: number }> {
  const clips: Float64Array[][] = [];
  let sampleRate = 0;
  let synthesised = 0;
  const bar = progress(voices.length, 'speech clips');
  for (const v of voices) {
    const r = await digitClips(v);
    clips.push(r.clips);
    sampleRate = r.sampleRate;
    if (!r.cached) synthesised++;
    bar.tick(undefined, voiceKey(v));
  }
  bar.done();
  return { clips, sampleRate, synthesised };
}

/** What a run measured. */
export interface SpeechLabResult {
  config: SpeechLabConfig;
  impl: string;
  /** [step, running CTC loss] */
  loss: [number, number][];
  /** [step, label error rate] during training (best path) */
  validationCurve: [number, number][];
  heldOutCurve: [number, number][];
  validationGreedy: number;
  validationBeam: number;
  heldOutGreedy: number;
  heldOutBeam: number;
  examples: { reference: string; greedy: string; beam: string }[];
  seconds: number;
  files: string[];
}

const spell = (digits: readonly number[]): string => digits.join(' ');

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<SpeechLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/speech.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: SpeechLabConfig = { ...base, steps: args.steps ?? base.steps };
  const impl = await loadImpl(args.impl);
  const out = outputDir(args, FIGURES, 'seq2seq-attention');
  const started = performance.now();

  const trainVoices = TRAIN_VOICES.slice(0, config.trainVoices);
  const heldOutVoices = HELD_OUT_VOICES.slice(0, config.heldOutVoices);
  const train = await loadVoices(trainVoices);
  const heldOut = await loadVoices(heldOutVoices);
  const sampleRate = train.sampleRate;
  console.log(
    `speech: ${trainVoices.length} training voices, ${heldOutVoices.length} held-out voices ` +
      `(${train.synthesised + heldOut.synthesised} synthesised now, the rest from ${shownPath(CLIP_CACHE)}); ` +
      `${config.bands} mel bands × ${config.stack} frames, BiLSTM H = ${config.hidden}, ${config.steps} steps of ${config.batchSize}`,
  );
  console.log(`  ${impl.report}; LSTM: chapter 2's reference (@rnn-course/lstm-gru)`);

  const rng = new Rng(args.seed);
  const example = (clips: readonly Float64Array[][], r: Rng): Example => {
    const utterance = makeUtterance(clips[r.int(clips.length)]!, sampleRate, r);
    const { features, spectrogram } = speechFeatures(
      utterance.signal,
      sampleRate,
      config.bands,
      config.stack,
    );
    return { features, labels: utterance.digits.map((d) => d + 1), utterance, spectrogram };
  };
  // Fixed evaluation sets: new utterances of the training voices, and of the held-out voices.
  const evalRng = new Rng(args.seed + 7);
  const validation = Array.from({ length: config.evalUtterances }, () =>
    example(train.clips, evalRng),
  );
  const test = Array.from({ length: config.evalUtterances }, () => example(heldOut.clips, evalRng));

  const model = createModel(config.bands * config.stack, config.hidden, new Rng(args.seed + 1));
  const params = parametersOf(model);
  const optimizer = new Adam(params, { lr: config.lr });

  const decode = (examples: readonly Example[], beam: boolean): number[][] =>
    noGrad(() => {
      const results: number[][] = [];
      for (let i = 0; i < examples.length; i += 32) {
        const batch = toBatch(examples.slice(i, i + 32));
        const lp = logProbsOf(model, batch.x, batch.lengths); // [n, T, 11]
        if (!beam) {
          results.push(...ctcGreedyDecode(lp, batch.lengths, BLANK));
          continue;
        }
        const [n, , C] = lp.shape as [number, number, number];
        for (let k = 0; k < n; k++) {
          const rows = reshape(narrow(narrow(lp, 0, k, 1), 1, 0, batch.lengths[k]!), [
            batch.lengths[k]!,
            C,
          ]); // [T_k, 11]
          results.push(ctcPrefixBeamSearch(rows, config.beamWidth, BLANK)[0]?.labels ?? []);
        }
      }
      return results;
    });
  const ler = (examples: readonly Example[], beam: boolean): number =>
    labelErrorRate(
      decode(examples, beam),
      examples.map((e) => e.labels),
    );

  const loss: [number, number][] = [];
  const validationCurve: [number, number][] = [];
  const heldOutCurve: [number, number][] = [];
  const bar = progress(config.steps, 'speech (BiLSTM + CTC)');
  for (let step = 1; step <= config.steps; step++) {
    const batch = toBatch(
      Array.from({ length: config.batchSize }, () => example(train.clips, rng)),
    );
    optimizer.zeroGrad();
    const lp = logProbsOf(model, batch.x, batch.lengths); // [N, T, 11]
    const l = impl.ctcLoss(lp, batch.labels, batch.lengths, { blank: BLANK, reduction: 'mean' });
    l.backward();
    clipGradNormInPlace(params, config.maxNorm);
    optimizer.step();
    bar.tick(l.item());
    loss.push([step, bar.runningLoss as number]);
    if (step % config.evalEvery === 0 || step === config.steps) {
      const v = ler(validation, false);
      const h = ler(test, false);
      validationCurve.push([step, v]);
      heldOutCurve.push([step, h]);
      bar.log(
        `step ${step}: label error rate ${(100 * v).toFixed(1)}% (training voices), ${(100 * h).toFixed(1)}% (held-out voices)`,
      );
    }
  }
  bar.done();
  const validationGreedy = validationCurve.at(-1)![1];
  const heldOutGreedy = heldOutCurve.at(-1)![1];
  const validationBeam = ler(validation, true);
  const heldOutBeam = ler(test, true);
  const seconds = (performance.now() - started) / 1000;
  const command = labCommand('lab:speech', '@rnn-course/seq2seq-attention', args);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  console.log(
    `label error rate, best path / prefix beam ${config.beamWidth}: training voices ${pct(validationGreedy)} / ${pct(validationBeam)}, ` +
      `held-out voices ${pct(heldOutGreedy)} / ${pct(heldOutBeam)}; ${seconds.toFixed(0)} s`,
  );

  // Figures.
  const files: string[] = [];
  files.push(
    writeFigure(
      join(out, 'speech-loss.svg'),
      await stackedLineCharts('Speech recognition in miniature: BiLSTM trained with CTC', [
        {
          title: 'training loss',
          xLabel: 'training step',
          yLabel: 'CTC loss per label (nats)',
          logY: true,
          series: [{ name: 'CTC loss (running mean)', points: loss }],
        },
        {
          title: 'label error rate (best-path decoding)',
          subtitle: command,
          xLabel: 'training step',
          yLabel: 'label error rate (%)',
          series: [
            {
              name: 'training voices (new utterances)',
              points: validationCurve.map(([s, v]) => [s, 100 * v]),
            },
            { name: 'held-out voices', points: heldOutCurve.map(([s, v]) => [s, 100 * v]) },
          ],
        },
      ]),
    ),
  );
  const shown = test[0]!;
  const shownLp = noGrad(() =>
    logProbsOf(model, reshape(shown.features, [1, ...shown.features.shape]), [
      shown.features.shape[0]!,
    ]),
  );
  const [, T] = shownLp.shape as [number, number, number];
  const greedyShown = ctcGreedyDecode(shownLp, undefined, BLANK)[0]!.map((k) => k - 1);
  const [F, bands] = shown.spectrogram.shape as [number, number];
  // One column per model step (`stack` frames averaged) and bands averaged in pairs: the figure
  // shows what the model reads without thousands of cells.
  const pool = config.stack;
  const rows = Math.floor(bands / 2);
  const columns = Math.floor(F / pool);
  const secondsPerFrame = HOP / sampleRate;
  const values = Array.from({ length: rows }, (_, j) =>
    Array.from({ length: columns }, (_, c) => {
      let s = 0;
      for (let k = 0; k < pool; k++) {
        for (let b = 0; b < 2; b++)
          s += shown.spectrogram.data[(c * pool + k) * bands + 2 * j + b]!;
      }
      return s / (2 * pool);
    }),
  );
  const stepSeconds = config.stack * secondsPerFrame;
  const curve = (symbol: number) =>
    Array.from(
      { length: T },
      (_, t) =>
        [(t + 0.5) * stepSeconds, Math.exp(shownLp.data[t * SYMBOLS + symbol]!)] as [
          number,
          number,
        ],
    );
  const present = [...new Set(shown.utterance.digits)].sort((a, b) => a - b);
  files.push(
    writeFigure(
      join(out, 'speech-alignment.svg'),
      await heatmapAboveLines(
        `Held-out voice saying "${spell(shown.utterance.digits)}", recognised as "${spell(greedyShown)}"`,
        {
          title: 'log-mel spectrogram',
          values,
          rowsUp: true,
          xStep: pool * secondsPerFrame,
          xLabel: 'time (s)',
          yLabel: `mel band (pairs of ${bands})`,
          scheme: 'viridis',
          legendTitle: 'log energy',
          width: 640,
          height: 160,
        },
        {
          title: 'per-frame output probabilities of the CTC network',
          subtitle: command,
          xLabel: 'time (s)',
          yLabel: 'probability',
          series: [
            { name: 'blank', points: curve(BLANK), dashed: true },
            ...present.map((d) => ({ name: DIGIT_WORDS[d]!, points: curve(d + 1) })),
          ],
          height: 160,
        },
      ),
    ),
  );
  const greedyAll = decode(test.slice(0, 5), false);
  const beamAll = decode(test.slice(0, 5), true);
  const examples = test.slice(0, 5).map((e, i) => ({
    reference: spell(e.utterance.digits),
    greedy: spell(greedyAll[i]!.map((k) => k - 1)),
    beam: spell(beamAll[i]!.map((k) => k - 1)),
  }));
  const table = [
    '# Speech recognition in miniature: results',
    '',
    ...wrapText(
      `Produced by \`${command}\` (implementation: ${impl.impl}) in ${seconds.toFixed(0)} s. ` +
        `Beam width ${config.beamWidth}. Held-out voices: ${heldOutVoices.map((v) => v.voice).join(', ')}.`,
    ),
    '',
    '| voices | utterances | label error rate, best path | label error rate, prefix beam search |',
    '| --- | --- | --- | --- |',
    `| training voices, new utterances | ${validation.length} | ${pct(validationGreedy)} | ${pct(validationBeam)} |`,
    `| held-out voices | ${test.length} | ${pct(heldOutGreedy)} | ${pct(heldOutBeam)} |`,
    '',
    '| reference | best path | prefix beam search |',
    '| --- | --- | --- |',
    ...examples.map((e) => `| ${e.reference} | ${e.greedy} | ${e.beam} |`),
    '',
  ].join('\n');
  files.push(writeFigure(join(out, 'speech-results.md'), table));
  console.log(`took ${seconds.toFixed(0)} s; reproduce: ${command}`);
  console.log(`wrote ${files.map(shownPath).join(', ')}`);
  return {
    config,
    impl: impl.impl,
    loss,
    validationCurve,
    heldOutCurve,
    validationGreedy,
    validationBeam,
    heldOutGreedy,
    heldOutBeam,
    examples,
    seconds,
    files,
  };
}

runIfMain(import.meta.url, main);
