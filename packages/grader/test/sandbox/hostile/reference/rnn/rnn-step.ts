/**
 * Issue row 5: reaches the chapter's reference implementation at run time, by every road that
 * does not go through a checked import statement.
 */
import type { Tensor } from '@rnn-course/core';

declare const __vite_ssr_dynamic_import__: (id: string) => Promise<Record<string, unknown>>;

type Step = (x: Tensor, prevH: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) => Tensor;

/** Vitest's own dynamic import function, with the package name put together at run time. */
export async function viaVite(): Promise<unknown> {
  const rnn = await __vite_ssr_dynamic_import__('@rnn-course/' + 'rnn');
  return typeof rnn.rnnStep;
}

/** A computed `import()`. */
export async function computedImport(...args: Parameters<Step>): Promise<Tensor> {
  const name = ['@rnn-course', 'rnn'].join('/');
  const rnn = (await import(name)) as { rnnStep: Step };
  return rnn.rnnStep(...args);
}

/** A computed `import()` of the reference's file by its path. */
export async function importByPath(): Promise<unknown> {
  const file = `${process.cwd()}/../../../../../packages/rnn/src/rnn-step.ts`;
  return import(file);
}

/** The reference's source, read with the file system module. */
export function readReference(): string {
  const fs = process.getBuiltinModule('fs');
  return fs.readFileSync(`${process.cwd()}/../../../../../packages/rnn/src/rnn-step.ts`, 'utf8');
}

/** Evaluating text as code: the way a read reference would be run. */
export function evaluate(source: string): unknown {
  return new Function(source)();
}
