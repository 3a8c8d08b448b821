/** Targets, courses and sandboxes for the sandbox's tests. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, randn, type Tensor } from '@rnn-course/core';
import rnnManifest from '../../../rnn/manifest';
import { courseOf, defineChapter, type Course } from '../../src/index';
import { sandboxRoot } from '../../src/sandbox/bundle';
import {
  bundleTarget,
  Sandbox,
  type SandboxOptions,
  type TargetBundle,
} from '../../src/sandbox/index';

export const here = dirname(fileURLToPath(import.meta.url));
/** A fixture folder: `fixture('targets/honest')`, `fixture('hostile/patched-math')`. */
export const fixture = (name: string): string => resolve(here, name);

/** The real chapter 1 as the only chapter. */
export const course: Course = courseOf([rnnManifest]);

/** Chapter 1, then a second chapter whose exercises live in `later/`. */
export const twoChapters: Course = courseOf([
  rnnManifest,
  defineChapter({
    chapter: 'later',
    title: 'A later chapter',
    package: 'packages/grader/test/sandbox/later',
    exercises: [
      // `later/step`: the function `step` in later/step.ts
      {
        id: 'later/step',
        title: 'A step',
        points: 1,
        section: 'x',
        week: 1,
        hints: { none: 'none' },
      },
    ],
  }),
]);

/** A bundled target and a sandbox for its chapter-1 files. */
export interface Opened {
  readonly bundle: TargetBundle;
  readonly sandbox: Sandbox;
  close(): Promise<void>;
}

/** Bundles `dir` (a folder holding `rnn/...`) and opens a sandbox on it. */
export async function open(
  dir: string,
  options: SandboxOptions = {},
  which: Course = course,
): Promise<Opened> {
  const bundle = await bundleTarget({ course: which, targetDir: dir });
  const chapter = bundle.chapters[0];
  if (chapter === undefined) throw new Error(`nothing bundled from ${dir}`);
  const sandbox = new Sandbox(chapter, options);
  return {
    bundle,
    sandbox,
    async close() {
      await sandbox.close();
      bundle.cleanup();
    },
  };
}

/** A scratch target folder with the given files; links as `{ link: target }`. */
export function scratch(files: Record<string, string | { link: string }>): {
  dir: string;
  cleanup: () => void;
} {
  mkdirSync(sandboxRoot, { recursive: true });
  const dir = mkdtempSync(join(sandboxRoot, 'test-target-'));
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else symlinkSync(content.link, path);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of a fixture folder in a scratch folder (to add links or broken files to it). */
export function copyOf(src: string): { dir: string; cleanup: () => void } {
  const s = scratch({});
  cpSync(src, s.dir, { recursive: true });
  return s;
}

/** Seeded inputs of one RNN step (N, D, H). */
export function stepInputs(
  seed: number,
  N = 3,
  D = 4,
  H = 5,
): { x: Tensor; prevH: Tensor; Wx: Tensor; Wh: Tensor; b: Tensor } {
  const rng = new Rng(seed);
  return {
    x: randn([N, D], rng),
    prevH: randn([N, H], rng),
    Wx: randn([D, H], rng, { std: 0.5 }),
    Wh: randn([H, H], rng, { std: 0.5 }),
    b: randn([H], rng),
  };
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, the promise resolved');
}
