/**
 * An RNN for a real-valued time series: the hidden state reads the series one value at a
 * time, and an affine map predicts the next value from it.
 *
 * Chapter 1, "Time series prediction" — packages/rnn/README.md#time-series-prediction
 */
import {
  mean,
  noGrad,
  reshape,
  square,
  sub,
  tensor,
  timeStep,
  uniformRnnInit,
  zeros,
} from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { referenceLayers } from './layers';
import type { RnnLayers } from './layers';

/** The regressor's parameters. */
export interface RegressorParams {
  Wx: Tensor; // [1, H]
  Wh: Tensor; // [H, H]
  b: Tensor; // [H]
  Wy: Tensor; // [H, 1]
  by: Tensor; // [1]
}

/** x_t -> h_t (eq. 1.1) -> ŷ_t = h_t Wy + by (eq. 1.8), a prediction of x_{t+1}. */
export class RnnRegressor {
  readonly hiddenSize: number;
  readonly params: RegressorParams;
  readonly layers: RnnLayers;

  /**
   * @param hiddenSize H
   * @param rng    seeds every weight, U(−1/√H, 1/√H) as PyTorch's nn.RNN and nn.Linear(H, 1)
   * @param layers the reference by default, or `modelWithLayers(...)`
   */
  constructor(hiddenSize: number, rng: Rng, layers: RnnLayers = referenceLayers) {
    const H = hiddenSize;
    this.hiddenSize = H;
    this.layers = layers;
    this.params = {
      Wx: uniformRnnInit([1, H], H, rng),
      Wh: uniformRnnInit([H, H], H, rng),
      b: uniformRnnInit([H], H, rng),
      Wy: uniformRnnInit([H, 1], H, rng),
      by: uniformRnnInit([1], H, rng),
    };
  }

  /** The parameters in a fixed order (Wx, Wh, b, Wy, by), for an optimiser. */
  parameters(): Tensor[] {
    const { Wx, Wh, b, Wy, by } = this.params;
    return [Wx, Wh, b, Wy, by];
  }

  /**
   * One prediction per step: entry t predicts the value after x_t.
   *
   * @param x  `[N, T, 1]` the series
   * @param h0 `[N, H]` zeros when omitted
   * @returns `[N, T, 1]` predictions, differentiable
   */
  forward(x: Tensor, h0?: Tensor): Tensor {
    const { Wx, Wh, b, Wy, by } = this.params;
    const h = this.layers.rnn(x, h0 ?? zeros([x.shape[0], this.hiddenSize]), Wx, Wh, b); // [N, T, H]
    return this.layers.temporalAffine(h, Wy, by); // [N, T, 1]
  }

  /**
   * Mean squared error of the one-step predictions.
   *
   * @param x `[N, T, 1]` inputs
   * @param y `[N, T, 1]` targets, usually x shifted by one step
   * @returns a scalar tensor
   */
  loss(x: Tensor, y: Tensor): Tensor {
    return mean(square(sub(this.forward(x), y)));
  }

  /**
   * Multi-step forecast: reads `history`, then feeds each prediction back as the next input.
   *
   * @param history the observed values, at least one
   * @param steps   how many values to predict
   * @returns `steps` predicted values
   */
  forecast(history: readonly number[], steps: number): number[] {
    if (history.length === 0)
      throw new RangeError('RnnRegressor.forecast: history needs at least one value');
    const { Wx, Wh, b, Wy, by } = this.params;
    return noGrad(() => {
      const x = reshape(tensor([...history]), [1, history.length, 1]); // [1, T0, 1]
      const hs = this.layers.rnn(x, zeros([1, this.hiddenSize]), Wx, Wh, b); // [1, T0, H]
      let h = timeStep(hs, history.length - 1); // [1, H]
      let next = this.layers.temporalAffine(hs, Wy, by).data.at(-1) as number;
      const out: number[] = [];
      for (let k = 0; k < steps; k++) {
        out.push(next);
        const hk = this.layers.rnn(reshape(tensor([next]), [1, 1, 1]), h, Wx, Wh, b); // [1, 1, H]
        h = timeStep(hk, 0);
        next = this.layers.temporalAffine(hk, Wy, by).data[0];
      }
      return out;
    });
  }
}
