/**
 * `npm run mutation [-- <chapter>]`: StrykerJS over a chapter's worked solutions, graded by the
 * course's own suites (see stryker.config.mjs and grade-mutant.ts). The mutation score says how
 * many small changes of a correct solution the grading catches; each surviving mutant is a
 * change the suites accept, printed with its diff.
 *
 * StrykerJS lives in this folder's own package.json and lock, outside the course's npm
 * workspaces, so a learner's `npm ci` never installs it. The first run installs it here with
 * `npm ci`, and again whenever the lock is newer than the install. It takes a while: every mutant
 * is a grading run (about 20 minutes for chapter 1 on two cores).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../src/paths';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const LOCK = fileURLToPath(new URL('package-lock.json', import.meta.url));
/** npm writes this copy of the lock into node_modules after a complete install. */
const INSTALLED = fileURLToPath(new URL('node_modules/.package-lock.json', import.meta.url));
const STRYKER = fileURLToPath(new URL('node_modules/.bin/stryker', import.meta.url));
const CONFIG = fileURLToPath(new URL('stryker.config.mjs', import.meta.url));

/** Installs StrykerJS into mutation/node_modules unless an install as new as the lock is there. */
function ensureStryker(): void {
  if (existsSync(INSTALLED) && statSync(INSTALLED).mtimeMs >= statSync(LOCK).mtimeMs) return;
  console.log(`Installing StrykerJS into ${HERE}node_modules (npm ci, once) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: HERE,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new Error(
      `npm ci in ${HERE} failed (status ${result.status}): mutation testing needs StrykerJS`,
    );
  }
}

const chapter = process.argv[2] ?? 'rnn';
ensureStryker();
const started = Date.now();
const result = spawnSync(STRYKER, ['run', CONFIG], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, COURSE_MUTATION_CHAPTER: chapter },
});
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(
  `Mutation testing of solutions/${chapter} took ${minutes} min; the report is reports/mutation/${chapter}.json.`,
);
process.exit(result.status ?? 1);
