import { describe, expect, it } from 'vitest';
import { heatmap, heatmapGrid } from '../src/heatmap';
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
};

describe('heatmap', () => {
  it('draws one rect per cell, with the title, the axis titles and the tick labels', async () => {
    const svg = await heatmap(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Attention of head 0', 'key position', 'query position', 'cat', 'assis']) {
      expect(svg).toContain(text);
    }
    // Vega draws each cell of the mark as a <path> inside the mark's group.
    const marks = svg.match(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/s)?.[1] ?? '';
    expect(marks.match(/<path/g)?.length).toBe(9);
  });

  it('gives identical bytes for identical input', async () => {
    const first = await heatmap(spec);
    await heatmap({ ...spec, title: 'another' });
    expect(await heatmap(spec)).toBe(first);
  });

  it('refuses ragged rows, non-finite values and ticks of the wrong length', async () => {
    await expect(heatmap({ ...spec, values: [[1, 2], [3]] })).rejects.toThrow(
      "heatmap 'Attention of head 0': row 1 has 1 values, row 0 has 2",
    );
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
    const groups = svg.match(/<g class="mark-rect role-mark/g) ?? [];
    expect(groups.length).toBe(2);
  });

  it('refuses an empty grid', async () => {
    await expect(heatmapGrid('none', [], 2)).rejects.toThrow('needs at least one panel');
  });
});
