/**
 * Similarity of submissions: normalised token sequences, winnowed fingerprints (as MOSS), pairwise
 * scores between students and against the solutions and the reference, matching regions as line
 * ranges, written as CSV and Markdown.
 */
export { normalizedTokens } from './tokens';
export type { Token } from './tokens';
export { DEFAULT_K, DEFAULT_W, kgramHashes, winnow } from './winnow';
export type { Fingerprint, WinnowOptions } from './winnow';
export { baseHashes, compareDocuments, documentOf } from './compare';
export type { Match, Region, SimilarityDocument } from './compare';
export {
  similarityReport,
  toSimilarityCsv,
  toSimilarityMarkdown,
  writeSimilarityReport,
} from './report';
export type { SimilarityOptions, SimilarityReport } from './report';
