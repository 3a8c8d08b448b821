import { describe, expect, it } from 'vitest';
import { wrapText } from '../src/text';

describe('wrapText', () => {
  it('breaks at the last space before the width and keeps every word', () => {
    const text = 'the state of the union is strong\nand growing';
    const lines = wrapText(text, 12);
    expect(lines).toEqual(['the state of', 'the union is', 'strong and', 'growing']);
    expect(lines.every((l) => l.length <= 12)).toBe(true);
  });

  it('cuts a word longer than the width', () => {
    expect(wrapText('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']);
  });

  it('refuses a width below 1', () => {
    expect(() => wrapText('a', 0)).toThrow(/width must be an integer >= 1/);
  });
});
