import { describe, expect, it } from 'vitest';
import {
  fft,
  frameSignal,
  hannWindow,
  hzToMel,
  logMelSpectrogram,
  melFilterbank,
  melToHz,
  powerSpectrum,
} from './reference';
import { Rng } from '@rnn-course/core';

describe('fft', () => {
  it('agrees with the definition X_k = Σ_n x_n e^{−2πi kn/M}', () => {
    const rng = new Rng(1);
    const M = 16;
    const x = Array.from({ length: M }, () => rng.normal());
    const re = Float64Array.from(x);
    const im = new Float64Array(M);
    fft(re, im);
    for (let k = 0; k < M; k++) {
      let r = 0;
      let i = 0;
      for (let n = 0; n < M; n++) {
        r += x[n]! * Math.cos((-2 * Math.PI * k * n) / M);
        i += x[n]! * Math.sin((-2 * Math.PI * k * n) / M);
      }
      expect(re[k]).toBeCloseTo(r, 12);
      expect(im[k]).toBeCloseTo(i, 12);
    }
  });

  it('keeps the energy (Parseval: Σ |x_n|² = Σ |X_k|² / M)', () => {
    const rng = new Rng(2);
    const M = 256;
    const re = Float64Array.from({ length: M }, () => rng.normal());
    const energy = re.reduce((s, v) => s + v * v, 0);
    const im = new Float64Array(M);
    fft(re, im);
    const spectral = re.reduce((s, v, k) => s + v * v + im[k]! * im[k]!, 0) / M;
    expect(spectral).toBeCloseTo(energy, 9);
  });

  it('rejects a length that is not a power of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power-of-two length/);
  });
});

describe('framing, windows and the power spectrum', () => {
  it('cuts overlapping frames and zero-pads the last', () => {
    const frames = frameSignal([1, 2, 3, 4, 5, 6, 7], 4, 2);
    expect(frames.map((f) => Array.from(f))).toEqual([
      [1, 2, 3, 4],
      [3, 4, 5, 6],
      [5, 6, 7, 0],
    ]);
    expect(frameSignal([1, 2], 4, 2).length).toBe(1);
  });

  it('the periodic Hann window starts at 0 and peaks at 1 in the middle', () => {
    const w = hannWindow(8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBeCloseTo(1, 15);
    expect(w[2]).toBeCloseTo(0.5, 15);
  });

  it('a sine at a bin frequency puts its power in that bin', () => {
    const M = 64;
    const frame = Array.from({ length: M }, (_, n) => Math.sin((2 * Math.PI * 5 * n) / M));
    const p = powerSpectrum(frame, M);
    expect(p.length).toBe(M / 2 + 1);
    const peak = p.indexOf(Math.max(...p));
    expect(peak).toBe(5);
    expect(p[5]).toBeCloseTo((M / 2) ** 2, 8); // |X_5| = M/2 for a unit sine
  });
});

describe('the mel scale and the filterbank', () => {
  it('1000 Hz is about 1000 mel, and melToHz inverts hzToMel', () => {
    expect(hzToMel(1000)).toBeCloseTo(1000, 0);
    expect(melToHz(hzToMel(3456.7))).toBeCloseTo(3456.7, 9);
  });

  it('triangles peak at increasing frequencies, and wider ones higher up', () => {
    const filters = melFilterbank(10, 512, 16000);
    const peaks = filters.map((f) => f.indexOf(Math.max(...f)));
    for (let j = 1; j < peaks.length; j++) expect(peaks[j]).toBeGreaterThan(peaks[j - 1]!);
    const widths = filters.map((f) => f.filter((v) => v > 0).length);
    expect(widths[9]).toBeGreaterThan(widths[0]!);
    expect(Math.max(...filters[4]!)).toBeLessThanOrEqual(1);
  });

  it('a 1 kHz tone lights the band whose centre is nearest 1 kHz', () => {
    const sampleRate = 16000;
    const tone = Array.from({ length: 4000 }, (_, n) =>
      Math.sin((2 * Math.PI * 1000 * n) / sampleRate),
    );
    const spec = logMelSpectrogram(tone, sampleRate, {
      bands: 20,
      frameLength: 400,
      hop: 160,
      fftSize: 512,
    });
    expect(spec.shape).toEqual([1 + Math.ceil((4000 - 400) / 160), 20]);
    const row = Array.from(spec.data.subarray(5 * 20, 6 * 20));
    const loudest = row.indexOf(Math.max(...row));
    const lo = hzToMel(0);
    const hi = hzToMel(sampleRate / 2);
    const centres = Array.from({ length: 20 }, (_, j) => melToHz(lo + ((hi - lo) * (j + 1)) / 21));
    const nearest = centres.reduce(
      (b, c, j) => (Math.abs(c - 1000) < Math.abs(centres[b]! - 1000) ? j : b),
      0,
    );
    expect(loudest).toBe(nearest);
  });

  it('silence stays finite thanks to the floor', () => {
    const spec = logMelSpectrogram(new Float64Array(2048), 16000, { bands: 8 });
    expect(Array.from(spec.data).every((v) => v === Math.log(1e-10))).toBe(true);
  });
});
