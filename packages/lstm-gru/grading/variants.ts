/**
 * The LSTM and GRU cells as the usual mistakes compute them: each suite compares a wrong answer
 * with these to say which mistake it is. Every variant is the chapter's equations with one thing
 * changed, named by its options; with no options each is the correct cell (eqs. 2.1–2.4 and
 * 2.12–2.14), which the suites never use for grading (the reference does that).
 */
import {
  add,
  concat,
  matmul,
  mul,
  narrow,
  sigmoid,
  stepsToSequence,
  sub,
  sum,
  tanh,
  timeStep,
  transpose,
  type Tensor,
} from '@rnn-course/core';
import { agrees } from '@rnn-course/grader/testing';
import type {
  GruSequenceInputs,
  GruStepInputs,
  LstmSequenceInputs,
  LstmStepInputs,
} from './inputs';

/**
 * A table of named mistakes of one kind `M`, each with what to say about it; the hint that
 * teaches its fix is named in each suite, where `course verify` checks it against the manifest.
 */
function catalog<M>() {
  return <K extends string>(entries: Record<K, { readonly mistake: M; readonly text: string }>) =>
    entries;
}

/** What an LSTM step gets wrong. */
export interface LstmMistake {
  /** Which column block is read as i, f, g, o (default [0, 1, 2, 3], PyTorch's order). */
  readonly order?: readonly [number, number, number, number];
  /** A constant added to the forget gate's pre-activation inside the cell (TensorFlow's). */
  readonly forgetBias?: number;
  /** What the forget gate multiplies (default c_{t−1}). */
  readonly forgets?: 'prevC' | 'prevH';
  /** What the output gate multiplies (default tanh(c_t)). */
  readonly output?: 'tanhC' | 'tanhPrevC' | 'c';
  /** The candidate's nonlinearity (default tanh). */
  readonly candidate?: 'tanh' | 'sigmoid';
}

/** One LSTM step with `m` (eqs. 2.1–2.4 when `m` is empty). */
export function lstmStepWith(
  p: LstmStepInputs,
  m: LstmMistake = {},
): { nextH: Tensor; nextC: Tensor } {
  const { x, prevH, prevC, Wx, Wh, b } = p;
  const H = prevH.shape[1] as number;
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // [N, 4H]
  const [bi, bf, bg, bo] = m.order ?? [0, 1, 2, 3];
  const block = (k: number): Tensor => narrow(a, 1, k * H, H); // [N, H]
  const i = sigmoid(block(bi)); // [N, H]
  const f = sigmoid(add(block(bf), m.forgetBias ?? 0)); // [N, H]
  const g = (m.candidate === 'sigmoid' ? sigmoid : tanh)(block(bg)); // [N, H]
  const o = sigmoid(block(bo)); // [N, H]
  const nextC = add(mul(f, m.forgets === 'prevH' ? prevH : prevC), mul(i, g)); // [N, H]
  const squashed = m.output === 'c' ? nextC : m.output === 'tanhPrevC' ? tanh(prevC) : tanh(nextC); // [N, H]
  return { nextH: mul(o, squashed), nextC };
}

/** What a GRU step gets wrong. */
export interface GruMistake {
  /** z keeps the candidate and 1 − z the old state. */
  readonly swapZ?: boolean;
  /** The reset gate scales h_{t−1} before the matrix product: (r ⊙ h_{t−1}) Wh^n + bh^n. */
  readonly resetBeforeMatmul?: boolean;
  /** bh^n outside the reset product, as if there were one bias: r ⊙ (h_{t−1} Wh^n) + bh^n. */
  readonly oneBias?: boolean;
  /** The r and z blocks read the other way round (z first). */
  readonly swapGates?: boolean;
}

