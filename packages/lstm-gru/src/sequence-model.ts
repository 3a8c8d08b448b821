/**
 * A recurrent layer and an affine read-out: the model of the long-term dependency tasks and of
 * the video lab. Read at the last step it is a sequence classifier (the direction of motion of
 * a clip) or a regressor (the sum of the adding problem); read at every step it tags each
 * position (the copy task).
 *
 * Chapter 2, "Long-term dependencies" — packages/lstm-gru/README.md#long-term-dependencies
 */
import { add, matmul, timeStep, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { referenceGatedLayers } from './layers';
import type { GatedLayers } from './layers';
import { RecurrentLayer, parameterCount } from './recurrent';
import type { RecurrentConfig } from './recurrent';

/** The cell, its sizes, and K, the number of outputs per position. */
export interface SequenceModelConfig extends RecurrentConfig {
  outputSize: number;
}

/** Recurrent layer -> h `[N, T, H]` -> y = h Wy + by, `[N, T, K]` or `[N, K]` at the last step. */
export class SequenceModel {
  readonly config: SequenceModelConfig;
  readonly recurrent: RecurrentLayer;
  readonly Wy: Tensor; // [H, K]
  readonly by: Tensor; // [K]

  /**
   * @param config the cell, D, H and K
   * @param rng    draws the recurrent weights (PyTorch's initialisation), then Wy (Glorot
   *   uniform); by starts at zero
   * @param layers the reference by default, or `modelWithGatedLayers(...)`
   */
  constructor(config: SequenceModelConfig, rng: Rng, layers: GatedLayers = referenceGatedLayers) {
    this.config = config;
    this.recurrent = new RecurrentLayer(config, rng, layers);
    this.Wy = xavierUniform([config.hiddenSize, config.outputSize], rng);
    this.by = zeros([config.outputSize], { requiresGrad: true });
  }

  /** The parameters: the recurrent layer's, then Wy and by. */
  parameters(): Tensor[] {
    return [...this.recurrent.parameters(), this.Wy, this.by];
  }

  /** Their names, in the same order. */
  names(): string[] {
    return [...this.recurrent.names(), 'Wy', 'by'];
  }

  /** The number of parameters (entries of every tensor). */
  parameterCount(): number {
    return parameterCount(this.parameters());
  }

  /**
   * Outputs at every step, eq. 1.8 of chapter 1 applied to every h_t.
   *
   * @param x `[N, T, D]`
   * @returns `[N, T, K]`, differentiable
   */
  outputs(x: Tensor): Tensor {
    const { h } = this.recurrent.forward(x); // [N, T, H]
    return this.recurrent.layers.temporalAffine(h, this.Wy, this.by); // [N, T, K]
  }

  /**
   * The output read from the last hidden state only: what a many-to-one model predicts.
   *
   * @param x `[N, T, D]`
   * @returns `[N, K]`, differentiable
   */
  lastOutput(x: Tensor): Tensor {
    const { h } = this.recurrent.forward(x); // [N, T, H]
    const T = x.shape[1] as number;
    return add(matmul(timeStep(h, T - 1), this.Wy), this.by); // [N, H]·[H, K] + [K] -> [N, K]
  }
}
