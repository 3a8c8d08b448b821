/**
 * One Vitest instance kept alive for `watch`, through Vitest's Node API (`createVitest`), so that
 * a re-grade after a save does not pay for starting Vitest, loading its config, starting Vite
 * and transforming the core, the reference and the suites again: only the files that changed
 * are transformed anew (`invalidateFile`), and a fresh worker runs the suites
 * (`runTestSpecifications`). It runs the same grading config as a cold run, and reports the
 * same events, so `grade()` reads its results as it reads a cold run's.
 *
 * The learner's code runs in the sandbox here as in a cold run: `grade()` bundles the target
 * anew for every run and names the bundle in `COURSE_SANDBOX_DIR`, which the workers read, so a
 * save is graded from its new bundle and nothing the learner wrote loads in this process or in a
 * worker. Two things differ from a cold run, both because this instance lives in the grader's own
 * process: the events come to the grader in memory (`COURSE_REPORT=memory`, results-channel.ts)
 * instead of over an IPC channel, and the suites are hashed in place before and after each run
 * (staged-suites.ts, `suitesInPlace`) instead of being copied, so that their transforms stay warm.
 *
 * A run that hangs (no event for the time limit and a grace) is cancelled, which terminates its
 * worker thread; the instance is then closed and every later run of this runner falls back to
 * the cold child process, which `grade()` re-runs a hung exercise in. `watch` starts a new
 * instance for the next save.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Vitest } from 'vitest/node';
import type { GradeEvent } from './events';
import { graderRoot } from './paths';
import { descendantsOf, killTree } from './process-tree';
import { MEMORY_RECEIVER } from './results-channel';
import { silenceLimit } from './limits';
import { runVitest, type RunOptions, type RunResult } from './run-vitest';
import { STAGED_SUITES_ENV } from './staged-suites';
import { SEED_ENV } from './testing/seed';

/** A warm runner: `run` has the signature of `runVitest`. */
export interface WarmRunner {
  /** Runs suites on the warm instance (or cold, once it has broken). */
  readonly run: (opts: RunOptions) => Promise<RunResult>;
  /** False once a hang broke the instance: start a new one. */
  readonly alive: () => boolean;
  readonly close: () => Promise<void>;
}

/**
 * Starts Vitest for one target folder and one time limit (the grading config reads both when it
 * loads); a run for another folder or limit, or one with staged suites, goes to a cold process.
 */
export async function startWarm(targetDir: string, timeoutMs: number): Promise<WarmRunner> {
  // the events of the current run, and when the last one came (the watchdog's clock)
  let events: GradeEvent[] = [];
  let last = Date.now();
  (globalThis as Record<symbol, unknown>)[MEMORY_RECEIVER] = (event: GradeEvent): void => {
    events.push(event);
    last = Date.now();
  };
  // What the grading config reads when it loads (vitest.grade.config.ts); workers inherit the
  // rest of the environment at each run: COURSE_EXERCISES, COURSE_SANDBOX_DIR and COURSE_SEED.
  Object.assign(process.env, {
    COURSE_TARGET: targetDir,
    COURSE_TIMEOUT_MS: String(timeoutMs),
    COURSE_REPORT: 'memory',
    FORCE_COLOR: '0',
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  });
  delete process.env.COURSE_SUITES; // the config's include is every suite; runs name theirs
  delete process.env[STAGED_SUITES_ENV]; // suites stay in place (suitesInPlace)
  let output = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output = (output + chunk.toString()).slice(-8000);
      done();
    },
  });
  const { createVitest } = await import('vitest/node');
  let vitest: Vitest | undefined = await createVitest(
    'test',
    // threads: a worker thread starts in about half the time a forked process takes, and a
    // hung one is terminated by cancelling twice (below)
    { config: resolve(graderRoot, 'vitest.grade.config.ts'), watch: false, pool: 'threads' },
    {},
    { stdout: sink, stderr: sink },
  );

  const close = async (): Promise<void> => {
    const v = vitest;
    vitest = undefined;
    if (v !== undefined) await Promise.race([v.close().catch(() => {}), sleep(5_000)]);
    killWorkers();
    delete (globalThis as Record<symbol, unknown>)[MEMORY_RECEIVER];
  };

  const run = async (opts: RunOptions): Promise<RunResult> => {
    const v = vitest;
    if (
      v === undefined ||
      resolve(opts.targetDir) !== resolve(targetDir) ||
      opts.timeoutMs !== timeoutMs ||
      Object.keys(opts.stagedFolders ?? {}).length > 0
    ) {
      return runVitest(opts);
    }
    events = [];
    last = Date.now();
    process.env.COURSE_EXERCISES = (opts.exercises ?? []).join(',');
    // the save's bundle: the learner's code is not transformed here, the sandbox runs it
    if (opts.sandboxDir === undefined) delete process.env.COURSE_SANDBOX_DIR;
    else process.env.COURSE_SANDBOX_DIR = opts.sandboxDir;
    process.env[SEED_ENV] = String(opts.seed ?? 0);
    const project = v.getRootProject();
    const specs = opts.suites.map((suite) => project.createSpecification(suite));
    let settled = false;
    const done = v.runTestSpecifications(specs).then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    // the watchdog of a cold run: silence longer than the time limit, or the deadline
    let killed = false;
    let hungEvents: GradeEvent[] | undefined;
    while (!settled) {
      await Promise.race([done, sleep(100)]);
      const now = Date.now();
      const late = opts.deadline !== undefined && now >= opts.deadline;
      if (!settled && (now - last > silenceLimit(opts.timeoutMs, events.length) || late)) {
        killed = true;
        // the first cancel asks the worker to stop; the second terminates it, even in a loop
        void v.cancelCurrentRun('keyboard-input');
        await Promise.race([done, sleep(300)]);
        void v.cancelCurrentRun('keyboard-input');
        await Promise.race([done, sleep(5_000)]);
        hungEvents = [...events];
        await close(); // a run was cut short: the next save starts a fresh instance
        break;
      }
    }
    const result: RunResult = {
      events: hungEvents ?? [...events],
      killed,
      exitCode: killed ? null : 0,
      output,
      deadlineReached: killed && opts.deadline !== undefined && Date.now() >= opts.deadline,
    };
    return result;
  };

  return { run, alive: () => vitest !== undefined, close };
}

/** Kills the Vitest workers this process started (and whatever they started). */
function killWorkers(): void {
  for (const pid of descendantsOf(process.pid)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('vitest') && cmdline.includes('workers')) killTree(pid);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
