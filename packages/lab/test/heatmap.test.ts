import { describe, expect, it } from 'vitest';
import { heatmap, heatmapAboveLines, heatmapGrid, heatmapSpec } from '../src/heatmap';
import type { HeatmapSpec } from '../src/heatmap';

const spec: HeatmapSpec = {
  title: 'Attention of head 0',
  xLabel: 'key position',
  yLabel: 'query position',
  values: [
    [1, 0, 0],
    [0.25, 0.75, 0],
    [0.2, 0.3, 0.5],
  ],
  xTicks: ['<s>', 'cat', 'sat'],
  yTicks: ['le', 'chat', 'assis'],
  domain: [0, 1],
};

type Cells = { data: { values: { x0: number; x1: number; y0: number; value: number }[] } };

/** The marks Vega drew for each rect mark of the figure (one <path> per cell). */
function cellCounts(svg: string): number[] {
  return [...svg.matchAll(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/gs)].map(
    (m) => m[1]!.match(/<path/g)?.length ?? 0,
  );
}

describe('heatmap', () => {
  it('draws one rect per cell, with the title, the axis titles and the tick labels', async () => {
    const svg = await heatmap(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Attention of head 0', 'key position', 'query position', 'cat', 'assis']) {
      expect(svg).toContain(text);
    }
    expect(cellCounts(svg)).toEqual([9]);
  });

  it('gives identical bytes for identical input', async () => {
    const first = await heatmap(spec);
    await heatmap({ ...spec, title: 'another' });
    expect(await heatmap(spec)).toBe(first);
  });

  it('puts row 0 at the top, or at the bottom with rowsUp, and columns xStep wide', () => {
    const down = heatmapSpec(spec) as Cells;
    expect(down.data.values.length).toBe(9);
    expect(down.data.values[0]).toMatchObject({ value: 1, x0: 0, x1: 1, y0: 2 });
    const up = heatmapSpec({ ...spec, xTicks: undefined, rowsUp: true, xStep: 0.5 }) as Cells;
    expect(up.data.values[0]).toMatchObject({ value: 1, x0: 0, x1: 0.5, y0: 0 });
    expect(up.data.values[5]).toMatchObject({ value: 0, x0: 1, x1: 1.5, y0: 1 });
  });

  it('refuses ragged rows, non-finite values, ticks of the wrong length and a bad xStep', async () => {
    await expect(heatmap({ ...spec, values: [[1, 2], [3]] })).rejects.toThrow(
      "heatmap 'Attention of head 0': row 1 has 1 values, row 0 has 2",
    );
    await expect(heatmap({ ...spec, values: [] })).rejects.toThrow('needs a non-empty');
    await expect(
      heatmap({
        ...spec,
        values: [
          [1, Number.NaN, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
      }),
    ).rejects.toThrow('value [0, 1] is NaN');
    await expect(heatmap({ ...spec, xTicks: ['a'] })).rejects.toThrow(
      'xTicks has 1 labels for 3 entries',
    );
    await expect(heatmap({ ...spec, xStep: 0 })).rejects.toThrow('xStep must be > 0');
  });
});

describe('heatmapGrid', () => {
  it('puts several panels under one title', async () => {
    const svg = await heatmapGrid(
      'Two heads',
      [
        { ...spec, title: 'head 0' },
        {
          ...spec,
          title: 'head 1',
          values: [
            [0, 0, 1],
            [0, 1, 0],
            [1, 0, 0],
          ],
        },
      ],
      2,
    );
    for (const text of ['Two heads', 'head 0', 'head 1']) expect(svg).toContain(text);
    expect(cellCounts(svg)).toEqual([9, 9]);
  });

  it('refuses an empty grid and a column count below 1', async () => {
    await expect(heatmapGrid('none', [], 2)).rejects.toThrow('needs at least one panel');
    await expect(heatmapGrid('none', [spec], 0)).rejects.toThrow(
      'columns must be an integer >= 1, received 0',
    );
  });
});

describe('heatmapAboveLines', () => {
  it('draws the heatmap and, under it, lines on the same x scale', async () => {
    const top = { ...spec, xTicks: undefined, xStep: 0.5 };
    const svg = await heatmapAboveLines('stacked', top, {
      title: 'probabilities',
      xLabel: 'time (s)',
      yLabel: 'p',
      series: [
        {
          name: 'blank',
          points: [
            [0.25, 0.9],
            [0.75, 0.2],
            [1.25, 0.7],
          ],
        },
      ],
    });
    for (const text of ['stacked', 'Attention of head 0', 'probabilities', 'blank']) {
      expect(svg).toContain(text);
    }
    expect(cellCounts(svg)).toEqual([9]);
  });
});
