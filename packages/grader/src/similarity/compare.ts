/**
 * Pairwise similarity of two documents from their fingerprints, and the regions where they
 * match, as line ranges of each.
 *
 * Fingerprints that also occur in the base document (the exercise's stub, which every learner
 * starts from) are not counted: sharing the stub's signatures is not copying. A document's share
 * is the fraction of its own fingerprints (outside the base) that the other document has too;
 * the pair's score is both shares together, (matched in a + matched in b) / (all of a + all of b).
 */
import { winnow, DEFAULT_K, type Fingerprint, type WinnowOptions } from './winnow';
import { normalizedTokens, type Token } from './tokens';

/** A source file prepared for comparison. */
export interface SimilarityDocument {
  /** Whose it is: a student's folder name, `solutions` or `reference`. */
  readonly owner: string;
  /** The file as reports show it: `rnn/rnn-step.ts`, or a reference file's path. */
  readonly file: string;
  readonly source: string;
  readonly tokens: readonly Token[];
  readonly fingerprints: readonly Fingerprint[];
}

/** A run of matching code: lines [first, last] of a and of b. */
export interface Region {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
}

/** Two documents compared. */
export interface Match {
  readonly a: SimilarityDocument;
  readonly b: SimilarityDocument;
  /** Share of a's fingerprints found in b, and of b's in a (0..1). */
  readonly shareA: number;
  readonly shareB: number;
  /** Both shares together (0..1). */
  readonly score: number;
  readonly regions: readonly Region[];
}

/** Tokens and fingerprints of a source. */
export function documentOf(
  owner: string,
  file: string,
  source: string,
  options: WinnowOptions = {},
): SimilarityDocument {
  const tokens = normalizedTokens(source);
  return { owner, file, source, tokens, fingerprints: winnow(tokens, options) };
}

/** The hashes of a base document, to leave out of every comparison. */
export function baseHashes(base: SimilarityDocument | undefined): ReadonlySet<number> {
  return new Set(base?.fingerprints.map((f) => f.hash) ?? []);
}

/** Compares a and b, leaving out the `base` hashes; `k` must be the one they were winnowed with. */
export function compareDocuments(
  a: SimilarityDocument,
  b: SimilarityDocument,
  base: ReadonlySet<number> = new Set(),
  k: number = DEFAULT_K,
): Match {
  const ownA = a.fingerprints.filter((f) => !base.has(f.hash));
  const ownB = b.fingerprints.filter((f) => !base.has(f.hash));
  const inB = new Map<number, number[]>();
  for (const f of ownB) inB.set(f.hash, [...(inB.get(f.hash) ?? []), f.position]);
  const inA = new Set(ownA.map((f) => f.hash));
  const matchedA = ownA.filter((f) => inB.has(f.hash));
  const matchedB = ownB.filter((f) => inA.has(f.hash));
  const total = ownA.length + ownB.length;
  const pairs: Array<[number, number]> = [];
  for (const f of matchedA) for (const p of inB.get(f.hash) ?? []) pairs.push([f.position, p]);
  return {
    a,
    b,
    shareA: ownA.length === 0 ? 0 : matchedA.length / ownA.length,
    shareB: ownB.length === 0 ? 0 : matchedB.length / ownB.length,
    score: total === 0 ? 0 : (matchedA.length + matchedB.length) / total,
    regions: regionsOf(pairs, a.tokens, b.tokens, k),
  };
}

/**
 * Merges matching k-gram positions into regions: sorted by their place in a, a pair joins the
 * current region when it starts within k tokens of the region's end in a, and near it in b (the
 * stub's fingerprints, left out, leave gaps of up to k tokens inside a copied stretch).
 */
function regionsOf(
  pairs: Array<[number, number]>,
  ta: readonly Token[],
  tb: readonly Token[],
  k: number,
): Region[] {
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const spans: Array<{ a0: number; a1: number; b0: number; b1: number }> = [];
  for (const [pa, pb] of pairs) {
    const last = spans[spans.length - 1];
    if (last !== undefined && pa <= last.a1 + k && pb >= last.b0 - k && pb <= last.b1 + k) {
      last.a1 = Math.max(last.a1, pa + k - 1);
      last.b0 = Math.min(last.b0, pb);
      last.b1 = Math.max(last.b1, pb + k - 1);
    } else {
      spans.push({ a0: pa, a1: pa + k - 1, b0: pb, b1: pb + k - 1 });
    }
  }
  const line = (tokens: readonly Token[], i: number): number =>
    tokens[Math.min(i, tokens.length - 1)]?.line ?? 0;
  return spans.map((s) => ({
    a: [line(ta, s.a0), line(ta, s.a1)] as const,
    b: [line(tb, s.b0), line(tb, s.b1)] as const,
  }));
}
