/**
 * Grading a class: what keeps one student's run from reaching another's or the instructor's.
 *
 * The learner's code itself runs in the sandbox (src/sandbox/), which may read only its own
 * bundle and may not write anything, so a submission has no way to the files of the course
 * checkout or of its classmates. What this module adds is the rest of the isolation of one
 * student's grading process, for `grade-batch`:
 *
 * - `studentEnvironment()`: the environment of the student's `course grade` process, with a fresh
 *   HOME and TMPDIR of its own and nothing of the instructor's but the PATH and the locale (no
 *   tokens, no COURSE_* settings of an earlier run);
 * - `watchFiles(roots)`: the files of the course checkout that grading depends on and of the
 *   class's folder, kept before the student's run and compared after it; a change is reported.
 *   It is not undone: the grader cannot tell a submission's change from an edit someone made
 *   meanwhile, and writing back would lose that edit; the note says to check the checkout;
 * - `isolateStudent()` puts the two together, and `finish()` gives the note that marks the
 *   student's row when the run was void or changed a watched file. The batch goes on.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPath, repoRoot } from './paths';
import type { Report } from './report';

/** The environment variables a grading process keeps from the instructor's. */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'SystemRoot', 'ComSpec', 'PATHEXT'];

/** A student's environment and the folder that is its HOME (remove it with `cleanup`). */
export interface StudentEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  cleanup(): void;
}

/**
 * The environment of one student's grading process: HOME, TMPDIR (TMP, TEMP) a new empty folder,
 * `extra` (`COURSE_MANIFESTS`, say), and of the instructor's environment only PATH and the
 * locale. Colour is off: the output goes to files.
 */
export function studentEnvironment(
  extra: Readonly<Record<string, string>> = {},
): StudentEnvironment {
  const home = mkdtempSync(join(tmpdir(), 'course-student-'));
  const env: NodeJS.ProcessEnv = {};
  for (const key of KEPT) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    TMPDIR: home,
    TMP: home,
    TEMP: home,
    NO_COLOR: '1',
    ...extra,
  });
  return { env, home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Files kept before a run, to compare with after it. */
export interface FileWatch {
  /** The watched files that differ now: changed, removed or added, as the instructor reads them. */
  changed(): string[];
}

/** Folders not watched: dependencies, build output, run folders (`.course`, `.turbo`, ...). */
function skipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name === 'dist';
}

/** The files grading reads: code and configuration (not prose, figures or build records). */
function watched(name: string): boolean {
  return /\.(ts|mts|cts|js|mjs|cjs|json)$/.test(name) && !name.endsWith('.tsbuildinfo');
}

function filesUnder(root: string, out: Map<string, Buffer>, depth = 0): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return; // a folder that is not there (yet): nothing to keep
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (skipped(entry.name)) continue;
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (depth < 12) filesUnder(path, out, depth + 1);
    } else if (entry.isFile() && watched(entry.name)) {
      try {
        out.set(path, readFileSync(path));
      } catch {
        // unreadable: not ours to watch
      }
    }
  }
}

/**
 * Keeps the contents of every file under `roots` (and of the files directly in `files`), to
 * compare with after a run: `watchFiles([repo/packages, repo/exercises, ...])`.
 */
export function watchFiles(roots: readonly string[], files: readonly string[] = []): FileWatch {
  const snapshot = (): Map<string, Buffer> => {
    const out = new Map<string, Buffer>();
    for (const root of roots) filesUnder(root, out);
    for (const file of files) {
      try {
        out.set(file, readFileSync(file));
      } catch {
        // absent before: an added file is seen by `changed`
      }
    }
    return out;
  };
  const before = snapshot();
  const diff = (): { changed: string[]; removed: string[]; added: string[] } => {
    const now = snapshot();
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [path, content] of before) {
      const current = now.get(path);
      if (current === undefined) removed.push(path);
      else if (!current.equals(content)) changed.push(path);
    }
    const added = [...now.keys()].filter((path) => !before.has(path));
    return { changed, removed, added };
  };
  return {
    changed() {
      const d = diff();
      return [
        ...d.changed.map((p) => displayPath(p)),
        ...d.removed.map((p) => `${displayPath(p)} (removed)`),
        ...d.added.map((p) => `${displayPath(p)} (added)`),
      ];
    },
  };
}

/**
 * The parts of the course checkout grading a submission depends on: each package's `src/` and
 * `grading/` and the files at its top (manifest, package.json, configs), `solutions/` (which the
 * similarity report reads), and the files at the top of the checkout; code and configuration
 * only. `exercises/`, the learner's own copy, plays no part in grading a submission; figures,
 * prose, screenshots and build output, which other tools rewrite, are left out.
 */
export function checkoutRoots(root: string = repoRoot): { roots: string[]; files: string[] } {
  const filesIn = (dir: string): string[] => {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith('.') && watched(e.name))
        .map((e) => join(dir, e.name));
    } catch {
      return [];
    }
  };
  const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !skipped(e.name))
    .map((e) => join(root, 'packages', e.name));
  return {
    roots: [
      ...packages.flatMap((p) => [join(p, 'src'), join(p, 'grading')]),
      join(root, 'solutions'),
    ],
    files: [...filesIn(root), ...packages.flatMap(filesIn)],
  };
}

/** One student's run, isolated: its environment, and what to check when it is over. */
export interface StudentIsolation {
  /** The environment for the student's grading process (see `studentEnvironment`). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * After the run: removes the student's HOME and returns the note for the student's row when
   * the grade must not count (the run was void, or a file of the checkout or of the class
   * changed during it); undefined when all is well.
   */
  finish(report?: Report): string | undefined;
}

/**
 * Starts one student's isolated run: a fresh environment (`extra` added to it) and a watch over
 * the course checkout (`root`) and the class's folder (`submissions`).
 */
export function isolateStudent(opts: {
  readonly submissions: string;
  readonly extra?: Readonly<Record<string, string>>;
  readonly root?: string;
}): StudentIsolation {
  const { roots, files } = checkoutRoots(opts.root);
  const watch = watchFiles([...roots, opts.submissions], files);
  const environment = studentEnvironment(opts.extra);
  return {
    env: environment.env,
    finish(report) {
      environment.cleanup();
      const notes: string[] = [];
      const voided = report?.warnings.find((w) => /run is void/.test(w));
      if (voided !== undefined) notes.push(voided);
      const changed = watch.changed();
      if (changed.length > 0) {
        notes.push(
          `files changed while this student was graded: ${changed.join(', ')} ` +
            '(check the course checkout, with git status, before grading more)',
        );
      }
      return notes.length === 0 ? undefined : `tampering detected, grade void: ${notes.join('; ')}`;
    },
  };
}
