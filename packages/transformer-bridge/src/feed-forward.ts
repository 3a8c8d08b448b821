/**
 * The position-wise feed-forward network of a transformer block (Vaswani et al. 2017,
 * sec. 3.3): the same two-layer perceptron applied to every position separately.
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 */
import { add, assertShape, matmul, relu, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/** The four parameters of the feed-forward network, width E, inner width F. */
export interface FeedForwardParams {
  W1: Tensor; // [E, F]
  b1: Tensor; // [F]
  W2: Tensor; // [F, E]
  b2: Tensor; // [E]
}

/**
 * eq. 4.14: FFN(x) = max(0, x W1 + b1) W2 + b2.
 *
 * @param x `[N, T, E]` (or any `[..., E]`)
 * @returns the shape of x
 * @throws ShapeError naming `feedForward` when the shapes disagree
 */
export function feedForward(x: Tensor, p: FeedForwardParams): Tensor {
  const E = x.shape[x.ndim - 1] as number;
  assertShape('feedForward', p.W1, [E, null], 'W1');
  const F = p.W1.shape[1] as number;
  assertShape('feedForward', p.b1, [F], 'b1');
  assertShape('feedForward', p.W2, [F, E], 'W2');
  assertShape('feedForward', p.b2, [E], 'b2');
  const hidden = relu(add(matmul(x, p.W1), p.b1)); // [..., E]·[E, F] = [..., F]
  return add(matmul(hidden, p.W2), p.b2); // [..., F]·[F, E] = [..., E]
}

/** Glorot-uniform weights, zero biases. @returns trainable leaves */
export function initFeedForward(E: number, F: number, rng: Rng): FeedForwardParams {
  return {
    W1: xavierUniform([E, F], rng),
    b1: zeros([F], { requiresGrad: true }),
    W2: xavierUniform([F, E], rng),
    b2: zeros([E], { requiresGrad: true }),
  };
}
