/**
 * `course watch [id]` (rustlings' watch mode is the model): grades the current exercise each
 * time a file of its chapter folder is saved, shows the checks and, once it passes, moves on to
 * the next exercise that does not. Keys: h hint, l list, r re-run, q quit. Without a terminal
 * the same letters work as lines on standard input.
 *
 * - One Vitest instance is kept warm (warm.ts), so a re-grade costs a worker's start and the
 *   checks, not Vitest's start.
 * - One save is one grading: a change counts when the content of the chapter's files differs
 *   from what was last graded (editors write a file in several steps, and some touch it
 *   without changing it).
 * - On a terminal the screen is redrawn in place; a hint or the list stays on it until the next
 *   grading.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, watch as watchDir } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { findExercise } from '../course';
import { bold, cyan, dim, green } from '../format/style';
import {
  allPass,
  checkLines,
  formatList,
  formatNext,
  formatProgress,
  paintStatus,
} from '../format/table';
import { grade } from '../grade';
import { repoRoot } from '../paths';
import type { Report } from '../report';
import type { RunOptions, RunResult } from '../run-vitest';
import { recordResults } from '../state';
import { resolveTarget } from '../target';
import type { WarmRunner } from '../warm';
import { showHint } from './hint';
import { progressOf } from './list';

/** Clears the screen and its scrollback and puts the cursor home: the next frame replaces it. */
export const CLEAR = '\u001b[H\u001b[2J\u001b[3J';

/** Where frames go: a terminal is redrawn in place, anything else gets one frame after another. */
export function frame(text: string, tty: boolean): string {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return tty ? `${CLEAR}${body}` : `${body}\n`;
}

/** The fingerprint of what a save can change: every .ts file of the watched folders. */
export function contentOf(dirs: readonly string[]): string {
  const hash = createHash('sha1');
  for (const dir of dirs) {
    let files: string[] = [];
    try {
      files = readdirSync(dir, { recursive: true })
        .map((f) => join(dir, String(f)))
        .filter((f) => f.endsWith('.ts'))
        .sort();
    } catch {
      continue; // a chapter folder this target does not have
    }
    for (const f of files) {
      try {
        hash.update(f).update('\0').update(readFileSync(f)).update('\0');
      } catch {
        // removed while listing
      }
    }
  }
  return hash.digest('hex');
}

