/**
 * A bidirectional vanilla RNN, forward and backward, written by hand around chapter 1's RNN.
 *
 * The recurrent layer itself is chapter 1's: its forward is `rnn` from
 * `@rnn-course/rnn`, and its backward (backpropagation through time, chapter 1's exercise) is
 * taken from the core's autograd with `vjp`. What is new here is the wiring: reversing the
 * input of the backward direction, reversing its outputs back, concatenating, and splitting
 * the gradient the same way.
 *
 * Chapter 3, "Bidirectional RNNs" — packages/seq2seq-attention/README.md#bidirectional-rnns
 */
import {
  ShapeError,
  add,
  assertShape,
  concat,
  narrow,
  reverseSequence,
  vjp,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/** The weights of both directions: `Wx* [D, H]`, `Wh* [H, H]`, `b* [H]`. */
export interface BidirectionalRnnParams {
  Wxf: Tensor;
  Whf: Tensor;
  bf: Tensor;
  Wxb: Tensor;
  Whb: Tensor;
  bb: Tensor;
}

/** What `bidirectionalRnnBackward` needs. */
export interface BidirectionalRnnCache {
  // BEGIN SOLUTION: the fields your bidirectionalRnnBackward reads, filled in by your bidirectionalRnnForward.
  readonly x: Tensor; // [N, T, D]
  readonly xReversed: Tensor; // [N, T, D], what the backward direction read
  readonly h0f: Tensor; // [N, H]
  readonly h0b: Tensor; // [N, H]
  readonly params: BidirectionalRnnParams;
  readonly lengths: readonly number[] | undefined;
  readonly H: number;
  // END SOLUTION
}

/** The gradients, one per input of the forward. */
export interface BidirectionalRnnGrads {
  dx: Tensor; // [N, T, D]
  dh0f: Tensor; // [N, H]
  dh0b: Tensor; // [N, H]
  dWxf: Tensor; // [D, H]
  dWhf: Tensor; // [H, H]
  dbf: Tensor; // [H]
  dWxb: Tensor; // [D, H]
  dWhb: Tensor; // [H, H]
  dbb: Tensor; // [H]
}

/**
 * eqs. 3.1–3.3: h→ = RNN→(x) from h0f; h← = reverse(RNN←(reverse(x))) from h0b, each sequence
 * reversed within its length; h_t = [h→_t ; h←_t].
 *
 * @param x       `[N, T, D]`, T >= 1
 * @param h0f     `[N, H]`
 * @param h0b     `[N, H]`
 * @param params  Wxf, Whf, bf, Wxb, Whb, bb
 * @param lengths N lengths in 0..T (default: all T)
 * @returns `h [N, T, 2H]` and the cache
 * @throws ShapeError naming `bidirectionalRnnForward` when `x` is not [N, T >= 1, D], when `Wxf`,
 *   `Whf`, `bf`, `Wxb`, `Whb`, `bb`, `h0f` or `h0b` does not fit x and the others, or when
 *   `lengths` does not hold one length per sequence
 */
export function bidirectionalRnnForward(
  x: Tensor,
  h0f: Tensor,
  h0b: Tensor,
  params: BidirectionalRnnParams,
  lengths?: readonly number[],
): { h: Tensor; cache: BidirectionalRnnCache } {
  // BEGIN SOLUTION: check the shapes, run the forward RNN, the backward RNN on each sequence reversed within its length, reverse its states back, concatenate (eqs. 3.1–3.3).
  const op = 'bidirectionalRnnForward';
  assertShape(op, x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError(op, 'x [N, T >= 1, D]', x.shape);
  const { Wxf, Whf, bf, Wxb, Whb, bb } = params;
  assertShape(op, Wxf, [D, null], 'Wxf');
  const H = Wxf.shape[1] as number;
  assertShape(op, Whf, [H, H], 'Whf');
  assertShape(op, bf, [H], 'bf');
  assertShape(op, Wxb, [D, H], 'Wxb');
  assertShape(op, Whb, [H, H], 'Whb');
  assertShape(op, bb, [H], 'bb');
  assertShape(op, h0f, [N, H], 'h0f');
  assertShape(op, h0b, [N, H], 'h0b');
  if (lengths !== undefined && lengths.length !== N) {
    throw new ShapeError(op, `${N} lengths (one per sequence)`, `${lengths.length} lengths`);
  }

  const hf = rnn(x, h0f, Wxf, Whf, bf); // eq. 3.1, [N, T, H]
  // eq. 3.2: the backward RNN reads each sequence from its last real step down to step 0.
  const xReversed = reverseSequence(x, lengths); // [N, T, D]
  const hbReversed = rnn(xReversed, h0b, Wxb, Whb, bb); // [N, T, H], in reading order
  // Reversed back, so that position t holds the state computed after reading x_t.
  const hb = reverseSequence(hbReversed, lengths); // [N, T, H]
  const h = concat([hf, hb], 2); // eq. 3.3, [N, T, 2H]
  return { h, cache: { x, xReversed, h0f, h0b, params, lengths, H } };
  // END SOLUTION
}

/**
 * eq. 3.4: split dh into the two directions' halves; the backward direction's half is reversed
 * (the same reversal as its outputs) before its BPTT; the two input gradients are added, the
 * backward one reversed back into the input's order.
 *
 * @param dh `[N, T, 2H]` upstream gradient
 * @returns `dx`, `dh0f`, `dh0b` and the six weight gradients
 * @throws ShapeError naming `bidirectionalRnnBackward` when `dh` is not [N, T, 2H], the shape of h
 */
export function bidirectionalRnnBackward(
  dh: Tensor,
  cache: BidirectionalRnnCache,
): BidirectionalRnnGrads {
  // BEGIN SOLUTION: split dh into the two halves, reverse the backward half, BPTT each direction, add the input gradients in the input order (eq. 3.4).
  const { x, xReversed, h0f, h0b, params, lengths, H } = cache;
  const [N, T] = x.shape as [number, number, number];
  assertShape('bidirectionalRnnBackward', dh, [N, T, 2 * H], 'dh');
  const dhf = narrow(dh, 2, 0, H); // [N, T, H]
  const dhb = narrow(dh, 2, H, H); // [N, T, H]
  // Chapter 1's BPTT for each direction (by autograd, see the file's comment).
  const f = vjp(rnn, { x, h0: h0f, Wx: params.Wxf, Wh: params.Whf, b: params.bf }, dhf);
  const b = vjp(
    rnn,
    { x: xReversed, h0: h0b, Wx: params.Wxb, Wh: params.Whb, b: params.bb },
    reverseSequence(dhb, lengths), // [N, T, H], in the backward RNN's reading order
  );
  const dx = add(f.dx as Tensor, reverseSequence(b.dx as Tensor, lengths)); // [N, T, D]
  return {
    dx,
    dh0f: f.dh0 as Tensor,
    dh0b: b.dh0 as Tensor,
    dWxf: f.dWx as Tensor,
    dWhf: f.dWh as Tensor,
    dbf: f.db as Tensor,
    dWxb: b.dWx as Tensor,
    dWhb: b.dWh as Tensor,
    dbb: b.db as Tensor,
  };
  // END SOLUTION
}
