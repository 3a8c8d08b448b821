/**
 * Draws the chapter's diagram, Figure 1.1: a vanilla RNN unrolled over four time steps
 * (inputs x_t, hidden states h_t, scores y_t, loss terms ℓ_t). Rerun it to regenerate
 * figures/unrolled-rnn.svg:
 *
 *   npx tsx labs/diagrams.ts [--out DIR]
 *
 * Chapter 1, "Unrolling through time".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagram, outputDir, parseLabArgs, runIfMain, usage, writeFigure } from '@rnn-course/lab';
import type { DiagramEdge, DiagramNode } from '@rnn-course/lab';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Unicode subscripts, so that labels read h₀ … h₃ without a math renderer. */
function sub(t: number | string): string {
  const digits = '₀₁₂₃₄₅₆₇₈₉';
  return String(t)
    .replace(/[0-9]/g, (d) => digits[Number(d)] as string)
    .replace('-', '₋');
}

/** The nodes and edges of the unrolled RNN over `T` steps. */
export function unrolledRnn(T: number): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [{ id: 'h-1', x: 0, y: 1.5, label: `h${sub(-1)}`, fill: '#f4f4f4' }];
  const edges: DiagramEdge[] = [];
  for (let t = 0; t < T; t++) {
    const x = 2 * (t + 1);
    nodes.push(
      { id: `x${t}`, x, y: 0, label: `x${sub(t)}`, fill: '#fdf1dc' },
      { id: `h${t}`, x, y: 1.5, label: `h${sub(t)}`, fill: '#e3ecf7' },
      { id: `y${t}`, x, y: 3, label: `y${sub(t)}`, fill: '#e6f2e6' },
      { id: `l${t}`, x, y: 4.2, label: `ℓ${sub(t)}`, fill: '#f7e3e3' },
    );
    edges.push(
      { from: `x${t}`, to: `h${t}`, label: 'Wx' },
      { from: t === 0 ? 'h-1' : `h${t - 1}`, to: `h${t}`, label: 'Wh' },
      { from: `h${t}`, to: `y${t}`, label: 'Wy' },
      { from: `y${t}`, to: `l${t}` },
    );
  }
  return { nodes, edges };
}

/** Writes figures/unrolled-rnn.svg (or into `--out`); returns the path. */
export async function main(argv: string[]): Promise<string> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/diagrams.ts [--out DIR]\n${usage()}`);
    return '';
  }
  const { nodes, edges } = unrolledRnn(4);
  const svg = await diagram({
    title: 'A vanilla RNN unrolled through time (the same Wx, Wh, Wy at every step)',
    nodes,
    edges,
    unit: 58,
    box: 40,
  });
  const path = writeFigure(join(outputDir(args, FIGURES, 'rnn'), 'unrolled-rnn.svg'), svg);
  console.log(`wrote ${path}`);
  return path;
}

runIfMain(import.meta.url, main);
