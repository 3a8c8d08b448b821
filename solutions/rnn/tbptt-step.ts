/**
 * One step of truncated backpropagation through time on a character-level language model,
 * composed from this folder's layers: embedding → RNN → temporal affine → softmax loss.
 *
 * Chapter 1, "Truncated BPTT" — packages/rnn/README.md#truncated-bptt
 */
import { assertShape, timeStep } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { wordEmbeddingBackward, wordEmbeddingForward } from './word-embedding';
import { rnnBackward, rnnForward } from './rnn';
import { temporalAffineBackward, temporalAffineForward } from './temporal-affine';
import { temporalSoftmaxLossAndGrad } from './temporal-softmax-loss';

/** The parameters of the character model. */
export interface CharRnnParams {
  We: Tensor; // [V, D] embedding
  Wx: Tensor; // [D, H]
  Wh: Tensor; // [H, H]
  b: Tensor; // [H]
  Wy: Tensor; // [H, V]
  by: Tensor; // [V]
}

/** One chunk of the text: `targets[n][t]` is the character that follows `inputs[n][t]`. */
export interface TextChunk {
  inputs: number[][]; // [N][T]
  targets: number[][]; // [N][T]
}

/** The gradients of the loss with respect to every parameter. */
export interface CharRnnGrads {
  dWe: Tensor; // [V, D]
  dWx: Tensor; // [D, H]
  dWh: Tensor; // [H, H]
  db: Tensor; // [H]
  dWy: Tensor; // [H, V]
  dby: Tensor; // [V]
}

/**
 * Forward and backward over one chunk of T steps, starting from the hidden state the previous
 * chunk ended in. The gradient is cut at the chunk boundary: the state is carried forward,
 * but nothing flows back into `hPrev` (the chunk's dh0 is dropped).
 *
 * Chapter 1, "Truncated BPTT" — packages/rnn/README.md#truncated-bptt
 *
 * @param params the six parameters, see `CharRnnParams`
 * @param chunk  `inputs` and `targets`, both `number[][]` of shape `[N][T]`
 * @param hPrev  `[N, H]` the hidden state the previous chunk ended in (zeros for the first)
 * @returns the chunk's `loss` (eq. 1.10, every position counted), the six gradients and
 *   `hNext [N, H]`, the last hidden state, to pass as `hPrev` for the next chunk
 * @throws ShapeError naming `tbpttStep` when `hPrev` is not [N, H]
 */
export function tbpttStep(
  params: CharRnnParams,
  chunk: TextChunk,
  hPrev: Tensor,
): { loss: number; grads: CharRnnGrads; hNext: Tensor } {
  // BEGIN SOLUTION: run your own layers (import them) forward, then backward in reverse order.
  const { We, Wx, Wh, b, Wy, by } = params;

  // Forward: ids -> eq. 1.6 -> eq. 1.1 unrolled -> eq. 1.8 -> eq. 1.10.
  const emb = wordEmbeddingForward(chunk.inputs, We); // [N, T, D]
  const [N, T] = emb.out.shape;
  assertShape('tbpttStep', hPrev, [N, Wh.shape[0]], 'hPrev');
  const rnn = rnnForward(emb.out, hPrev, Wx, Wh, b); // [N, T, H]
  const aff = temporalAffineForward(rnn.h, Wy, by); // [N, T, V]
  const mask = chunk.targets.map((row) => row.map(() => 1)); // every position counts
  const { loss, dlogits } = temporalSoftmaxLossAndGrad(aff.out, chunk.targets, mask);

  // Backward, the same layers in reverse order.
  const a = temporalAffineBackward(dlogits, aff.cache); // dx [N, T, H]
  const r = rnnBackward(a.dx, rnn.cache); // dx [N, T, D]; dh0 is dropped: truncation
  const e = wordEmbeddingBackward(r.dx, emb.cache);

  // The last hidden state, as a new tensor outside any graph.
  const hNext = timeStep(rnn.h, T - 1).detach(); // [N, H]
  return {
    loss,
    grads: { dWe: e.dW, dWx: r.dWx, dWh: r.dWh, db: r.db, dWy: a.dW, dby: a.db },
    hNext,
  };
  // END SOLUTION
}
