/**
 * The learner's state between commands, in `.course/state.json` (gitignored): which hints of
 * each exercise they have seen, by key.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from './paths';

/** What is remembered. */
export interface CourseState {
  /**
   * The keys of the hints seen, per exercise id (a number, in a state file written before hints
   * had keys, counts the first hints).
   */
  hintsSeen: Record<string, readonly string[] | number>;
}

function stateFile(): string {
  return join(stateDir(), 'state.json');
}

/** Reads the state; a missing or unreadable file is a fresh start. */
export function readState(): CourseState {
  try {
    if (existsSync(stateFile())) {
      const parsed = JSON.parse(readFileSync(stateFile(), 'utf8')) as Partial<CourseState>;
      return { hintsSeen: parsed.hintsSeen ?? {} };
    }
  } catch {
    // a damaged state file only forgets which hints were seen
  }
  return { hintsSeen: {} };
}

/** Writes the state. */
export function writeState(state: CourseState): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(stateFile(), JSON.stringify(state, null, 2) + '\n');
}
