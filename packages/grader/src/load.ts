/**
 * The exercise functions a folder holds, found through the manifests: what a lab trains on with
 * `--impl exercises` or `--impl solutions`. A function that still throws the not-implemented
 * error (stubs throw it before looking at their arguments, which `verify` checks) is left out,
 * so that the lab can fall back to the reference for it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCourse, type Exercise } from './course';
import { folderOf } from './target';
import { notImplementedId } from './testing/not-implemented';

/** What a folder implements of a chapter. */
export interface LoadedFunctions {
  /** Every exercise function the folder implements, by name. */
  readonly functions: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** The exercises whose function is still a stub there, or whose file is missing. */
  readonly notImplemented: readonly Exercise[];
}

/**
 * Imports the exercise files of `chapter` from `folder` and sorts their functions into
 * implemented and not.
 *
 * @param chapter a chapter id, e.g. `rnn`
 * @param folder  `exercises`, `solutions` or a folder
 */
export async function loadFunctions(chapter: string, folder: string): Promise<LoadedFunctions> {
  const course = await loadCourse();
  const dir = folderOf(folder, 'implementation');
  const functions: Record<string, (...args: never[]) => unknown> = {};
  const notImplemented: Exercise[] = [];
  for (const e of course.exercises.filter((x) => x.chapter.manifest.chapter === chapter)) {
    const file = resolve(dir, e.file);
    const mod = existsSync(file)
      ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>)
      : {};
    const fn = mod[e.functionName];
    if (typeof fn === 'function' && !isStub(fn as (...args: unknown[]) => unknown)) {
      functions[e.functionName] = fn as (...args: never[]) => unknown;
    } else {
      notImplemented.push(e);
    }
  }
  return { functions, notImplemented };
}

/** A stub throws the not-implemented error first thing, whatever its arguments. */
function isStub(fn: (...args: unknown[]) => unknown): boolean {
  try {
    fn();
  } catch (error) {
    return notImplementedId(error) !== undefined;
  }
  return false;
}
