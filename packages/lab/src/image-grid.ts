/**
 * A grid of small greyscale images as one SVG, drawn with Vega-Lite like the line charts: one
 * labelled row per item (a video clip, say) and one column per image in it (the clip's frames).
 * Every pixel is a rectangle whose shade encodes its value, so the figure is plain vector
 * graphics, deterministic for the same data, and needs no image codec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from './figures';

/** One row of the grid: a label and its images, each `[height][width]` values. */
export interface ImageRow {
  label: string;
  images: readonly (readonly (readonly number[])[])[];
}

/** What {@link imageGrid} draws. */
export interface ImageGridSpec {
  title: string;
  subtitle?: string;
  rows: readonly ImageRow[];
  /** Labels of the columns, one per image of a row (default "1", "2", ...). */
  columnLabels?: readonly string[];
  /** Pixels per image pixel (default 7). */
  cellSize?: number;
  /** The values drawn white and black (default: the smallest and the largest value). */
  domain?: readonly [number, number];
}

/** Throws unless every image of every row has the size of the first one. */
function checkSizes(rows: readonly ImageRow[]): { height: number; width: number; count: number } {
  const first = rows[0]?.images[0];
  if (first === undefined) throw new Error('imageGrid: needs at least one row with an image');
  const height = first.length;
  const width = first[0]?.length ?? 0;
  const count = rows[0]?.images.length ?? 0;
  rows.forEach((row, r) => {
    if (row.images.length !== count) {
      throw new Error(
        `imageGrid: every row needs ${count} images, row ${r} ('${row.label}') has ${row.images.length}`,
      );
    }
    row.images.forEach((image, i) => {
      if (image.length !== height || image.some((line) => line.length !== width)) {
        throw new Error(
          `imageGrid: every image must be ${height} × ${width}; image ${i} of row ${r} is not`,
        );
      }
    });
  });
  if (width === 0) throw new Error('imageGrid: images must have at least one pixel');
  return { height, width, count };
}

/**
 * Draws rows of greyscale images: row labels on the left, column labels on top; larger values
 * are darker.
 *
 * @param spec the rows (label and images) and optional column labels, cell size and range
 * @returns the SVG document as a string
 */
export async function imageGrid(spec: ImageGridSpec): Promise<string> {
  const { height, width, count } = checkSizes(spec.rows);
  const rowLabels = spec.rows.map((r) => r.label);
  if (new Set(rowLabels).size !== rowLabels.length) {
    throw new Error(`imageGrid: row labels must be unique, received ${rowLabels.join(', ')}`);
  }
  const columnLabels = spec.columnLabels ?? Array.from({ length: count }, (_, i) => `${i + 1}`);
  if (columnLabels.length !== count) {
    throw new Error(`imageGrid: ${count} column labels needed, received ${columnLabels.length}`);
  }
  const cell = spec.cellSize ?? 7;
  const gap = 4; // pixels between two images
  const blockW = width * cell + gap;
  const blockH = height * cell + gap;
  // Every pixel a rectangle at its place on the page (pixel units, no scales): image i of row r
  // starts at (i · blockW, r · blockH).
  const pixels: { x: number; y: number; v: number }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  spec.rows.forEach((row, r) =>
    row.images.forEach((image, i) =>
      image.forEach((line, y) =>
        line.forEach((v, x) => {
          // Three decimals are more shades than the eye tells apart, and keep the SVG small.
          const q = Math.round(v * 1000) / 1000;
          pixels.push({ x: i * blockW + x * cell, y: r * blockH + y * cell, v: q });
          lo = Math.min(lo, q);
          hi = Math.max(hi, q);
        }),
      ),
    ),
  );
  const domain = spec.domain ?? [lo, hi > lo ? hi : lo + 1];
  const frames = spec.rows.flatMap((_, r) =>
    columnLabels.map((_, i) => ({ x: i * blockW, y: r * blockH })),
  );
  const px = (field: string) => ({ field, type: 'quantitative', scale: null });
  const vl = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    title: {
      text: spec.title,
      ...(spec.subtitle ? { subtitle: spec.subtitle } : {}),
      anchor: 'start',
      frame: 'bounds',
    },
    width: count * blockW - gap,
    height: spec.rows.length * blockH - gap,
    config: { font: 'sans-serif', view: { stroke: null } },
    layer: [
      {
        data: { values: pixels },
        transform: [
          { calculate: `datum.x + ${cell}`, as: 'x2' },
          { calculate: `datum.y + ${cell}`, as: 'y2' },
        ],
        mark: { type: 'rect', aria: false },
        encoding: {
          x: px('x'),
          x2: { field: 'x2' },
          y: px('y'),
          y2: { field: 'y2' },
          color: {
            field: 'v',
            type: 'quantitative',
            scale: { range: ['#ffffff', '#000000'], domain: [...domain], clamp: true },
            legend: null,
          },
        },
      },
      {
        data: { values: frames },
        transform: [
          { calculate: `datum.x + ${width * cell}`, as: 'x2' },
          { calculate: `datum.y + ${height * cell}`, as: 'y2' },
        ],
        mark: { type: 'rect', fill: null, stroke: '#999', strokeWidth: 0.8, aria: false },
        encoding: { x: px('x'), x2: { field: 'x2' }, y: px('y'), y2: { field: 'y2' } },
      },
      {
        data: {
          values: rowLabels.map((label, r) => ({ label, y: r * blockH + (height * cell) / 2 })),
        },
        mark: { type: 'text', align: 'right', baseline: 'middle', dx: -8, fontSize: 11 },
        encoding: { x: { value: 0 }, y: px('y'), text: { field: 'label' } },
      },
      {
        data: {
          values: columnLabels.map((label, i) => ({ label, x: i * blockW + (width * cell) / 2 })),
        },
        mark: { type: 'text', align: 'center', baseline: 'bottom', dy: -6, fontSize: 11 },
        encoding: { x: px('x'), y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(vl);
}
