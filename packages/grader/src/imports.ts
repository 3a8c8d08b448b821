/**
 * Import integrity. An exercise file, and every file of its chapter folder it imports, may
 * import the core, the reference packages of earlier chapters and files of its own chapter
 * folder, nothing else: importing its own chapter's reference implementation would pass the
 * grader with code the learner did not write.
 *
 * The rule is applied where imports resolve, by the bundler that prepares the learner's files for
 * the sandbox (sandbox/bundle.ts, sandbox/import-rule.ts): it parses the code, so text in strings
 * and comments never matters, and an import the bundler cannot see (a computed `import()`) cannot
 * reach anything at run time. This module keeps the grader's view of it: the violations per
 * exercise, and their one-line description.
 */
import type { Course, Exercise } from './course';
import { displayPath } from './paths';
import { bundleTarget } from './sandbox/bundle';
import { describeViolation as describeWith, type ImportViolation } from './sandbox/import-rule';

export type { ImportViolation } from './sandbox/import-rule';

/**
 * The imports of each exercise file of `targetDir` that the rule refuses, by exercise id; files
 * that are missing or import nothing refused are left out. Bundles the files to find out (never
 * running them); `sourceDir` is where the learner knows them, for the messages.
 */
export async function checkImports(
  course: Course,
  exercises: readonly Exercise[],
  targetDir: string,
  sourceDir: string = targetDir,
): Promise<Map<string, ImportViolation[]>> {
  const bundle = await bundleTarget({ course, targetDir, sourceDir, exercises });
  try {
    const result = new Map<string, ImportViolation[]>();
    for (const e of exercises) {
      const bundled = bundle.file(e.file);
      if (bundled?.status === 'refused') result.set(e.id, [...bundled.violations]);
    }
    return result;
  } finally {
    bundle.cleanup();
  }
}

/** One-line summary of a violation: `exercises/rnn/rnn-step.ts:3 imports 'x': reason`. */
export function describeViolation(v: ImportViolation): string {
  return describeWith(v, displayPath);
}
