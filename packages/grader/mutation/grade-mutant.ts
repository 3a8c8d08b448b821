/**
 * The command Stryker runs for each mutant (stryker.config.mjs), inside its sandbox copy of the
 * repository: grades with the course's suites the exercises of `solutions/<chapter>/` that the
 * active mutant can reach, and exits 1 below 100% (the mutant is killed), 0 at 100% (it survived).
 *
 * Stryker instruments every mutant into the files at once and names the active one in the
 * environment (`__STRYKER_ACTIVE_MUTANT__`); the file holding it, and every file of the folder
 * that imports that file, directly or not, are what the mutant changes (`reach.ts`). Without an
 * active mutant (Stryker's first, unmutated run) the whole chapter is graded.
 *
 *   tsx packages/grader/mutation/grade-mutant.ts rnn
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCourse } from '../src/course';
import { grade } from '../src/grade';
import { repoRoot } from '../src/paths';
import { filesReached } from './reach';

/** Per-check time limit: an endless loop a mutant makes fails its check quickly. */
const CHECK_TIMEOUT_MS = 5_000;

const chapter = process.argv[2] ?? 'rnn';
const active = process.env.__STRYKER_ACTIVE_MUTANT__;
const course = await loadCourse();
const exercises = course.exercises.filter((e) => e.chapter.manifest.chapter === chapter);
if (exercises.length === 0) {
  console.error(`grade-mutant: no exercises of chapter '${chapter}'`);
  process.exit(2);
}
const folder = resolve(repoRoot, 'solutions', chapter);
const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
const texts = new Map(files.map((f) => [f, readFileSync(join(folder, f), 'utf8')]));

const reach = active === undefined ? undefined : filesReached(texts, active);
const selected =
  reach === undefined
    ? exercises
    : exercises.filter((e) => reach.has(e.file.slice(chapter.length + 1)));
const report = await grade({
  course,
  target: 'solutions',
  filter: selected.map((e) => e.id),
  timeoutMs: CHECK_TIMEOUT_MS,
});
const failed = report.exercises.filter((e) => e.status !== 'passed');
const what = active === undefined ? 'unmutated' : `mutant ${active}`;
console.log(
  `${what}: ${report.score}/${report.maxScore} on ${selected.length} exercises` +
    failed.map((e) => `\n  ${e.id} ${e.status}: ${e.message.split('\n')[0] ?? ''}`).join(''),
);
process.exit(report.score === report.maxScore && failed.length === 0 ? 0 : 1);
