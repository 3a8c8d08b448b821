/**
 * Heatmaps as SVG through Vega-Lite: a matrix drawn as a grid of coloured cells, one cell per
 * entry, row 0 at the top (or at the bottom, for a spectrogram's lowest band). Attention weights
 * (output tokens × input tokens, or queries × keys), spectrograms (frequency bands × frames).
 * Several heatmaps (the heads of a layer, a few examples) can share one figure and one colour
 * scale, and a heatmap can sit above a line chart that shares its x axis, e.g. a spectrogram
 * above the per-frame probabilities a speech model assigns to each symbol.
 *
 * Cells are rectangles from column c to c + 1 (times `xStep`), so the x axis is quantitative
 * and lines drawn in the same units align with the columns.
 */
import type { TopLevelSpec } from 'vega-lite';
import { TOP_LEVEL, lineChartSpec, renderVegaLite } from './figures';
import type { LineChartSpec } from './figures';

/** What {@link heatmap} draws. */
export interface HeatmapSpec {
  title: string;
  /** Optional line under the title. */
  subtitle?: string;
  /** Label of the columns' axis, e.g. 'key position' or 'time (s)'. */
  xLabel: string;
  /** Label of the rows' axis, e.g. 'query position'. */
  yLabel: string;
  /** The matrix, `values[row][column]`; every row the same length, every value finite. */
  values: readonly (readonly number[])[];
  /** One label per column (drawn under each cell), e.g. the source tokens; numbers when omitted. */
  xTicks?: readonly string[];
  /** One label per row; numbers when omitted. */
  yTicks?: readonly string[];
  /** Width of a column in x units, e.g. seconds per frame (default 1). */
  xStep?: number;
  /** Draw row 0 at the bottom (a spectrogram's lowest band), default false. */
  rowsUp?: boolean;
  /** A Vega colour scheme (default 'blues'; 'viridis' suits spectrograms). */
  scheme?: string;
  /** The values mapped to the ends of the scheme (default: the matrix's min and max). */
  domain?: readonly [number, number];
  /** The colour legend's title (default none). */
  legendTitle?: string;
  /** Pixels per cell (default 18); `width` and `height` override it for the whole plot. */
  cellSize?: number;
  width?: number;
  height?: number;
}

/** The matrix's size, checked: rows of equal length, finite values, ticks that fit. */
function checked(spec: HeatmapSpec): { rows: number; cols: number } {
  const rows = spec.values.length;
  const cols = spec.values[0]?.length ?? 0;
  if (rows === 0 || cols === 0) {
    throw new Error(`heatmap '${spec.title}': needs a non-empty [rows][columns] matrix`);
  }
  spec.values.forEach((row, i) => {
    if (row.length !== cols) {
      throw new Error(
        `heatmap '${spec.title}': row ${i} has ${row.length} values, row 0 has ${cols}`,
      );
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) {
        throw new Error(`heatmap '${spec.title}': value [${i}, ${j}] is ${v}`);
      }
    });
  });
  for (const [name, ticks, n] of [
    ['xTicks', spec.xTicks, cols],
    ['yTicks', spec.yTicks, rows],
  ] as const) {
    if (ticks !== undefined && ticks.length !== n) {
      throw new Error(
        `heatmap '${spec.title}': ${name} has ${ticks.length} labels for ${n} entries`,
      );
    }
  }
  const step = spec.xStep ?? 1;
  if (!(step > 0)) throw new Error(`heatmap '${spec.title}': xStep must be > 0, received ${step}`);
  return { rows, cols };
}

/** A Vega axis whose ticks sit at the cell centres and read `labels`. */
function tickAxis(title: string, labels: readonly string[], step: number) {
  return {
    title,
    values: labels.map((_, i) => (i + 0.5) * step),
    labelExpr: `${JSON.stringify(labels)}[floor(datum.value / ${step})]`,
    labelAngle: 0,
    grid: false,
    ticks: false,
    domain: false,
  };
}

/**
 * The Vega-Lite spec of one heatmap, without rendering it ({@link heatmap} renders one,
 * {@link heatmapGrid} several, {@link heatmapAboveLines} one above a line chart).
 *
 * @throws Error naming the heatmap when the matrix is empty or ragged, holds a value that is not
 *   finite, or a tick list does not have one label per row or column
 */
