/**
 * The course's suites, staged for a grading run: the folder of every suite to run (a chapter's
 * `grading/`) is copied to `.course/suites/<run>/`, its files made read-only, and hashed. The
 * run imports the copies; afterwards the copies and the originals are hashed again, and any
 * difference voids the run. A submission that rewrites a suite therefore damages neither its own
 * grade unnoticed nor the next submission's: the copy it could reach is thrown away, and a change
 * to the original is caught.
 *
 * Read-only is a speed bump, not the guarantee (the owner of a file, and root, can write it
 * anyway); the hashes are the guarantee. Learner code running in the sandbox cannot write files
 * at all.
 *
 * The copies sit inside the repository, so that their bare imports (`@rnn-course/core`) resolve
 * as before. A relative import that leaves the copied folder (the fixture chapter's suites
 * import `../../../../src/testing/exercise`) is resolved from the original's place by the Vite
 * plugin `stagedSuitesPlugin`, which the grading config installs; so is a file a suite reads by
 * `new URL('../fixtures/lstm.json', import.meta.url)`: in a staged copy, `import.meta.url` is the
 * original's URL. (Fixtures are read by the trusted side; learner code cannot write files.)
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displayPath, isInside, repoRoot } from './paths';

/** The environment variable that tells the grading config where the staged folders are. */
export const STAGED_SUITES_ENV = 'COURSE_STAGED_SUITES';

/** Suites staged for one run. */
export interface StagedSuites {
  /** The staged copy of a suite (absolute paths). */
  staged(suite: string): string;
  /** The original a staged path stands for; any other path unchanged. */
  original(path: string): string;
  /** Staged folder → original folder, for the grading config (`STAGED_SUITES_ENV`, as JSON). */
  readonly folders: Readonly<Record<string, string>>;
  /**
   * The files that differ from what was staged, the staged copy or the original, as the learner
   * reads them (`packages/rnn/grading/step-forward.grade.ts (staged copy)`); empty when none.
   */
  changed(): string[];
  /** Removes the copies. */
  cleanup(): void;
}

/** Stages the folders of `suites` (absolute paths of suite files). */
export function stageSuites(suites: readonly string[]): StagedSuites {
  const runs = join(repoRoot, '.course/suites');
  sweep(runs);
  const root = join(runs, `${process.pid}-${randomBytes(4).toString('hex')}`);
  const folders: Record<string, string> = {};
  const hashes = new Map<string, string>(); // original file → hash when staged
  for (const folder of [...new Set(suites.map((s) => dirname(s)))].sort()) {
    const copy = join(root, relative(repoRoot, folder).replaceAll('..', '_'));
    folders[copy] = folder;
    for (const file of filesUnder(folder)) {
      const to = join(copy, relative(folder, file));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(file, to);
      hashes.set(file, hash(file));
    }
  }
  for (const copy of Object.keys(folders)) readOnly(copy);
  const toStaged = (path: string): string => {
    for (const [copy, folder] of Object.entries(folders)) {
      if (isInside(folder, path)) return join(copy, relative(folder, path));
    }
    throw new Error(`${displayPath(path)} was not staged`);
  };
  const toOriginal = (path: string): string => {
    for (const [copy, folder] of Object.entries(folders)) {
      if (isInside(copy, path)) return join(folder, relative(copy, path));
    }
    return path;
  };
  return {
    folders,
    staged: toStaged,
    original: toOriginal,
    changed() {
      const out: string[] = [];
      for (const [file, before] of hashes) {
        const copy = toStaged(file);
        if (!existsSync(file) || hash(file) !== before) out.push(displayPath(file));
        if (!existsSync(copy) || hash(copy) !== before)
          out.push(`${displayPath(file)} (staged copy)`);
      }
      for (const [copy, folder] of Object.entries(folders)) {
        for (const extra of filesUnder(copy)) {
          if (!hashes.has(join(folder, relative(copy, extra)))) {
            out.push(
              `${displayPath(join(folder, relative(copy, extra)))} (added to the staged copy)`,
            );
          }
        }
      }
      return out;
    },
    cleanup() {
      if (!existsSync(root)) return;
      writable(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The suites of a warm run (`watch`), left where they are: the same interface as `stageSuites`,
 * with nothing copied (the warm instance keeps their transforms); the originals are hashed now
 * and again by `changed()`, so a change still voids the run.
 */
export function suitesInPlace(suites: readonly string[]): StagedSuites {
  const hashes = new Map<string, string>();
  for (const folder of new Set(suites.map((s) => dirname(s)))) {
    for (const file of filesUnder(folder)) hashes.set(file, hash(file));
  }
  return {
    folders: {},
    staged: (suite) => suite,
    original: (path) => path,
    changed() {
      const out: string[] = [];
      for (const [file, before] of hashes) {
        if (!existsSync(file) || hash(file) !== before) out.push(displayPath(file));
      }
      return out;
    },
    cleanup() {},
  };
}

/**
 * The message of a void run: which suite files changed while it ran.
 */
export function voidMessage(changed: readonly string[]): string {
  const originals = changed.filter((c) => !c.endsWith(')'));
  const next =
    originals.length > 0
      ? 'Restore the course files (git checkout) before grading anything else.'
      : "Only the run's copies changed; the course's own files are intact.";
  return `grading suites changed during the run, so the run is void: ${changed.join(', ')}. ${next}`;
}

/**
 * The Vite plugin of the grading config: a relative import that leaves a staged folder resolves
 * from the original folder's place. `folders` is the JSON of `StagedSuites.folders`.
 */
export function stagedSuitesPlugin(json: string | undefined): {
  name: string;
  resolveId: (
    this: {
      resolve: (id: string, importer?: string, o?: { skipSelf?: boolean }) => Promise<unknown>;
    },
    source: string,
    importer: string | undefined,
  ) => Promise<unknown> | undefined;
  transform: (code: string, id: string) => string | undefined;
} {
  const folders =
    json === undefined || json === '' ? {} : (JSON.parse(json) as Record<string, string>);
  return {
    name: 'course-staged-suites',
    resolveId(source, importer) {
      if (importer === undefined || !source.startsWith('.')) return undefined;
      for (const [copy, folder] of Object.entries(folders)) {
        if (!isInside(copy, importer)) continue;
        if (isInside(copy, resolve(dirname(importer), source))) return undefined;
        const original = join(folder, relative(copy, importer));
        return this.resolve(source, original, { skipSelf: true });
      }
      return undefined;
    },
    transform(code, id) {
      if (!code.includes('import.meta.url')) return undefined;
      const file = id.split('?')[0] ?? id;
      for (const [copy, folder] of Object.entries(folders)) {
        if (!isInside(copy, file)) continue;
        const original = pathToFileURL(join(folder, relative(copy, file))).href;
        return code.replaceAll('import.meta.url', JSON.stringify(original));
      }
      return undefined;
    },
  };
}

/** Removes what runs that were killed left behind, a day on. */
function sweep(runs: string): void {
  if (!existsSync(runs)) return;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(runs)) {
    const path = join(runs, name);
    try {
      if (statSync(path).mtimeMs >= dayAgo) continue;
      writable(path);
      rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile by another run
    }
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function hash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) readOnly(path);
    else chmodSync(path, 0o444);
  }
  chmodSync(dir, 0o555);
}

function writable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) writable(path);
    else if (statSync(path).isFile()) chmodSync(path, 0o644);
  }
}
