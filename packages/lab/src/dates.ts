/**
 * Dates written the way people write them, paired with their ISO 8601 form, for learning to
 * translate one into the other: "saturday april 28 1990", "28/04/90" and "April 28th, 1990"
 * all become "1990-04-28". A seeded generator draws dates between 1950 and 2049 and writes each
 * in one of many formats. Some formats and some dates are held out of training, so that a model
 * is measured on formats it has never seen (recombinations of pieces it has seen) as well as on
 * dates it has never seen.
 *
 * The task's vocabularies are fixed here too (ids of the input characters; ids of the ISO
 * characters after padding, start and end), so that every model of every chapter reads and writes
 * the same ids. Chapter 3 translates dates with an encoder-decoder RNN; chapter 4 trains a small
 * transformer on the same task beside it.
 */
import { Rng } from '@rnn-course/core';

/** A calendar date: month 1–12, day 1–31. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** One input/output pair. */
export interface DateExample {
  /** the date as a person might write it, e.g. "April 28th, 1990" */
  input: string;
  /** the ISO date, e.g. "1990-04-28" */
  output: string;
  /** the template that wrote the input */
  format: string;
  date: CalendarDate;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The first and last years drawn; two-digit years are read as 19yy for yy >= 50, else 20yy. */
export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2049;

/**
 * The formats a model trains on. Tokens in braces: {weekday} saturday, {Weekday} Saturday,
 * {wkd} sat, {Wkd} Sat, {month} april, {Month} April, {mon} apr, {Mon} Apr, {d} 28 or 5,
 * {dd} 28 or 05, {dth} 28th or 5th, {m} 4, {mm} 04, {yyyy} 1990, {yy} 90.
 */
export const TRAIN_DATE_FORMATS: readonly string[] = [
  '{weekday} {month} {d} {yyyy}',
  '{Weekday}, {Month} {d}, {yyyy}',
  '{Month} {dth}, {yyyy}',
  '{Month} {d} {yyyy}',
  '{d} {month} {yyyy}',
  '{d} {Mon} {yyyy}',
  '{dth} {month}, {yyyy}',
  'the {dth} of {month} {yyyy}',
  '{Weekday} {dth} {Month} {yyyy}',
  '{Wkd} {d} {Mon} {yyyy}',
  '{wkd}, {d} {mon} {yy}',
  '{mon} {d} {yy}',
  '{mon} {d}, {yyyy}',
  '{Mon} {dth} {yyyy}',
  '{dd}/{mm}/{yy}',
  '{dd}/{mm}/{yyyy}',
  '{d}/{m}/{yyyy}',
  '{d}.{m}.{yyyy}',
  '{d}.{m}.{yy}',
  '{dd}.{mm}.{yy}',
  '{yyyy}-{mm}-{dd}',
  '{yyyy}/{mm}/{dd}',
  '{mm}-{dd}-{yyyy}',
];

/**
 * Formats never seen in training, each made of pieces that are: a known order with another
 * separator, a comma dropped or added, a short form where training had the long one.
 */
export const HELD_OUT_DATE_FORMATS: readonly string[] = [
  '{wkd} {month} {d} {yyyy}',
  '{Month} {dth} {yyyy}',
  '{d} {Month}, {yyyy}',
  '{dd}.{mm}.{yyyy}',
  '{d} {mon} {yyyy}',
  '{Weekday}, {d} {month} {yyyy}',
  '{mon} {dth}, {yyyy}',
];

/** Every character an input can contain, for building a vocabulary. */
export const DATE_INPUT_ALPHABET = (() => {
  const chars = new Set<string>();
  for (const f of [...TRAIN_DATE_FORMATS, ...HELD_OUT_DATE_FORMATS]) {
    for (const c of f.replace(/\{[^}]+\}/g, '')) chars.add(c);
  }
  for (const word of [...MONTHS, ...WEEKDAYS, 'stndrh']) {
    for (const c of word) {
      chars.add(c);
      chars.add(c.toUpperCase());
    }
  }
  for (const c of '0123456789') chars.add(c);
  return [...chars].sort().join('');
})();

