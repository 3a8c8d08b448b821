/**
 * One recurrent layer whose cell is chosen by name: chapter 1's vanilla RNN, the LSTM or the
 * GRU. The chapter's models hold one, so the same model and the same training loop can be run
 * with each cell, and, through `modelWithGatedLayers`, on hand-written layers.
 *
 * Chapter 2, "LSTM, GRU and RNN compared" — packages/lstm-gru/README.md#lstm-gru-and-rnn-compared
 */
import { timeStep, uniformRnnInit, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { referenceGatedLayers } from './layers';
import type { GatedLayers } from './layers';
import { gruParams, lstmParams } from './params';
import type { CellKind } from './params';

/** Which cell and what sizes. */
export interface RecurrentConfig {
  cell: CellKind;
  /** D, the size of an input vector. */
  inputSize: number;
  /** H, the size of the hidden state (and of the LSTM's cell state). */
  hiddenSize: number;
  /** LSTM only: the initial forget-gate bias (Jozefowicz et al. 2015 use 1); PyTorch's default when omitted. */
  forgetBias?: number;
}

/** The state carried between steps: h `[N, H]`, and for the LSTM the cell state c `[N, H]`. */
export interface RecurrentState {
  h: Tensor; // [N, H]
  c: Tensor | null; // [N, H] for the LSTM, null for the RNN and the GRU
}

/** The state with both tensors detached: carried forward, no gradient crosses it. */
export function detachState(state: RecurrentState): RecurrentState {
  return { h: state.h.detach(), c: state.c === null ? null : state.c.detach() };
}

/** The total number of entries of some parameters. */
export function parameterCount(params: readonly Tensor[]): number {
  return params.reduce((n, p) => n + p.size, 0);
}

/** A recurrent layer: its parameters and how to run them over a sequence. */
export class RecurrentLayer {
  readonly config: RecurrentConfig;
  /** rnn and lstm: Wx, Wh, b; gru: Wx, Wh, bx, bh (shapes in `params.ts`). */
  readonly params: Record<string, Tensor>;
  readonly layers: GatedLayers;

  /**
   * @param config the cell and its sizes
   * @param rng    draws the weights as PyTorch's `nn.RNN` / `nn.LSTM` / `nn.GRU` do, U(−1/√H, 1/√H)
   * @param layers the reference by default, or `modelWithGatedLayers(...)` for hand-written code
   */
  constructor(config: RecurrentConfig, rng: Rng, layers: GatedLayers = referenceGatedLayers) {
    const { cell, inputSize: D, hiddenSize: H } = config;
    this.config = config;
    this.layers = layers;
    if (cell === 'rnn') {
      // The draws of chapter 1's CharRnn, in its order: Wx, Wh, b.
      this.params = {
        Wx: uniformRnnInit([D, H], H, rng),
        Wh: uniformRnnInit([H, H], H, rng),
        b: uniformRnnInit([H], H, rng),
      };
    } else if (cell === 'lstm') {
      const opts = config.forgetBias === undefined ? {} : { forgetBias: config.forgetBias };
      this.params = { ...lstmParams(D, H, rng, opts) };
    } else if (cell === 'gru') {
      this.params = { ...gruParams(D, H, rng) };
    } else {
      throw new RangeError(`RecurrentLayer: unknown cell '${String(cell)}'`);
    }
  }

  /** The parameter names, in a fixed order. */
  names(): string[] {
    return Object.keys(this.params);
  }

  /** The parameters in the order of `names()`, for an optimiser. */
  parameters(): Tensor[] {
    return Object.values(this.params);
  }

  /** Zeros: h `[N, H]`, and c `[N, H]` for the LSTM. */
  initialState(batchSize: number): RecurrentState {
    const H = this.config.hiddenSize;
    return {
      h: zeros([batchSize, H]),
      c: this.config.cell === 'lstm' ? zeros([batchSize, H]) : null,
    };
  }

  /**
   * Runs the cell over a sequence.
   *
   * @param x     `[N, T, D]`
   * @param state where to start (zeros when omitted)
   * @returns `h [N, T, H]` every hidden state, differentiable, and `last`, the state after the
   *   last step (h_{T−1}, and c_{T−1} for the LSTM), still attached to the graph: detach it to
   *   carry it into the next chunk without its gradient (truncated BPTT)
   */
  forward(x: Tensor, state?: RecurrentState): { h: Tensor; last: RecurrentState } {
    const N = x.shape[0] as number;
    const T = x.shape[1] as number;
    const s = state ?? this.initialState(N);
    const p = this.params as Record<string, Tensor> & { Wx: Tensor; Wh: Tensor };
    const { cell } = this.config;
    if (cell === 'lstm') {
      const c0 = s.c ?? zeros(s.h.shape);
      const out = this.layers.lstm(x, s.h, c0, p.Wx, p.Wh, p.b as Tensor); // [N, T, H] each
      return { h: out.h, last: { h: timeStep(out.h, T - 1), c: timeStep(out.c, T - 1) } };
    }
    const h =
      cell === 'gru'
        ? this.layers.gru(x, s.h, p.Wx, p.Wh, p.bx as Tensor, p.bh as Tensor) // [N, T, H]
        : this.layers.rnn(x, s.h, p.Wx, p.Wh, p.b as Tensor); // [N, T, H]
    return { h, last: { h: timeStep(h, T - 1), c: null } };
  }
}
