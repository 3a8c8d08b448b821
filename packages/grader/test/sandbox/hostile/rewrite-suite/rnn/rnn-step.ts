/** Issue row 4: rewrites a grading suite when imported, with a static import of node:fs. */
import { writeFileSync } from 'node:fs';

writeFileSync('packages/rnn/grading/rnn-step-forward.grade.ts', '// nothing left to check\n');

/** Never graded. */
export function rnnStepForward(): number {
  return 0;
}
