/**
 * `course hint <id> [key] [--all]`: the next hint not yet seen (hints go from a nudge to nearly
 * the answer), the hint a failure message names by its key, or all of them.
 */
import type { Exercise } from '../course';
import { bold, cyan, dim } from '../format/style';
import { readState, writeState } from '../state';

/** A key the exercise has no hint for; the message lists the keys it has. */
export class UnknownHintError extends Error {
  override name = 'UnknownHintError';
  constructor(exercise: Exercise, key: string) {
    const keys = Object.keys(exercise.hints).join(', ');
    super(`${exercise.id} has no hint '${key}'. Its hints: ${keys}`);
  }
}

/**
 * Prints the next hint, the one named `key`, or all; remembers which were seen. Inside `watch`
 * (`inWatch`) the way to the next hint is a key, not a command.
 */
export function showHint(
  exercise: Exercise,
  opts: { all?: boolean; key?: string; inWatch?: boolean },
  print: (s: string) => void,
): void {
  const keys = Object.keys(exercise.hints);
  if (opts.key !== undefined && !keys.includes(opts.key)) {
    throw new UnknownHintError(exercise, opts.key);
  }
  const state = readState();
  const recorded = state.hintsSeen[exercise.id] ?? [];
  const seen = new Set(typeof recorded === 'number' ? keys.slice(0, recorded) : recorded);
  const next = keys.find((k) => !seen.has(k));
  const shown = opts.all === true ? keys : [opts.key ?? next ?? keys[keys.length - 1]];
  print(`${bold(exercise.id)} ${exercise.title} ${dim(`— read ${exercise.section}`)}`);
  for (const key of shown) {
    if (key === undefined) continue;
    const number = keys.indexOf(key) + 1;
    print(`\n${cyan(`Hint ${number} of ${keys.length} (${key}):`)} ${exercise.hints[key]}`);
    seen.add(key);
  }
  const unseen = keys.filter((k) => !seen.has(k));
  if (unseen.length > 0) {
    print(
      dim(
        opts.inWatch === true
          ? '\nMore: press h again'
          : `\nMore: npm run course -- hint ${exercise.id}   (all: --all)`,
      ),
    );
  } else if (opts.all !== true && next === undefined) {
    print(
      dim(
        `\nThat was the last hint. Once the exercise passes, npm run course -- solution ${exercise.id}`,
      ),
    );
  }
  state.hintsSeen[exercise.id] = keys.filter((k) => seen.has(k));
  writeState(state);
}
