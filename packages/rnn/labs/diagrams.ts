/**
 * Draws the chapter's diagrams and its picture of a cliff:
 *
 * - figures/sequence-shapes.svg (Figure 1.1): one to many, many to one, many to many (aligned)
 *   and encoder–decoder, with the lab or chapter of the course where each appears;
 * - figures/unrolled-rnn.svg (Figure 1.2): a vanilla RNN unrolled over four time steps (inputs
 *   x_t, hidden states h_t, scores y_t, loss terms ℓ_t);
 * - figures/backward-flow.svg (Figure 1.3): the two paths along which the gradient reaches h_t
 *   (eq. 1.4): from the loss at step t, and carried back from step t + 1;
 * - figures/clipping-cliff.svg (Figure 1.4): the loss surface of a one-unit RNN over its two
 *   parameters, with a cliff, and gradient descent on it with and without clipping (eq. 1.12),
 *   after the picture of Pascanu, Mikolov and Bengio (2013, figure 6).
 *
 *   npm run lab:diagrams -w @rnn-course/rnn [-- --out DIR]
 *
 * Chapter 1: "Sequential data and the hidden state", "Unrolling through time",
 * "Backpropagation through time", "Exploding gradients and clipping".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { add, mul, noGrad, square, sub, tanh, tensor } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  diagram,
  surfaceMap,
  labCommand,
  outputDir,
  parseLabArgs,
  runIfMain,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import type { DiagramEdge, DiagramNode } from '@rnn-course/lab';
import { clipGradNorm } from '../src/index';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Unicode subscripts, so that labels read h₀ … h₃, hₜ₊₁ without a math renderer. */
function subscript(t: number | string): string {
  const map: Record<string, string> = { '-': '₋', '+': '₊', t: 'ₜ' };
  const digits = '₀₁₂₃₄₅₆₇₈₉';
  return String(t).replace(
    /[0-9+\-t]/g,
    (c) => (/[0-9]/.test(c) ? digits[Number(c)] : map[c]) as string,
  );
}

const FILL = { x: '#fdf1dc', h: '#e3ecf7', y: '#e6f2e6', l: '#f7e3e3', focus: '#b9cde8' };

