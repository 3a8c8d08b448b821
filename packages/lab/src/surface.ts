/**
 * A surface map: a function of two variables on a grid drawn as coloured cells (for example a loss surface over two
 * parameters), with paths drawn over it (for example the iterates of two optimisers). Drawn
 * with Vega-Lite like every figure of the lab kit: the same grid gives the same SVG bytes.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from './figures';

/** A path over the map: points `[x, y]` joined in order, each marked with a dot. */
export interface SurfacePath {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Draw the line dashed (default false). */
  dashed?: boolean;
}

/** What {@link surfaceMap} draws. */
export interface SurfaceSpec {
  title: string;
  /** One line, or several. */
  subtitle?: string | string[];
  xLabel: string;
  yLabel: string;
  /** Title of the colour legend, e.g. 'log₁₀ loss'. */
  colorLabel: string;
  /** Cell centres along x: at least two, ascending, evenly spaced. */
  x: readonly number[];
  /** Cell centres along y: at least two, ascending, evenly spaced. */
  y: readonly number[];
  /** `values[j][i]` is the value at `(x[i], y[j])`; non-finite values are left blank. */
  values: ReadonlyArray<readonly number[]>;
  /** Colour range `[low, high]`; values outside it get the end colours (default min and max). */
  domain?: readonly [number, number];
  /**
   * Number of colour levels (default 12): the domain is cut into this many equal bins, each one
   * colour, like a filled contour plot. Neighbouring cells of a row in the same bin are drawn as
   * one rectangle, which keeps a fine grid's SVG small.
   */
  levels?: number;
  /** Paths drawn over the cells, clipped to the grid. */
  paths?: SurfacePath[];
  /** Plot area size in pixels (default 480 x 360). */
  width?: number;
  height?: number;
}

// Paths in colours that stand out on the viridis scheme of the cells (and on a white legend).
const PATH_COLORS = ['#111111', '#ff7f0e', '#e377c2', '#17becf'];