/** One GRU step with `m` (eqs. 2.12–2.14 when `m` is empty). */
export function gruStepWith(p: GruStepInputs, m: GruMistake = {}): Tensor {
  const { x, prevH, Wx, Wh, bx, bh } = p;
  const H = prevH.shape[1] as number;
  const ax = add(matmul(x, Wx), bx); // [N, 3H]
  const hW = matmul(prevH, Wh); // [N, 3H]
  const ah = add(hW, bh); // [N, 3H]
  const gate = (k: number): Tensor =>
    sigmoid(add(narrow(ax, 1, k * H, H), narrow(ah, 1, k * H, H)));
  const r = gate(m.swapGates ? 1 : 0); // [N, H]
  const z = gate(m.swapGates ? 0 : 1); // [N, H]
  const bhn = narrow(bh, 0, 2 * H, H); // [H]
  let recurrent: Tensor; // [N, H], what enters the candidate from h_{t−1}
  if (m.resetBeforeMatmul) {
    recurrent = add(matmul(mul(r, prevH), narrow(Wh, 1, 2 * H, H)), bhn);
  } else if (m.oneBias) {
    recurrent = add(mul(r, narrow(hW, 1, 2 * H, H)), bhn);
  } else {
    recurrent = mul(r, narrow(ah, 1, 2 * H, H));
  }
  const n = tanh(add(narrow(ax, 1, 2 * H, H), recurrent)); // [N, H]
  const [keep, admit] = m.swapZ ? [sub(1, z), z] : [z, sub(1, z)];
  return add(mul(admit, n), mul(keep, prevH)); // [N, H]
}

/** An LSTM unrolled from (h0, c0) with `m` at every step: h, c [N, T, H]. */
export function lstmWith(
  p: { x: Tensor; h0: Tensor; c0: Tensor; Wx: Tensor; Wh: Tensor; b: Tensor },
  m: LstmMistake & { fromC0?: boolean; fromH0?: boolean } = {},
): { h: Tensor; c: Tensor } {
  const T = p.x.shape[1] as number;
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  let [h, c] = [p.h0, p.c0];
  for (let t = 0; t < T; t++) {
    const s = lstmStepWith({ ...p, x: timeStep(p.x, t), prevH: h, prevC: c }, m);
    hs.push(s.nextH);
    cs.push(s.nextC);
    h = m.fromH0 ? p.h0 : s.nextH;
    c = m.fromC0 ? p.c0 : s.nextC;
  }
  return { h: stepsToSequence(hs), c: stepsToSequence(cs) }; // [N, T, H] each
}

/** A GRU unrolled from h0 with `m` at every step: h [N, T, H]. */
export function gruWith(
  p: { x: Tensor; h0: Tensor; Wx: Tensor; Wh: Tensor; bx: Tensor; bh: Tensor },
  m: GruMistake & { fromH0?: boolean } = {},
): Tensor {
  const T = p.x.shape[1] as number;
  const hs: Tensor[] = [];
  let h = p.h0;
  for (let t = 0; t < T; t++) {
    const next = gruStepWith({ ...p, x: timeStep(p.x, t), prevH: h }, m);
    hs.push(next);
    h = m.fromH0 ? p.h0 : next;
  }
  return stepsToSequence(hs); // [N, T, H]
}

/** Names of the LSTM mistakes a forward suite looks for, with what to say about each. */
export const LSTM_FORWARD_MISTAKES = catalog<LstmMistake>()({
  gateOrderIfog: {
    mistake: { order: [0, 1, 3, 2] },
    text:
      "the gate blocks were read in the order i, f, o, g (CS231n's): this course uses PyTorch's " +
      'order i, f, g, o, so the candidate g is the third block of H columns and o the fourth.',
  },
  forgetCandidateSwapped: {
    mistake: { order: [0, 2, 1, 3] },
    text:
      "the blocks f and g are swapped: in PyTorch's order i, f, g, o the forget gate is the second block " +
      '(columns H to 2H−1) and the candidate the third.',
  },
  inputForgetSwapped: {
    mistake: { order: [1, 0, 2, 3] },
    text:
      'the blocks i and f are swapped: the input gate is the first block of H columns, the forget gate ' +
      'the second.',
  },
  forgetBiasInCell: {
    mistake: { forgetBias: 1 },
    text:
      'the forget gate is σ(a^f + 1): the forget-gate bias of 1 is how b is initialised (lstmParams), ' +
      "not a constant added inside the cell (TensorFlow's forget_bias does that; PyTorch does not).",
  },
  forgetOnHidden: {
    mistake: { forgets: 'prevH' },
    text:
      'the forget gate multiplies prevH: in eq. 2.3 it multiplies the previous cell state, ' +
      'c_t = f ⊙ c_{t−1} + i ⊙ g.',
  },
  outputOfPrevC: {
    mistake: { output: 'tanhPrevC' },
    text: 'nextH is o ⊙ tanh(c_{t−1}): eq. 2.4 reads the new cell state, h_t = o ⊙ tanh(c_t).',
  },
  outputWithoutTanh: {
    mistake: { output: 'c' },
    text: 'nextH is o ⊙ c_t without the tanh: eq. 2.4 squashes the cell state, h_t = o ⊙ tanh(c_t).',
  },
  candidateSigmoid: {
    mistake: { candidate: 'sigmoid' },
    text:
      'the candidate g went through the sigmoid: i, f and o are sigmoids, the candidate g is a tanh ' +
      '(eq. 2.2), so that it can be negative.',
  },
});

