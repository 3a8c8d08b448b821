/**
 * A known mistake, written as a few edits of the worked solution rather than a copy of it:
 * `stageEdited` copies `solutions/` (or `exercises/`, or a folder) into a fresh folder under
 * `.course/targets/` and applies the edits to one of its files, so grading that folder grades
 * the mistake with working neighbours. An edit whose text no longer occurs exactly once throws,
 * so a mistake goes stale loudly when the solution changes.
 */
import {
  cpSync,
  statSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { targetsDir } from './paths';
import { folderOf } from './target';

/** Replace the one occurrence of `find` by `replace`. */
export interface Edit {
  readonly find: string;
  readonly replace: string;
}

/** What to stage: one file of a folder, with its edits. */
export interface StageEditedOptions {
  /** `solutions`, `exercises` or a folder. */
  readonly from: string;
  /** The file, relative to `from`, e.g. `rnn/rnn-step.ts`. */
  readonly file: string;
  /** Applied in order, each to the text the previous ones left. */
  readonly edits: readonly Edit[];
}

/** A staged copy of the folder, with the one file edited. */
export interface StagedEdit {
  readonly dir: string;
  /** Removes the folder. */
  readonly cleanup: () => void;
}

/**
 * Applies `edits` to `text` in order.
 *
 * @param file names the text in errors
 * @throws Error naming the file, the edit and how many times its `find` occurs, when that is
 *   not exactly once
 */
export function applyEdits(text: string, edits: readonly Edit[], file: string): string {
  let out = text;
  edits.forEach((edit, i) => {
    const which = `${file}: edit ${i + 1} of ${edits.length}`;
    if (edit.find === '') throw new Error(`${which} has an empty find`);
    const count = occurrences(out, edit.find);
    if (count !== 1) {
      throw new Error(
        `${which} finds ${JSON.stringify(edit.find)} ${count} times; it must occur exactly once`,
      );
    }
    const at = out.indexOf(edit.find);
    out = out.slice(0, at) + edit.replace + out.slice(at + edit.find.length); // no `$` patterns
  });
  return out;
}

/** Copies `from` into a fresh folder under `.course/targets/`, with `edits` applied to `file`. */
export function stageEdited(opts: StageEditedOptions): StagedEdit {
  const from = folderOf(opts.from, 'source');
  const source = join(from, opts.file);
  if (!existsSync(source)) throw new Error(`stageEdited: ${opts.file} not found in ${opts.from}`);
  const text = applyEdits(readFileSync(source, 'utf8'), opts.edits, opts.file);
  mkdirSync(targetsDir, { recursive: true });
  const dir = mkdtempSync(join(targetsDir, 'edited-'));
  // The source files only: a tsconfig.json or package.json would resolve relative to the copy.
  const sources = (f: string): boolean =>
    !f.includes('node_modules') && (statSync(f).isDirectory() || f.endsWith('.ts'));
  cpSync(from, dir, { recursive: true, filter: sources });
  writeFileSync(join(dir, opts.file), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Non-overlapping occurrences of a non-empty `find` in `text`. */
function occurrences(text: string, find: string): number {
  let count = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + find.length)) count++;
  return count;
}
