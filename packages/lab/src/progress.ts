/**
 * A progress bar for training loops, written to stderr so that a lab's stdout stays clean
 * for its results.
 *
 * On a terminal it redraws one line in place:
 *
 *   char-rnn [########------------]  412/1000  41%  loss 1.8734  23.1 steps/s  ETA 25s
 *
 * When stderr is not a terminal (a CI log, a pipe, the test runner) it prints a plain line
 * each time another tenth of the work is done, and once at the end, so logs stay short.
 *
 * The loss shown is a running (exponential moving) average with bias correction, the same
 * correction Adam applies to its moment estimates (Kingma & Ba 2015, sec. 3), so that the
 * first few steps are not dragged towards zero.
 */

/** Where progress is written; `process.stderr` satisfies it. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link progress}; every field has a default. */
export interface ProgressOptions {
  /** Output stream (default `process.stderr`). */
  stream?: ProgressStream;
  /** Smoothing factor beta of the running loss, in [0, 1) (default 0.98). */
  beta?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
  /** Width of the bar in characters on a terminal (default 24). */
  width?: number;
  /** Minimum milliseconds between two redraws on a terminal (default 100). */
  redrawMs?: number;
}

/** The handle returned by {@link progress}. */
export interface Progress {
  /** Marks one step done; `loss` feeds the running average, `extra` is appended to the line. */
  tick(loss?: number, extra?: string): void;
  /** Prints a message on its own line without breaking the bar. */
  log(message: string): void;
  /** Finishes the bar (prints the final line and a newline). */
  done(): void;
  /** The bias-corrected running loss, or undefined before the first loss. */
  readonly runningLoss: number | undefined;
  /** Steps done so far. */
  readonly step: number;
}

/** Formats a duration in seconds as `42s`, `3m07s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Starts a progress bar for `total` steps.
 *
 * @param total number of steps the loop will run (> 0)
 * @param label a short name printed at the start of each line
 * @returns `{ tick(loss?, extra?), log(message), done() }`
 */
export function progress(total: number, label: string, options: ProgressOptions = {}): Progress {
  if (!Number.isInteger(total) || total <= 0) {
    throw new RangeError(`progress: total must be a positive integer, received ${total}`);
  }
  const stream = options.stream ?? process.stderr;
  const beta = options.beta ?? 0.98;
  const now = options.now ?? (() => performance.now());
  const width = options.width ?? 24;
  const redrawMs = options.redrawMs ?? 100;
  const tty = stream.isTTY === true;

  const start = now();
  let step = 0;
  let ema = 0; // running average before bias correction
  let lossCount = 0;
  let lastExtra = '';
  let lastDraw = -Infinity;
  let nextTenth = 1; // plain mode: print when step >= nextTenth * total / 10
  let finished = false;

  const runningLoss = (): number | undefined =>
    lossCount === 0 ? undefined : ema / (1 - beta ** lossCount);

  const line = (): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? step / elapsed : 0;
    const eta = rate > 0 ? (total - step) / rate : Number.NaN;
    const pct = Math.floor((100 * step) / total);
    const counter = `${String(step).padStart(String(total).length)}/${total}`;
    const parts = [label];
    if (tty) {
      const filled = Math.round((width * step) / total);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
    }
    parts.push(counter, `${String(pct).padStart(3)}%`);
    const loss = runningLoss();
    if (loss !== undefined) parts.push(`loss ${loss.toFixed(4)}`);
    parts.push(`${rate.toFixed(1)} steps/s`);
    parts.push(step >= total ? `took ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`);
    if (lastExtra) parts.push(lastExtra);
    return parts.join('  ');
  };

  const draw = (force: boolean): void => {
    if (tty) {
      const t = now();
      if (!force && t - lastDraw < redrawMs) return;
      lastDraw = t;
      stream.write(`\r${line()}\x1b[K`);
    } else if (force || step >= (nextTenth * total) / 10) {
      while (nextTenth <= 10 && step >= (nextTenth * total) / 10) nextTenth++;
      stream.write(`${line()}\n`);
    }
  };

  return {
    tick(loss?: number, extra?: string): void {
      step++;
      if (loss !== undefined && Number.isFinite(loss)) {
        lossCount++;
        ema = beta * ema + (1 - beta) * loss;
      }
      if (extra !== undefined) lastExtra = extra;
      if (step < total) draw(false);
      else if (step === total) draw(true);
    },
    log(message: string): void {
      if (tty) stream.write(`\r\x1b[K${message}\n`);
      else stream.write(`${message}\n`);
      if (tty && step > 0) draw(true);
    },
    done(): void {
      if (finished) return;
      finished = true;
      if (tty) stream.write(step === total ? '\n' : `\r${line()}\x1b[K\n`);
      else if (step !== total) stream.write(`${line()}\n`);
    },
    get runningLoss() {
      return runningLoss();
    },
    get step() {
      return step;
    },
  };
}
