/**
 * How good is an output sequence? Exact match (all or nothing), the edit distance and the label
 * error rate built on it (speech recognition's measure), and BLEU (Papineni, Roukos, Ward & Zhu
 * 2002), machine translation's measure of n-gram overlap with a brevity penalty.
 *
 * Chapter 3, "Measuring translations" and "Speech recognition in miniature" —
 * packages/seq2seq-attention/README.md#measuring-translations
 */

/** A sequence of tokens: ids, characters or words. */
export type Tokens = readonly (string | number)[];

function checkPairs(op: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `${op}: expected as many outputs as references (at least one), received ${a.length} and ${b.length}`,
    );
  }
}

/**
 * The fraction of outputs equal to their reference, token for token.
 *
 * @returns a number in [0, 1]
 */
export function exactMatch(outputs: readonly Tokens[], references: readonly Tokens[]): number {
  checkPairs('exactMatch', outputs, references);
  let same = 0;
  outputs.forEach((o, i) => {
    const r = references[i]!;
    if (o.length === r.length && o.every((x, k) => x === r[k])) same++;
  });
  return same / outputs.length;
}

/**
 * The Levenshtein distance: the fewest substitutions, insertions and deletions that turn `a`
 * into `b` (dynamic programming, two rows).
 */
export function editDistance(a: Tokens, b: Tokens): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j); // from "" to b[:j]
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitute, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The label error rate: Σ editDistance(output, reference) / Σ |reference| (the word error rate
 * when the labels are words). It can exceed 1 when outputs are much longer than references.
 */
export function labelErrorRate(outputs: readonly Tokens[], references: readonly Tokens[]): number {
  checkPairs('labelErrorRate', outputs, references);
  let errors = 0;
  let total = 0;
  outputs.forEach((o, i) => {
    errors += editDistance(o, references[i]!);
    total += references[i]!.length;
  });
  if (total === 0) throw new RangeError('labelErrorRate: every reference is empty');
  return errors / total;
}

/** What `bleu` reports. */
export interface BleuScore {
  /** BP · exp((1/N) Σ_n log p_n), in [0, 1] */
  score: number;
  /** p_1 … p_N, the clipped n-gram precisions */
  precisions: number[];
  /** BP = 1 if c > r, else exp(1 − r/c) */
  brevityPenalty: number;
  /** c and r: total output and reference lengths */
  outputLength: number;
  referenceLength: number;
}

/** The n-grams of a sequence with their counts, keyed by their tokens. */
function ngramCounts(tokens: Tokens, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = JSON.stringify(tokens.slice(i, i + n));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Corpus-level BLEU with one reference per output (eq. 3.19):
 *
 *   p_n = Σ_outputs Σ_g min(count_out(g), count_ref(g)) / Σ_outputs Σ_g count_out(g)
 *   BLEU = BP · exp((1/N) Σ_{n=1..N} log p_n),   BP = min(1, exp(1 − r/c))
 *
 * over the n-grams g of order n. Counts are clipped by the reference, so repeating a right word
 * earns nothing. With `smooth` (Lin & Och 2004), 1 is added to the numerator and denominator of
 * p_n for n >= 2, so that a corpus with no matching 4-gram does not score exactly 0.
 *
 * @param maxOrder N (default 4)
 */
export function bleu(
  outputs: readonly Tokens[],
  references: readonly Tokens[],
  maxOrder = 4,
  smooth = false,
): BleuScore {
  checkPairs('bleu', outputs, references);
  const matches = new Array<number>(maxOrder).fill(0);
  const possible = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  outputs.forEach((o, i) => {
    const ref = references[i]!;
    c += o.length;
    r += ref.length;
    for (let n = 1; n <= maxOrder; n++) {
      const refCounts = ngramCounts(ref, n);
      for (const [g, count] of ngramCounts(o, n)) {
        matches[n - 1]! += Math.min(count, refCounts.get(g) ?? 0); // clipped
        possible[n - 1]! += count;
      }
    }
  });
  const precisions = matches.map((m, k) => {
    const add = smooth && k > 0 ? 1 : 0;
    return possible[k]! + add === 0 ? 0 : (m + add) / (possible[k]! + add);
  });
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const score = precisions.some((p) => p === 0)
    ? 0
    : brevityPenalty * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder);
  return { score, precisions, brevityPenalty, outputLength: c, referenceLength: r };
}
