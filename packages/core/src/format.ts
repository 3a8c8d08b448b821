/**
 * Readable printing of tensors, after numpy and PyTorch: nested brackets, one common number
 * format and width per tensor, and `...` in place of the middle of long axes.
 *
 *   tensor([[ 0.1000, -2.0000],
 *           [ 3.5000,  4.0000]], shape=[2, 2])
 */
import { formatShape } from './errors';
import type { Tensor } from './tensor';

/** Tensors with more elements than this print only their first and last few per axis. */
const THRESHOLD = 1000;
/** How many entries to keep at each end of a truncated axis. */
const EDGE_ITEMS = 3;
/** Rows of numbers wrap after this many characters. */
const LINE_WIDTH = 80;

/** The integers start..stop-1. */
function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}

/** Chooses one way to print every number of the tensor. */
function numberFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const allIntegers = finite.every((v) => Number.isInteger(v));
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const maxAbs = abs.length > 0 ? Math.max(...abs) : 0;
  const minAbs = abs.length > 0 ? Math.min(...abs) : 0;
  const special = (v: number): string | null =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
  if (allIntegers && maxAbs < 1e8) return (v) => special(v) ?? `${v}.`;
  const tiny = minAbs > 0 && minAbs < 1e-4;
  const wideRange = minAbs > 0 && maxAbs / minAbs > 1e3 && maxAbs >= 1e3;
  if (maxAbs >= 1e8 || tiny || wideRange) {
    return (v) => special(v) ?? v.toExponential(4);
  }
  return (v) => special(v) ?? v.toFixed(4);
}

/**
 * The print of a tensor: `tensor([[1., 2.], [3., 4.]], shape=[2, 2])`, one row per line,
 * with `requiresGrad=true` (and the op that produced it) when it is part of a graph.
 * Tensors over 1000 elements show the first and last 3 entries of each axis around `...`.
 */
export function format(t: Tensor): string {
  const truncate = t.size > THRESHOLD;
  // Indices kept along each axis (all, or the edges around a -1 marking "...").
  const kept = t.shape.map((n) =>
    truncate && n > 2 * EDGE_ITEMS
      ? [...range(0, EDGE_ITEMS), -1, ...range(n - EDGE_ITEMS, n)]
      : range(0, n),
  );
  const strides: number[] = [];
  let s = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  // Collect the shown values to pick a common format and width.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === t.shape.length) {
      shown.push(t.data[offset]);
      return;
    }
    for (const i of kept[axis]) if (i >= 0) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);
  const fmt = numberFormatter(shown);
  const width = Math.max(1, ...shown.map((v) => fmt(v).length));
  const cell = (v: number): string => fmt(v).padStart(width);

  const prefix = 'tensor(';
  const render = (axis: number, offset: number, indent: number): string => {
    if (axis === t.shape.length) return cell(t.data[offset]);
    const parts = kept[axis].map((i) =>
      i < 0 ? '...' : render(axis + 1, offset + i * strides[axis], indent + 1),
    );
    if (axis === t.shape.length - 1) {
      // Innermost axis: numbers on one line, wrapped at LINE_WIDTH.
      const lines: string[] = [];
      let line = '';
      for (const p of parts) {
        const piece = line === '' ? p : `, ${p}`;
        if (line !== '' && indent + 1 + line.length + piece.length > LINE_WIDTH) {
          lines.push(`${line},`);
          line = p;
        } else {
          line += piece;
        }
      }
      lines.push(line);
      return `[${lines.join(`\n${' '.repeat(indent + 1)}`)}]`;
    }
    const blank = '\n'.repeat(t.shape.length - axis - 1);
    return `[${parts.join(`,${blank}${' '.repeat(indent + 1)}`)}]`;
  };
  const body = render(0, 0, prefix.length);
  const extras = [`shape=${formatShape(t.shape)}`];
  if (t.requiresGrad) extras.push('requiresGrad=true');
  if (t.op !== '') extras.push(`op=${t.op}`);
  return `${prefix}${body}, ${extras.join(', ')})`;
}
