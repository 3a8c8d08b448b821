/**
 * Fingerprints by winnowing (Schleimer, Wilkerson & Aiken, "Winnowing: local algorithms for
 * document fingerprinting", SIGMOD 2003), the method behind MOSS.
 *
 * Every k-gram of tokens is hashed. In each window of w consecutive hashes the minimum is kept
 * (the rightmost one on ties), and each kept hash is recorded once, with the position of its
 * k-gram. The paper's guarantee: two documents sharing a run of at least t = w + k - 1 tokens
 * share at least one fingerprint, and no match shorter than k tokens is ever reported (the
 * noise threshold). With k = 12 and w = 8, any copied run of 19 tokens or more (about two lines of
 * code) is detected.
 */
import type { Token } from './tokens';

/** One kept hash and where its k-gram starts, as a token index. */
export interface Fingerprint {
  readonly hash: number;
  readonly position: number;
}

/** k (the k-gram length, the noise threshold) and w (the window). */
export interface WinnowOptions {
  readonly k?: number;
  readonly w?: number;
}

export const DEFAULT_K = 12;
export const DEFAULT_W = 8;

/** The hashes of every k-gram of `tokens`, in order (32-bit, FNV-1a over the token texts). */
export function kgramHashes(tokens: readonly Token[], k: number): number[] {
  const ids = tokens.map((t) => textHash(t.text));
  const out: number[] = [];
  for (let start = 0; start + k <= ids.length; start++) {
    let h = 0x811c9dc5;
    for (let j = start; j < start + k; j++) h = Math.imul(h ^ (ids[j] as number), 0x01000193);
    out.push(h >>> 0);
  }
  return out;
}

/** The winnowed fingerprints of `tokens`. Fewer than k tokens give none. */
export function winnow(tokens: readonly Token[], options: WinnowOptions = {}): Fingerprint[] {
  const k = options.k ?? DEFAULT_K;
  const w = options.w ?? DEFAULT_W;
  const hashes = kgramHashes(tokens, k);
  if (hashes.length === 0) return [];
  if (hashes.length <= w) {
    // one window: its minimum
    return [minimumOf(hashes, 0, hashes.length)];
  }
  const out: Fingerprint[] = [];
  let last = -1;
  for (let start = 0; start + w <= hashes.length; start++) {
    const min = minimumOf(hashes, start, start + w);
    if (min.position !== last) {
      out.push(min);
      last = min.position;
    }
  }
  return out;
}

/** The rightmost minimum of hashes[from, to). */
function minimumOf(hashes: readonly number[], from: number, to: number): Fingerprint {
  let position = from;
  for (let i = from + 1; i < to; i++) {
    if ((hashes[i] as number) <= (hashes[position] as number)) position = i;
  }
  return { hash: hashes[position] as number, position };
}

function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