/** Watches until the learner quits; returns the exit code. */
export async function watchCommand(
  course: Course,
  startId: string | undefined,
  opts: { target?: string; timeoutMs?: number },
  out: { write(s: string): unknown; isTTY?: boolean } = process.stdout,
): Promise<number> {
  const target = resolveTarget(course, opts.target === undefined ? {} : { target: opts.target });
  target.cleanup(); // watch grades the folder itself; a staged copy would go stale
  const dir = target.sourceDir;
  const learners = dir === resolve(repoRoot, 'exercises');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const tty = process.stdin.isTTY === true;
  const draw = (text: string): void => {
    out.write(frame(text, out.isTTY === true));
  };
  const dirs = [...new Set(course.exercises.map((e) => resolve(dir, e.file, '..')))];

  // The warm instance; a hang closes it, and the next grading starts another.
  let warm: WarmRunner | undefined;
  const runner = async (o: RunOptions): Promise<RunResult> => {
    if (warm === undefined || !warm.alive()) {
      const { startWarm } = await import('../warm');
      warm = await startWarm(course, dir, timeoutMs);
    }
    return warm.run(o);
  };
  const gradeOpts = { course, target: dir, timeoutMs, runner };
  const graded = async (filter?: readonly string[]): Promise<Report> => {
    const report = await grade({ ...gradeOpts, ...(filter === undefined ? {} : { filter }) });
    if (learners) recordResults(course, report, dir);
    return report;
  };

  let current: Exercise;
  let report: Report | undefined;
  if (startId !== undefined) {
    current = findExercise(course, startId);
  } else {
    draw(dim('Grading every exercise to find where you are...'));
    const all = await graded();
    const next = all.exercises.find((e) => e.status !== 'passed');
    if (next === undefined) {
      draw(green(bold(allPass(all))));
      await warm?.close();
      return 0;
    }
    current = findExercise(course, next.id);
    report = { ...all, exercises: [next] };
  }

  let status = '';
  let panel: string[] = [];
  const render = (): void => {
    const lines: string[] = [];
    const e = report?.exercises[0];
    if (e !== undefined && e.id === current.id) {
      lines.push(
        `${bold(e.id)} ${current.title}  ${paintStatus(e.status)}  ${e.score}/${e.maxScore}`,
      );
      lines.push(...checkLines(e));
      lines.push('', formatNext(report ?? { exercises: [] }, course, dir));
    } else {
      lines.push(`${bold(current.id)} ${current.title}`);
    }
    if (panel.length > 0) lines.push('', ...panel);
    const keys = `h hint · l list · r re-run · q quit${tty ? '' : ' (type a letter, then Enter)'}`;
    lines.push(
      '',
      dim(`watching ${dir === resolve(repoRoot, 'exercises') ? 'exercises/' : dir} — ${keys}`),
    );
    if (status !== '') lines.push(dim(status));
    draw(lines.join('\n'));
  };

  let busy = false;
  let again = false;
  let gradedContent = '';
  const run = async (force = false): Promise<void> => {
    const content = contentOf(dirs);
    if (!force && content === gradedContent) return; // a save that changed nothing
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    gradedContent = content;
    status = 'grading...';
    render();
    const started = Date.now();
    try {
      let next = await graded([current.id]);
      if (next.exercises[0]?.status === 'passed') {
        const all = await graded();
        const todo = all.exercises.find((e) => e.status !== 'passed');
        if (todo === undefined) {
          panel = [green(bold(`${allPass(all)} Well done.`))];
        } else {
          panel = [green(bold(`✓ ${current.id} passes. Moving on to ${todo.id}.`))];
          current = findExercise(course, todo.id);
          next = { ...all, exercises: [todo] };
        }
      } else {
        panel = [];
      }
      report = next;
      status = `graded in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    } catch (error) {
      status = `course: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      busy = false;
      render();
      if (again) {
        again = false;
        void run();
      }
    }
  };

  // Re-grade when a save changes a file of the watched folders (renaming saves included).
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  for (const d of dirs) {
    try {
      watchers.push(
        watchDir(d, (_event, name) => {
          if (name !== null && !String(name).endsWith('.ts')) return;
          clearTimeout(timer);
          timer = setTimeout(() => void run(), 100);
        }),
      );
    } catch {
      // a chapter folder that does not exist in this target
    }
  }

  await run(true);
  return await new Promise<number>((done) => {
    let lines: ReturnType<typeof createInterface> | undefined;
    const quit = (): void => {
      lines?.close();
      for (const w of watchers) w.close();
      clearTimeout(timer);
      if (tty) process.stdin.setRawMode(false);
      process.stdin.pause();
      void (warm?.close() ?? Promise.resolve()).then(() => done(0));
    };
    const key = (k: string): void => {
      if (k === 'q' || k === '\u0003') return quit();
      if (k === 'h') {
        panel = [];
        showHint(current, { inWatch: true }, (s) => panel.push(...s.split('\n')));
      } else if (k === 'l') {
        if (!learners) {
          // no last grades for another folder: grade it all
          void graded().then(
            (all) => {
              panel = formatList(all).split('\n');
              render();
            },
            (error: unknown) => {
              panel = [String(error)];
              render();
            },
          );
          return;
        }
        panel = formatProgress(course, progressOf(course.exercises, dir)).split('\n');
      } else if (k === 'r') {
        void run(true);
        return;
      } else if (k.trim() !== '') {
        panel = [dim(`keys: h hint · l list · r re-run · q quit (${cyan(current.id)})`)];
      } else {
        return;
      }
      render();
    };
    if (tty) {
      process.stdin.setRawMode(true);
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (d: string) => key(d));
      process.stdin.resume();
    } else {
      lines = createInterface({ input: process.stdin });
      lines.on('line', (line) => key(line.trim().slice(0, 1)));
    }
  });
}
