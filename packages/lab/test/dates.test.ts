import { describe, expect, it } from 'vitest';
import {
  DATE_EOS,
  DATE_INPUT_ALPHABET,
  DATE_OUTPUT_ALPHABET,
  DATE_PAD,
  DATE_SOURCE_VOCAB,
  DATE_TARGET_VOCAB,
  HELD_OUT_DATE_FORMATS,
  TRAIN_DATE_FORMATS,
  allDates,
  dateBatch,
  dateTask,
  decodeDateTarget,
  encodeDateSource,
  encodeDateTarget,
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

describe('date ids', () => {
  it('encodes inputs and ISO outputs as one padded batch, with eos at the end of each target', () => {
    const batch = dateBatch([
      { input: '28/04/90', output: '1990-04-28', format: '{dd}/{mm}/{yy}', date: april28 },
      {
        input: 'sat 5 jan 03',
        output: '2003-01-05',
        format: '{wkd} {d} {mon} {yy}',
        date: { year: 2003, month: 1, day: 5 },
      },
    ]);
    expect(batch.sourceLengths).toEqual([8, 12]);
    expect(batch.source[0]!.slice(8)).toEqual([DATE_PAD, DATE_PAD, DATE_PAD, DATE_PAD]);
    expect(batch.source[1]![0]).toBe(DATE_INPUT_ALPHABET.indexOf('s') + 1);
    expect(batch.targetLengths).toEqual([11, 11]);
    expect(batch.target[0]).toEqual(
      [...'1990-04-28'].map((c) => DATE_OUTPUT_ALPHABET.indexOf(c) + 3).concat(DATE_EOS),
    );
    expect(decodeDateTarget(batch.target[1]!)).toBe('2003-01-05');
  });

  it('uses every id below the vocabulary sizes and none above', () => {
    const sourceIds = encodeDateSource(DATE_INPUT_ALPHABET);
    expect(Math.min(...sourceIds)).toBe(1);
    expect(Math.max(...sourceIds)).toBe(DATE_SOURCE_VOCAB - 1);
    const targetIds = encodeDateTarget(DATE_OUTPUT_ALPHABET);
    expect(Math.max(...targetIds)).toBe(DATE_TARGET_VOCAB - 1);
    expect(decodeDateTarget(targetIds)).toBe(DATE_OUTPUT_ALPHABET);
  });

  it('refuses characters outside the alphabets, naming them, and an empty batch', () => {
    expect(() => encodeDateSource('28§04')).toThrow(/"§" is not in the input alphabet/);
    expect(() => encodeDateTarget('1990/04/28')).toThrow(/"\/" is not in the output alphabet/);
    expect(() => dateBatch([])).toThrow(/at least one example/);
  });
});
