/**
 * Draws the chapter's diagrams of the two cells: figures/lstm-cell.svg (eqs. 2.1–2.4) and
 * figures/gru-cell.svg (eqs. 2.12–2.14). Boxes are values and operations, arrows the data flow;
 * the path along the top of the LSTM (c_{t−1} → ⊙ f → + → c_t) is the constant error carousel.
 * In the LSTM, the box a is the pre-activation x_t Wx + h_{t−1} Wh + b of eq. 2.1; in the GRU,
 * hWhⁿ and xWxⁿ are the candidate's two affine parts with their biases.
 *
 *   npx tsx labs/diagrams.ts [--out DIR | --update-figures]
 *
 * Chapter 2, "The LSTM cell" and "The GRU".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagram, outputDir, parseLabArgs, runIfMain, usage, writeFigure } from '@rnn-course/lab';
import type { DiagramEdge, DiagramNode } from '@rnn-course/lab';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

const STATE = '#e3ecf7'; // states carried between steps
const GATE = '#fdf1dc'; // gates and candidate
const OP = '#f4f4f4'; // elementwise operations
const INPUT = '#e6f2e6';

/** The LSTM cell: states, the four blocks of eq. 2.2, and the elementwise operations. */
export function lstmCell(): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [
    { id: 'cPrev', x: 0, y: 4, label: 'cₜ₋₁', fill: STATE },
    { id: 'mulF', x: 2, y: 4, label: '⊙', fill: OP },
    { id: 'plus', x: 4, y: 4, label: '+', fill: OP },
    { id: 'cNext', x: 7.5, y: 4, label: 'cₜ', fill: STATE },
    { id: 'tanhC', x: 6, y: 2.8, label: 'tanh', fill: OP },
    { id: 'mulO', x: 6, y: 1.4, label: '⊙', fill: OP },
    { id: 'hNext', x: 7.5, y: 1.4, label: 'hₜ', fill: STATE },
    { id: 'mulIG', x: 4, y: 2.6, label: '⊙', fill: OP },
    { id: 'f', x: 2, y: 1.4, label: 'f σ', fill: GATE },
    { id: 'i', x: 3.3, y: 1.4, label: 'i σ', fill: GATE },
    { id: 'g', x: 4.7, y: 1.4, label: 'g tanh', fill: GATE },
    { id: 'o', x: 6, y: 0, label: 'o σ', fill: GATE },
    { id: 'a', x: 3.3, y: 0, label: 'a', fill: INPUT },
    { id: 'hPrev', x: 0, y: 0, label: 'xₜ hₜ₋₁', fill: STATE },
  ];
  const edges: DiagramEdge[] = [
    { from: 'cPrev', to: 'mulF' },
    { from: 'f', to: 'mulF' },
    { from: 'mulF', to: 'plus', label: 'f ⊙ c' },
    { from: 'i', to: 'mulIG' },
    { from: 'g', to: 'mulIG' },
    { from: 'mulIG', to: 'plus' },
    { from: 'plus', to: 'cNext' },
    { from: 'plus', to: 'tanhC' },
    { from: 'tanhC', to: 'mulO' },
    { from: 'o', to: 'mulO' },
    { from: 'mulO', to: 'hNext' },
    { from: 'hPrev', to: 'a' },
    { from: 'a', to: 'f' },
    { from: 'a', to: 'i' },
    { from: 'a', to: 'g' },
    { from: 'a', to: 'o' },
  ];
  return { nodes, edges };
}

/** The GRU cell: the gates of eq. 2.12, the candidate of eq. 2.13 and the interpolation 2.14. */
export function gruCell(): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [
    { id: 'hPrev', x: 0, y: 4, label: 'hₜ₋₁', fill: STATE },
    { id: 'mulZ', x: 3, y: 4, label: '⊙', fill: OP },
    { id: 'plus', x: 5.5, y: 4, label: '+', fill: OP },
    { id: 'hNext', x: 7.5, y: 4, label: 'hₜ', fill: STATE },
    { id: 'z', x: 3, y: 2.6, label: 'z σ', fill: GATE },
    { id: 'oneMinus', x: 4.3, y: 2.6, label: '1 − z', fill: OP },
    { id: 'mulN', x: 5.5, y: 2.6, label: '⊙', fill: OP },
    { id: 'n', x: 5.5, y: 1.2, label: 'n tanh', fill: GATE },
    { id: 'mulR', x: 4, y: 1.2, label: '⊙', fill: OP },
    { id: 'r', x: 2.6, y: 1.2, label: 'r σ', fill: GATE },
    { id: 'hW', x: 4, y: 0, label: 'hWhⁿ', fill: INPUT },
    { id: 'x', x: 6.6, y: 0, label: 'xWxⁿ', fill: INPUT },
    { id: 'in', x: 0, y: 0, label: 'xₜ hₜ₋₁', fill: STATE },
  ];
  const edges: DiagramEdge[] = [
    { from: 'hPrev', to: 'mulZ' },
    { from: 'z', to: 'mulZ' },
    { from: 'mulZ', to: 'plus', label: 'z ⊙ h' },
    { from: 'z', to: 'oneMinus' },
    { from: 'oneMinus', to: 'mulN' },
    { from: 'n', to: 'mulN' },
    { from: 'mulN', to: 'plus' },
    { from: 'plus', to: 'hNext' },
    { from: 'r', to: 'mulR' },
    { from: 'hW', to: 'mulR' },
    { from: 'mulR', to: 'n' },
    { from: 'x', to: 'n' },
    { from: 'in', to: 'r' },
    { from: 'in', to: 'z' },
    { from: 'in', to: 'hW' },
  ];
  return { nodes, edges };
}

/** Writes both figures (into --out, or the committed figures/ with --update-figures). */
export async function main(argv: string[]): Promise<string[]> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/diagrams.ts [--out DIR | --update-figures]\n${usage()}`);
    return [];
  }
  const out = outputDir(args, FIGURES, 'lstm-gru');
  const lstm = lstmCell();
  const gru = gruCell();
  const files = [
    writeFigure(
      join(out, 'lstm-cell.svg'),
      await diagram({
        title: 'The LSTM cell (eqs. 2.1–2.4): the cell state runs along the top',
        ...lstm,
        unit: 70,
        box: 50,
      }),
    ),
    writeFigure(
      join(out, 'gru-cell.svg'),
      await diagram({
        title: 'The GRU cell (eqs. 2.12–2.14), reset gate after the product',
        ...gru,
        unit: 70,
        box: 50,
      }),
    ),
  ];
  console.log(`wrote ${files.join(', ')}`);
  return files;
}

runIfMain(import.meta.url, main);