/** Every character of an ISO date. */
export const DATE_OUTPUT_ALPHABET = '-0123456789';

const pad2 = (n: number): string => String(n).padStart(2, '0');
const capitalise = (w: string): string => w[0]!.toUpperCase() + w.slice(1);

/** 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st, 22nd, 23rd, …, 31st. */
export function ordinal(day: number): string {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  return `${day}${suffix}`;
}

/** The day of the week, 0 = Sunday (the proleptic Gregorian calendar, as JavaScript's Date). */
export function weekday(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** "1990-04-28". */
export function isoDate(date: CalendarDate): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/**
 * Writes a date with a template of the tokens listed at TRAIN_DATE_FORMATS.
 *
 * @throws RangeError naming an unknown token
 */
export function formatDate(date: CalendarDate, template: string): string {
  const w = WEEKDAYS[weekday(date)]!;
  const m = MONTHS[date.month - 1]!;
  const tokens: Record<string, string> = {
    weekday: w,
    Weekday: capitalise(w),
    wkd: w.slice(0, 3),
    Wkd: capitalise(w.slice(0, 3)),
    month: m,
    Month: capitalise(m),
    mon: m.slice(0, 3),
    Mon: capitalise(m.slice(0, 3)),
    d: String(date.day),
    dd: pad2(date.day),
    dth: ordinal(date.day),
    m: String(date.month),
    mm: pad2(date.month),
    yyyy: String(date.year),
    yy: pad2(date.year % 100),
  };
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = tokens[name];
    if (value === undefined)
      throw new RangeError(`formatDate: unknown token {${name}} in "${template}"`);
    return value;
  });
}

