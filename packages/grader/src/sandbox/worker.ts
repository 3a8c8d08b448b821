/**
 * What a Vitest worker needs: one sandbox per worker per target chapter, opened on the first
 * call and reused by every suite the worker runs (the grading config keeps one module graph per
 * worker, so this module's state lives as long as the worker).
 *
 * The grader bundles the target before Vitest starts and names the run's bundle folder in
 * `COURSE_SANDBOX_DIR`; a worker then only starts processes. Run by hand (no such variable),
 * the worker bundles `COURSE_TARGET` itself, once, and removes the bundle when it exits.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCourse } from '../course';
import { repoRoot } from '../paths';
import { bundleTarget, type TargetBundle } from './bundle';
import { remoteModule, type ModuleOptions, type Remote } from './remote';
import { Sandbox } from './sandbox';

const sandboxes = new Map<string, Sandbox>();
let onDemand: Promise<TargetBundle> | undefined;

/**
 * The learner's module `file` (relative to the target: `rnn/rnn-step.ts`), called through this
 * worker's sandbox. `M` is the type of the module, e.g. `typeof import('@target/rnn/rnn-step')`
 * in a type position, which loads nothing.
 */
export function learnerModule<M>(file: string, options: ModuleOptions = {}): Remote<M> {
  return remoteModule<M>(() => sandboxFor(file), file, options);
}

/** This worker's sandbox for the chapter of `file`, started on first use. */
export async function sandboxFor(file: string): Promise<Sandbox> {
  const dir = await chapterDir(file);
  // A worker kept between runs (watch's warm instance) gets a new bundle folder per run: the
  // sandboxes of the last run's bundles have nothing more to do.
  for (const [other, old] of sandboxes) {
    if (!existsSync(other)) {
      old.kill();
      sandboxes.delete(other);
    }
  }
  let sandbox = sandboxes.get(dir);
  if (sandbox === undefined) {
    const timeout = Number(process.env.COURSE_TIMEOUT_MS);
    sandbox = new Sandbox(
      dir,
      Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {},
    );
    sandboxes.set(dir, sandbox);
  }
  return sandbox;
}

/** True when `value` stands for an object the learner's code returned, in any of the sandboxes. */
export function heldBySandbox(value: unknown): boolean {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  if (value === null) return false;
  for (const sandbox of sandboxes.values()) if (sandbox.holds(value)) return true;
  return false;
}

/** Stops this worker's sandboxes (they also stop when the worker exits). */
export async function closeSandboxes(): Promise<void> {
  await Promise.all([...sandboxes.values()].map((s) => s.close()));
  sandboxes.clear();
}

async function chapterDir(file: string): Promise<string> {
  const chapter = file.split('/')[0] ?? '';
  const root = process.env.COURSE_SANDBOX_DIR;
  if (root !== undefined && root !== '') return join(root, chapter);
  if (onDemand === undefined) {
    onDemand = (async () => {
      const target = process.env.COURSE_TARGET ?? 'exercises';
      const bundle = await bundleTarget({
        course: await loadCourse(),
        targetDir: resolve(repoRoot, target),
      });
      process.once('exit', () => bundle.cleanup());
      return bundle;
    })();
  }
  const bundle = await onDemand;
  const found = bundle.chapterOf(file);
  if (found === undefined) {
    throw new Error(`${file} is not in the target ${process.env.COURSE_TARGET ?? 'exercises'}`);
  }
  return found.dir;
}

process.once('exit', () => {
  for (const sandbox of sandboxes.values()) sandbox.kill();
});
