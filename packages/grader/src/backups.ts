/**
 * Backups of the learner's files, kept before any command rewrites one (`reset`, `restore`,
 * `generate`): `.course/backups/<time>/exercises/<chapter>/<file>.ts`, one folder per command
 * run, so that nothing a learner wrote is ever lost and `restore` can put it back.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from './paths';

/** One backup of a file. */
export interface Backup {
  /** When it was taken, as its folder names it: `2025-03-01T10-22-05-123Z`. */
  readonly stamp: string;
  readonly path: string;
}

/** A folder name for now that sorts in time order. */
export function stampNow(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Copies `file` to the backups of `stamp` as `exercises/<rel>`; returns the copy's path.
 *
 * @param rel the file's path relative to `exercises/`, e.g. `rnn/rnn-step.ts`
 */
export function backUp(file: string, rel: string, stamp = stampNow()): string {
  const copy = join(stateDir(), 'backups', stamp, 'exercises', rel);
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(file, copy);
  return copy;
}

/** Every backup of `exercises/<rel>`, newest first (older backups without the `exercises/` level too). */
export function backupsOf(rel: string): Backup[] {
  const root = join(stateDir(), 'backups');
  if (!existsSync(root)) return [];
  const found: Backup[] = [];
  for (const stamp of readdirSync(root)) {
    for (const path of [join(root, stamp, 'exercises', rel), join(root, stamp, rel)]) {
      if (existsSync(path)) {
        found.push({ stamp, path });
        break;
      }
    }
  }
  return found.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
}
