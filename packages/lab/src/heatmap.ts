/**
 * Heatmaps as SVG through Vega-Lite: a matrix drawn as a grid of coloured cells. Attention
 * weights (output tokens × input tokens), spectrograms (frequency bands × frames). A heatmap
 * can also sit above a line chart that shares its x axis, e.g. a spectrogram above the
 * per-frame probabilities a speech model assigns to each symbol.
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
  subtitle?: string;
  /** The matrix, `[rows][columns]`; row 0 is drawn at the top unless `rowsUp`. */
  values: readonly (readonly number[])[];
  xLabel?: string;
  yLabel?: string;
  /** One label per column (drawn under each cell); numeric ticks when omitted. */
  xTicks?: readonly string[];
  /** One label per row; numeric ticks when omitted. */
  yTicks?: readonly string[];
  /** Width of a column in x units, e.g. seconds per frame (default 1). */
  xStep?: number;
  /** Draw row 0 at the bottom (a spectrogram's lowest band), default false. */
  rowsUp?: boolean;
  /** A Vega colour scheme (default 'greys'; 'viridis' suits spectrograms). */
  scheme?: string;
  /** The values mapped to the ends of the scheme (default: the matrix's min and max). */
  domain?: readonly [number, number];
  /** The colour legend's title (default 'value'). */
  legendTitle?: string;
  /** Plot size in pixels (default 18 px per cell, at most 560 × 360). */
  width?: number;
  height?: number;
}

/** A Vega axis whose ticks sit at the cell centres and read `labels`. */
function tickAxis(title: string | undefined, labels: readonly string[], step: number, angle = 0) {
  return {
    title: title ?? null,
    values: labels.map((_, i) => (i + 0.5) * step),
    labelExpr: `${JSON.stringify(labels)}[floor(datum.value / ${step})]`,
    labelAngle: angle,
    grid: false,
    ticks: false,
    domain: false,
  };
}

/** The Vega-Lite spec of one heatmap, without rendering it. */
export function heatmapSpec(spec: HeatmapSpec): Record<string, unknown> {
  const rows = spec.values.length;
  const cols = spec.values[0]?.length ?? 0;
  if (rows === 0 || cols === 0 || spec.values.some((r) => r.length !== cols)) {
    throw new Error(
      `heatmap: values must be a non-empty [rows][columns] matrix, received ${rows} rows of lengths ${[...new Set(spec.values.map((r) => r.length))].join(', ')}`,
    );
  }
  if (spec.xTicks !== undefined && spec.xTicks.length !== cols) {
    throw new Error(`heatmap: ${spec.xTicks.length} x ticks for ${cols} columns`);
  }
  if (spec.yTicks !== undefined && spec.yTicks.length !== rows) {
    throw new Error(`heatmap: ${spec.yTicks.length} y ticks for ${rows} rows`);
  }
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
  return {
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: spec.width ?? Math.min(560, 18 * cols),
    height: spec.height ?? Math.min(360, 18 * rows),
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
            ? { title: spec.xLabel ?? null, grid: false }
            : tickAxis(spec.xLabel, spec.xTicks, step),
      },
      x2: { field: 'x1' },
      y: {
        field: 'y0',
        type: 'quantitative',
        scale: { domain: [0, rows], nice: false, zero: false },
        axis:
          yLabels === undefined
            ? { title: spec.yLabel ?? null, grid: false }
            : tickAxis(spec.yLabel, yLabels, 1),
      },
      y2: { field: 'y1' },
      color: {
        field: 'value',
        type: 'quantitative',
        title: spec.legendTitle ?? 'value',
        scale: { scheme: spec.scheme ?? 'greys', domain: [...domain] },
      },
    },
  };
}

/** Draws one heatmap. @returns the SVG document */
export async function heatmap(spec: HeatmapSpec): Promise<string> {
  return renderVegaLite({ ...TOP_LEVEL, ...heatmapSpec(spec) } as unknown as TopLevelSpec);
}

/**
 * Several heatmaps in a grid, e.g. the attention of a few examples. Each keeps its own colour
 * scale and axes.
 *
 * @param columns panels per row (default 2)
 * @returns the SVG document
 */
export async function heatmapGrid(
  title: string,
  panels: readonly HeatmapSpec[],
  columns = 2,
): Promise<string> {
  if (panels.length === 0) throw new Error('heatmapGrid: needs at least one panel');
  return renderVegaLite({
    ...TOP_LEVEL,
    title,
    concat: panels.map(heatmapSpec),
    columns,
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec);
}

/**
 * A heatmap above a line chart on the same x axis: the lines' x values are in the heatmap's x
 * units (column c spans c · xStep to (c + 1) · xStep), and both panels get the same width.
 *
 * @returns the SVG document
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
