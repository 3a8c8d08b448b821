/**
 * Dates written the way people write them, paired with their ISO 8601 form, for learning to
 * translate one into the other: "saturday april 28 1990", "28/04/90" and "April 28th, 1990"
 * all become "1990-04-28". A seeded generator draws dates between 1950 and 2049 and writes each
 * in one of many formats. Some formats and some dates are held out of training, so that a model
 * is measured on formats it has never seen (recombinations of pieces it has seen) as well as on
 * dates it has never seen.
 *
 * Chapter 3 translates dates with an encoder-decoder; chapter 4 reuses the task.
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
