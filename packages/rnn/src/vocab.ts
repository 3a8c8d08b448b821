/**
 * A character vocabulary: each distinct character of a text gets an id, in sorted order.
 */

/** Characters ↔ ids. */
export interface Vocab {
  /** `chars[id]` is the character with that id; sorted, no duplicates. */
  readonly chars: readonly string[];
  /** V, the number of distinct characters. */
  readonly size: number;
  /** One id per character of `text`; throws on a character not in the vocabulary. */
  encode(text: string): number[];
  /** The characters of the ids, joined. */
  decode(ids: readonly number[]): string;
}

/**
 * The vocabulary of `text`: its distinct characters (Unicode code points), sorted.
 *
 * @param text the training text
 * @returns the vocabulary, `size` = number of distinct characters
 */
export function buildVocab(text: string): Vocab {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return {
    chars,
    size: chars.length,
    encode: (s) =>
      Array.from(s, (c) => {
        const id = index.get(c);
        if (id === undefined)
          throw new RangeError(
            `Vocab.encode: character ${JSON.stringify(c)} is not in the vocabulary`,
          );
        return id;
      }),
    decode: (ids) => ids.map((id) => chars[id] ?? '').join(''),
  };
}
