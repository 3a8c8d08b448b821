import { describe, expect, it } from 'vitest';
import {
  DATE_INPUT_ALPHABET,
  DATE_OUTPUT_ALPHABET,
  HELD_OUT_DATE_FORMATS,
  TRAIN_DATE_FORMATS,
  allDates,
  dateTask,
  formatDate,
  isoDate,
  ordinal,
  weekday,
} from '../src/dates';

const april28 = { year: 1990, month: 4, day: 28 };

describe('formatDate', () => {
  it('writes the examples of the chapter', () => {
    expect(formatDate(april28, '{weekday} {month} {d} {yyyy}')).toBe('saturday april 28 1990');
    expect(formatDate(april28, '{dd}/{mm}/{yy}')).toBe('28/04/90');
    expect(formatDate(april28, '{Month} {dth}, {yyyy}')).toBe('April 28th, 1990');
    expect(formatDate({ year: 2003, month: 1, day: 5 }, '{Wkd} {d} {Mon} {yyyy}')).toBe(
      'Sun 5 Jan 2003',
    );
    expect(isoDate({ year: 2003, month: 1, day: 5 })).toBe('2003-01-05');
  });

  it('knows its ordinals and weekdays', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '31st',
    ]);
    expect(weekday(april28)).toBe(6); // a Saturday
    expect(weekday({ year: 2000, month: 2, day: 29 })).toBe(2); // a Tuesday, in a leap year
  });

  it('names an unknown token', () => {
    expect(() => formatDate(april28, '{dddd}')).toThrow(
      'formatDate: unknown token {dddd} in "{dddd}"',
    );
  });
});

describe('dateTask', () => {
  it('covers every day of 1950–2049 exactly once', () => {
    const days = allDates();
    expect(days.length).toBe(36525); // 100 years and 25 leap days, 1952 to 2048 (2000 is one)
    expect(new Set(days.map(isoDate)).size).toBe(days.length);
  });

  it('is a pure function of its options', () => {
    const a = dateTask({ seed: 3, trainSize: 50, validationSize: 10, testSize: 10 });
    const b = dateTask({ seed: 3, trainSize: 50, validationSize: 10, testSize: 10 });
    expect(a).toEqual(b);
    expect(
      dateTask({ seed: 4, trainSize: 50, validationSize: 10, testSize: 10 }).train,
    ).not.toEqual(a.train);
  });

  it('keeps held-out dates out of training, and held-out formats out of training and validation', () => {
    const task = dateTask({ seed: 1, trainSize: 5000, validationSize: 500, testSize: 500 });
    const trainDates = new Set(task.train.map((e) => e.output));
    expect(task.validation.some((e) => trainDates.has(e.output))).toBe(false);
    expect(task.test.some((e) => trainDates.has(e.output))).toBe(false);
    expect(task.train.every((e) => TRAIN_DATE_FORMATS.includes(e.format))).toBe(true);
    expect(task.validation.every((e) => TRAIN_DATE_FORMATS.includes(e.format))).toBe(true);
    expect(task.test.every((e) => HELD_OUT_DATE_FORMATS.includes(e.format))).toBe(true);
    expect(new Set(task.test.map((e) => e.format)).size).toBe(HELD_OUT_DATE_FORMATS.length);
    expect(HELD_OUT_DATE_FORMATS.some((f) => TRAIN_DATE_FORMATS.includes(f))).toBe(false);
  });

  it("writes inputs and outputs with the declared alphabets, and outputs the input's date", () => {
    const task = dateTask({ seed: 2, trainSize: 2000, validationSize: 0, testSize: 500 });
    for (const e of [...task.train, ...task.test]) {
      expect(
        [...e.input].every((c) => DATE_INPUT_ALPHABET.includes(c)),
        e.input,
      ).toBe(true);
      expect([...e.output].every((c) => DATE_OUTPUT_ALPHABET.includes(c))).toBe(true);
      expect(e.output).toBe(isoDate(e.date));
      expect(e.input).toBe(formatDate(e.date, e.format));
    }
  });
});