export function heatmapSpec(spec: HeatmapSpec): Record<string, unknown> {
  const { rows, cols } = checked(spec);
  const step = spec.xStep ?? 1;
  const cells = spec.values.flatMap((row, r) =>
    row.map((value, c) => {
      const y = spec.rowsUp ? r : rows - 1 - r; // y grows upwards
      return { x0: c * step, x1: (c + 1) * step, y0: y, y1: y + 1, value };
    }),
  );
  const flat = spec.values.flat();
  const domain = spec.domain ?? [Math.min(...flat), Math.max(...flat)];
  const yLabels =
    spec.yTicks === undefined ? undefined : spec.rowsUp ? spec.yTicks : [...spec.yTicks].reverse();
  const cell = spec.cellSize ?? 18;
  return {
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: spec.width ?? cell * cols,
    height: spec.height ?? cell * rows,
    data: { values: cells },
    // No per-cell aria labels: a spectrogram has thousands of cells, and they would triple the file.
    mark: { type: 'rect', stroke: null, aria: false },
    encoding: {
      x: {
        field: 'x0',
        type: 'quantitative',
        scale: { domain: [0, cols * step], nice: false, zero: false },
        axis:
          spec.xTicks === undefined
            ? { title: spec.xLabel, grid: false }
            : tickAxis(spec.xLabel, spec.xTicks, step),
      },
      x2: { field: 'x1' },
      y: {
        field: 'y0',
        type: 'quantitative',
        scale: { domain: [0, rows], nice: false, zero: false },
        axis:
          yLabels === undefined
            ? { title: spec.yLabel, grid: false }
            : tickAxis(spec.yLabel, yLabels, 1),
      },
      y2: { field: 'y1' },
      color: {
        field: 'value',
        type: 'quantitative',
        title: spec.legendTitle ?? null,
        scale: { scheme: spec.scheme ?? 'blues', domain: [...domain] },
      },
    },
  };
}

/**
 * Draws one matrix as a heatmap.
 *
 * @returns the SVG document as a string (the same bytes for the same input)
 */
export async function heatmap(spec: HeatmapSpec): Promise<string> {
  return renderVegaLite({ ...TOP_LEVEL, ...heatmapSpec(spec) } as unknown as TopLevelSpec);
}

/**
 * Draws several heatmaps in a grid of `columns` per row under one title, with one shared
 * colour scale (so that equal colours mean equal values in every panel; give the panels the
 * same `domain`, e.g. [0, 1] for attention weights).
 *
 * @returns the SVG document as a string
 * @throws Error when `panels` is empty or `columns` is not an integer >= 1
 */
export async function heatmapGrid(
  title: string,
  panels: readonly HeatmapSpec[],
  columns: number,
): Promise<string> {
  if (panels.length === 0) throw new Error('heatmapGrid: needs at least one panel');
  if (!Number.isInteger(columns) || columns < 1) {
    throw new Error(`heatmapGrid: columns must be an integer >= 1, received ${columns}`);
  }
  return renderVegaLite({
    ...TOP_LEVEL,
    title,
    columns,
    concat: panels.map(heatmapSpec),
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec);
}

/**
 * A heatmap above a line chart on the same x axis: the lines' x values are in the heatmap's x
 * units (column c spans c · xStep to (c + 1) · xStep), and both panels get the same width.
 *
 * @returns the SVG document as a string
 */
export async function heatmapAboveLines(
  title: string,
  top: HeatmapSpec,
  bottom: LineChartSpec,
): Promise<string> {
  const upper = heatmapSpec(top);
  const cols = top.values[0]?.length ?? 0;
  const width = upper.width as number;
  const lower = lineChartSpec({ ...bottom, width });
  // The line chart's x scale spans the heatmap's columns exactly.
  const layers = (lower.layer as Record<string, any>[]).map((layer) => {
    if (layer.encoding?.x === undefined) return layer;
    const x = {
      ...layer.encoding.x,
      scale: { domain: [0, cols * (top.xStep ?? 1)], nice: false, zero: false },
    };
    return { ...layer, encoding: { ...layer.encoding, x } };
  });
  return renderVegaLite({
    ...TOP_LEVEL,
    title,
    vconcat: [upper, { ...lower, layer: layers }],
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec);
}
