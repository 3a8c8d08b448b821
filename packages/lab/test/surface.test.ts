import { describe, expect, it } from 'vitest';
import { surfaceMap } from '../src/surface';

const x = [0, 1, 2, 3];
const y = [10, 20, 30];
// Row 10: three cells in the lowest bin, then one in the highest; rows 20 and 30 all different.
const values = [
  [0, 0.05, 0.1, 9.9],
  [0, 3, 6, 9.9],
  [9.9, 6, 3, 0],
];
const spec = {
  title: 'a surface',
  xLabel: 'w',
  yLabel: 'b',
  colorLabel: 'loss',
  x,
  y,
  values,
  domain: [0, 10] as [number, number],
  levels: 4,
};
// The cells' rectangles (the legend's swatches carry a stroke colour and an opacity as well).
const rects = (svg: string): number =>
  (svg.match(/<path d="M[^"]*" fill="rgb\([^)]*\)" stroke-width="0"\/>/g) ?? []).length;

describe('surfaceMap', () => {
  it('draws one rectangle per run of equal colour in a row, with the legend titles', async () => {
    const svg = await surfaceMap(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(rects(svg)).toBe(2 + 4 + 4);
    for (const text of ['a surface', 'loss']) expect(svg).toContain(text);
  });

  it('draws paths over the cells with a legend, and the same bytes every time', async () => {
    const withPaths = {
      ...spec,
      paths: [
        {
          name: 'plain',
          points: [
            [0, 10],
            [1, 20],
            [50, 90],
          ] as [number, number][],
        },
        {
          name: 'clipped',
          points: [
            [0, 10],
            [0.5, 15],
          ] as [number, number][],
          dashed: true,
        },
      ],
    };
    const svg = await surfaceMap(withPaths);
    expect(svg).toContain('plain');
    expect(svg).toContain('clipped');
    await surfaceMap({ ...spec, title: 'another' });
    expect(await surfaceMap(withPaths)).toBe(svg);
  });

  it('leaves non-finite values blank', async () => {
    const holes = [
      [0, Number.NaN, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, Number.POSITIVE_INFINITY],
    ];
    expect(rects(await surfaceMap({ ...spec, values: holes }))).toBe(2 + 1 + 1);
  });

  it('rejects a grid that is not evenly spaced, values of the wrong shape, and too few levels', async () => {
    await expect(surfaceMap({ ...spec, x: [0, 1, 3, 4] })).rejects.toThrow(
      /x must be ascending and evenly spaced/,
    );
    await expect(surfaceMap({ ...spec, values: values.slice(1) })).rejects.toThrow(
      /values must be 3 rows \(one per y\) of 4 numbers \(one per x\), received 2 rows/,
    );
    await expect(surfaceMap({ ...spec, levels: 1 })).rejects.toThrow(
      /levels must be an integer >= 2/,
    );
  });
});
