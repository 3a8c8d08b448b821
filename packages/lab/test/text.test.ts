import { describe, expect, it } from 'vitest';
import { wrapText } from '../src/text';

describe('wrapText', () => {
  it('breaks at the last space before the width and keeps every word', () => {
    const text = 'the state of the union is strong\nand growing';
    const lines = wrapText(text, 12);
    expect(lines).toEqual(['the state of', 'the union is', 'strong and', 'growing']);
    expect(lines.every((l) => l.length <= 12)).toBe(true);
  });

  it('keeps a word longer than the width whole, on a line of its own', () => {
    expect(wrapText('a `npm run lab:speech -w @rnn-course/seq2seq-attention` b', 20)).toEqual([
      'a `npm run',
      'lab:speech -w',
      '@rnn-course/seq2seq-attention`',
      'b',
    ]);
    expect(wrapText('abcdefghij klm', 4)).toEqual(['abcdefghij', 'klm']);
  });

  it('wraps at 100 columns by default and refuses a width below 1', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const lines = wrapText(words);
    expect(lines.length).toBe(2);
    expect(lines.map((l) => l.length)).toEqual([97, 51]); // 149 characters; one more word passes 100
    expect(lines.join(' ')).toBe(words);
    expect(() => wrapText('a', 0)).toThrow(/width must be an integer >= 1/);
    expect(() => wrapText('a', 2.5)).toThrow(/received 2.5/);
  });
});