/** Names of the GRU mistakes a forward suite looks for, with what to say about each. */
export const GRU_FORWARD_MISTAKES = catalog<GruMistake>()({
  zSwapped: {
    mistake: { swapZ: true },
    text:
      "z and 1 − z are swapped: in eq. 2.14 (PyTorch's convention) z keeps the old state, " +
      'h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.',
  },
  resetBeforeMatmul: {
    mistake: { resetBeforeMatmul: true },
    text:
      'the reset gate was applied to h_{t−1} before the matrix product, (r ⊙ h_{t−1}) Wh^n: in eq. ' +
      "2.13 (PyTorch's and cuDNN's convention) it multiplies the product, r ⊙ (h_{t−1} Wh^n + bh^n).",
  },
  oneBias: {
    mistake: { oneBias: true },
    text:
      'bh^n was added outside the reset product, as if the GRU had one bias: PyTorch keeps two, and ' +
      'the n block of bh sits inside, r ⊙ (h_{t−1} Wh^n + bh^n) (eq. 2.13).',
  },
  gatesSwapped: {
    mistake: { swapGates: true },
    text: "the r and z blocks are swapped: PyTorch's order is r, z, n (r in columns 0 to H−1, z in H to 2H−1).",
  },
});

/** The gate values of one correct LSTM step, and its pre-activation a [N, 4H]. */
function lstmGatesOf(p: LstmStepInputs) {
  const { x, prevH, prevC, Wx, Wh, b } = p;
  const H = prevH.shape[1] as number;
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // [N, 4H]
  const block = (k: number): Tensor => narrow(a, 1, k * H, H); // [N, H]
  const [i, f, g, o] = [sigmoid(block(0)), sigmoid(block(1)), tanh(block(2)), sigmoid(block(3))];
  const nextC = add(mul(f, prevC), mul(i, g)); // [N, H]
  return { a, block, i, f, g, o, nextC, nextH: mul(o, tanh(nextC)) };
}

/** What an LSTM step's backward gets wrong. */
export interface LstmBackwardMistake {
  /** δc = dnextC only, without the path through h_t (eq. 2.5). */
  readonly noHPath?: boolean;
  /** The path through h_t with tanh(c_{t−1}) where tanh(c_t) belongs. */
  readonly tanhPrevC?: boolean;
  /** σ′ and tanh′ evaluated on the pre-activations: a(1 − a) and 1 − a². */
  readonly derivativeOnPre?: boolean;
  /** dprevC = δc, without the forget gate (eq. 2.6). */
  readonly noForgetInCarry?: boolean;
  /** δa joined in the order i, f, o, g. */
  readonly blockOrder?: boolean;
}

