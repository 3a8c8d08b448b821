/**
 * Bidirectional RNNs (Schuster & Paliwal 1997, "Bidirectional recurrent neural networks"): one
 * RNN reads the sequence left to right, a second one right to left, and the output at every
 * position is the two hidden states side by side, so that it summarises the whole input, not
 * only its past.
 *
 * Chapter 3, "Bidirectional RNNs" — packages/seq2seq-attention/README.md#bidirectional-rnns
 */
import { ShapeError, assertShape, concat, reverseSequence } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/** The weights of a bidirectional vanilla RNN: one set per direction (chapter 1, eq. 1.1). */
export interface BidirectionalRnnParams {
  /** `[D, H]`, `[H, H]`, `[H]`: the forward (left-to-right) direction */
  Wxf: Tensor;
  Whf: Tensor;
  bf: Tensor;
  /** `[D, H]`, `[H, H]`, `[H]`: the backward (right-to-left) direction */
  Wxb: Tensor;
  Whb: Tensor;
  bb: Tensor;
}

/**
 * eqs. 3.1–3.3 for any recurrent layer: `runForward` reads x as it is, `runBackward` reads each
 * sequence reversed within its length, and its outputs are reversed back before the two are
 * concatenated, so that position t holds [h→_t ; h←_t], both about the same input x_t.
 *
 * @param runForward  `[N, T, D] -> [N, T, Hf]`, the left-to-right layer
 * @param runBackward `[N, T, D] -> [N, T, Hb]`, the right-to-left layer (it sees reversed input)
 * @param x           `[N, T, D]`
 * @param lengths     N lengths in 0..T; positions t >= lengths[n] are padding (default: all T)
 * @returns `[N, T, Hf + Hb]`; at padded positions the values are meaningless (mask them)
 */
export function bidirectional(
  runForward: (x: Tensor) => Tensor,
  runBackward: (x: Tensor) => Tensor,
  x: Tensor,
  lengths?: readonly number[],
): Tensor {
  const hf = runForward(x); // [N, T, Hf]
  // The backward RNN starts at each row's last real step, never at padding.
  const hbReversed = runBackward(reverseSequence(x, lengths)); // [N, T, Hb], in reading order
  const hb = reverseSequence(hbReversed, lengths); // [N, T, Hb], back in the input's order
  return concat([hf, hb], 2); // [N, T, Hf + Hb]
}

/**
 * A bidirectional vanilla RNN (eqs. 3.1–3.3), each direction chapter 1's `rnn`.
 *
 * @param x       `[N, T, D]` inputs, T >= 1
 * @param h0f     `[N, H]` initial state of the forward direction (before step 0)
 * @param h0b     `[N, H]` initial state of the backward direction (before step lengths[n] − 1)
 * @param params  Wxf, Whf, bf, Wxb, Whb, bb
 * @param lengths N lengths in 0..T (default: all T)
 * @returns `[N, T, 2H]`: [h→_t ; h←_t] at every step
 * @throws ShapeError naming `bidirectionalRnn` when the shapes disagree
 */
export function bidirectionalRnn(
  x: Tensor,
  h0f: Tensor,
  h0b: Tensor,
  params: BidirectionalRnnParams,
  lengths?: readonly number[],
): Tensor {
  const op = 'bidirectionalRnn';
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
  return bidirectional(
    (xs) => rnn(xs, h0f, Wxf, Whf, bf), // [N, T, H]
    (xs) => rnn(xs, h0b, Wxb, Whb, bb), // [N, T, H]
    x,
    lengths,
  );
}
