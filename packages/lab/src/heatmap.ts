/**
 * Heatmaps as SVG (Vega-Lite rect marks), for matrices such as attention weights: one cell per
 * entry, rows top to bottom, columns left to right, the value as a colour. Several heatmaps
 * (the heads of a layer, say) can share one figure and one colour scale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { TOP_LEVEL, renderVegaLite } from './figures';

/** What {@link heatmap} draws. */
export interface HeatmapSpec {
  title: string;
  /** Optional line under the title. */
  subtitle?: string;
  /** Label of the columns' axis, e.g. 'key position'. */
  xLabel: string;
  /** Label of the rows' axis, e.g. 'query position'. */
  yLabel: string;
  /** The matrix, `values[row][column]`; every row the same length, no NaN. */
  values: readonly (readonly number[])[];
  /** One label per column (default its index), e.g. the source tokens. */
  xTicks?: readonly string[];
  /** One label per row (default its index). */
  yTicks?: readonly string[];
  /** Colour scale domain (default [min, max] of the values). */
  domain?: readonly [number, number];
  /** Pixels per cell (default 18). */
  cellSize?: number;
}

/** The matrix's size, checked: rows of equal length, finite values, ticks that fit. */
function checked(spec: HeatmapSpec): { rows: number; cols: number } {
  const rows = spec.values.length;
  const cols = spec.values[0]?.length ?? 0;
  if (rows === 0 || cols === 0)
    throw new Error(`heatmap '${spec.title}': needs a non-empty matrix`);
  spec.values.forEach((row, i) => {
    if (row.length !== cols) {
      throw new Error(
        `heatmap '${spec.title}': row ${i} has ${row.length} values, row 0 has ${cols}`,
      );
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v))
        throw new Error(`heatmap '${spec.title}': value [${i}, ${j}] is ${v}`);
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
  return { rows, cols };
}

/** Vega expression that prints tick `datum.value` as `ticks[datum.value]`. */
function labelExpr(ticks: readonly string[] | undefined): Record<string, unknown> {
  return ticks === undefined ? {} : { labelExpr: `${JSON.stringify(ticks)}[datum.value]` };
}

/**
 * The Vega-Lite spec of one heatmap, without rendering it ({@link heatmap} renders one,
 * {@link heatmapGrid} several).
 */
export function heatmapSpec(spec: HeatmapSpec): Record<string, unknown> {
  const { rows, cols } = checked(spec);
  const all = spec.values.flat();
  const domain = spec.domain ?? [Math.min(...all), Math.max(...all)];
  const cell = spec.cellSize ?? 18;
  const data = spec.values.flatMap((row, i) => row.map((value, j) => ({ row: i, col: j, value })));
  return {
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: cols * cell,
    height: rows * cell,
    data: { values: data },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'col',
        type: 'ordinal',
        title: spec.xLabel,
        axis: { grid: false, labelAngle: 0, ...labelExpr(spec.xTicks) },
      },
      y: {
        field: 'row',
        type: 'ordinal',
        title: spec.yLabel,
        axis: { grid: false, ...labelExpr(spec.yTicks) },
      },
      color: {
        field: 'value',
        type: 'quantitative',
        title: null,
        scale: { scheme: 'blues', domain: [...domain] },
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
 * colour scale (so that equal colours mean equal values in every panel).
 *
 * @returns the SVG document as a string
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