/** The six gradients of one LSTM step with `m` (eqs. 2.5–2.8 when `m` is empty). */
export function lstmStepBackwardWith(
  p: LstmStepInputs,
  dnextH: Tensor,
  dnextC: Tensor,
  m: LstmBackwardMistake = {},
): Record<'dx' | 'dprevH' | 'dprevC' | 'dWx' | 'dWh' | 'db', Tensor> {
  const { x, prevH, prevC, Wx, Wh } = p;
  const { block, i, f, g, o, nextC } = lstmGatesOf(p);
  const tanhC = tanh(m.tanhPrevC ? prevC : nextC); // [N, H]
  const throughH = mul(mul(dnextH, o), sub(1, mul(tanhC, tanhC))); // [N, H]
  const dc = m.noHPath ? dnextC : add(dnextC, throughH); // [N, H]
  const sig = (s: Tensor, k: number): Tensor =>
    m.derivativeOnPre ? mul(block(k), sub(1, block(k))) : mul(s, sub(1, s)); // [N, H]
  const th = m.derivativeOnPre ? sub(1, mul(block(2), block(2))) : sub(1, mul(g, g)); // [N, H]
  const dai = mul(mul(dc, g), sig(i, 0)); // [N, H]
  const daf = mul(mul(dc, prevC), sig(f, 1)); // [N, H]
  const dag = mul(mul(dc, i), th); // [N, H]
  const dao = mul(mul(dnextH, tanh(nextC)), sig(o, 3)); // [N, H]
  const blocks = m.blockOrder ? [dai, daf, dao, dag] : [dai, daf, dag, dao];
  const da = concatColumns(blocks); // [N, 4H]
  return {
    dx: matmul(da, transpose(Wx)), // [N, D]
    dprevH: matmul(da, transpose(Wh)), // [N, H]
    dprevC: m.noForgetInCarry ? dc : mul(dc, f), // [N, H]
    dWx: matmul(transpose(x), da), // [D, 4H]
    dWh: matmul(transpose(prevH), da), // [H, 4H]
    db: sum(da, 0), // [4H]
  };
}

/** What an LSTM's backpropagation through time gets wrong. */
export interface LstmBpttMistake {
  /** dprevC of step t+1 not added to dc at step t. */
  readonly noCellCarry?: boolean;
  /** dprevH of step t+1 not added to dh at step t. */
  readonly noHiddenCarry?: boolean;
}

/** BPTT of an LSTM with `m` (eq. 2.9 when `m` is empty): the six gradients. */
export function lstmBackwardWith(
  p: LstmSequenceInputs,
  dh: Tensor,
  dc: Tensor,
  m: LstmBpttMistake = {},
): Record<'dx' | 'dh0' | 'dc0' | 'dWx' | 'dWh' | 'db', Tensor> {
  const { x, h0, c0, Wx, Wh, b } = p;
  const T = x.shape[1] as number;
  const { h, c } = lstmWith(p);
  const prev = (s: Tensor, first: Tensor, t: number): Tensor =>
    t === 0 ? first : timeStep(s, t - 1);
  let [carryH, carryC] = [mul(h0, 0), mul(c0, 0)]; // [N, H] zeros
  let [dWx, dWh, db] = [mul(Wx, 0), mul(Wh, 0), mul(b, 0)];
  const dxs: Tensor[] = new Array<Tensor>(T);
  for (let t = T - 1; t >= 0; t--) {
    const step = { x: timeStep(x, t), prevH: prev(h, h0, t), prevC: prev(c, c0, t), Wx, Wh, b };
    const g = lstmStepBackwardWith(
      step,
      m.noHiddenCarry ? timeStep(dh, t) : add(timeStep(dh, t), carryH),
      m.noCellCarry ? timeStep(dc, t) : add(timeStep(dc, t), carryC),
    );
    dxs[t] = g.dx;
    [dWx, dWh, db] = [add(dWx, g.dWx), add(dWh, g.dWh), add(db, g.db)];
    [carryH, carryC] = [g.dprevH, g.dprevC];
  }
  return { dx: stepsToSequence(dxs), dh0: carryH, dc0: carryC, dWx, dWh, db };
}

/** What a GRU step's backward gets wrong. */
export interface GruBackwardMistake {
  /** dprevH without the direct path dnextH ⊙ z (eq. 2.15). */
  readonly noDirectPath?: boolean;
  /** σ′ and tanh′ evaluated on the pre-activations. */
  readonly derivativeOnPre?: boolean;
  /** The recurrent n block given δaⁿ, as if bh^n sat outside the reset product. */
  readonly oneBias?: boolean;
  /** z and 1 − z swapped in the backward of eq. 2.15. */
  readonly swapZ?: boolean;
}

