/**
 * Figures as SVG files, drawn with Vega-Lite (Satyanarayan et al. 2017): a chart is a small
 * declarative spec, compiled to a Vega spec, rendered by a headless Vega view to an SVG string.
 * No canvas and no browser are involved, and the same data always gives the same bytes, so a
 * figure committed to the repository can be checked by rerunning the lab that made it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** One named curve: points `[x, y]`. */
export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Draw dots instead of a line (default false). */
  pointsOnly?: boolean;
  /** Draw the line and a dot at every point (default false). */
  markers?: boolean;
  /** Draw the line dashed (default false). */
  dashed?: boolean;
}

/** A vertical marker line, e.g. "forecast starts here". */
export interface VerticalRule {
  x: number;
  label?: string;
}

/** What {@link lineChart} draws. */
export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Logarithmic y axis; non-positive and non-finite points are dropped (default false). */
  logY?: boolean;
  /** Logarithmic x axis (default false). */
  logX?: boolean;
  /** Fixed y range, e.g. [0, 1] for an accuracy (default: fitted to the data). */
  yDomain?: readonly [number, number];
  /** Vertical marker lines. */
  rules?: VerticalRule[];
  /** Optional subtitle under the title. */
  subtitle?: string;
  /** Plot area size in pixels (default 560 x 300). */
  width?: number;
  height?: number;
}

// A fixed palette (Tableau 10, Vega's default scheme) assigned in series order, so a series
// keeps its colour when another series is added after it.
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

/** Renders a Vega-Lite spec to an SVG string (headless, deterministic). */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  // Clip-path and gradient ids come from module-level counters; reset them so that the same
  // chart gives the same SVG no matter how many charts this process drew before.
  const ids = vega as unknown as { resetSVGDefIds?: () => void };
  ids.resetSVGDefIds?.();
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The Vega-Lite spec of one chart (a layer of lines, dots and rules), without rendering it.
 * {@link lineChart} renders one; {@link stackedLineCharts} stacks several.
 */
export function lineChartSpec(spec: LineChartSpec): Record<string, unknown> {
  if (spec.series.length === 0) throw new Error('lineChart: needs at least one series');
  const names = spec.series.map((s) => s.name);
  if (new Set(names).size !== names.length) {
    throw new Error(`lineChart: series names must be unique, received ${names.join(', ')}`);
  }
  const keep = (x: number, y: number): boolean =>
    Number.isFinite(x) && Number.isFinite(y) && (!spec.logY || y > 0) && (!spec.logX || x > 0);
  // Lines: every series but the dots-only ones; dots: dots-only series and those with markers.
  const rows = (points: boolean) =>
    spec.series
      .filter((s) =>
        points ? (s.pointsOnly ?? false) || (s.markers ?? false) : !(s.pointsOnly ?? false),
      )
      .flatMap((s) =>
        s.points.filter(([x, y]) => keep(x, y)).map(([x, y]) => ({ series: s.name, x, y })),
      );
  const colors = names.map((_, i) => PALETTE[i % PALETTE.length] as string);
  const dashedNames = spec.series.filter((s) => s.dashed).map((s) => s.name);
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: colors },
    legend: {
      orient: 'right',
      labelLimit: 360,
      symbolType: spec.series.every((s) => s.pointsOnly) ? 'circle' : 'stroke',
    },
  };
  const x = {
    field: 'x',
    type: 'quantitative',
    title: spec.xLabel,
    scale: spec.logX ? { type: 'log', nice: false } : { zero: false, nice: false },
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: spec.yLabel,
    scale: spec.yDomain
      ? { domain: [...spec.yDomain], ...(spec.logY ? { type: 'log' } : {}), nice: false }
      : spec.logY
        ? { type: 'log' }
        : { zero: false },
    axis: spec.logY ? { format: '~g' } : {},
  };
  const layers: object[] = [];
  const lineRows = rows(false);
  if (lineRows.length > 0) {
    layers.push({
      data: { values: lineRows },
      mark: { type: 'line', strokeWidth: 1.6, clip: true },
      encoding: {
        x,
        y,
        color,
        detail: { field: 'series', type: 'nominal' },
        strokeDash: {
          condition: {
            test: `indexof(${JSON.stringify(dashedNames)}, datum.series) >= 0`,
            value: [6, 3],
          },
          value: [1, 0],
        },
      },
    });
  }
  const pointRows = rows(true);
  if (pointRows.length > 0) {
    layers.push({
      data: { values: pointRows },
      mark: { type: 'point', filled: true, size: 18, clip: true },
      encoding: { x, y, color },
    });
  }
  for (const rule of spec.rules ?? []) {
    const rx = { field: 'x', type: 'quantitative' };
    layers.push({
      data: { values: [{ x: rule.x, label: rule.label ?? '' }] },
      layer: [
        { mark: { type: 'rule', color: '#555', strokeDash: [2, 2] }, encoding: { x: rx } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: '#555' },
          encoding: { x: rx, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    });
  }
  return {
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: spec.width ?? 560,
    height: spec.height ?? 300,
    layer: layers,
  };
}

/** The settings every figure of the course shares: white background, sans-serif, light grid. */
export const TOP_LEVEL = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  config: {
    font: 'sans-serif',
    axis: { grid: true, gridOpacity: 0.5 },
    legend: { labelLimit: 360 },
  },
};

