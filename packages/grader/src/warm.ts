/**
 * One Vitest instance kept alive for `watch`, through Vitest's Node API (`createVitest`), so that
 * a re-grade after a save does not pay for starting Vitest, loading its config, starting Vite
 * and transforming the core, the reference and the suites again: only the files that changed
 * are transformed anew (`invalidateFile`), and a fresh worker runs the suites
 * (`runTestSpecifications`). It runs the same grading config as a cold run, and reports the
 * same events, so `grade()` reads its results as it reads a cold run's.
 *
 * A run that hangs (no event for the time limit and a grace) is cancelled, which terminates its
 * worker thread; the instance is then closed and every later run of this runner falls back to
 * the cold child process, which `grade()` re-runs a hung exercise in. `watch` starts a new
 * instance for the next save.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Vitest } from 'vitest/node';
import type { Course } from './course';
import type { GradeEvent } from './events';
import { graderRoot } from './paths';
import { descendantsOf, killTree } from './process-tree';
import { runVitest, type RunOptions, type RunResult } from './run-vitest';

/** Silence allowed after the time limit before the worker is killed, as for a cold run. */
const GRACE_MS = 1_500;

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
 * loads); a run for another folder or limit goes to a cold process.
 *
 * Before each run the files of the target's chapter folders are invalidated, so that a save is
 * transformed anew.
 */
export async function startWarm(
  course: Course,
  targetDir: string,
  timeoutMs: number,
): Promise<WarmRunner> {
  const work = mkdtempSync(join(tmpdir(), 'course-warm-'));
  const events = join(work, 'events.jsonl');
  writeFileSync(events, '');
  // What the grading config reads when it loads (vitest.grade.config.ts); workers inherit the
  // rest of the environment at each run, COURSE_EXERCISES included.
  Object.assign(process.env, {
    COURSE_TARGET: targetDir,
    COURSE_TIMEOUT_MS: String(timeoutMs),
    COURSE_EVENTS: events,
    FORCE_COLOR: '0',
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  });
  delete process.env.COURSE_SUITES; // the config's include is every suite; runs name theirs
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
  const chapterDirs = [
    ...new Set(course.exercises.map((e) => resolve(targetDir, e.chapter.manifest.chapter))),
  ];

  const close = async (): Promise<void> => {
    const v = vitest;
    vitest = undefined;
    if (v !== undefined) await Promise.race([v.close().catch(() => {}), sleep(5_000)]);
    killWorkers();
    rmSync(work, { recursive: true, force: true });
  };

  const run = async (opts: RunOptions): Promise<RunResult> => {
    const v = vitest;
    if (
      v === undefined ||
      resolve(opts.targetDir) !== resolve(targetDir) ||
      opts.timeoutMs !== timeoutMs
    ) {
      return runVitest(opts);
    }
    truncateSync(events, 0);
    process.env.COURSE_EXERCISES = (opts.exercises ?? []).join(',');
    // the learner's files are read anew; everything else stays transformed
    for (const dir of chapterDirs) for (const file of typeScriptFiles(dir)) v.invalidateFile(file);
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
    let size = 0;
    let last = Date.now();
    while (!settled) {
      await Promise.race([done, sleep(100)]);
      const now = Date.now();
      const current = statSync(events).size;
      if (current !== size) {
        size = current;
        last = now;
      }
      const late = opts.deadline !== undefined && now >= opts.deadline;
      if (!settled && (now - last > opts.timeoutMs + GRACE_MS || late)) {
        killed = true;
        // the first cancel asks the worker to stop; the second terminates it, even in a loop
        void v.cancelCurrentRun('keyboard-input');
        await Promise.race([done, sleep(300)]);
        void v.cancelCurrentRun('keyboard-input');
        await Promise.race([done, sleep(5_000)]);
        hungEvents = readEvents(events);
        await close(); // a run was cut short: the next save starts a fresh instance
        break;
      }
    }
    const result: RunResult = {
      events: hungEvents ?? readEvents(events),
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

function typeScriptFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map((f) => join(dir, String(f)))
      .filter((f) => f.endsWith('.ts'));
  } catch {
    return [];
  }
}

function readEvents(file: string): GradeEvent[] {
  const events: GradeEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as GradeEvent);
    } catch {
      // a line cut short by a kill
    }
  }
  return events;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
