/** The browser lab's text, generated at build time by `src/corpus.ts`. */
declare module 'virtual:course-corpus' {
  /** The first 90% of the text, to train on. */
  export const train: string;
  /** The last 10%, held out. */
  export const validation: string;
  /** Where the text comes from, for the page. */
  export const source: string;
}
