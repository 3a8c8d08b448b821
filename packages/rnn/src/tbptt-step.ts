/**
 * Truncated backpropagation through time: a long text is cut into chunks of T steps; the
 * hidden state is carried from one chunk to the next, the gradient is not.
 *
 * Chapter 1, "Truncated BPTT" — packages/rnn/README.md#truncated-bptt
 */
import { ShapeError, timeStep, zerosLike } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { referenceLayers } from './layers';
import type { RnnLayers } from './layers';

/** The parameters of the character model. */
export interface CharRnnParams {
  We: Tensor; // [V, D]
  Wx: Tensor; // [D, H]
  Wh: Tensor; // [H, H]
  b: Tensor; // [H]
  Wy: Tensor; // [H, V]
  by: Tensor; // [V]
}

/** One chunk: `targets[n][t]` is the id that follows `inputs[n][t]` in the text. */
export interface TextChunk {
  inputs: number[][]; // [N][T]
  targets: number[][]; // [N][T]
}

/** The gradient of the chunk's loss with respect to every parameter. */
export interface CharRnnGrads {
  dWe: Tensor;
  dWx: Tensor;
  dWh: Tensor;
  db: Tensor;
  dWy: Tensor;
  dby: Tensor;
}

/**
 * The chunk's loss (eq. 1.10, every position counted) as a differentiable scalar, and the last
 * hidden state, detached: the next chunk starts from it, no gradient crosses the boundary.
 *
 * @param params the six parameters
 * @param chunk  ids `[N][T]`
 * @param hPrev  `[N, H]` where the previous chunk ended
 * @param layers the layers to run (the reference by default)
 * @returns `loss` (scalar tensor) and `hNext [N, H]`
 */
export function chunkLoss(
  params: CharRnnParams,
  chunk: TextChunk,
  hPrev: Tensor,
  layers: RnnLayers = referenceLayers,
): { loss: Tensor; hNext: Tensor } {
  const T = chunk.inputs[0]?.length ?? 0;
  const x = layers.wordEmbedding(chunk.inputs, params.We); // [N, T, D]
  const h = layers.rnn(x, hPrev.detach(), params.Wx, params.Wh, params.b); // [N, T, H]
  const logits = layers.temporalAffine(h, params.Wy, params.by); // [N, T, V]
  const loss = layers.temporalSoftmaxLoss(logits, chunk.targets);
  return { loss, hNext: timeStep(h, T - 1).detach() }; // [N, H]
}

/**
 * One truncated-BPTT step, the same contract as the exercise: loss, gradients, next state.
 * Gradients come from autograd on fresh copies of the parameters (the caller's `.grad` is left
 * alone).
 *
 * @param params the six parameters
 * @param chunk  ids `[N][T]`
 * @param hPrev  `[N, H]`
 * @returns `loss`, `grads` (dWe … dby, shapes of the parameters), `hNext [N, H]`
 */
export function tbpttStep(
  params: CharRnnParams,
  chunk: TextChunk,
  hPrev: Tensor,
): { loss: number; grads: CharRnnGrads; hNext: Tensor } {
  const leaf = (t: Tensor): Tensor => {
    const c = t.detach().clone();
    c.requiresGrad = true;
    return c;
  };
  const p: CharRnnParams = {
    We: leaf(params.We),
    Wx: leaf(params.Wx),
    Wh: leaf(params.Wh),
    b: leaf(params.b),
    Wy: leaf(params.Wy),
    by: leaf(params.by),
  };
  const { loss, hNext } = chunkLoss(p, chunk, hPrev);
  loss.backward();
  const g = (t: Tensor): Tensor => t.grad ?? zerosLike(t);
  return {
    loss: loss.item(),
    grads: { dWe: g(p.We), dWx: g(p.Wx), dWh: g(p.Wh), db: g(p.b), dWy: g(p.Wy), dby: g(p.by) },
    hNext,
  };
}

/**
 * Cuts a text (as ids) into N parallel streams and the streams into chunks of T steps, so that
 * row n of chunk k+1 continues row n of chunk k: the hidden state carried across chunks
 * belongs to the same stretch of text. The last, shorter, piece of each stream is dropped.
 *
 * @param ids       the whole text as ids
 * @param batchSize N, the number of streams
 * @param seqLen    T, the steps per chunk
 * @returns the chunks in order; inputs and targets `[N][T]`, targets shifted by one
 * @throws ShapeError naming `textChunks` when the text is shorter than N·T + 1
 */
export function textChunks(ids: readonly number[], batchSize: number, seqLen: number): TextChunk[] {
  const streamLen = Math.floor((ids.length - 1) / batchSize); // each stream needs one extra target
  const count = Math.floor(streamLen / seqLen);
  if (count < 1) {
    throw new ShapeError(
      'textChunks',
      `a text of at least N·T + 1 = ${batchSize * seqLen + 1} ids`,
      `${ids.length} ids`,
    );
  }
  const chunks: TextChunk[] = [];
  for (let k = 0; k < count; k++) {
    const inputs: number[][] = [];
    const targets: number[][] = [];
    for (let n = 0; n < batchSize; n++) {
      const start = n * streamLen + k * seqLen;
      inputs.push(ids.slice(start, start + seqLen));
      targets.push(ids.slice(start + 1, start + seqLen + 1));
    }
    chunks.push({ inputs, targets });
  }
  return chunks;
}
