/**
 * `course reset <id>` and `course restore <id>`.
 *
 * `reset` puts back the stub of one exercise's function and leaves the rest of the file alone:
 * a file may hold a forward and its backward, and resetting one must not wipe the other. The
 * stub is generated from the worked solution as `course generate` does (in a learner's export,
 * which has no solutions/, it is the copy `course export` keeps in `packages/grader/stubs/`).
 * When the function cannot be found in the learner's file (renamed, or the file does not parse),
 * only the whole file can be reset, and the command asks first if another exercise of the file
 * has passed. The learner's version is backed up first, always.
 *
 * `restore` puts back the exercise's function from the newest backup whose version differs from
 * the file's (what `reset` replaced), after backing up the file as it is.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backUp, backupsOf, stampNow } from '../backups';
import type { Course, Exercise } from '../course';
import { declarationText, findFunction, replaceDeclaration } from '../declarations';
import { GenerateError, stubOf } from '../generate';
import { displayPath, exportedStubsDir, repoRoot } from '../paths';
import { readState } from '../state';

/** Where stubs and the learner's files are; tests give the stub directly. */
export interface ResetOptions {
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
  /** The pristine stub of a file (relative to exercises/); default: see `pristineStub`. */
  readonly stubOf?: (file: string, exercise: Exercise) => string | undefined;
  /**
   * Asked before the whole file is reset while other exercises of it have passed; resolves to
   * the answer. Without it (no terminal) the whole file is reset only with `wholeFile`.
   */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Reset the whole file without asking (`reset <id> --file`). */
  readonly wholeFile?: boolean;
}

/** What happened. */
export interface ResetResult {
  readonly file: string;
  /** `function`: only the exercise's function was replaced; `file`: the whole file. */
  readonly scope: 'function' | 'file' | 'none';
  /** Where the learner's version went; undefined when there was nothing to save. */
  readonly backup: string | undefined;
  /** Other exercises of the file, reset with it (only for a whole-file reset). */
  readonly alsoReset: readonly string[];
  /** Why the whole file was not reset, when it was refused. */
  readonly refused?: string;
}

/**
 * The stub of `rel` (a path relative to exercises/): generated from `solutions/`, else the
 * copy an export keeps; undefined when neither can be had.
 */
export function pristineStub(
  course: Course,
  rel: string,
  solutionsDir?: string,
): string | undefined {
  const solution = resolve(solutionsDir ?? resolve(repoRoot, 'solutions'), rel);
  if (existsSync(solution)) {
    try {
      return stubOf(readFileSync(solution, 'utf8'), rel, course);
    } catch (error) {
      if (error instanceof GenerateError) return undefined;
      throw error;
    }
  }
  const kept = resolve(exportedStubsDir, rel);
  return existsSync(kept) ? readFileSync(kept, 'utf8') : undefined;
}

