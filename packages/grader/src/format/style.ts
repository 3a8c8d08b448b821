/**
 * Terminal styling: colours only on a terminal and without `NO_COLOR`, and truncation that
 * keeps a table row on one line.
 */

const useColor = (): boolean =>
  process.stdout.isTTY === true &&
  process.env.NO_COLOR === undefined &&
  process.env.TERM !== 'dumb';

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    useColor() ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export const bold = wrap(1, 22);
export const dim = wrap(2, 22);
export const red = wrap(31, 39);
export const green = wrap(32, 39);
export const yellow = wrap(33, 39);
export const magenta = wrap(35, 39);
export const cyan = wrap(36, 39);

/** The terminal's width, 100 when not a terminal. */
export function width(): number {
  return process.stdout.columns ?? 100;
}

/** The first line of `s`, cut to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  const line = s.split('\n')[0] ?? '';
  if (max <= 1) return '';
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Pads to `n` visible characters (colour codes do not count). */
export function pad(s: string, n: number): string {
  const visible = s.replace(/\u001b\[\d+m/g, '').length;
  return s + ' '.repeat(Math.max(0, n - visible));
}

/** Right-aligns to `n` visible characters. */
export function padStart(s: string, n: number): string {
  const visible = s.replace(/\u001b\[\d+m/g, '').length;
  return ' '.repeat(Math.max(0, n - visible)) + s;
}

/** `[█████░░░░░]` for a fraction in [0, 1]. */
export function progressBar(fraction: number, size = 30): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * size);
  return `[${green('█'.repeat(full))}${dim('░'.repeat(size - full))}]`;
}
