/**
 * Speech features from a waveform, the usual front end of a speech recogniser: cut the signal
 * into short overlapping frames, weight each by a window, take the power spectrum with a fast
 * Fourier transform (Cooley & Tukey 1965), pool it into triangular bands equally spaced on the
 * mel scale (Stevens, Volkmann & Newman 1937; the HTK formula), and take the logarithm.
 *
 * Chapter 3, "Speech features" — packages/seq2seq-attention/README.md#speech-features
 */
import { Tensor } from '@rnn-course/core';

/**
 * In-place radix-2 fast Fourier transform: X_k = Σ_n x_n e^{−2πi kn/M}, M a power of two
 * (iterative Cooley–Tukey: bit-reversal permutation, then log2 M passes of butterflies).
 *
 * @param re real parts, length M (overwritten by the transform's)
 * @param im imaginary parts, length M (overwritten)
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const M = re.length;
  if (im.length !== M || M === 0 || (M & (M - 1)) !== 0) {
    throw new RangeError(
      `fft: expected real and imaginary parts of one power-of-two length, received ${M} and ${im.length}`,
    );
  }
  for (let i = 1, j = 0; i < M; i++) {
    let bit = M >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= M; size <<= 1) {
    const angle = (-2 * Math.PI) / size;
    for (let start = 0; start < M; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b]! * wr - im[b]! * wi; // w · x_b
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** The periodic Hann window w_n = 0.5 − 0.5 cos(2πn / M), n = 0 … M−1 (`torch.hann_window`). */
export function hannWindow(M: number): Float64Array {
  return Float64Array.from({ length: M }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / M));
}

/**
 * Cuts a signal into frames of `frameLength` samples every `hop` samples; the last frame is
 * zero-padded. A signal shorter than one frame gives one padded frame.
 *
 * @returns F frames, F = 1 + ceil(max(0, length − frameLength) / hop)
 */
export function frameSignal(
  signal: ArrayLike<number>,
  frameLength: number,
  hop: number,
): Float64Array[] {
  if (!Number.isInteger(frameLength) || frameLength < 1 || !Number.isInteger(hop) || hop < 1) {
    throw new RangeError(
      `frameSignal: frameLength and hop must be integers >= 1, received ${frameLength} and ${hop}`,
    );
  }
  const F = 1 + Math.ceil(Math.max(0, signal.length - frameLength) / hop);
  return Array.from({ length: F }, (_, f) => {
    const frame = new Float64Array(frameLength);
    for (let i = 0; i < frameLength && f * hop + i < signal.length; i++) {
      frame[i] = signal[f * hop + i]!;
    }
    return frame;
  });
}

/**
 * |X_k|² for k = 0 … M/2 of a frame, zero-padded to M samples (M a power of two).
 *
 * @returns M/2 + 1 values: the power at frequencies k · sampleRate / M
 */
export function powerSpectrum(frame: ArrayLike<number>, M: number): Float64Array {
  const re = new Float64Array(M);
  const im = new Float64Array(M);
  for (let i = 0; i < Math.min(M, frame.length); i++) re[i] = frame[i]!;
  fft(re, im);
  return Float64Array.from({ length: M / 2 + 1 }, (_, k) => re[k]! * re[k]! + im[k]! * im[k]!);
}

/** eq. 3.25: the mel scale, m = 2595 log10(1 + f / 700) (HTK). */
export function hzToMel(f: number): number {
  return 2595 * Math.log10(1 + f / 700);
}

/** The inverse of `hzToMel`: f = 700 (10^(m / 2595) − 1). */
export function melToHz(m: number): number {
  return 700 * (10 ** (m / 2595) - 1);
}

/**
 * Triangular filters, `bands` of them, with centres equally spaced on the mel scale between
 * fMin and fMax: filter j rises linearly from the centre of j − 1 to its own centre and falls to
 * the centre of j + 1 (peak 1, HTK style), evaluated at the FFT's frequencies.
 *
 * @returns `[bands][M/2 + 1]` weights
 */
export function melFilterbank(
  bands: number,
  M: number,
  sampleRate: number,
  fMin = 0,
  fMax = sampleRate / 2,
): Float64Array[] {
  if (!(fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2)) {
    throw new RangeError(
      `melFilterbank: expected 0 <= fMin < fMax <= sampleRate / 2, received ${fMin}, ${fMax}, ${sampleRate}`,
    );
  }
  const lo = hzToMel(fMin);
  const hi = hzToMel(fMax);
  // bands + 2 edges: each filter spans edges j .. j + 2 and peaks at j + 1.
  const edges = Array.from({ length: bands + 2 }, (_, j) =>
    melToHz(lo + ((hi - lo) * j) / (bands + 1)),
  );
  return Array.from({ length: bands }, (_, j) => {
    const [left, centre, right] = [edges[j]!, edges[j + 1]!, edges[j + 2]!];
    return Float64Array.from({ length: M / 2 + 1 }, (_, k) => {
      const f = (k * sampleRate) / M;
      if (f <= left || f >= right) return 0;
      return f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre);
    });
  });
}

/** Options of `logMelSpectrogram`. */
export interface LogMelOptions {
  /** samples per frame (default 512: 23 ms at 22.05 kHz) */
  frameLength?: number;
  /** samples between frame starts (default 256) */
  hop?: number;
  /** FFT size M, a power of two >= frameLength (default 512) */
  fftSize?: number;
  /** number of mel bands (default 40) */
  bands?: number;
  /** lowest and highest frequencies of the filterbank (default 0 and sampleRate / 2) */
  fMin?: number;
  fMax?: number;
  /** added before the log so that silence stays finite (default 1e-10) */
  floor?: number;
}

/**
 * log(mel filterbank · |FFT(window ⊙ frame)|² + floor) for every frame.
 *
 * @param signal     samples, any scale
 * @param sampleRate samples per second
 * @returns `[F, bands]`: one row of log mel energies per frame
 */
export function logMelSpectrogram(
  signal: ArrayLike<number>,
  sampleRate: number,
  options: LogMelOptions = {},
): Tensor {
  const {
    frameLength = 512,
    hop = 256,
    fftSize = 512,
    bands = 40,
    fMin = 0,
    fMax = sampleRate / 2,
    floor = 1e-10,
  } = options;
  if (fftSize < frameLength || (fftSize & (fftSize - 1)) !== 0) {
    throw new RangeError(
      `logMelSpectrogram: fftSize must be a power of two >= frameLength ${frameLength}, received ${fftSize}`,
    );
  }
  const window = hannWindow(frameLength);
  const filters = melFilterbank(bands, fftSize, sampleRate, fMin, fMax);
  const frames = frameSignal(signal, frameLength, hop);
  const out = new Float64Array(frames.length * bands); // [F, bands]
  frames.forEach((frame, f) => {
    for (let i = 0; i < frameLength; i++) frame[i]! *= window[i]!;
    const power = powerSpectrum(frame, fftSize); // [M/2 + 1]
    filters.forEach((filter, j) => {
      let energy = 0;
      for (let k = 0; k < power.length; k++) energy += filter[k]! * power[k]!;
      out[f * bands + j] = Math.log(energy + floor);
    });
  });
  return new Tensor(out, [frames.length, bands]);
}
