import { describe, expect, it } from 'vitest';
import {
  CORPUS_FILES,
  fitLine,
  loadCorpus,
  normaliseWhitespace,
  seasonalSeries,
  splitText,
} from '../src/datasets';

describe('seasonalSeries', () => {
  it('is a pure function of its options', () => {
    const a = seasonalSeries({ length: 500, seed: 3 });
    const b = seasonalSeries({ length: 500, seed: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(seasonalSeries({ length: 500, seed: 4 }))).not.toEqual(Array.from(a));
  });

  it('is trend plus two sines when the noise is off', () => {
    const y = seasonalSeries({
      length: 200,
      noise: 0,
      trend: 0.01,
      periods: [10, 50],
      amplitudes: [2, 1],
    });
    const t = 37;
    const expected =
      0.01 * t + 2 * Math.sin((2 * Math.PI * t) / 10) + Math.sin((2 * Math.PI * t) / 50);
    expect(y[t]).toBeCloseTo(expected, 12);
  });

  it('has noise of about the requested standard deviation', () => {
    const clean = seasonalSeries({ length: 4000, noise: 0 });
    const noisy = seasonalSeries({ length: 4000, noise: 0.2, seed: 1 });
    let ss = 0;
    for (let t = 0; t < 4000; t++) ss += ((noisy[t] as number) - (clean[t] as number)) ** 2;
    expect(Math.sqrt(ss / 4000)).toBeGreaterThan(0.18);
    expect(Math.sqrt(ss / 4000)).toBeLessThan(0.22);
  });
});

describe('fitLine', () => {
  it('recovers the intercept and slope of points on a line', () => {
    const line = fitLine(Array.from({ length: 10 }, (_, t) => 3 - 0.5 * t));
    expect(line.intercept).toBeCloseTo(3, 12);
    expect(line.slope).toBeCloseTo(-0.5, 12);
  });

  it('finds the trend of a noisy series without seasons within a few percent', () => {
    const { intercept, slope } = fitLine(
      seasonalSeries({ length: 1000, amplitudes: [0, 0], noise: 0.1 }),
    );
    expect(slope).toBeGreaterThan(0.0039);
    expect(slope).toBeLessThan(0.0041);
    expect(Math.abs(intercept)).toBeLessThan(0.02);
  });

  it('needs at least two values', () => {
    expect(() => fitLine([1])).toThrow(RangeError);
  });
});

describe('loadCorpus', () => {
  it('reads the fixed list of addresses, one per line, whitespace normalised', () => {
    const { text, files } = loadCorpus();
    expect(files).toHaveLength(CORPUS_FILES.length);
    expect(text.split('\n')).toHaveLength(CORPUS_FILES.length);
    expect(text.length).toBeGreaterThan(300_000);
    expect(text.length).toBeLessThan(600_000);
    expect(text).not.toMatch(/ {2}|\t|\r/);
    expect(text.startsWith('Mr. President')).toBe(true);
  });

  it('is the same text every time, and maxChars keeps a prefix', () => {
    const full = loadCorpus().text;
    expect(loadCorpus().text).toBe(full);
    expect(loadCorpus({ maxChars: 1000 }).text).toBe(full.slice(0, 1000));
  });
});

describe('splitText', () => {
  it('keeps the last fraction for validation, without overlap', () => {
    expect(splitText('abcdefghij', 0.2)).toEqual({ train: 'abcdefgh', validation: 'ij' });
    expect(() => splitText('abc', 1)).toThrow(RangeError);
  });
});

describe('normaliseWhitespace', () => {
  it('collapses runs of whitespace', () => {
    expect(normaliseWhitespace('  a \n\t b  ')).toBe('a b');
  });
});