/** The spacing of ascending, evenly spaced centres; throws naming `what` otherwise. */
function spacing(centres: readonly number[], what: string): number {
  if (centres.length < 2) throw new Error(`surfaceMap: ${what} needs at least 2 cell centres`);
  const step = (centres[1] as number) - (centres[0] as number);
  centres.forEach((c, i) => {
    const expected = (centres[0] as number) + i * step;
    if (!(step > 0) || Math.abs(c - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      throw new Error(
        `surfaceMap: ${what} must be ascending and evenly spaced, received ${c} at ${i}`,
      );
    }
  });
  return step;
}

/**
 * Draws `values` on the grid `x` × `y` as coloured cells (viridis, in `levels` bins), with
 * optional paths over them and a legend for both.
 *
 * @returns the SVG document as a string
 * @throws Error when the grid is not ascending and evenly spaced, or `values` is not
 *   `y.length` rows of `x.length` numbers
 */
export async function surfaceMap(spec: SurfaceSpec): Promise<string> {
  const dx = spacing(spec.x, 'x');
  const dy = spacing(spec.y, 'y');
  if (
    spec.values.length !== spec.y.length ||
    spec.values.some((row) => row.length !== spec.x.length)
  ) {
    throw new Error(
      `surfaceMap: values must be ${spec.y.length} rows (one per y) of ${spec.x.length} numbers ` +
        `(one per x), received ${spec.values.length} rows of ${spec.values.map((r) => r.length).join(', ')}`,
    );
  }
  const finite = spec.values.flatMap((row) => row.filter((v) => Number.isFinite(v)));
  if (finite.length === 0) throw new Error('surfaceMap: values has no finite number');
  const domain = spec.domain ?? [Math.min(...finite), Math.max(...finite)];
  const levels = spec.levels ?? 12;
  if (!Number.isInteger(levels) || levels < 2) {
    throw new Error(`surfaceMap: levels must be an integer >= 2, received ${levels}`);
  }
  const [low, high] = domain;
  const width = (high - low) / levels;
  // The bin of a value (clamped to the domain) and the value drawn for it, the bin's middle.
  const bin = (v: number): number =>
    Math.min(levels - 1, Math.max(0, Math.floor((v - low) / width)));
  const xMax = (spec.x.at(-1) as number) + dx / 2;
  const yMax = (spec.y.at(-1) as number) + dy / 2;
  const cells: { x: number; x2: number; y: number; y2: number; v: number }[] = [];
  spec.values.forEach((row, j) => {
    const yc = spec.y[j] as number;
    let i = 0;
    while (i < row.length) {
      const v = row[i] as number;
      if (!Number.isFinite(v)) {
        i++;
        continue;
      }
      // A run of cells of this row in the same bin becomes one rectangle.
      let end = i + 1;
      while (end < row.length && Number.isFinite(row[end]) && bin(row[end] as number) === bin(v))
        end++;
      // Each rectangle reaches a third of a cell into the next row and column, which the next
      // rectangle covers: no hairline seams between rectangles when the SVG is rasterised.
      cells.push({
        x: (spec.x[i] as number) - dx / 2,
        x2: Math.min((spec.x[end - 1] as number) + dx / 2 + dx / 3, xMax),
        y: yc - dy / 2,
        y2: Math.min(yc + dy / 2 + dy / 3, yMax),
        v: low + (bin(v) + 0.5) * width,
      });
      i = end;
    }
  });
  const xDomain = [(spec.x[0] as number) - dx / 2, (spec.x.at(-1) as number) + dx / 2];
  const yDomain = [(spec.y[0] as number) - dy / 2, (spec.y.at(-1) as number) + dy / 2];
  const X = {
    field: 'x',
    type: 'quantitative',
    title: spec.xLabel,
    scale: { domain: xDomain, nice: false, zero: false },
  };
  const Y = {
    field: 'y',
    type: 'quantitative',
    title: spec.yLabel,
    scale: { domain: yDomain, nice: false, zero: false },
  };
  const paths = spec.paths ?? [];
  const names = paths.map((p) => p.name);
  if (new Set(names).size !== names.length) {
    throw new Error(`surfaceMap: path names must be unique, received ${names.join(', ')}`);
  }
  const pathRows = paths.flatMap((p) =>
    p.points.map(([x, y], order) => ({ path: p.name, x, y, order })),
  );
  const pathColor = {
    field: 'path',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: names.map((_, i) => PATH_COLORS[i % PATH_COLORS.length]) },
    legend: { orient: 'bottom', symbolType: 'stroke', labelLimit: 360 },
  };
  const dashedNames = paths.filter((p) => p.dashed).map((p) => p.name);
  const layers: object[] = [
    {
      data: { values: cells },
      // aria: false leaves out a description per cell, which would triple the file's size
      mark: { type: 'rect', strokeWidth: 0, aria: false },
      encoding: {
        x: X,
        x2: { field: 'x2' },
        y: Y,
        y2: { field: 'y2' },
        color: {
          field: 'v',
          type: 'quantitative',
          title: spec.colorLabel,
          scale: { type: 'quantize', scheme: { name: 'viridis', count: levels }, domain },
        },
      },
    },
  ];
  if (pathRows.length > 0) {
    layers.push(
      {
        data: { values: pathRows },
        mark: { type: 'line', strokeWidth: 1.8, clip: true },
        encoding: {
          x: X,
          y: Y,
          order: { field: 'order', type: 'quantitative' },
          color: pathColor,
          detail: { field: 'path', type: 'nominal' },
          strokeDash: {
            condition: {
              test: `indexof(${JSON.stringify(dashedNames)}, datum.path) >= 0`,
              value: [6, 3],
            },
            value: [1, 0],
          },
        },
      },
      {
        data: { values: pathRows },
        mark: { type: 'point', filled: true, size: 22, clip: true, opacity: 1 },
        encoding: { x: X, y: Y, color: { ...pathColor, legend: null } },
      },
    );
  }
  const vl = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { font: 'sans-serif', axis: { grid: false } },
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: spec.width ?? 480,
    height: spec.height ?? 360,
    layer: layers,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
  return renderVegaLite(vl);
}
