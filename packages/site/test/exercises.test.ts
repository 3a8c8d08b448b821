import { loadCourse } from '@rnn-course/grader';
import { repoRoot } from '@rnn-course/lab';
import { describe, expect, test } from 'vitest';
import { exerciseCards, hintList, sectionTitle } from '../src/exercises';

const repo = { url: 'https://github.com/o/r', branch: 'main' };

describe('exerciseCards', () => {
  test("lists every exercise the grader loads, in the grader's order, with its facts", async () => {
    const course = await loadCourse();
    const cards = exerciseCards(course, repoRoot, repo);
    expect(cards.map((c) => c.id)).toEqual(course.exercises.map((e) => e.id));
    for (const [i, card] of cards.entries()) {
      const e = course.exercises[i];
      if (e === undefined) throw new Error('unreachable');
      expect(card.points).toBe(e.points);
      expect(card.stub).toBe(`exercises/${e.file}`);
      expect(card.stubUrl).toBe(`https://github.com/o/r/blob/main/exercises/${e.file}`);
      expect(card.grade).toBe(`npm run grade -- ${e.id}`);
      expect(card.hints.map((h) => h.text)).toEqual(Object.values(e.hints));
      expect(card.hints.map((h) => h.key)).toEqual(Object.keys(e.hints));
      expect(card.section.link).toBe(`/${e.section.replace('.md#', '.html#')}`);
      expect(card.section.title.length).toBeGreaterThan(0);
    }
  });

  test("chapter 1's exercises name chapter 1 and the sections' headings", async () => {
    const cards = exerciseCards(await loadCourse(), repoRoot, repo);
    const first = cards.find((c) => c.chapter.id === 'rnn');
    expect(first?.chapter.number).toBe(1);
    expect(first?.chapter.link).toBe('/packages/rnn/README.html');
    expect(cards.map((c) => c.section.title)).toContain('Backpropagation through time');
  });
});

describe('sectionTitle', () => {
  test('reads the heading an anchor names', () => {
    expect(sectionTitle(repoRoot, 'x/y', 'packages/rnn/README.md#truncated-bptt')).toBe(
      'Truncated BPTT',
    );
  });

  test('an anchor that names no heading is an error naming the exercise', () => {
    expect(() => sectionTitle(repoRoot, 'rnn/x', 'packages/rnn/README.md#no-such-section')).toThrow(
      "exercise rnn/x: its section 'packages/rnn/README.md#no-such-section' names no heading",
    );
  });
});

describe('hintList', () => {
  test('keeps the keys of the named hints, in order', () => {
    expect(hintList({ shapes: 'x [N, D]', tanh: "tanh' = 1 - h²" })).toEqual([
      { key: 'shapes', text: 'x [N, D]' },
      { key: 'tanh', text: "tanh' = 1 - h²" },
    ]);
  });
});
