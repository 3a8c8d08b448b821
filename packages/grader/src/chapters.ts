/**
 * The course's chapters, in teaching order: the manifest of each, relative to the repository
 * root. The order matters: an exercise may import the reference packages of earlier chapters
 * only, and `watch` walks the exercises in this order.
 */
export const chapterManifests: readonly string[] = [
  'packages/rnn/manifest.ts',
  'packages/lstm-gru/manifest.ts',
  'packages/seq2seq-attention/manifest.ts',
  'packages/transformer-bridge/manifest.ts',
];
