/**
 * Spoken digit strings, synthesised on this machine: eSpeak NG (compiled to WebAssembly, the
 * `espeak-ng` npm package, which embeds its voice data, so nothing is downloaded) speaks the ten
 * digits once per voice setting; the clips are cached under the ignored `.course/` folder; an
 * utterance is a random digit string built by concatenating clips of one voice with random
 * pauses, gains and background noise.
 *
 * A voice setting is an eSpeak voice (an accent plus a variant: `en-us+f3`), a speed in words
 * per minute and a pitch (0–99). Held-out settings use variants that no training setting uses.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Rng } from '@rnn-course/core';
import { repoRoot } from '@rnn-course/lab';

/** The words eSpeak reads, label k + 1 for digit k (label 0 is CTC's blank). */
export const DIGIT_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];

/** One way of speaking. */
export interface VoiceSetting {
  /** an eSpeak voice: accent + variant, e.g. 'en-us+f3' */
  voice: string;
  /** words per minute */
  speed: number;
  /** 0–99 */
  pitch: number;
}

/** A file-name-safe key of a setting, e.g. `en-us+f3_s160_p50`. */
export function voiceKey(v: VoiceSetting): string {
  return `${v.voice}_s${v.speed}_p${v.pitch}`;
}

function settings(
  accents: readonly string[],
  variants: readonly string[],
  speeds: readonly number[],
  pitches: readonly number[],
): VoiceSetting[] {
  return accents.flatMap((a) =>
    variants.flatMap((v) =>
      speeds.flatMap((speed) => pitches.map((pitch) => ({ voice: `${a}+${v}`, speed, pitch }))),
    ),
  );
}

/** Four accents × six variants (three male, three female) × two speeds × two pitches. */
export const TRAIN_VOICES: readonly VoiceSetting[] = settings(
  ['en-us', 'en-gb', 'en-gb-scotland', 'en-029'],
  ['m1', 'm2', 'm3', 'f1', 'f2', 'f3'],
  [140, 180],
  [35, 65],
);

/** Variants no training voice uses, in two of the training accents, at middle speed and pitch. */
export const HELD_OUT_VOICES: readonly VoiceSetting[] = settings(
  ['en-us', 'en-gb'],
  ['m4', 'f4', 'm7'],
  [160],
  [50],
);

/** A mono signal. */
export interface Audio {
  sampleRate: number;
  /** samples in [−1, 1] */
  samples: Float64Array;
}

/** Reads a 16-bit PCM mono WAV file (what eSpeak writes). */
export function readWav(bytes: Uint8Array): Audio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('readWav: not a RIFF/WAVE file');
  let at = 12;
  let sampleRate = 0;
  let bits = 0;
  let channels = 0;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      channels = view.getUint16(at + 10, true);
      sampleRate = view.getUint32(at + 12, true);
      bits = view.getUint16(at + 22, true);
    } else if (id === 'data') {
      if (bits !== 16 || channels !== 1) {
        throw new Error(
          `readWav: expected 16-bit mono, received ${bits}-bit with ${channels} channels`,
        );
      }
      // eSpeak streams its output and may leave the data size unset: read to the end.
      const end = size === 0 || at + 8 + size > bytes.length ? bytes.length : at + 8 + size;
      const n = Math.floor((end - at - 8) / 2);
      const samples = new Float64Array(n);
      for (let i = 0; i < n; i++) samples[i] = view.getInt16(at + 8 + 2 * i, true) / 32768;
      return { sampleRate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('readWav: no data chunk');
}

/**
 * Cuts a recording of the ten digits, separated by long pauses, into ten clips: 20 ms windows
 * whose peak stays under `threshold` are silent; a run of at least 200 ms of them separates two
 * words. Each clip keeps 10 ms of margin on both sides.
 *
 * @returns the clips, or undefined when the recording does not hold exactly `count` words
 */
export function splitWords(
  audio: Audio,
  count: number,
  threshold = 1e-3,
): Float64Array[] | undefined {
  const { samples, sampleRate } = audio;
  const win = Math.round(0.02 * sampleRate);
  const loud: boolean[] = [];
  for (let i = 0; i + win <= samples.length; i += win) {
    let peak = 0;
    for (let k = i; k < i + win; k++) peak = Math.max(peak, Math.abs(samples[k]!));
    loud.push(peak >= threshold);
  }
  const minGap = 10; // windows: 200 ms
  const words: [number, number][] = [];
  let start = -1;
  let quiet = 0;
  loud.forEach((l, w) => {
    if (l) {
      if (start < 0) start = w;
      quiet = 0;
    } else if (start >= 0 && ++quiet >= minGap) {
      words.push([start, w - quiet + 1]);
      start = -1;
    }
  });
  if (start >= 0) words.push([start, loud.length]);
  if (words.length !== count) return undefined;
  const margin = Math.round(0.01 * sampleRate);
  return words.map(([a, b]) =>
    samples.slice(Math.max(0, a * win - margin), Math.min(samples.length, b * win + margin)),
  );
}

/** Where the clips are cached: `.course/speech-clips/` at the repository's root (git ignores it). */
export const CLIP_CACHE = join(repoRoot, '.course', 'speech-clips');

type ESpeak = typeof import('espeak-ng').default;

/** The WebAssembly API of Node (not in the ES library typings this repository compiles with). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let espeak: { create: ESpeak; module: object } | undefined;

/** Loads eSpeak NG once: its WebAssembly (18 MB) is compiled once and instantiated per call. */
async function loadESpeak(): Promise<{ create: ESpeak; module: object }> {
  if (espeak !== undefined) return espeak;
  const require = createRequire(import.meta.url);
  const js = require.resolve('espeak-ng');
  const module = await wasmApi.compile(
    readFileSync(js.replace(/espeak-ng\.js$/, 'espeak-ng.wasm')),
  );
  const create = (await import('espeak-ng')).default;
  espeak = { create, module };
  return espeak;
}

/** Runs the eSpeak NG command line in WebAssembly and returns the WAV it wrote. */
async function speak(args: string[]): Promise<Uint8Array> {
  const { create, module } = await loadESpeak();
  const instance = await create({
    arguments: [...args, '-w', 'out.wav'],
    // Emscripten's hook for a module compiled elsewhere: instantiate it with the imports.
    instantiateWasm: (imports: object, done: (instance: object) => void) => {
      void wasmApi.instantiate(module, imports).then(done);
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  return instance.FS.readFile('out.wav');
}

/**
 * The ten digit clips of a voice, synthesised once and then read from the cache. eSpeak reads
 * the ten words in one call with long breaks between them (SSML), and the recording is cut at
 * the breaks; if that fails, each word is synthesised alone.
 *
 * @returns ten clips, digit 0 first, and whether they came from the cache
 */
export async function digitClips(
  v: VoiceSetting,
  cacheDir = CLIP_CACHE,
): Promise<{ clips: Float64Array[]; sampleRate: number; cached: boolean }> {
  const base = join(cacheDir, voiceKey(v));
  const voiceArgs = ['-v', v.voice, '-s', String(v.speed), '-p', String(v.pitch)];
  const cachedFiles = DIGIT_WORDS.map((_, k) => `${base}_${k}.wav`);
  if (cachedFiles.every(existsSync)) {
    const audio = cachedFiles.map((f) => readWav(readFileSync(f)));
    return { clips: audio.map((a) => a.samples), sampleRate: audio[0]!.sampleRate, cached: true };
  }
  mkdirSync(cacheDir, { recursive: true });
  const ssml = `<speak>${DIGIT_WORDS.map((w) => `${w}<break time="700ms"/>`).join('')}</speak>`;
  const all = readWav(await speak(['-m', ...voiceArgs, ssml]));
  let clips = splitWords(all, DIGIT_WORDS.length);
  if (clips === undefined) {
    clips = [];
    for (const w of DIGIT_WORDS) {
      const one = readWav(await speak([...voiceArgs, w]));
      clips.push(splitWords(one, 1)?.[0] ?? one.samples);
    }
  }
  clips.forEach((c, k) => writeFileSync(cachedFiles[k]!, wavBytes(c, all.sampleRate)));
  return { clips, sampleRate: all.sampleRate, cached: false };
}

/** 16-bit PCM mono WAV bytes of a signal in [−1, 1]. */
export function wavBytes(samples: Float64Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + 2 * samples.length);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string): void =>
    [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + 2 * samples.length, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, 2 * sampleRate, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, 2 * samples.length, true);
  // The inverse of readWav's s / 32768, clamped to the 16-bit range.
  samples.forEach((s, i) =>
    view.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(s * 32768))), true),
  );
  return bytes;
}