/** The six gradients of one GRU step with `m` (eqs. 2.15–2.18 when `m` is empty). */
export function gruStepBackwardWith(
  p: GruStepInputs,
  dnextH: Tensor,
  m: GruBackwardMistake = {},
): Record<'dx' | 'dprevH' | 'dWx' | 'dWh' | 'dbx' | 'dbh', Tensor> {
  const { x, prevH, Wx, Wh, bx, bh } = p;
  const H = prevH.shape[1] as number;
  const ax = add(matmul(x, Wx), bx); // [N, 3H]
  const ah = add(matmul(prevH, Wh), bh); // [N, 3H]
  const pre = (k: number): Tensor => add(narrow(ax, 1, k * H, H), narrow(ah, 1, k * H, H));
  const [ar, az] = [pre(0), pre(1)];
  const [r, z] = [sigmoid(ar), sigmoid(az)];
  const hn = narrow(ah, 1, 2 * H, H); // [N, H]
  const an = add(narrow(ax, 1, 2 * H, H), mul(r, hn)); // [N, H]
  const n = tanh(an);
  const [keep, admit] = m.swapZ ? [sub(1, z), z] : [z, sub(1, z)];
  const dn = mul(dnextH, admit); // [N, H]
  const dz = m.swapZ ? mul(dnextH, sub(n, prevH)) : mul(dnextH, sub(prevH, n)); // [N, H]
  const dan = mul(dn, m.derivativeOnPre ? sub(1, mul(an, an)) : sub(1, mul(n, n))); // [N, H]
  const sig = (s: Tensor, a: Tensor): Tensor =>
    m.derivativeOnPre ? mul(a, sub(1, a)) : mul(s, sub(1, s));
  const dar = mul(mul(dan, hn), sig(r, ar)); // [N, H]
  const daz = mul(dz, sig(z, az)); // [N, H]
  const dax = concatColumns([dar, daz, dan]); // [N, 3H]
  const dah = concatColumns([dar, daz, m.oneBias ? dan : mul(dan, r)]); // [N, 3H]
  const direct = m.noDirectPath ? mul(dnextH, 0) : mul(dnextH, keep); // [N, H]
  return {
    dx: matmul(dax, transpose(Wx)), // [N, D]
    dprevH: add(direct, matmul(dah, transpose(Wh))), // [N, H]
    dWx: matmul(transpose(x), dax), // [D, 3H]
    dWh: matmul(transpose(prevH), dah), // [H, 3H]
    dbx: sum(dax, 0), // [3H]
    dbh: sum(dah, 0), // [3H]
  };
}

/** BPTT of a GRU, the hidden gradient of step t+1 carried or not: the six gradients. */
export function gruBackwardWith(
  p: GruSequenceInputs,
  dh: Tensor,
  m: { noCarry?: boolean } = {},
): Record<'dx' | 'dh0' | 'dWx' | 'dWh' | 'dbx' | 'dbh', Tensor> {
  const { x, h0, Wx, Wh, bx, bh } = p;
  const T = x.shape[1] as number;
  const h = gruWith(p); // [N, T, H]
  let carry = mul(h0, 0); // [N, H]
  let [dWx, dWh, dbx, dbh] = [mul(Wx, 0), mul(Wh, 0), mul(bx, 0), mul(bh, 0)];
  const dxs: Tensor[] = new Array<Tensor>(T);
  for (let t = T - 1; t >= 0; t--) {
    const prevH = t === 0 ? h0 : timeStep(h, t - 1);
    const dnext = m.noCarry ? timeStep(dh, t) : add(timeStep(dh, t), carry);
    const g = gruStepBackwardWith({ x: timeStep(x, t), prevH, Wx, Wh, bx, bh }, dnext);
    dxs[t] = g.dx;
    [dWx, dWh, dbx, dbh] = [add(dWx, g.dWx), add(dWh, g.dWh), add(dbx, g.dbx), add(dbh, g.dbh)];
    carry = g.dprevH;
  }
  return { dx: stepsToSequence(dxs), dh0: carry, dWx, dWh, dbx, dbh };
}

/** Blocks [N, H] side by side: [N, k·H]. */
function concatColumns(blocks: readonly Tensor[]): Tensor {
  return concat(blocks, 1);
}

/**
 * The name of the first mistake of `catalog` whose gradients agree with the learner's `g` in
 * every gradient the learner got wrong (`wrong`, against the reference); undefined when none does.
 */