/** The nodes and edges of the unrolled RNN over `T` steps (Figure 1.2). */
export function unrolledRnn(T: number): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [
    { id: 'h-1', x: 0, y: 1.5, label: `h${subscript(-1)}`, fill: '#f4f4f4' },
  ];
  const edges: DiagramEdge[] = [];
  for (let t = 0; t < T; t++) {
    const x = 2 * (t + 1);
    nodes.push(
      { id: `x${t}`, x, y: 0, label: `x${subscript(t)}`, fill: FILL.x },
      { id: `h${t}`, x, y: 1.5, label: `h${subscript(t)}`, fill: FILL.h },
      { id: `y${t}`, x, y: 3, label: `y${subscript(t)}`, fill: FILL.y },
      { id: `l${t}`, x, y: 4.2, label: `ℓ${subscript(t)}`, fill: FILL.l },
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

/** Colours of the two gradient paths of Figure 1.3 (and of eq. 1.4's two terms). */
export const GRADIENT_PATHS = { loss: '#e66100', carried: '#c0392b', forward: '#bbbbbb' };

/**
 * The backward flow around step t (Figure 1.3): steps t − 1, t, t + 1 drawn as in Figure 1.2,
 * forward arrows in grey, gradient arrows in colour, one colour per term of eq. 1.4.
 */
export function backwardFlow(): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const steps = ['t-1', 't', 't+1'];
  const nodes: DiagramNode[] = [
    { id: 'in', x: -0.3, y: 1.5, label: '…', shape: 'text', fontSize: 18 },
    { id: 'out', x: 9.3, y: 1.5, label: '…', shape: 'text', fontSize: 18 },
  ];
  const edges: DiagramEdge[] = [];
  const { loss, carried, forward } = GRADIENT_PATHS;
  steps.forEach((k, i) => {
    const x = 1.5 + 3 * i;
    const focus = k === 't';
    nodes.push(
      { id: `x${k}`, x, y: 0, label: `x${subscript(k)}`, fill: FILL.x },
      {
        id: `h${k}`,
        x,
        y: 1.5,
        label: `h${subscript(k)}`,
        fill: focus ? FILL.focus : FILL.h,
        bold: focus,
      },
      { id: `y${k}`, x, y: 3, label: `y${subscript(k)}`, fill: FILL.y },
      { id: `l${k}`, x, y: 4.3, label: `ℓ${subscript(k)}`, fill: FILL.l },
    );
    const prev = i === 0 ? 'in' : `h${steps[i - 1]}`;
    // Forward arrows in grey; each gradient arrow runs beside its forward arrow, the other way.
    // Offsets are to the left of an arrow's direction: upward arrows shift left, rightward up.
    edges.push(
      { from: `x${k}`, to: `h${k}`, color: forward, offset: -0.12 },
      { from: prev, to: `h${k}`, color: forward, offset: 0.12 },
      { from: `h${k}`, to: `y${k}`, color: forward, offset: -0.12 },
      { from: `y${k}`, to: `l${k}`, color: forward, offset: -0.12 },
      // backward: the loss term of this step down to h (eqs. 1.11 and 1.9) ...
      {
        from: `l${k}`,
        to: `y${k}`,
        color: loss,
        offset: -0.12,
        label: `∂ℓ${subscript(k)}/∂y${subscript(k)}`,
        labelPosition: 'left',
      },
      {
        from: `y${k}`,
        to: `h${k}`,
        color: loss,
        offset: -0.12,
        label: '·Wyᵀ',
        labelPosition: 'left',
      },
      // ... and from h on to the input and to the previous state (eq. 1.3), which receives it
      // as its "carried back" term
      {
        from: `h${k}`,
        to: `x${k}`,
        color: carried,
        offset: -0.12,
        label: `δ${subscript(k)} Wxᵀ`,
        labelPosition: 'left',
      },
      {
        from: `h${k}`,
        to: prev,
        color: carried,
        offset: 0.12,
        label: `δ${subscript(k)} Whᵀ`,
        labelPosition: 'below',
      },
    );
  });
  edges.push(
    { from: 'ht+1', to: 'out', color: forward, offset: 0.12 },
    {
      from: 'out',
      to: 'ht+1',
      color: carried,
      offset: 0.12,
      label: 'δₜ₊₂ Whᵀ',
      labelPosition: 'below',
    },
  );
  nodes.push({
    id: 'eq',
    x: 4.5,
    y: -1.1,
    shape: 'text',
    fontSize: 13,
    label:
      '∂L/∂hₜ = ∂ℓₜ/∂yₜ Wyᵀ (from the loss at step t)  +  δₜ₊₁ Whᵀ (carried back from step t + 1)',
  });
  return { nodes, edges };
}

/** One panel of Figure 1.1: a small unrolled network at (x0, y0). */
function panel(
  prefix: string,
  x0: number,
  y0: number,
  title: string,
  caption: string,
  steps: { input?: string; state: string; output?: string; feedback?: boolean }[],
  links: [number, number][] = steps.slice(1).map((_, i) => [i, i + 1]),
): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const width = 1.1 * (steps.length - 1);
  nodes.push(
    {
      id: `${prefix}title`,
      x: x0 + width / 2,
      y: y0 + 3.1,
      label: title,
      shape: 'text',
      bold: true,
    },
    {
      id: `${prefix}caption`,
      x: x0 + width / 2,
      y: y0 - 0.85,
      label: caption,
      shape: 'text',
      fontSize: 11,
    },
  );
  steps.forEach((s, i) => {
    const x = x0 + 1.1 * i;
    nodes.push({ id: `${prefix}h${i}`, x, y: y0 + 1, label: s.state, fill: FILL.h });
    if (s.input !== undefined) {
      nodes.push({ id: `${prefix}x${i}`, x, y: y0, label: s.input, fill: FILL.x });
      edges.push({ from: `${prefix}x${i}`, to: `${prefix}h${i}` });
    }
    if (s.output !== undefined) {
      nodes.push({ id: `${prefix}y${i}`, x, y: y0 + 2, label: s.output, fill: FILL.y });
      edges.push({ from: `${prefix}h${i}`, to: `${prefix}y${i}` });
      if (s.feedback && i + 1 < steps.length) {
        edges.push({
          from: `${prefix}y${i}`,
          to: `${prefix}h${i + 1}`,
          color: '#999999',
          dashed: true,
        });
      }
    }
  });
  for (const [a, b] of links) edges.push({ from: `${prefix}h${a}`, to: `${prefix}h${b}` });
  return { nodes, edges };
}

