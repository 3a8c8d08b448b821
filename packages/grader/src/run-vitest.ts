/**
 * Runs the grading suites in a child Vitest process, under a watchdog; its events come back over
 * the IPC channel (see results-channel.ts). Vitest's per-test time
 * limit catches a promise that never settles, but nothing inside a worker can stop a
 * synchronous endless loop; the watchdog can. It kills the whole process group when no event
 * has arrived for longer than the time limit, and the caller re-runs what did not finish.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { GradeEvent } from './events';
import { graderRoot, repoRoot } from './paths';
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
  /** Per-check time limit, also the watchdog's silence limit. */
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

/** Extra time before the first event: Vitest's start-up and the first module's import. */
const STARTUP_MS = 20_000;
/**
 * Extra silence allowed after that. The learner's code runs in the sandbox, whose own time limit
 * stops a loop and restarts the sandbox; the watchdog is the backstop for a run that stops
 * reporting altogether. Results travel from the workers in batches, and on a busy machine the
 * sandbox's restart after a killed loop took more than 3.5 s (a 1.5 s grace once called a healthy
 * warm instance hung): a backstop can afford to wait.
 */
const GRACE_MS = 10_000;

/** How long a run may go without an event before the watchdog stops it (cold or warm). */
export function silenceLimit(timeoutMs: number, eventsSoFar: number): number {
  return timeoutMs + (eventsSoFar === 0 ? STARTUP_MS : GRACE_MS);
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
