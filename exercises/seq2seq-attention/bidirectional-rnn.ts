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
import { notImplemented } from '@rnn-course/core';
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
  // TODO: the fields your bidirectionalRnnBackward reads, filled in by your bidirectionalRnnForward.
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
  // TODO: check the shapes, run the forward RNN, the backward RNN on each sequence reversed within its length, reverse its states back, concatenate (eqs. 3.1–3.3).
  notImplemented('seq2seq-attention/bidirectional-rnn-forward');
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
  // TODO: split dh into the two halves, reverse the backward half, BPTT each direction, add the input gradients in the input order (eq. 3.4).
  notImplemented('seq2seq-attention/bidirectional-rnn-backward');
}
