/**
 * `course hint <id> [--all]`: the next hint not yet seen (hints go from a nudge to nearly the
 * answer), or all of them.
 */
import type { Exercise } from '../course';
import { bold, cyan, dim } from '../format/style';
import { readState, writeState } from '../state';

/** Prints the next hint (or all) and remembers how many were seen. */
export function showHint(exercise: Exercise, all: boolean, print: (s: string) => void): void {
  const state = readState();
  const hints = exercise.hints;
  const seen = state.hintsSeen[exercise.id] ?? 0;
  const upTo = all ? hints.length : Math.min(seen + 1, hints.length);
  const from = all ? 0 : upTo - 1;
  print(`${bold(exercise.id)} ${exercise.title} ${dim(`— read ${exercise.section}`)}`);
  for (let i = from; i < upTo; i++) {
    print(`\n${cyan(`Hint ${i + 1} of ${hints.length}:`)} ${hints[i] ?? ''}`);
  }
  if (upTo < hints.length) {
    print(dim(`\nMore: npm run course -- hint ${exercise.id}   (all: --all)`));
  } else if (!all && seen >= hints.length) {
    print(
      dim(
        `\nThat was the last hint. Once the exercise passes, npm run course -- solution ${exercise.id}`,
      ),
    );
  }
  state.hintsSeen[exercise.id] = Math.max(seen, upTo);
  writeState(state);
}
