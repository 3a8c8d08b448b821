/**
 * Runs the grading suites in a child Vitest process, under a watchdog; its events come back over
 * the IPC channel (see results-channel.ts). The learner's code runs in the sandbox, whose time
 * limit stops it; Vitest's limit per check backs that up; the watchdog backs up both: it kills
 * the whole process group when no event has arrived for longer than `silenceLimit`
 * (limits.ts), and the caller re-runs what did not finish.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { GradeEvent } from './events';
import { graderRoot, repoRoot } from './paths';
import { silenceLimit } from './limits';
import { receiveEvents } from './results-channel';
import { STAGED_SUITES_ENV } from './staged-suites';
import { SEED_ENV } from './testing/seed';
import { killTree } from './process-tree';

/** What to run. */
export interface RunOptions {
  /** The folder `@target/` resolves to. */
  readonly targetDir: string;
  /** Absolute paths of the suites to run. */
  readonly suites: readonly string[];
  /** Run only these exercises inside the suites (all when absent). */
  readonly exercises?: readonly string[];
  /** The learner's time limit per call (limits.ts derives the check's and the watchdog's). */
  readonly timeoutMs: number;
  /** The seed of the suites' inputs (`COURSE_SEED`, src/testing/seed.ts); 0 by default. */
  readonly seed?: number;
  /** The run's sandbox bundles (`COURSE_SANDBOX_DIR` for the workers). */
  readonly sandboxDir?: string;
  /** Staged suite folders → their originals (see staged-suites.ts). */
  readonly stagedFolders?: Readonly<Record<string, string>>;
  /** When the run is killed whatever it is doing (epoch ms): a batch's time per student. */
  readonly deadline?: number;
}

/** What came back. */
export interface RunResult {
  readonly events: GradeEvent[];
  /** The watchdog killed the run. */
  readonly killed: boolean;
  readonly exitCode: number | null;
  /** The tail of Vitest's own output, for when it could not run at all. */
  readonly output: string;
  /** The run was killed because `deadline` passed. */
  readonly deadlineReached?: boolean;
}

const running = new Set<number>();

/** Kills the process groups of runs still going (the CLI calls it on Ctrl-C). */
export function killActiveRuns(): void {
  for (const pid of running) killGroup(pid);
  running.clear();
}

/** Runs one grading Vitest process and collects its events. */
export async function runVitest(opts: RunOptions): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'COURSE_EVENTS') {
      env[key] = value;
    }
  }
  Object.assign(env, {
    COURSE_TARGET: opts.targetDir,
    COURSE_SUITES: opts.suites.join(','),
    COURSE_EXERCISES: (opts.exercises ?? []).join(','),
    COURSE_TIMEOUT_MS: String(opts.timeoutMs),
    [SEED_ENV]: String(opts.seed ?? 0),
    // the events come back over the IPC channel opened below (results-channel.ts), not a file
    COURSE_REPORT: 'ipc',
    ...(opts.sandboxDir === undefined ? {} : { COURSE_SANDBOX_DIR: opts.sandboxDir }),
    ...(opts.stagedFolders === undefined
      ? {}
      : { [STAGED_SUITES_ENV]: JSON.stringify(opts.stagedFolders) }),
    FORCE_COLOR: '0',
  });
  const args = [vitestBin(), 'run', '--config', resolve(graderRoot, 'vitest.grade.config.ts')];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    detached: process.platform !== 'win32', // its own process group, so one kill stops the workers
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const events: GradeEvent[] = [];
  if (child.pid !== undefined) running.add(child.pid);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let killed = false;
  let deadlineReached = false;
  let lastActivity = Date.now();
  receiveEvents(child, (event) => {
    events.push(event);
    lastActivity = Date.now();
  });
  const watchdog = setInterval(() => {
    const now = Date.now();
    const limit = silenceLimit(opts.timeoutMs, events.length);
    const late = opts.deadline !== undefined && now >= opts.deadline;
    if ((now - lastActivity > limit || late) && child.pid !== undefined && !killed) {
      killed = true;
      deadlineReached = late;
      killGroup(child.pid);
    }
  }, 200);

  const exitCode = await new Promise<number | null>((done) => {
    child.on('error', () => done(null));
    child.on('close', (code) => done(code));
  });
  clearInterval(watchdog);
  if (child.pid !== undefined) {
    killGroup(child.pid); // workers left behind by a crashed Vitest
    running.delete(child.pid);
  }
  return { events, killed, exitCode, output, deadlineReached };
}

/** Kills the run's process group and every process below it (see process-tree.ts). */
function killGroup(pid: number): void {
  killTree(pid);
}

function vitestBin(): string {
  const pkg = createRequire(import.meta.url).resolve('vitest/package.json');
  return join(dirname(pkg), 'vitest.mjs');
}
