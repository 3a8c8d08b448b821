import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagram, lineChart, stackedLineCharts, writeFigure } from '../src/figures';
import { imageGrid } from '../src/image-grid';

const spec = {
  title: 'Loss',
  xLabel: 'step',
  yLabel: 'cross-entropy',
  series: [
    {
      name: 'train loss',
      points: [
        [0, 4],
        [1, 3],
        [2, 2.5],
      ] as [number, number][],
    },
    {
      name: 'validation loss',
      points: [
        [0, 4.1],
        [2, 2.7],
      ] as [number, number][],
      dashed: true,
    },
  ],
};

describe('lineChart', () => {
  it('returns an SVG document whose legend names every series', async () => {
    const svg = await lineChart(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('train loss');
    expect(svg).toContain('validation loss');
    expect(svg).toContain('cross-entropy');
  });

  it('gives identical bytes for identical input, even after other charts were drawn', async () => {
    const first = await lineChart({ ...spec, logY: true });
    await lineChart({ ...spec, title: 'another chart' });
    const second = await lineChart({ ...spec, logY: true });
    expect(second).toBe(first);
  });

  it('drops non-positive points on a log axis instead of failing', async () => {
    const svg = await lineChart({
      ...spec,
      logY: true,
      series: [
        {
          name: 'norm',
          points: [
            [0, 1],
            [1, 0],
            [2, 1e-3],
          ],
        },
      ],
    });
    expect(svg).toContain('norm');
    expect(svg).not.toContain('NaN');
  });

  it('draws markers on a line and keeps a fixed y range', async () => {
    const svg = await lineChart({
      ...spec,
      yDomain: [0, 10],
      series: [{ ...spec.series[0]!, markers: true }, spec.series[1]!],
    });
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(3); // the first series' points
    expect(svg).toContain('>10<'); // the fixed top of the y axis
  });

  it('rejects duplicate series names', async () => {
    await expect(
      lineChart({ ...spec, series: [spec.series[0]!, spec.series[0]!] }),
    ).rejects.toThrow(/unique/);
  });
});

describe('stackedLineCharts', () => {
  it('draws every panel in one SVG', async () => {
    const svg = await stackedLineCharts('two panels', [
      { ...spec, title: 'top panel' },
      { ...spec, title: 'bottom panel', logY: true },
    ]);
    expect(svg).toContain('top panel');
    expect(svg).toContain('bottom panel');
    expect(svg).toContain('validation loss');
  });
});

describe('diagram', () => {
  it('draws labelled boxes and arrows deterministically', async () => {
    const d = {
      title: 'two steps',
      nodes: [
        { id: 'a', x: 0, y: 0, label: 'h_0' },
        { id: 'b', x: 2, y: 0, label: 'h_1' },
      ],
      edges: [{ from: 'a', to: 'b', label: 'Wh' }],
    };
    const svg = await diagram(d);
    expect(svg).toContain('h_0');
    expect(svg).toContain('Wh');
    expect(await diagram(d)).toBe(svg);
  });

  it('draws text nodes without a box, and styled, offset, labelled arrows', async () => {
    const nodes = [
      { id: 'a', x: 0, y: 0, label: 'h_0' },
      { id: 'b', x: 2, y: 0, label: 'h_1' },
      { id: 'note', x: 1, y: -1, label: 'a caption', shape: 'text' as const, bold: true },
    ];
    const boxed = (svg: string): number =>
      (svg.match(/aria-roledescription="square"/g) ?? []).length;
    const svg = await diagram({
      title: 'both ways',
      subtitle: 'forward and back',
      nodes,
      edges: [
        { from: 'a', to: 'b', offset: 0.1 },
        {
          from: 'b',
          to: 'a',
          offset: 0.1,
          color: '#c0392b',
          dashed: true,
          label: 'dh',
          labelPosition: 'below',
        },
      ],
    });
    expect(boxed(svg)).toBe(2); // the text node has no square
    expect(svg).toContain('a caption');
    expect(svg).toContain('font-weight="bold"');
    expect(svg).toContain('forward and back');
    expect(svg).toContain('stroke="#c0392b"');
    expect(svg).toContain('stroke-dasharray="5,3"');
    // The two arrows, shifted to their own left, run at different heights: one above, one below.
    const ys = [
      ...svg.matchAll(/aria-roledescription="rule mark" transform="translate\([^,]+,([^)]+)\)"/g),
    ].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2);
    expect(ys[0]).not.toBeCloseTo(ys[1] as number, 3);
  });

  it('names an edge that joins an unknown node', async () => {
    await expect(
      diagram({
        title: 'x',
        nodes: [{ id: 'a', x: 0, y: 0, label: 'a' }],
        edges: [{ from: 'a', to: 'zz' }],
      }),
    ).rejects.toThrow(/zz/);
  });
});

describe('writeFigure', () => {
  it('creates missing folders and writes the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-fig-'));
    const path = writeFigure(join(dir, 'a', 'b', 'f.svg'), '<svg/>');
    expect(readFileSync(path, 'utf8')).toBe('<svg/>\n');
  });
});

describe('imageGrid', () => {
  const rows = [
    {
      label: 'first',
      images: [
        [
          [0, 1],
          [1, 0],
        ],
        [
          [1, 1],
          [0, 0],
        ],
      ],
    },
    {
      label: 'second',
      images: [
        [
          [0.5, 0.5],
          [0, 1],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ],
    },
  ];

  it('draws one dark square per value 1, labels the rows and columns, the same bytes every time', async () => {
    const svg = await imageGrid({
      title: 'grid',
      rows,
      columnLabels: ['t = 0', 't = 1'],
      domain: [0, 1],
    });
    for (const label of ['grid', 'first', 'second', 't = 0', 't = 1']) expect(svg).toContain(label);
    expect(svg.match(/fill="rgb\(0, 0, 0\)"/g)?.length).toBe(5); // the five 1s are black
    expect(
      await imageGrid({ title: 'grid', rows, columnLabels: ['t = 0', 't = 1'], domain: [0, 1] }),
    ).toBe(svg);
  });

  it('names a row whose images are not all the same size', async () => {
    const ragged = [rows[0]!, { label: 'bad', images: [[[0, 1]], [[1, 1]]] }];
    await expect(imageGrid({ title: 'x', rows: ragged })).rejects.toThrow(/image 0 of row 1/);
  });
});