/**
 * Draws one or more named series as lines (or dots) with a legend.
 *
 * @param spec title, axis labels, `series: [{ name, points: [x, y][] }]`, optional `logY`
 * @returns the SVG document as a string
 */
export async function lineChart(spec: LineChartSpec): Promise<string> {
  return renderVegaLite({ ...TOP_LEVEL, ...lineChartSpec(spec) } as unknown as TopLevelSpec);
}

/**
 * Draws several charts one above the other in one SVG, e.g. gradient norm and loss of the
 * same runs. Series of the same name get the same colour in every panel.
 *
 * @param title  the figure's title
 * @param charts the panels, top to bottom
 * @returns the SVG document as a string
 */
export async function stackedLineCharts(title: string, charts: LineChartSpec[]): Promise<string> {
  if (charts.length === 0) throw new Error('stackedLineCharts: needs at least one chart');
  return renderVegaLite({
    ...TOP_LEVEL,
    title,
    vconcat: charts.map(lineChartSpec),
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec);
}

/** A box of a diagram, centred at (x, y) in diagram units. */
export interface DiagramNode {
  id: string;
  x: number;
  y: number;
  label: string;
  /** Fill colour (default light grey). */
  fill?: string;
  /** 'box' (default) draws a square with the label in it; 'text' only the label (a caption). */
  shape?: 'box' | 'text';
  /** Font size of the label in pixels (default 13). */
  fontSize?: number;
  /** Bold label (default false). */
  bold?: boolean;
}

/** An arrow from one node to another, optionally labelled at its middle. */
export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
  /** Line, arrowhead and label colour (default dark grey). */
  color?: string;
  /** Draw the line dashed (default false). */
  dashed?: boolean;
  /**
   * Shift the arrow sideways by this many diagram units (to its left, looking from `from` to
   * `to`), so that two arrows between the same nodes, one each way, do not overlap.
   */
  offset?: number;
  /** Where the label sits beside the arrow's middle (default: above and to the right). */
  labelPosition?: 'left' | 'right' | 'above' | 'below';
}

// How a label is placed for each labelPosition (the default keeps the original placement).
const LABEL_PLACEMENT = {
  default: { align: 'center', baseline: 'middle', dx: 10, dy: -8 },
  left: { align: 'right', baseline: 'middle', dx: -7, dy: 0 },
  right: { align: 'left', baseline: 'middle', dx: 7, dy: 0 },
  above: { align: 'center', baseline: 'bottom', dx: 0, dy: -4 },
  below: { align: 'center', baseline: 'top', dx: 0, dy: 4 },
} as const;

/** What {@link diagram} draws: boxes joined by arrows, on a grid of `unit` pixels. */
export interface DiagramSpec {
  title: string;
  /** Optional subtitle under the title. */
  subtitle?: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Pixels per diagram unit (default 70). */
  unit?: number;
  /** Box size in pixels (default 46). */
  box?: number;
}

const INK = '#333';

/**
 * Draws a box-and-arrow diagram (for example an RNN unrolled through time) with Vega-Lite:
 * edges are rules, arrowheads are triangles rotated to the edge's direction, boxes are
 * squares, labels are text marks. Nodes and edges come from code, so the figure is
 * reproducible like any chart.
 *
 * @returns the SVG document as a string
 */