/** Figure 1.1: the four shapes of sequence problems, two panels per row. */
export function sequenceShapes(): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const n = (i: number): string => subscript(i);
  const parts = [
    panel('a', 0, 5, 'one to many', 'generation from a start: sampling (this chapter)', [
      { input: `x${n(0)}`, state: `h${n(0)}`, output: `y${n(0)}`, feedback: true },
      { state: `h${n(1)}`, output: `y${n(1)}`, feedback: true },
      { state: `h${n(2)}`, output: `y${n(2)}`, feedback: true },
      { state: `h${n(3)}`, output: `y${n(3)}` },
    ]),
    panel('b', 5.85, 5, 'many to one', 'classify a sequence; ∂h₃/∂hₜ in the gradient-norm lab', [
      { input: `x${n(0)}`, state: `h${n(0)}` },
      { input: `x${n(1)}`, state: `h${n(1)}` },
      { input: `x${n(2)}`, state: `h${n(2)}` },
      { input: `x${n(3)}`, state: `h${n(3)}`, output: 'y' },
    ]),
    panel('c', 0, 0, 'many to many, aligned', 'char-rnn and time-series labs (this chapter)', [
      { input: `x${n(0)}`, state: `h${n(0)}`, output: `y${n(0)}` },
      { input: `x${n(1)}`, state: `h${n(1)}`, output: `y${n(1)}` },
      { input: `x${n(2)}`, state: `h${n(2)}`, output: `y${n(2)}` },
      { input: `x${n(3)}`, state: `h${n(3)}`, output: `y${n(3)}` },
    ]),
    panel(
      'd',
      5.3,
      0,
      'many to many, encoder–decoder',
      'translation: sequence-to-sequence models (chapter 3)',
      [
        { input: `x${n(0)}`, state: `h${n(0)}` },
        { input: `x${n(1)}`, state: `h${n(1)}` },
        { input: `x${n(2)}`, state: `h${n(2)}` },
        { input: '<s>', state: `s${n(0)}`, output: `y${n(0)}`, feedback: true },
        { state: `s${n(1)}`, output: `y${n(1)}`, feedback: true },
        { state: `s${n(2)}`, output: `y${n(2)}` },
      ],
    ),
  ];
  return { nodes: parts.flatMap((p) => p.nodes), edges: parts.flatMap((p) => p.edges) };
}

/** The one-unit RNN of Figure 1.4: h_k = tanh(w h_{k−1} + b), no inputs. */
export const CLIFF = {
  h0: 0.5, // the initial state
  steps: 10, // T
  target: -0.7, // the loss is (h_T − target)²
  start: [2, -0.5] as [number, number], // (w, b) where both runs start
  lr: 0.3, // plain gradient descent
  maxNorm: 1, // the clipping threshold c of eq. 1.12
  iterations: 120,
  // the plotted window of the (w, b) plane, and its grid
  w: { from: 0.8, to: 2.2, cells: 141 },
  b: { from: -1.0, to: 0.2, cells: 121 },
};

/** L(w, b) = (h_T − target)² of the one-unit RNN, as a differentiable scalar. */
export function cliffLoss(w: Tensor, b: Tensor): Tensor {
  let h: Tensor = tensor(CLIFF.h0);
  for (let k = 0; k < CLIFF.steps; k++) h = tanh(add(mul(w, h), b)); // eq. 1.1 with H = 1
  return square(sub(h, CLIFF.target));
}

/** One gradient-descent run on the cliff: the iterates, their losses and gradient norms. */
export function cliffRun(maxNorm: number | undefined): {
  points: [number, number][];
  loss: number[];
  gradNorm: number[];
} {
  let [w, b] = CLIFF.start;
  const points: [number, number][] = [];
  const loss: number[] = [];
  const gradNorm: number[] = [];
  for (let k = 0; k <= CLIFF.iterations; k++) {
    const wt = tensor(w, { requiresGrad: true });
    const bt = tensor(b, { requiresGrad: true });
    const L = cliffLoss(wt, bt);
    L.backward();
    points.push([w, b]);
    loss.push(L.item());
    if (k === CLIFF.iterations) break;
    // eq. 1.12 by the chapter's clipGradNorm; no clipping is an infinite threshold
    const { grads, totalNorm } = clipGradNorm(
      { dw: wt.grad as Tensor, db: bt.grad as Tensor },
      maxNorm ?? Number.POSITIVE_INFINITY,
    );
    gradNorm.push(totalNorm);
    w -= CLIFF.lr * (grads.dw as Tensor).item();
    b -= CLIFF.lr * (grads.db as Tensor).item();
  }
  return { points, loss, gradNorm };
}

/** What the cliff experiment measured, for the chapter's text and the tests. */
export interface CliffResult {
  plain: ReturnType<typeof cliffRun>;
  clipped: ReturnType<typeof cliffRun>;
  /** the longest single step of the plain run, and the iteration that took it */
  longestPlainStep: { length: number; iteration: number };
}

