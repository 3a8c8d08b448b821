/**
 * What hardening grading costs, for the two designs the issue "Grading that a submission cannot
 * forge" weighs, and which forgeries each stops:
 *
 * - the sandbox (src/sandbox/): learner code in a separate Node process under the permission
 *   model, called over IPC: bundling, start-up, the cost of one call, and a finite-difference
 *   gradient check (RNN step, N = 3, D = 4, H = 5: 154 forward evaluations) in process, one
 *   call per evaluation, and batched;
 * - SES `lockdown()` in a Vitest setup file (forks pool): the start-up of a Vitest run and the
 *   time of the same checks inside it, with and without lockdown, and the forgeries of the
 *   issue's table tried in the locked-down worker (bench/hardening/probe.suite.ts).
 *
 * Prints figures and ratios against a peer measured in the same run (the machine is shared and
 * noisy); asserts nothing. Run: `npx tsx packages/grader/bench/hardening.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { noGrad, numericalGradientOfOutput, Rng, randn, Tensor } from '@rnn-course/core';
import { rnnStepForward } from '../../../solutions/rnn/rnn-step';
import { loadCourse } from '../src/course';
import { fromRoot, repoRoot } from '../src/paths';
import { bundleTarget, numericGradientsBatched, Sandbox } from '../src/sandbox/index';
import { stageSuites } from '../src/staged-suites';

const REPS = Number(process.env.BENCH_REPS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timeMs(fn: () => unknown | Promise<unknown>, reps = REPS): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const row = (label: string, ms: number, peer?: number): void => {
  const ratio = peer === undefined ? '' : `  (${(ms / peer).toFixed(1)}x)`;
  console.log(`  ${label.padEnd(58)} ${ms.toFixed(ms < 1 ? 3 : 1).padStart(9)} ms${ratio}`);
};

const rng = new Rng(1);
const p = {
  x: randn([3, 4], rng),
  prevH: randn([3, 5], rng),
  Wx: randn([4, 5], rng),
  Wh: randn([5, 5], rng),
  b: randn([5], rng),
};
const args = Object.values(p);
const dout = randn([3, 5], rng);

// ---------------------------------------------------------------- the sandbox

console.log('The sandbox (solutions/, chapter 1)\n');
const course = await loadCourse();
const file = 'rnn/rnn-step.ts';
const bundleMs = await timeMs(async () =>
  (await bundleTarget({ course, targetDir: fromRoot('solutions') })).cleanup(),
);
const suites = [...new Set(course.exercises.map((e) => fromRoot(e.suite)))];
const stageMs = await timeMs(() => {
  const staged = stageSuites(suites);
  staged.changed();
  staged.cleanup();
});
row('bundle the target (core cached)', bundleMs);
row(`stage and hash the suites (${suites.length} suites), before and after`, stageMs);

const bundle = await bundleTarget({ course, targetDir: fromRoot('solutions') });
const chapter = bundle.chapterOf(file);
if (chapter === undefined) throw new Error('solutions/rnn/rnn-step.ts was not bundled');
const startMs = await timeMs(async () => {
  const s = new Sandbox(chapter);
  await s.load(file);
  await s.close();
});
row('start a sandbox and import the learner file', startMs);

const sandbox = new Sandbox(chapter);
await sandbox.load(file);
const local = await timeMs(() => {
  for (let i = 0; i < 200; i++) rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
});
const remote = await timeMs(async () => {
  for (let i = 0; i < 200; i++) await sandbox.call(file, 'rnnStepForward', args);
});
row('rnnStepForward in process, per call', local / 200);
row('rnnStepForward in the sandbox, per call (round trip)', remote / 200, local / 200);

const forward = (): Tensor => noGrad(() => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b).nextH);
const inProcess = await timeMs(() => {
  for (const x of args) numericalGradientOfOutput(forward, x, dout);
});
const oneByOne = await timeMs(async () => {
  for (const [k, x] of args.entries()) {
    for (let i = 0; i < x.size; i++) {
      for (const step of [1e-5, -1e-5]) {
        const data = x.data.slice();
        data[i] = (data[i] as number) + step;
        const perturbed = [...args];
        perturbed[k] = new Tensor(data, x.shape);
        await sandbox.call(file, 'rnnStepForward', perturbed);
      }
    }
  }
});
const batched = await timeMs(() =>
  numericGradientsBatched(
    sandbox.module<{ rnnStepForward: typeof rnnStepForward }>(file).rnnStepForward,
    {
      inputs: p,
      dout,
      output: ['nextH'],
    },
  ),
);
console.log('');
row('gradient check (154 forwards) in process', inProcess);
row('gradient check in the sandbox, one call per forward', oneByOne, inProcess);
row('gradient check in the sandbox, batched', batched, inProcess);
await sandbox.close();
bundle.cleanup();

// ---------------------------------------------------------------- SES lockdown in Vitest

console.log('\nSES lockdown() in a Vitest setup file (forks pool), against the same run without\n');
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const config = join(repoRoot, 'packages/grader/bench/hardening/vitest.hardening.config.ts');
interface Probe {
  timings: { valueCheckMs: number; gradientCheckMs: number };
  rows: Record<string, boolean | string>;
}
const runs: Record<'plain' | 'ses', Array<{ wallMs: number; probe: Probe }>> = {
  plain: [],
  ses: [],
};
for (let i = 0; i < Math.max(3, REPS); i++) {
  for (const kind of ['plain', 'ses'] as const) {
    const out = join(tmpdir(), `hardening-${process.pid}-${kind}.json`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', config], {
      cwd: repoRoot,
      env: { ...process.env, HARDENING_SES: kind === 'ses' ? '1' : '0', HARDENING_OUT: out },
      encoding: 'utf8',
    });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`the ${kind} Vitest run failed:\n${r.stdout}\n${r.stderr}`);
    runs[kind].push({ wallMs, probe: JSON.parse(readFileSync(out, 'utf8')) as Probe });
    rmSync(out, { force: true });
  }
}
const med = (kind: 'plain' | 'ses', f: (x: { wallMs: number; probe: Probe }) => number): number =>
  median(runs[kind].map(f));
row(
  'Vitest run (start-up, one check file), without lockdown',
  med('plain', (r) => r.wallMs),
);
row(
  'Vitest run, with lockdown',
  med('ses', (r) => r.wallMs),
  med('plain', (r) => r.wallMs),
);
row(
  'value check (rnnStepForward against the reference), without',
  med('plain', (r) => r.probe.timings.valueCheckMs),
);
row(
  'value check, with lockdown',
  med('ses', (r) => r.probe.timings.valueCheckMs),
  med('plain', (r) => r.probe.timings.valueCheckMs),
);
row(
  'gradient check (154 forwards), without',
  med('plain', (r) => r.probe.timings.gradientCheckMs),
);
row(
  'gradient check, with lockdown',
  med('ses', (r) => r.probe.timings.gradientCheckMs),
  med('plain', (r) => r.probe.timings.gradientCheckMs),
);

console.log("\nThe issue's forgeries tried in the worker (true: it took effect)\n");
const plainRows = runs.plain[0]?.probe.rows ?? {};
const sesRows = runs.ses[0]?.probe.rows ?? {};
console.log(`  ${'row'.padEnd(62)} ${'without'.padEnd(9)} with lockdown`);
for (const key of Object.keys(plainRows)) {
  const show = (v: boolean | string | undefined): string =>
    v === true ? 'true' : v === false ? 'false' : 'refused';
  console.log(`  ${key.padEnd(62)} ${show(plainRows[key]).padEnd(9)} ${show(sesRows[key])}`);
}