export function matchGradients<K extends string, M>(
  g: Record<string, unknown>,
  wrong: readonly string[],
  catalog: Record<K, { readonly mistake: M }>,
  gradientsOf: (m: M) => Record<string, Tensor>,
): K | undefined {
  if (wrong.length === 0) return undefined;
  for (const name of Object.keys(catalog) as K[]) {
    const v = gradientsOf(catalog[name].mistake);
    if (wrong.every((k) => agrees(g[k], v[k]))) return name;
  }
  return undefined;
}

/**
 * The name of the first mistake of `catalog` whose output `compute` agrees with `value`;
 * undefined when none does.
 */
export function matchValue<K extends string, M>(
  value: unknown,
  catalog: Record<K, { readonly mistake: M }>,
  compute: (m: M) => Tensor,
): K | undefined {
  return (Object.keys(catalog) as K[]).find((name) =>
    agrees(value, compute(catalog[name].mistake)),
  );
}

/** The LSTM step backward's usual mistakes, with what to say and the hint that teaches the fix. */
export const LSTM_BACKWARD_MISTAKES = catalog<LstmBackwardMistake>()({
  noPathThroughH: {
    mistake: { noHPath: true },
    text:
      'δc is missing the path through h_t: c_t reaches the loss directly (dnextC) and through ' +
      'h_t = o ⊙ tanh(c_t), so δc = dnextC + dnextH ⊙ o ⊙ (1 − tanh²(c_t)) (eq. 2.5).',
  },
  tanhOfPrevC: {
    mistake: { tanhPrevC: true },
    text:
      'the path through h_t used tanh(c_{t−1}): h_t = o ⊙ tanh(c_t) is differentiated at the new ' +
      'cell state, δc = dnextC + dnextH ⊙ o ⊙ (1 − tanh²(c_t)) (eq. 2.5).',
  },
  derivativeOnPre: {
    mistake: { derivativeOnPre: true },
    text:
      'the derivatives of the gates were taken on the pre-activations a, as a(1 − a) and 1 − a²: ' +
      'they are i ⊙ (1 − i), f ⊙ (1 − f), o ⊙ (1 − o) and 1 − g², read off the gate values (eq. 2.7).',
  },
  noForgetInCarry: {
    mistake: { noForgetInCarry: true },
    text:
      'dprevC is δc itself: c_t = f ⊙ c_{t−1} + i ⊙ g, so the gradient that reaches c_{t−1} is ' +
      'δc ⊙ f (eq. 2.6), the forget gate on the way back as on the way forward.',
  },
  blockOrder: {
    mistake: { blockOrder: true },
    text:
      "δa was joined in the order i, f, o, g: join the four blocks in the forward's order i, f, g, o " +
      '(eq. 2.8), or the gradient of each gate lands in the columns of another.',
  },
});

/** The GRU step backward's usual mistakes. */
export const GRU_BACKWARD_MISTAKES = catalog<GruBackwardMistake>()({
  noDirectPath: {
    mistake: { noDirectPath: true },
    text:
      'dprevH is missing the direct path: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} hands dnextH ⊙ z to ' +
      'h_{t−1} around every weight (eq. 2.15), besides the gradient through Wh.',
  },
  derivativeOnPre: {
    mistake: { derivativeOnPre: true },
    text:
      'the derivatives of the gates were taken on the pre-activations: σ′ is r ⊙ (1 − r) and ' +
      'z ⊙ (1 − z), tanh′ is 1 − n², all read off the values the forward kept (eq. 2.17).',
  },
  oneBias: {
    mistake: { oneBias: true },
    text:
      'the recurrent n block got δaⁿ, as if bh^n sat outside the reset product: in eq. 2.13 it is ' +
      'inside, r ⊙ (h_{t−1} Wh^n + bh^n), so that block gets δaⁿ ⊙ r (eq. 2.16) and dbh differs ' +
      'from dbx in its n block.',
  },
  zSwapped: {
    mistake: { swapZ: true },
    text:
      'z and 1 − z are swapped in the backward of eq. 2.14: n gets dnextH ⊙ (1 − z), h_{t−1} gets ' +
      'dnextH ⊙ z, and z gets dnextH ⊙ (h_{t−1} − n).',
  },
});