/** Backs up and resets; throws with a readable message when no stub can be made. */
export async function resetExercise(
  course: Course,
  exercise: Exercise,
  opts: ResetOptions = {},
): Promise<ResetResult> {
  const dir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const file = resolve(dir, exercise.file);
  const stub = (opts.stubOf ?? ((rel: string) => pristineStub(course, rel, opts.solutionsDir)))(
    exercise.file,
    exercise,
  );
  if (stub === undefined) {
    throw new Error(
      `no stub of ${exercise.id} can be made from solutions/${exercise.file}; your file is unchanged`,
    );
  }
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const others = course.exercises.filter((e) => e.file === exercise.file && e.id !== exercise.id);
  const write = (text: string, scope: 'function' | 'file'): ResetResult => {
    if (current === text) return { file, scope: 'none', backup: undefined, alsoReset: [] };
    const backup = current === undefined ? undefined : backUp(file, exercise.file);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const alsoReset = scope === 'file' ? others.map((e) => e.id) : [];
    return { file, scope, backup, alsoReset };
  };
  if (current === undefined) return write(stub, 'file');

  const mine = findFunction(current, exercise.functionName);
  const pristine = findFunction(stub, exercise.functionName);
  if (mine !== undefined && pristine !== undefined) {
    const replaced = replaceDeclaration(current, mine, declarationText(stub, pristine));
    return write(withNotImplementedImport(replaced), 'function');
  }
  // The function is not where it can be replaced alone: only the whole file can be reset.
  const passed = others.filter((e) => readState().results[e.id]?.status === 'passed');
  const why =
    mine === undefined
      ? `${exercise.functionName} is not a function ${displayPath(file)} declares (renamed, or the file does not parse)`
      : `the stub of ${exercise.functionName} cannot be found`;
  if (passed.length > 0 && opts.wholeFile !== true) {
    const question =
      `${why}, so only the whole file can be reset, and it also holds ` +
      `${passed.map((e) => e.id).join(', ')}, which passed. Reset the whole file?`;
    const yes = opts.confirm === undefined ? false : await opts.confirm(question);
    if (!yes) {
      return {
        file,
        scope: 'none',
        backup: undefined,
        alsoReset: [],
        refused:
          `${question.replace(/ Reset the whole file\?$/, '')} Nothing was changed. To reset ` +
          `it all (your version is backed up first): npm run course -- reset ${exercise.id} --file`,
      };
    }
  }
  return write(stub, 'file');
}

/**
 * Adds `notImplemented` to the file's value import of the core, or a new import line, when the
 * file does not import it yet (a reset stub calls it).
 */
export function withNotImplementedImport(source: string): string {
  if (
    /\bimport\s*\{[^}]*\bnotImplemented\b[^}]*\}\s*from\s*['"]@rnn-course\/core['"]/.test(source)
  ) {
    return source;
  }
  const core = /\bimport\s*\{([^}]*)\}\s*from\s*(['"])@rnn-course\/core\2/.exec(source);
  if (core !== null) {
    const names = (core[1] ?? '').trim().replace(/,\s*$/, '');
    const list = names === '' ? 'notImplemented' : `${names}, notImplemented`;
    const statement = core[0].replace(/\{[^}]*\}/, `{ ${list} }`);
    return source.slice(0, core.index) + statement + source.slice(core.index + core[0].length);
  }
  const line = "import { notImplemented } from '@rnn-course/core';\n";
  const imports = [...source.matchAll(/^import[^;]*;[ \t]*\n/gm)];
  const last = imports.at(-1);
  if (last !== undefined) {
    const at = last.index + last[0].length;
    return source.slice(0, at) + line + source.slice(at);
  }
  const header = /^\/\*\*[\s\S]*?\*\/\n\n/.exec(source);
  const at = header?.[0].length ?? 0;
  return `${source.slice(0, at)}${line}\n${source.slice(at)}`;
}

/** Prints what `resetExercise` did. */
export function describeReset(exercise: Exercise, r: ResetResult): string {
  if (r.refused !== undefined) return r.refused;
  if (r.scope === 'none') {
    return `${exercise.functionName} in ${displayPath(r.file)} already is the stub; nothing changed.`;
  }
  const lines =
    r.scope === 'function'
      ? [
          `Reset ${exercise.functionName} (${exercise.id}) in ${displayPath(r.file)} to its stub; ` +
            'the rest of the file is as you left it.',
        ]
      : [`Restored the stub of ${displayPath(r.file)}.`];
  if (r.backup !== undefined) {
    lines.push(`Your version is saved in ${displayPath(r.backup)}`);
    lines.push(`To put it back: npm run course -- restore ${exercise.id}`);
  }
  if (r.alsoReset.length > 0)
    lines.push(`The same file holds ${r.alsoReset.join(', ')}: reset too (see the backup).`);
  return lines.join('\n');
}

