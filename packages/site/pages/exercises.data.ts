/**
 * Build-time data of the exercise index page: every exercise of every chapter's manifest, as
 * the grader loads them (see `src/exercises.ts`). The page re-renders when a manifest or a
 * chapter text changes under `npm run site`.
 */
import { repoRoot } from '@rnn-course/lab';
import { defineLoader } from 'vitepress';
import { loadExerciseIndex } from '../src/exercises';
import type { ExerciseCard } from '../src/exercises';
import { repository } from '../src/repository';

export type { ExerciseCard };

declare const data: ExerciseCard[];
export { data };

export default defineLoader({
  watch: ['../../*/manifest.ts', '../../*/README.md', '../../../docs/*.md'],
  load: () => loadExerciseIndex(repoRoot, repository(repoRoot)),
});