/** An utterance: a signal and the digits spoken in it. */
export interface Utterance {
  signal: Float64Array;
  /** the digits, 0–9 */
  digits: number[];
}

/** Options of {@link makeUtterance}. */
export interface UtteranceOptions {
  /** fewest and most digits (default 3 and 6) */
  minDigits?: number;
  maxDigits?: number;
  /** pause between digits, seconds (default 0.03 to 0.3) */
  minPause?: number;
  maxPause?: number;
  /** signal-to-noise ratio of the white background noise, dB (default 12 to 30) */
  minSnr?: number;
  maxSnr?: number;
}

/**
 * A random digit string spoken by one voice: 0.05–0.3 s of silence, the clips with a pause
 * between each two and a gain in [0.6, 1.2] each, silence again, then white Gaussian noise at a
 * random signal-to-noise ratio. Every draw comes from `rng`.
 *
 * @param clips the ten clips of one voice
 */
export function makeUtterance(
  clips: readonly Float64Array[],
  sampleRate: number,
  rng: Rng,
  options: UtteranceOptions = {},
): Utterance {
  const {
    minDigits = 3,
    maxDigits = 6,
    minPause = 0.03,
    maxPause = 0.3,
    minSnr = 12,
    maxSnr = 30,
  } = options;
  const uniform = (a: number, b: number): number => a + (b - a) * rng.uniform();
  const count = minDigits + rng.int(maxDigits - minDigits + 1);
  const digits = Array.from({ length: count }, () => rng.int(10));
  const pieces: Float64Array[] = [new Float64Array(Math.round(uniform(0.05, 0.3) * sampleRate))];
  digits.forEach((d, i) => {
    if (i > 0) pieces.push(new Float64Array(Math.round(uniform(minPause, maxPause) * sampleRate)));
    const gain = uniform(0.6, 1.2);
    pieces.push(clips[d]!.map((s) => gain * s));
  });
  pieces.push(new Float64Array(Math.round(uniform(0.05, 0.3) * sampleRate)));
  const signal = new Float64Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    signal.set(p, at);
    at += p.length;
  }
  // Noise at the drawn SNR, relative to the power of the speech (the non-silent samples).
  let power = 0;
  let active = 0;
  for (const s of signal) {
    if (Math.abs(s) > 1e-3) {
      power += s * s;
      active++;
    }
  }
  const snr = uniform(minSnr, maxSnr);
  const sigma = Math.sqrt(power / Math.max(1, active) / 10 ** (snr / 10));
  for (let i = 0; i < signal.length; i++) signal[i]! += sigma * rng.normal();
  return { signal, digits };
}