/** What `restore` did. */
export interface RestoreResult {
  readonly file: string;
  /** The backup restored from; undefined when there was none to restore. */
  readonly from: string | undefined;
  readonly scope: 'function' | 'file' | 'none';
  /** The file as it was before, backed up; undefined when nothing was written. */
  readonly backup: string | undefined;
}

/**
 * Puts back the exercise's function from the newest backup that holds a different version of
 * it (what `reset` replaced); the whole file when the function cannot be found in the file or
 * the backup. The file as it is now is backed up first.
 *
 * @param from a backup's stamp (see `course restore <id> --list`); default: the newest that differs
 */
export function restoreExercise(
  exercise: Exercise,
  opts: { exercisesDir?: string; from?: string } = {},
): RestoreResult {
  const dir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const file = resolve(dir, exercise.file);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const mine = current === undefined ? undefined : findFunction(current, exercise.functionName);
  const textOf = (src: string | undefined): string | undefined => {
    const fn = src === undefined ? undefined : findFunction(src, exercise.functionName);
    return src === undefined || fn === undefined ? undefined : declarationText(src, fn);
  };
  const candidates = backupsOf(exercise.file).filter(
    (b) => opts.from === undefined || b.stamp === opts.from,
  );
  if (opts.from !== undefined && candidates.length === 0) {
    throw new Error(
      `no backup of ${exercise.file} taken at ${opts.from}; see npm run course -- restore ${exercise.id} --list`,
    );
  }
  const differs = candidates.find((b) => {
    const saved = readFileSync(b.path, 'utf8');
    const fn = textOf(saved);
    return fn === undefined ? saved !== current : fn !== textOf(current);
  });
  if (differs === undefined) return { file, from: undefined, scope: 'none', backup: undefined };
  const saved = readFileSync(differs.path, 'utf8');
  const savedFn = findFunction(saved, exercise.functionName);
  const stamp = stampNow();
  const backup = current === undefined ? undefined : backUp(file, exercise.file, stamp);
  let text = saved;
  let scope: 'function' | 'file' = 'file';
  if (current !== undefined && mine !== undefined && savedFn !== undefined) {
    text = replaceDeclaration(current, mine, declarationText(saved, savedFn));
    scope = 'function';
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { file, from: differs.path, scope, backup };
}

/** Prints what `restoreExercise` did. */
export function describeRestore(exercise: Exercise, r: RestoreResult): string {
  if (r.from === undefined) {
    return (
      `No backup holds another version of ${exercise.functionName} (${exercise.id}); ` +
      `${displayPath(r.file)} is unchanged. Backups: npm run course -- restore ${exercise.id} --list`
    );
  }
  const what =
    r.scope === 'function'
      ? `Put back ${exercise.functionName} (${exercise.id}) from ${displayPath(r.from)}; the rest of the file is unchanged.`
      : `Put back the whole of ${displayPath(r.file)} from ${displayPath(r.from)}.`;
  const saved =
    r.backup === undefined ? '' : `\nThe file as it was is saved in ${displayPath(r.backup)}`;
  return what + saved;
}

/** `restore <id> --list`: the backups of the exercise's file, newest first. */
export function describeBackups(exercise: Exercise): string {
  const backups = backupsOf(exercise.file);
  if (backups.length === 0) return `No backups of ${exercise.file} yet.`;
  const lines = backups.map((b) => {
    const fn = findFunction(readFileSync(b.path, 'utf8'), exercise.functionName);
    const state =
      fn === undefined
        ? `no ${exercise.functionName} in it`
        : /notImplemented\(/.test(readFileSync(b.path, 'utf8').slice(fn.start, fn.end))
          ? 'the stub'
          : 'your code';
    return `  ${b.stamp}  ${displayPath(b.path)}  (${exercise.functionName}: ${state})`;
  });
  return [
    `Backups of ${exercise.file}, newest first (restore one: npm run course -- restore ${exercise.id} --from STAMP):`,
    ...lines,
  ].join('\n');
}