export async function diagram(spec: DiagramSpec): Promise<string> {
  const unit = spec.unit ?? 70;
  const box = spec.box ?? 46;
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const xs = spec.nodes.map((n) => n.x);
  const ys = spec.nodes.map((n) => n.y);
  const [x0, x1] = [Math.min(...xs) - 0.6, Math.max(...xs) + 0.6];
  const [y0, y1] = [Math.min(...ys) - 0.6, Math.max(...ys) + 0.6];
  const half = box / 2 / unit; // half a box, in diagram units
  const edges = spec.edges.map((e, i) => {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) throw new Error(`diagram: edge ${i} joins unknown node ${a ? e.to : e.from}`);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy);
    // Start and end on the box borders (boxes are squares, so scale by the larger component);
    // a text node has no box, so the arrow stops a little short of its centre.
    const cutOf = (n: DiagramNode): number =>
      n.shape === 'text' ? 0.25 : half / Math.max(Math.abs(dx) / len, Math.abs(dy) / len);
    const ux = dx / len;
    const uy = dy / len;
    // The left normal of the direction (-uy, ux) shifts an offset arrow sideways.
    const ox = -uy * (e.offset ?? 0);
    const oy = ux * (e.offset ?? 0);
    // Vega's angle is clockwise from "up" in screen space; the y axis points up here.
    const angle = (Math.atan2(ux, uy) * 180) / Math.PI;
    return {
      xa: a.x + ux * cutOf(a) + ox,
      ya: a.y + uy * cutOf(a) + oy,
      xb: b.x - ux * (cutOf(b) + 0.06) + ox,
      yb: b.y - uy * (cutOf(b) + 0.06) + oy,
      mx: (a.x + b.x) / 2 + ox,
      my: (a.y + b.y) / 2 + oy,
      angle,
      label: e.label ?? '',
      placement: e.labelPosition ?? 'default',
      color: e.color ?? INK,
      dash: e.dashed ? [5, 3] : [1, 0],
    };
  });
  const scaleX = { domain: [x0, x1], nice: false, zero: false };
  const scaleY = { domain: [y0, y1], nice: false, zero: false };
  const noAxis = { axis: null };
  const X = (field: string) => ({ field, type: 'quantitative', scale: scaleX, ...noAxis });
  const Y = (field: string) => ({ field, type: 'quantitative', scale: scaleY, ...noAxis });
  const color = { field: 'color', type: 'nominal', scale: null };
  const boxes = spec.nodes.filter((n) => n.shape !== 'text');
  const fonts = [
    ...new Map(
      spec.nodes.map((n) => [`${n.fontSize ?? 13}/${!!n.bold}`, [n.fontSize ?? 13, !!n.bold]]),
    ).values(),
  ] as [number, boolean][];
  const vl = {
    ...TOP_LEVEL,
    title: spec.subtitle ? { text: spec.title, subtitle: spec.subtitle } : spec.title,
    width: Math.round((x1 - x0) * unit),
    height: Math.round((y1 - y0) * unit),
    config: { view: { stroke: null }, font: 'sans-serif' },
    layer: [
      {
        data: { values: edges },
        mark: { type: 'rule', strokeWidth: 1.4 },
        encoding: {
          x: X('xa'),
          y: Y('ya'),
          x2: { field: 'xb' },
          y2: { field: 'yb' },
          color,
          strokeDash: { field: 'dash', type: 'nominal', scale: null },
        },
      },
      {
        data: { values: edges },
        mark: { type: 'point', shape: 'triangle-up', filled: true, size: 70, opacity: 1 },
        encoding: {
          x: X('xb'),
          y: Y('yb'),
          angle: { field: 'angle', type: 'quantitative', scale: null },
          color,
        },
      },
      // One label layer per placement (alignment and offsets are mark properties).
      ...Object.entries(LABEL_PLACEMENT).map(([placement, props]) => ({
        data: { values: edges.filter((e) => e.label !== '' && e.placement === placement) },
        mark: { type: 'text', fontSize: 12, fontStyle: 'italic', ...props },
        encoding: { x: X('mx'), y: Y('my'), text: { field: 'label' }, color },
      })),
      {
        data: { values: boxes.map((n) => ({ ...n, fill: n.fill ?? '#e8eef6' })) },
        mark: { type: 'square', size: box * box, stroke: INK, strokeWidth: 1.2, opacity: 1 },
        encoding: { x: X('x'), y: Y('y'), fill: { field: 'fill', type: 'nominal', scale: null } },
      },
      // One text layer per font (size and weight are mark properties in Vega-Lite).
      ...fonts.map(([fontSize, bold]) => ({
        data: {
          values: spec.nodes.filter((n) => (n.fontSize ?? 13) === fontSize && !!n.bold === bold),
        },
        mark: { type: 'text', fontSize, fontWeight: bold ? 'bold' : 'normal' },
        encoding: { x: X('x'), y: Y('y'), text: { field: 'label' } },
      })),
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(vl);
}

/** Writes an SVG (or any text) to `path`, creating missing folders; returns the path. */
export function writeFigure(path: string, svg: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg.endsWith('\n') ? svg : `${svg}\n`);
  return path;
}