function cliffFigure(): { svg: Promise<string>; result: CliffResult } {
  const grid = (g: { from: number; to: number; cells: number }): number[] =>
    Array.from({ length: g.cells }, (_, i) => g.from + ((g.to - g.from) * i) / (g.cells - 1));
  const ws = grid(CLIFF.w);
  const bs = grid(CLIFF.b);
  const values = noGrad(() =>
    bs.map((b) =>
      ws.map((w) => Math.log10(Math.max(cliffLoss(tensor(w), tensor(b)).item(), 1e-4))),
    ),
  );
  const plain = cliffRun(undefined);
  const clipped = cliffRun(CLIFF.maxNorm);
  let longestPlainStep = { length: 0, iteration: 0 };
  plain.points.slice(1).forEach(([w, b], i) => {
    const [w0, b0] = plain.points[i] as [number, number];
    const length = Math.hypot(w - w0, b - b0);
    if (length > longestPlainStep.length) longestPlainStep = { length, iteration: i + 1 };
  });
  const [wEnd, bEnd] = plain.points.at(-1) as [number, number];
  const svg = surfaceMap({
    title: 'A cliff in the loss of a one-unit RNN, and gradient descent on it',
    subtitle: [
      `hₖ = tanh(w hₖ₋₁ + b) for k = 1…${CLIFF.steps}, h₀ = ${CLIFF.h0}, ` +
        `L = (h${subscript(CLIFF.steps)} − (${CLIFF.target}))²; ` +
        `lr ${CLIFF.lr}, ${CLIFF.iterations} steps from (w, b) = (${CLIFF.start.join(', ')})`,
      `without clipping, step ${longestPlainStep.iteration} jumps ${longestPlainStep.length.toFixed(0)} ` +
        `units to (${wEnd.toFixed(1)}, ${bEnd.toFixed(1)}), off the map, and stays there`,
    ],
    xLabel: 'w (recurrent weight)',
    yLabel: 'b (bias)',
    colorLabel: 'log₁₀ L',
    x: ws,
    y: bs,
    values,
    domain: [-4, 0.5],
    levels: 9,
    paths: [
      { name: 'no clipping', points: plain.points },
      { name: `clipping at c = ${CLIFF.maxNorm}`, points: clipped.points, dashed: true },
    ],
  });
  return { svg, result: { plain, clipped, longestPlainStep } };
}

/** What `main` wrote and measured. */
export interface DiagramsLabResult {
  files: string[];
  cliff: CliffResult;
}

/** Writes the four figures into figures/ (with --update-figures) or the lab output folder. */
export async function main(argv: string[]): Promise<DiagramsLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/diagrams.ts [flags]\n${usage()}`);
    return undefined;
  }
  const out = outputDir(args, FIGURES, 'rnn');
  const files: string[] = [];
  const write = (name: string, svg: string): void => {
    files.push(writeFigure(join(out, name), svg));
  };

  write(
    'sequence-shapes.svg',
    await diagram({
      title: 'Shapes of sequence problems (inputs at the bottom, outputs on top)',
      subtitle: 'dashed: an output fed back as the next input when generating',
      ...sequenceShapes(),
      unit: 52,
      box: 32,
    }),
  );
  write(
    'unrolled-rnn.svg',
    await diagram({
      title: 'A vanilla RNN unrolled through time (the same Wx, Wh, Wy at every step)',
      ...unrolledRnn(4),
      unit: 58,
      box: 40,
    }),
  );
  write(
    'backward-flow.svg',
    await diagram({
      title: 'Backpropagation through time: two paths into hₜ',
      subtitle:
        'grey: forward; orange: from the loss at the same step; red: carried back from the next step',
      ...backwardFlow(),
      unit: 62,
      box: 40,
    }),
  );
  const cliff = cliffFigure();
  write('clipping-cliff.svg', await cliff.svg);

  const { plain, clipped, longestPlainStep } = cliff.result;
  const clippedSteps = clipped.gradNorm.filter((g) => g > CLIFF.maxNorm).length;
  console.log(
    `cliff, no clipping: largest gradient norm ${Math.max(...plain.gradNorm).toExponential(2)}; ` +
      `step ${longestPlainStep.iteration} has length ${longestPlainStep.length.toFixed(1)} and lands at ` +
      `(${plain.points
        .at(-1)
        ?.map((v) => v.toFixed(2))
        .join(', ')}); final loss ${plain.loss.at(-1)?.toFixed(4)}`,
  );
  console.log(
    `cliff, clipping at ${CLIFF.maxNorm}: ${clippedSteps} of ${CLIFF.iterations} steps clipped; ` +
      `ends at (${clipped.points
        .at(-1)
        ?.map((v) => v.toFixed(3))
        .join(', ')}), final loss ` +
      `${clipped.loss.at(-1)?.toExponential(1)}`,
  );
  console.log(`reproduce: ${labCommand('lab:diagrams', '@rnn-course/rnn', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { files, cliff: cliff.result };
}

runIfMain(import.meta.url, main);