/** Every date from FIRST_YEAR-01-01 to LAST_YEAR-12-31, in order. */
export function allDates(): CalendarDate[] {
  const out: CalendarDate[] = [];
  const day = new Date(Date.UTC(FIRST_YEAR, 0, 1));
  while (day.getUTCFullYear() <= LAST_YEAR) {
    out.push({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** Options of {@link dateTask}. */
export interface DateTaskOptions {
  /** seeds every draw (default 0) */
  seed?: number;
  /** training examples: training dates in training formats (default 20 000) */
  trainSize?: number;
  /** validation examples: held-out dates in training formats (default 1000) */
  validationSize?: number;
  /** test examples: held-out dates in held-out formats (default 1000) */
  testSize?: number;
  /** the fraction of all dates kept out of training (default 0.1) */
  heldOutDates?: number;
}

/** The three sets of the task. */
export interface DateTask {
  train: DateExample[];
  /** unseen dates, seen formats */
  validation: DateExample[];
  /** unseen dates in unseen formats */
  test: DateExample[];
}

/**
 * The date translation task: the dates 1950–2049 are shuffled with the seed and a fraction is
 * held out; training examples pair a training date with a training format, validation examples
 * a held-out date with a training format, test examples a held-out date with a held-out format.
 * Each example draws its date and its format uniformly, in that order, from one `Rng`.
 */
export function dateTask(options: DateTaskOptions = {}): DateTask {
  const {
    seed = 0,
    trainSize = 20_000,
    validationSize = 1000,
    testSize = 1000,
    heldOutDates = 0.1,
  } = options;
  if (!(heldOutDates > 0 && heldOutDates < 1)) {
    throw new RangeError(`dateTask: heldOutDates must be in (0, 1), received ${heldOutDates}`);
  }
  const rng = new Rng(seed);
  const dates = rng.shuffle(allDates());
  const cut = Math.round(dates.length * heldOutDates);
  const heldOut = dates.slice(0, cut);
  const seen = dates.slice(cut);
  const draw = (pool: CalendarDate[], formats: readonly string[], n: number): DateExample[] =>
    Array.from({ length: n }, () => {
      const date = pool[rng.int(pool.length)]!;
      const format = formats[rng.int(formats.length)]!;
      return { input: formatDate(date, format), output: isoDate(date), format, date };
    });
  return {
    train: draw(seen, TRAIN_DATE_FORMATS, trainSize),
    validation: draw(heldOut, TRAIN_DATE_FORMATS, validationSize),
    test: draw(heldOut, HELD_OUT_DATE_FORMATS, testSize),
  };
}

/** Target ids 0, 1 and 2: padding, the start token fed to a decoder first, and the end token. */
export const DATE_PAD = 0;
export const DATE_SOS = 1;
export const DATE_EOS = 2;

/** Vs: source ids are 0 (padding) and 1 … |DATE_INPUT_ALPHABET| for the characters. */
export const DATE_SOURCE_VOCAB = DATE_INPUT_ALPHABET.length + 1;

/** Vt: target ids are padding, start, end, then the 11 characters of an ISO date. */
export const DATE_TARGET_VOCAB = DATE_OUTPUT_ALPHABET.length + 3;

/**
 * The source ids of an input: character k of DATE_INPUT_ALPHABET is id k + 1 (0 pads).
 *
 * @throws RangeError naming a character that no format can write
 */
export function encodeDateSource(text: string): number[] {
  return [...text].map((c) => {
    const k = DATE_INPUT_ALPHABET.indexOf(c);
    if (k < 0) {
      throw new RangeError(
        `encodeDateSource: character "${c}" is not in the input alphabet (DATE_INPUT_ALPHABET)`,
      );
    }
    return k + 1;
  });
}

/**
 * The target ids of an ISO date, with DATE_EOS at the end: 10 characters, 11 ids.
 *
 * @throws RangeError naming a character that an ISO date does not hold
 */
export function encodeDateTarget(text: string): number[] {
  const ids = [...text].map((c) => {
    const k = DATE_OUTPUT_ALPHABET.indexOf(c);
    if (k < 0) {
      throw new RangeError(
        `encodeDateTarget: character "${c}" is not in the output alphabet "${DATE_OUTPUT_ALPHABET}"`,
      );
    }
    return k + 3;
  });
  return [...ids, DATE_EOS];
}

/** The characters of target ids; padding, start and end ids write nothing. */
export function decodeDateTarget(ids: readonly number[]): string {
  return ids.map((id) => (id >= 3 ? DATE_OUTPUT_ALPHABET[id - 3] : '')).join('');
}

/** A padded batch of examples, as ids. */
export interface DateBatch {
  /** `[N][S]` source ids, padded with 0 to the longest input */
  source: number[][];
  /** N input lengths */
  sourceLengths: number[];
  /** `[N][L]` target ids ending with DATE_EOS, padded with DATE_PAD to the longest */
  target: number[][];
  /** N target lengths, the end token included */
  targetLengths: number[];
}

/**
 * Examples as one padded batch of ids (the shape of chapter 3's `Seq2SeqBatch`).
 *
 * @throws RangeError for an empty list
 */
export function dateBatch(examples: readonly DateExample[]): DateBatch {
  if (examples.length === 0) throw new RangeError('dateBatch: needs at least one example');
  const sources = examples.map((e) => encodeDateSource(e.input));
  const targets = examples.map((e) => encodeDateTarget(e.output));
  const S = Math.max(...sources.map((s) => s.length));
  const L = Math.max(...targets.map((t) => t.length));
  return {
    source: sources.map((s) => [...s, ...new Array<number>(S - s.length).fill(DATE_PAD)]),
    sourceLengths: sources.map((s) => s.length),
    target: targets.map((t) => [...t, ...new Array<number>(L - t.length).fill(DATE_PAD)]),
    targetLengths: targets.map((t) => t.length),
  };
}
