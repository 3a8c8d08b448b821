/**
 * The import rule, as the bundler applies it where each import resolves: an exercise file (and
 * every file of its chapter folder it imports) may import `@rnn-course/core`, the reference
 * packages of earlier chapters (in the order of `chapters.ts`) and files of its own chapter
 * folder. Anything else is refused, its own chapter's reference above all: importing it would
 * pass the grader with code the learner did not write.
 */
import type { Chapter, Course } from '../course';

/** One import an exercise file may not make. */
export interface ImportViolation {
  /** The file that makes the import (absolute), or the refused file itself. */
  readonly file: string;
  /** 1-based line of the import; 0 when the bundler could not say (a computed import). */
  readonly line: number;
  readonly specifier: string;
  /** Why it is not allowed, in words a learner understands. */
  readonly reason: string;
}

/** What the exercises of one chapter may import. */
export interface ImportRule {
  readonly chapter: Chapter;
  /** The bare specifiers allowed, each with the name of its bundle: `core`, `rnn`, ... */
  readonly packages: ReadonlyMap<string, string>;
  /**
   * Why importing `specifier` (a bare package name) is refused, or undefined when it is allowed.
   * `folder` names the chapter folder in the message, e.g. `exercises/rnn/`.
   */
  refusal(specifier: string, folder: string): string | undefined;
}

/** The core's package name; its bundle is `core.mjs`. */
export const CORE_PACKAGE = '@rnn-course/core';

/** The rule for the exercises of `chapter`. */
export function importRuleOf(course: Course, chapter: Chapter): ImportRule {
  const earlier = course.chapters.filter((c) => c.order < chapter.order);
  const packages = new Map<string, string>([[CORE_PACKAGE, 'core']]);
  for (const c of earlier) packages.set(c.packageName, c.manifest.chapter);
  const allowed = [...packages.keys()].join(', ');
  return {
    chapter,
    packages,
    refusal(specifier, folder) {
      if (packages.has(specifier)) return undefined;
      const pkg = packageOf(specifier);
      const also = `(allowed: ${allowed} and files of ${folder})`;
      const owner = course.chapters.find((c) => c.packageName === pkg);
      if (owner === chapter) {
        return `that is this chapter's reference implementation; the exercise must be your own code ${also}`;
      }
      if (owner !== undefined && owner.order > chapter.order) {
        return `that is a later chapter's package ${also}`;
      }
      if (packages.has(pkg)) {
        return `import the package itself, '${pkg}', not a file inside it ${also}`;
      }
      if (specifier.startsWith('node:') || isNodeBuiltin(specifier)) {
        return `Node's built-in modules are not available to exercises ${also}`;
      }
      return `an exercise may import only ${allowed} and files of ${folder}`;
    },
  };
}

/** `@scope/name` or `name` of a bare specifier. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
]);

function isNodeBuiltin(specifier: string): boolean {
  return BUILTINS.has(specifier) || BUILTINS.has(packageOf(specifier));
}

/** One line: `exercises/rnn/rnn-step.ts:3 imports 'x': reason`; `show` prints a path. */
export function describeViolation(v: ImportViolation, show: (path: string) => string): string {
  const where = v.line > 0 ? `${show(v.file)}:${v.line}` : show(v.file);
  return v.specifier === ''
    ? `${where}: ${v.reason}`
    : `${where} imports '${v.specifier}': ${v.reason}`;
}
