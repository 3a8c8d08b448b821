/** A file whose import never finishes: a top-level await on a promise that never settles. */
await new Promise<void>(() => {});

/** Never reached. */
export function wordEmbeddingForward(): number {
  return 1;
}
