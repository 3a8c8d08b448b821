/**
 * `course export DIR`, for instructors: writes the learner's repository, everything a learner
 * needs without the answer key. Left out:
 *
 * - `solutions/`, the worked solutions, and the workspace entry that installs them;
 * - every chapter's known mistakes (`grading/mistakes.ts`: edits of solution lines), and the
 *   files that import them;
 * - the maintainers' CI (`.ci/`, `.github/`).
 *
 * Kept: the chapters, the core, the reference implementations (grading compares with them),
 * the grading suites, the labs, the grader and the site. The exercise stubs are written as
 * generated from the solutions (so an instructor's own experiments in `exercises/` do not
 * leak), and a second copy goes to `packages/grader/stubs/`, which `course reset` reads where no
 * solutions are. The export gets a GitHub Classroom workflow that grades each exercise with
 * `--fail-under 100`, one step per exercise worth its points, and `npm test` grades the
 * learner's exercises. The package tests stay as the chapters cite them; those that read the
 * solutions run only in the instructor's copy.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Course } from './course';
import { generatedFiles } from './generate';
import { displayPath, exportedStubsDir, hasSolutions, isInside, repoRoot } from './paths';

/** What was written. */
export interface ExportResult {
  readonly dir: string;
  /** Files written, generated ones included. */
  readonly files: number;
  /** Exercise stubs written (into `exercises/`, and again into the grader's `stubs/`). */
  readonly stubs: number;
  /** Files of the course left out, relative to its root. */
  readonly leftOut: readonly string[];
}

/** The message of a maintainer's command run in a learner's export. */
export function needsInstructorCopy(command: string): string {
  return (
    `${command} works on the course's worked solutions, which are not in this copy (it was ` +
    `exported for learners without solutions/): run it in the instructor's copy. To grade your ` +
    `exercises here: npm run grade`
  );
}

/**
 * Writes the learner's repository into `dir` (which must not exist yet, or be empty, and lie
 * outside the course).
 */
export function exportCourse(course: Course, dir: string, from = repoRoot): ExportResult {
  if (!hasSolutions(from)) throw new Error(needsInstructorCopy('course export'));
  const out = resolve(dir);
  if (isInside(from, out)) {
    throw new Error(`export to a folder outside the course, not ${displayPath(out)}`);
  }
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new Error(`${out} already exists and is not an empty folder; export into a new one`);
  }
  const all = courseFiles(from);
  const leftOut = new Set(all.filter((f) => isAnswerKey(f)));
  // files that import a left-out file (a test of the known mistakes) go too
  for (const f of all) {
    if (leftOut.has(f) || !f.endsWith('.ts')) continue;
    if (importsAny(join(from, f), f, leftOut)) leftOut.add(f);
  }
  const written = new Set<string>();
  const write = (rel: string, text: string | Buffer): void => {
    const path = join(out, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.add(rel);
  };
  for (const f of all) {
    if (leftOut.has(f)) continue;
    const path = join(out, f);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(join(from, f), path);
    written.add(f);
  }

  // The stubs, as generated from the solutions, twice.
  const exercisesDir = join(from, 'exercises');
  const stubs = generatedFiles(course, {
    exercisesDir,
    solutionsDir: join(from, 'solutions'),
  }).filter((g) => g.kind === 'stub');
  const keptStubs = relative(repoRoot, exportedStubsDir);
  for (const s of stubs) {
    const rel = relative(exercisesDir, s.path);
    write(join('exercises', rel), s.expected);
    write(join(keptStubs, rel), s.expected);
  }

  write('package.json', exportedPackageJson(readFileSync(join(from, 'package.json'), 'utf8')));
  if (existsSync(join(from, 'package-lock.json'))) {
    write('package-lock.json', exportedLock(readFileSync(join(from, 'package-lock.json'), 'utf8')));
  }
  write('.github/workflows/classroom.yml', classroomWorkflow(course));
  if (written.has('README.md')) {
    write('README.md', withExportNote(readFileSync(join(from, 'README.md'), 'utf8'), course));
  }
  return { dir: out, files: written.size, stubs: stubs.length, leftOut: [...leftOut].sort() };
}

/** Solutions, the known mistakes (edits of solution lines) and the maintainers' CI. */
function isAnswerKey(rel: string): boolean {
  return (
    rel.startsWith('solutions/') ||
    /^packages\/[^/]+\/grading\/mistakes\.ts$/.test(rel) ||
    rel.startsWith('.ci/') ||
    rel.startsWith('.github/')
  );
}

/** True when the file imports one of `files` by a relative path. */
function importsAny(path: string, rel: string, files: ReadonlySet<string>): boolean {
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = join(dirname(rel), m[1] ?? '');
    if (files.has(target) || files.has(`${target}.ts`)) return true;
  }
  return false;
}

