/**
 * `course watch [id]` (rustlings' watch mode is the model): grades the current exercise each
 * time a file of its chapter folder is saved, shows the checks and, once it passes, moves on to
 * the next exercise that does not. Keys: h hint, l list, r re-run, q quit. Without a terminal
 * the same letters work as lines on standard input.
 */
import { watch as watchDir } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { findExercise } from '../course';
import { bold, cyan, dim, green } from '../format/style';
import { checkLines, formatList, formatNext, paintStatus } from '../format/table';
import { grade } from '../grade';
import type { Report } from '../report';
import { resolveTarget } from '../target';
import { showHint } from './hint';

/** Watches until the learner quits; returns the exit code. */
export async function watchCommand(
  course: Course,
  startId: string | undefined,
  opts: { target?: string; timeoutMs?: number },
  print: (s: string) => void,
): Promise<number> {
  const target = resolveTarget(course, opts.target === undefined ? {} : { target: opts.target });
  target.cleanup(); // watch grades the folder itself; a staged copy would go stale
  const gradeOpts = {
    course,
    target: target.sourceDir,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  };
  const tty = process.stdin.isTTY === true;
  const clear = (): void => {
    if (process.stdout.isTTY === true) print('\u001b[2J\u001b[H');
  };

  let current: Exercise;
  if (startId !== undefined) {
    current = findExercise(course, startId);
  } else {
    print(dim('Grading every exercise to find where you are...'));
    const all = await grade(gradeOpts);
    const next = all.exercises.find((e) => e.status !== 'passed');
    if (next === undefined) {
      print(green(bold(`All ${all.exercises.length} exercises pass.`)));
      return 0;
    }
    current = findExercise(course, next.id);
  }

  let busy = false;
  let again = false;
  const show = (report: Report): void => {
    const e = report.exercises[0];
    if (e === undefined) return;
    clear();
    print(`${bold(e.id)} ${current.title}  ${paintStatus(e.status)}  ${e.score}/${e.maxScore}`);
    print(checkLines(e).join('\n'));
    print(`\n${formatNext(report, course, target.sourceDir)}`);
    print(
      dim(
        `\nwatching ${e.file} — h hint · l list · r re-run · q quit${tty ? '' : ' (type a letter, then Enter)'}`,
      ),
    );
  };
  const run = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      let report = await grade({ ...gradeOpts, filter: [current.id] });
      if (report.exercises[0]?.status === 'passed') {
        print(green(bold(`\n✓ ${current.id} passes. Moving on.`)));
        const all = await grade(gradeOpts);
        const next = all.exercises.find((e) => e.status !== 'passed');
        if (next === undefined) {
          print(green(bold(`All ${all.exercises.length} exercises pass. Well done.`)));
        } else {
          current = findExercise(course, next.id);
          report = { ...all, exercises: [next] };
        }
      }
      show(report);
    } catch (error) {
      print(`course: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
      if (again) {
        again = false;
        void run();
      }
    }
  };

  // Re-grade on any save in the watched chapter folders (editors that save by renaming included).
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const dirs = new Set(course.exercises.map((e) => resolve(target.sourceDir, e.file, '..')));
  for (const dir of dirs) {
    try {
      watchers.push(
        watchDir(dir, (_event, name) => {
          if (name !== null && !String(name).endsWith('.ts')) return;
          clearTimeout(timer);
          timer = setTimeout(() => void run(), 150);
        }),
      );
    } catch {
      // a chapter folder that does not exist in this target
    }
  }

  await run();
  return await new Promise<number>((done) => {
    let lines: ReturnType<typeof createInterface> | undefined;
    const quit = (): void => {
      lines?.close();
      for (const w of watchers) w.close();
      clearTimeout(timer);
      if (tty) process.stdin.setRawMode(false);
      process.stdin.pause();
      done(0);
    };
    const key = (k: string): void => {
      if (k === 'q' || k === '\u0003') quit();
      else if (k === 'h') showHint(current, {}, print);
      else if (k === 'r') void run();
      else if (k === 'l')
        void grade(gradeOpts).then(
          (r) => print(formatList(r)),
          (e: unknown) => print(String(e)),
        );
      else if (k.trim() !== '')
        print(dim(`keys: h hint · l list · r re-run · q quit (${cyan(current.id)})`));
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
