/**
 * What the hardening costs a grading run, before and after: a cold `course grade` of one
 * exercise and of the whole of solutions/, in this checkout and in another (`--before DIR`: a
 * checkout of the course from before the change, its dependencies installed), in turns, so that
 * both meet the same load on a shared machine. Prints every run, the medians and the ratios
 * after/before; asserts nothing.
 *
 *   git worktree add --detach /tmp/before <commit> && (cd /tmp/before && npm ci)
 *   npx tsx packages/grader/bench/before-after.bench.ts --before /tmp/before [--rounds 5]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCourse } from '../src/course';
import { repoRoot } from '../src/paths';

const { values } = parseArgs({
  options: { before: { type: 'string' }, rounds: { type: 'string' } },
});
const before = values.before === undefined ? undefined : resolve(values.before);
if (before === undefined || !existsSync(join(before, 'packages/grader/src/cli.ts'))) {
  console.log('Usage: before-after.bench.ts --before DIR (a checkout of the course, npm ci done)');
  process.exit(2);
}
const rounds = Number(values.rounds ?? 5);
const first = (await loadCourse()).exercises[0];
if (first === undefined) throw new Error('no exercise is registered in src/chapters.ts');
const work = mkdtempSync(join(tmpdir(), 'course-before-after-'));

/** One cold grade of solutions/ in the checkout `root`: wall seconds and the score it gave. */
function coldGrade(root: string, filter: readonly string[]): { seconds: number; score: string } {
  const json = join(work, 'report.json');
  rmSync(json, { force: true });
  const cli = ['--import', 'tsx', 'packages/grader/src/cli.ts', 'grade', ...filter];
  const started = performance.now();
  spawnSync(process.execPath, [...cli, '--target', 'solutions', '--quiet', '--json', json], {
    cwd: root,
    stdio: 'ignore',
  });
  const seconds = (performance.now() - started) / 1000;
  if (!existsSync(json)) return { seconds, score: 'no report' };
  const r = JSON.parse(readFileSync(json, 'utf8')) as { score: number; maxScore: number };
  return { seconds, score: `${r.score}/${r.maxScore}` };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const runs = {
  before: { one: [] as number[], all: [] as number[] },
  after: { one: [] as number[], all: [] as number[] },
};
try {
  for (let round = 1; round <= rounds; round++) {
    for (const [name, root] of [
      ['before', before],
      ['after', repoRoot],
    ] as const) {
      const one = coldGrade(root, [first.id]);
      const all = coldGrade(root, []);
      runs[name].one.push(one.seconds);
      runs[name].all.push(all.seconds);
      console.log(
        `round ${round} ${name.padEnd(6)} ${first.id} ${one.seconds.toFixed(1)} s (${one.score}), ` +
          `all of solutions/ ${all.seconds.toFixed(1)} s (${all.score})`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const what of ['one', 'all'] as const) {
  const b = median(runs.before[what]);
  const a = median(runs.after[what]);
  const label = what === 'one' ? `cold grade of ${first.id}` : 'cold grade of all of solutions/';
  console.log(
    `${label}: before ${b.toFixed(1)} s, after ${a.toFixed(1)} s, ${(a / b).toFixed(2)}x (medians of ${rounds})`,
  );
}