/**
 * The course's files, relative to its root: what git tracks or would track (ignored files such
 * as node_modules and `.course/` never), else every file outside the usual build folders.
 */
export function courseFiles(root: string): string[] {
  if (existsSync(join(root, '.git'))) {
    try {
      const listed = execFileSync(
        'git',
        ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      return listed
        .split('\0')
        .filter((f) => f !== '' && existsSync(join(root, f)) && statSync(join(root, f)).isFile())
        .sort();
    } catch {
      // no git: walk the folder instead
    }
  }
  const skip = new Set(['node_modules', '.git', '.course', '.turbo', 'dist', 'coverage']);
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      if (skip.has(name)) continue;
      const child = rel === '' ? name : `${rel}/${name}`;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/** The root package.json without the solutions workspace; `npm test` grades the exercises. */
export function exportedPackageJson(text: string): string {
  const pkg = JSON.parse(text) as {
    workspaces?: string[];
    scripts?: Record<string, string>;
  };
  pkg.workspaces = (pkg.workspaces ?? []).filter((w) => w !== 'solutions');
  pkg.scripts = {
    ...pkg.scripts,
    test: 'tsx packages/grader/src/cli.ts grade --fail-under 100',
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The lock file without the solutions workspace, so that `npm ci` installs the export as locked. */
export function exportedLock(text: string): string {
  const lock = JSON.parse(text) as {
    packages?: Record<string, { workspaces?: string[]; resolved?: string }>;
  };
  const packages = lock.packages ?? {};
  const root = packages[''];
  if (root?.workspaces !== undefined) {
    root.workspaces = root.workspaces.filter((w) => w !== 'solutions');
  }
  for (const [key, entry] of Object.entries(packages)) {
    if (key === 'solutions' || key.startsWith('solutions/') || entry.resolved === 'solutions') {
      delete packages[key];
    }
  }
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/**
 * A GitHub Classroom workflow: install once, then one autograding step per exercise that
 * passes when the exercise scores all its points (`--fail-under 100`) and is worth them.
 */
export function classroomWorkflow(course: Course): string {
  const steps = course.exercises.map((e) => {
    const id = e.id.replace(/[^a-z0-9]+/g, '-');
    return { id, exercise: e };
  });
  const lines = [
    '# GitHub Classroom autograding, written by `course export` from the chapter manifests: one',
    '# step per exercise, which passes when the exercise scores all its points and is worth them.',
    '# The same grade, with every message: npm run grade',
    'name: Autograding Tests',
    "'on': [push, workflow_dispatch, repository_dispatch]",
    'permissions:',
    '  checks: write',
    '  actions: read',
    '  contents: read',
    'jobs:',
    '  run-autograding-tests:',
    '    runs-on: ubuntu-latest',
    "    if: github.actor != 'github-classroom[bot]'",
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    '          cache: npm',
    '      # the lock file is written by npm 11 (package.json, packageManager)',
    '      - run: npm install -g npm@11',
    '      - run: npm ci --no-audit --no-fund',
  ];
  for (const { id, exercise } of steps) {
    lines.push(
      `      - name: ${exercise.id}`,
      `        id: ${id}`,
      '        uses: classroom-resources/autograding-command-grader@v1',
      '        with:',
      `          test-name: ${exercise.id}`,
      "          setup-command: ''",
      `          command: npm run grade -- ${exercise.id} --fail-under 100`,
      '          timeout: 5',
      `          max-score: ${exercise.points}`,
    );
  }
  lines.push(
    '      - name: Autograding Reporter',
    '        uses: classroom-resources/autograding-grading-reporter@v1',
    '        env:',
    ...steps.map(
      ({ id }) => `          ${id.toUpperCase()}_RESULTS: "\${{ steps.${id}.outputs.result }}"`,
    ),
    '        with:',
    `          runners: ${steps.map((s) => s.id).join(',')}`,
    '',
  );
  return lines.join('\n');
}

/** The README with a note under its title: what this copy is and is not. */
function withExportNote(readme: string, course: Course): string {
  const points = course.exercises.reduce((a, e) => a + e.points, 0);
  const note = [
    `> This is a learner's copy of the course (${course.exercises.length} exercises, ${points} points),`,
    '> written by `course export` without the worked solutions. `npm run grade` grades your',
    "> exercises, and so does `npm test`; `solution` and `verify` need the instructor's copy.",
  ].join('\n');
  const lines = readme.split('\n');
  const title = lines.findIndex((l) => l.startsWith('# '));
  if (title < 0) return `${note}\n\n${readme}`;
  return [...lines.slice(0, title + 1), '', note, ...lines.slice(title + 1)].join('\n');
}
