/**
 * `course solution <id> [--force]`: the worked solution, once the learner's exercise passes;
 * before that only with `--force`, after a warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { bold, dim, yellow } from '../format/style';
import { grade } from '../grade';
import { displayPath, repoRoot } from '../paths';

/** Prints the solution file when allowed; returns the exit code. */
export async function solutionCommand(
  course: Course,
  exercise: Exercise,
  force: boolean,
  print: (s: string) => void,
): Promise<number> {
  const file = resolve(repoRoot, 'solutions', exercise.file);
  if (!existsSync(file)) {
    print(`No solution file for ${exercise.id} (${displayPath(file)}).`);
    return 1;
  }
  if (!force) {
    const report = await grade({ course, filter: [exercise.id], target: 'exercises' });
    const status = report.exercises[0]?.status ?? 'error';
    if (status !== 'passed') {
      print(
        `${exercise.id} does not pass yet (${status}). The solution is there to compare with once ` +
          `yours works.\n  npm run course -- hint ${exercise.id}      a hint\n` +
          `  npm run course -- solution ${exercise.id} --force   the solution anyway`,
      );
      return 1;
    }
  } else {
    print(yellow(`Showing the solution of ${exercise.id} before your exercise passes (--force).`));
  }
  print(`${bold(exercise.id)} ${exercise.title} ${dim(`— ${displayPath(file)}`)}\n`);
  print(readFileSync(file, 'utf8'));
  return 0;
}
