/**
 * How long grading takes, as a learner and an instructor meet it. Run with
 * `npm run bench -w @rnn-course/grader` (or `npx tsx bench/grade.bench.ts` in this folder);
 * `--quick` runs fewer repetitions and a smaller class.
 *
 * 1. Cold grade of one exercise: `course grade <id>` as a new process, what `npm run grade --
 *    <id>` costs after npm has started (median of several runs), with the CPU time of its
 *    process tree (Linux), which load changes less than the wall time. Its peers, measured in
 *    the same run: a bare `node -e 0` (how many Node start-ups a cold grade costs) and the same
 *    grade without the transform cache (`COURSE_NO_TRANSFORM_CACHE`), as it was before.
 * 2. Warm re-grade: what `watch` does after a save, on one Vitest instance kept alive (warm.ts);
 *    its peer is the cold grade above (the ratio is the saving).
 * 3. The whole of solutions/ in one cold run.
 * 4. grade-batch throughput: a class of copies of solutions/, one student at a time and then one
 *    per core; students per minute, and the ratio of the two.
 *
 * Targets from the course's issue, for a quiet two-core machine: a cold grade of one exercise at
 * most 1.5 s, a warm re-grade at most 0.5 s. On a busy machine compare the ratios.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { perMinute } from '../src/commands/batch';
import { grade, gradeBatch, loadCourse } from '../src/index';
import { graderRoot, repoRoot } from '../src/paths';
import { startWarm } from '../src/warm';

const quick = process.argv.includes('--quick');
const course = await loadCourse();
const first = course.exercises[0];
if (first === undefined) {
  console.log('No chapter is registered in packages/grader/src/chapters.ts: nothing to time.');
  process.exit(0);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const line = (label: string, value: string, note = ''): void =>
  console.log(`${label.padEnd(46)} ${value.padStart(10)}${note === '' ? '' : `   ${note}`}`);
/**
 * CPU seconds used by this process's finished children and theirs (Linux: /proc/self/stat's
 * cutime and cstime, in clock ticks of 1/100 s); NaN elsewhere.
 */
const childCpu = (): number => {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
};
/** Wall time (ms) and CPU time (s) of a child process and everything it started. */
const timed = (
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; cpu: number } => {
  const cpu = childCpu();
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore', env });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return { ms: performance.now() - started, cpu: childCpu() - cpu };
};

console.log(
  `Grading benchmark: ${course.exercises.length} exercises; ${availableParallelism()} cores, ` +
    `load average ${loadavg()[0]?.toFixed(1)} (a busy machine: read the ratios)\n`,
);

// 1. Cold grade of one exercise, and its peer.
const runs = quick ? 3 : 7;
const cli = resolve(graderRoot, 'src/cli.ts');
const gradeOne = ['--import', 'tsx', cli, 'grade', first.id, '--target', 'solutions'];
const uncached = { ...process.env, COURSE_NO_TRANSFORM_CACHE: '1' };
timed(gradeOne); // fills the transform cache
const nodeStart: number[] = [];
const cold: { ms: number; cpu: number }[] = [];
const coldUncached: { ms: number; cpu: number }[] = [];
for (let i = 0; i < runs; i++) {
  nodeStart.push(timed(['-e', '0']).ms);
  cold.push(timed(gradeOne));
  coldUncached.push(timed(gradeOne, uncached));
}
const coldMs = median(cold.map((c) => c.ms));
const cpuOf = (xs: { cpu: number }[]): string => `CPU ${median(xs.map((x) => x.cpu)).toFixed(2)} s`;
line('node -e 0 (peer)', seconds(median(nodeStart)), `median of ${runs}`);
line(
  `cold grade of one exercise (${first.id})`,
  seconds(coldMs),
  `median of ${runs}; ${cpuOf(cold)}; ${(coldMs / median(nodeStart)).toFixed(1)} Node start-ups`,
);
line(
  '  the same without the transform cache (peer)',
  seconds(median(coldUncached.map((c) => c.ms))),
  cpuOf(coldUncached),
);

// 2. Warm re-grade after a save, as watch does it.
const scratch = resolve(repoRoot, '.course');
mkdirSync(scratch, { recursive: true });
const dir = mkdtempSync(join(scratch, 'bench-'));
try {
  for (const c of course.chapters) {
    const chapter = c.manifest.chapter; // the chapter folders only: their files are graded
    cpSync(resolve(repoRoot, 'solutions', chapter), join(dir, chapter), { recursive: true });
  }
  const file = join(dir, first.file);
  const warm = await startWarm(course, dir, 10_000);
  const warmRuns: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      appendFileSync(file, `// save ${i}\n`); // a save that changes the file
      const started = performance.now();
      const r = await grade({ course, target: dir, filter: [first.id], runner: warm.run });
      if (r.exercises[0]?.status !== 'passed')
        throw new Error(`${first.id} did not pass warm: ${r.exercises[0]?.message}`);
      if (i > 0) warmRuns.push(performance.now() - started); // the first run starts the worker pool
    }
  } finally {
    await warm.close();
  }
  const warmMs = median(warmRuns);
  line(
    'warm re-grade after a save (watch)',
    seconds(warmMs),
    `median of ${runs}; ${(warmMs / coldMs).toFixed(2)} of a cold grade`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// 3. The whole course, cold.
{
  const started = performance.now();
  const r = await grade({ course, target: 'solutions' });
  const checks = r.exercises.reduce((n, e) => n + e.tests.length, 0);
  line(
    'all of solutions/ (one cold run)',
    seconds(performance.now() - started),
    `${checks} checks, ${r.score}/${r.maxScore} points`,
  );
}

// 4. grade-batch throughput, one at a time and one per core.
{
  const students = quick ? 2 : 4;
  const classDir = mkdtempSync(join(tmpdir(), 'course-bench-class-'));
  try {
    for (let s = 0; s < students; s++) {
      cpSync(resolve(repoRoot, 'solutions'), join(classDir, `student-${s}`), { recursive: true });
    }
    const rates: number[] = [];
    for (const jobs of [1, availableParallelism()]) {
      const started = performance.now();
      const rows = await gradeBatch(course, {
        dir: classDir,
        csv: join(classDir, `grades-${jobs}.csv`),
        jobs,
      });
      const ms = performance.now() - started;
      if (rows.some((r) => r.report?.score !== r.report?.maxScore))
        throw new Error('a copy of solutions/ lost points');
      rates.push(perMinute(students, ms));
      line(
        `grade-batch, ${students} students, ${jobs} at a time`,
        `${perMinute(students, ms).toFixed(1)}/min`,
        seconds(ms),
      );
    }
    const [one, all] = rates;
    if (one !== undefined && all !== undefined && rates.length === 2) {
      line('grade-batch speed-up, one per core / one at a time', `${(all / one).toFixed(2)}x`);
    }
  } finally {
    rmSync(classDir, { recursive: true, force: true });
  }
}
