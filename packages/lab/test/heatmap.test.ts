import { describe, expect, it } from 'vitest';
import { heatmap, heatmapAboveLines, heatmapGrid, heatmapSpec } from '../src/heatmap';

const attention = {
  title: 'attention',
  values: [
    [0.9, 0.1, 0],
    [0.2, 0.7, 0.1],
  ],
  xTicks: ['a', 'b', 'c'],
  yTicks: ['x', 'y'],
  xLabel: 'input',
  yLabel: 'output',
  domain: [0, 1] as const,
};

describe('heatmap', () => {
  it('draws one cell per entry, labels rows and columns, and is deterministic', async () => {
    const svg = await heatmap(attention);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['input', 'output', 'attention']) expect(svg).toContain(label);
    expect(await heatmap(attention)).toBe(svg);
    const spec = heatmapSpec(attention) as { data: { values: { value: number; y0: number }[] } };
    expect(spec.data.values.length).toBe(6);
    // Row 0 is drawn at the top: its cells have the highest y.
    expect(spec.data.values[0]).toMatchObject({ value: 0.9, y0: 1 });
  });

  it('draws row 0 at the bottom with rowsUp, and columns xStep wide', () => {
    const spec = heatmapSpec({ ...attention, xTicks: undefined, rowsUp: true, xStep: 0.5 }) as {
      data: { values: { x0: number; x1: number; y0: number }[] };
    };
    expect(spec.data.values[0]).toMatchObject({ x0: 0, x1: 0.5, y0: 0 });
  });

  it('rejects ragged values and tick lists of the wrong length', () => {
    expect(() => heatmapSpec({ ...attention, values: [[1, 2], [3]] })).toThrow(
      /\[rows\]\[columns\] matrix/,
    );
    expect(() => heatmapSpec({ ...attention, xTicks: ['a'] })).toThrow(
      'heatmap: 1 x ticks for 3 columns',
    );
  });

  it('draws panels in a grid and a heatmap above a line chart', async () => {
    const grid = await heatmapGrid('two', [attention, { ...attention, title: 'second panel' }]);
    expect(grid).toContain('second panel');
    const stacked = await heatmapAboveLines(
      'stacked',
      { ...attention, xTicks: undefined },
      {
        title: 'probabilities',
        xLabel: 'frame',
        yLabel: 'p',
        series: [
          {
            name: 'blank',
            points: [
              [0.5, 0.9],
              [1.5, 0.2],
              [2.5, 0.7],
            ],
          },
        ],
      },
    );
    expect(stacked).toContain('probabilities');
    expect(stacked).toContain('blank');
  });
});
