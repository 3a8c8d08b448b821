import { describe, expect, it } from 'vitest';
import { wrapText } from '../src/text';

describe('wrapText', () => {
  it('breaks at spaces so that no line is longer than the width', () => {
    const lines = wrapText('the quick brown fox jumps over the lazy dog', 10);
    expect(lines).toEqual(['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']);
    expect(lines.every((l) => l.length <= 10)).toBe(true);
  });

  it('keeps a word longer than the width whole, and treats newlines as spaces', () => {
    expect(wrapText('a `npm run lab:speech -w @rnn-course/seq2seq-attention` b', 20)).toEqual([
      'a `npm run',
      'lab:speech -w',
      '@rnn-course/seq2seq-attention`',
      'b',
    ]);
    expect(wrapText('one\ntwo', 100)).toEqual(['one two']);
    expect(() => wrapText('x', 0)).toThrow(/width must be an integer >= 1/);
  });
});
