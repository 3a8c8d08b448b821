/**
 * The labs' quick modes, run in-process into a temporary folder, and the pieces of the speech
 * lab's data pipeline: each must write its figures with the expected content, and training
 * must lower the loss.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng, logSoftmax, randn } from '@rnn-course/core';
import { dateBatch } from '@rnn-course/lab';
import { createSeq2Seq, ctcLoss, seq2seqParameters } from '../src/index';
import { loadImpl } from '../labs/impl';
import { expectRel } from './helpers';
import { main as dates } from '../labs/dates';
import { main as speech, speechFeatures } from '../labs/speech';
import {
  DIGIT_WORDS,
  HELD_OUT_VOICES,
  TRAIN_VOICES,
  digitClips,
  makeUtterance,
  readWav,
  splitWords,
  wavBytes,
} from '../labs/speech-data';

// A quick run trains two small models and draws figures; on a busy machine that takes minutes.
const LAB_TIMEOUT_MS = 600_000;

const out = (): string => mkdtempSync(join(tmpdir(), 'seq2seq-lab-'));
const read = (dir: string, file: string): string => {
  const path = join(dir, file);
  expect(existsSync(path), `${file} was written`).toBe(true);
  return readFileSync(path, 'utf8');
};

describe('--impl: the labs train on the reference or on the worked solutions', () => {
  it("the solutions' seq2seq loss, as one graph node, gives the reference's gradients", async () => {
    const batch = dateBatch([
      {
        input: '28/04/90',
        output: '1990-04-28',
        format: '',
        date: { year: 1990, month: 4, day: 28 },
      },
      {
        input: 'sat 5 jan 03',
        output: '2003-01-05',
        format: '',
        date: { year: 2003, month: 1, day: 5 },
      },
    ]);
    const config = {
      sourceVocab: 80,
      targetVocab: 14,
      embedDim: 3,
      encoderHidden: 2,
      decoderHidden: 3,
      attention: 'additive' as const,
      attentionDim: 2,
      sos: 1,
      eos: 2,
    };
    const grads = async (impl: 'reference' | 'solutions') => {
      const model = createSeq2Seq(config, new Rng(3));
      const loss = (await loadImpl(impl)).seq2seqLoss(model, batch);
      loss.backward();
      return {
        loss: loss.item(),
        grads: seq2seqParameters(model).map(([k, t]) => [k, t.grad!] as const),
      };
    };
    const ref = await grads('reference');
    const sol = await grads('solutions');
    expectRel(sol.loss, ref.loss, 1e-10, 'loss');
    sol.grads.forEach(([k, g], i) => expectRel(g, ref.grads[i]![1], 1e-8, `d${k}`));
  });

  it("the solutions' CTC loss, as one graph node, gives the reference's gradient", async () => {
    const logits = randn([2, 9, 4], new Rng(4), { requiresGrad: true });
    const targets = [[1, 1, 2], [3]];
    const grad = async (impl: 'reference' | 'solutions') => {
      logits.zeroGrad();
      const loss = (await loadImpl(impl)).ctcLoss(logSoftmax(logits, -1), targets, [9, 6], {
        reduction: 'mean',
      });
      loss.backward();
      return { loss: loss.item(), grad: logits.grad! };
    };
    const ref = await grad('reference');
    const sol = await grad('solutions');
    expectRel(sol.loss, ref.loss, 1e-10, 'loss');
    expectRel(sol.grad, ref.grad, 1e-8, 'dlogits');
    // the stubs: both losses fall back to the reference, and the report says why
    const stubs = await loadImpl('exercises');
    expect(stubs.ctcLoss).toBe(ctcLoss);
    expect(stubs.report).toMatch(
      /CTC loss and gradient: reference, not exercises\/seq2seq-attention, because seq2seq-attention\/ctc-loss-and-grad is not implemented yet/,
    );
  });
});

describe('dates lab', () => {
  it(
    'quick mode trains both models, lowers the loss, and writes every figure',
    async () => {
      const dir = out();
      const r = await dates(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.models.map((m) => m.attention)).toEqual(['none', 'additive']);
      for (const m of r.models) {
        expect(m.loss.at(-1)![1]).toBeLessThan(m.loss[0]![1] - 3);
        for (const x of [m.validationExact, m.testExact, m.validationBleu, m.testBleu]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
      }
      expect(read(dir, 'dates-loss.svg')).toContain('additive attention');
      expect(read(dir, 'dates-length.svg')).toContain('input length');
      const heat = read(dir, 'dates-attention.svg');
      for (const e of r.examples) expect(heat).toContain(e.input);
      const results = read(dir, 'dates-results.md');
      expect(results).toContain('| no attention |');
      expect(results).toContain('npm run lab:dates -w @rnn-course/seq2seq-attention -- --quick');
    },
    LAB_TIMEOUT_MS,
  );
});

describe('speech data', () => {
  it('a WAV written and read back gives the samples to 16-bit precision', () => {
    const samples = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i / 5) * 0.8);
    const back = readWav(wavBytes(samples, 22050));
    expect(back.sampleRate).toBe(22050);
    back.samples.forEach((s, i) =>
      expect(Math.abs(s - samples[i]!)).toBeLessThanOrEqual(0.5 / 32768),
    );
  });

  it('cuts a recording at pauses of 200 ms or more, and only there', () => {
    const sr = 1000;
    const tone = (n: number) => Float64Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i));
    const silence = (n: number) => new Float64Array(n);
    const join = (...parts: Float64Array[]) => Float64Array.from(parts.flatMap((p) => [...p]));
    const audio = {
      sampleRate: sr,
      samples: join(silence(100), tone(300), silence(100), tone(200), silence(400), tone(100)),
    };
    const words = splitWords(audio, 2);
    expect(words?.length).toBe(2); // the 100 ms pause does not split a word
    expect(splitWords(audio, 3)).toBeUndefined();
    expect(words![0]!.length).toBeGreaterThan(600);
  });

  it('an utterance is a seeded digit string of one voice with pauses and noise', () => {
    const clips = DIGIT_WORDS.map((_, k) => Float64Array.from({ length: 200 + 10 * k }, () => 0.3));
    const a = makeUtterance(clips, 1000, new Rng(5));
    const b = makeUtterance(clips, 1000, new Rng(5));
    expect(a.digits).toEqual(b.digits);
    expect(Array.from(a.signal)).toEqual(Array.from(b.signal));
    expect(a.digits.length).toBeGreaterThanOrEqual(3);
    expect(a.digits.length).toBeLessThanOrEqual(6);
    const speech = a.digits.reduce((n, d) => n + clips[d]!.length, 0);
    expect(a.signal.length).toBeGreaterThan(speech);
  });

  it('features are normalised log-mel frames, stacked', () => {
    const signal = Float64Array.from(
      { length: 22050 },
      (_, i) => Math.sin(i / 3) + 0.01 * Math.cos(i),
    );
    const { features, spectrogram } = speechFeatures(signal, 22050, 20, 3);
    const F = spectrogram.shape[0]!;
    expect(features.shape).toEqual([Math.floor(F / 3), 60]);
    const mean = Array.from(features.data).reduce((s, v) => s + v, 0) / features.size;
    expect(Math.abs(mean)).toBeLessThan(0.1);
  });

  it(
    'eSpeak NG speaks the ten digits of a voice, cut into ten clips and cached',
    async () => {
      const voice = TRAIN_VOICES[0]!;
      const first = await digitClips(voice);
      expect(first.sampleRate).toBe(22050);
      expect(first.clips.length).toBe(10);
      for (const c of first.clips) {
        expect(c.length / 22050).toBeGreaterThan(0.15); // a spoken digit lasts 0.2–0.7 s
        expect(c.length / 22050).toBeLessThan(1);
      }
      const again = await digitClips(voice);
      expect(again.cached).toBe(true);
      expect(again.clips[7]!.length).toBe(first.clips[7]!.length);
      expect(HELD_OUT_VOICES.some((h) => TRAIN_VOICES.some((t) => t.voice === h.voice))).toBe(
        false,
      );
    },
    LAB_TIMEOUT_MS,
  );
});

describe('speech lab', () => {
  it(
    'quick mode trains the BiLSTM with CTC, lowers the loss, and writes its figures',
    async () => {
      const dir = out();
      const r = await speech(['--quick', '--out', dir]);
      if (!r) throw new Error('the lab returned nothing');
      expect(r.loss.at(-1)![1]).toBeLessThan(r.loss[0]![1]);
      for (const x of [r.validationGreedy, r.heldOutGreedy, r.validationBeam, r.heldOutBeam]) {
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
      }
      const alignment = read(dir, 'speech-alignment.svg');
      expect(alignment).toContain('log-mel spectrogram');
      expect(alignment).toContain('blank');
      expect(read(dir, 'speech-loss.svg')).toContain('held-out voices');
      expect(read(dir, 'speech-results.md')).toContain('| held-out voices |');
    },
    LAB_TIMEOUT_MS,
  );
});
