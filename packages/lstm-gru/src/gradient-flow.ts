/**
 * How far back the gradient of a loss reaches: ‖∂L/∂h_t‖ for every step t (and ‖∂L/∂c_t‖ for
 * the LSTM's cell state), measured with autograd. The per-step gradients are those the
 * backward pass carries (`dnextH`, `dnextC` of eqs. 2.5–2.9): a zero tensor e_t is added to
 * each state as the forward runs, so ∂L/∂e_t = ∂L/∂h_t, and one backward pass fills them all.
 *
 * Chapter 2, "The constant error carousel" —
 * packages/lstm-gru/README.md#the-constant-error-carousel
 */
import { add, matmul, mul, noGrad, square, sum, tanh, timeStep, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { gruStep } from './gru-step';
import { lstmCellUpdate } from './lstm-step';
import type { RecurrentLayer } from './recurrent';

/** Per step t = 0 … T−1: the Frobenius norm of ∂L/∂h_t, and of ∂L/∂c_t for the LSTM. */
export interface StateGradientNorms {
  h: number[];
  c: number[] | null;
}

/** sqrt(Σ entries²) of a gradient, 0 for a state the loss does not reach. */
function norm(g: Tensor | null): number {
  return g === null ? 0 : Math.sqrt(noGrad(() => sum(square(g)).item()));
}

/**
 * Runs `layer` over `x` step by step from a zero state, applies `loss` to the last hidden state
 * and measures ‖∂L/∂h_t‖_F (and ‖∂L/∂c_t‖_F) for every t. The layer's own parameters are read,
 * not changed; their `.grad` is left alone (the pass runs on detached copies).
 *
 * @param layer the recurrent layer (its cell and its parameters)
 * @param x     `[N, T, D]`
 * @param loss  a scalar function of h_{T−1} `[N, H]`, e.g. a read-out and a squared error
 * @returns T norms for h and, for the LSTM, T norms for c
 */
export function stateGradientNorms(
  layer: RecurrentLayer,
  x: Tensor,
  loss: (hLast: Tensor) => Tensor,
): StateGradientNorms {
  const N = x.shape[0] as number;
  const T = x.shape[1] as number;
  const H = layer.config.hiddenSize;
  const p = Object.fromEntries(
    Object.entries(layer.params).map(([k, v]) => [k, v.detach()]),
  ) as Record<string, Tensor>;
  const P = (name: string): Tensor => p[name] as Tensor;
  const xd = x.detach();
  const eh = Array.from({ length: T }, () => zeros([N, H], { requiresGrad: true }));
  const ec = Array.from({ length: T }, () => zeros([N, H], { requiresGrad: true }));
  let h = zeros([N, H]); // [N, H]
  let c = zeros([N, H]); // [N, H], the LSTM's cell state
  for (let t = 0; t < T; t++) {
    const xt = timeStep(xd, t); // [N, D]
    if (layer.config.cell === 'lstm') {
      const a = add(add(matmul(xt, P('Wx')), matmul(h, P('Wh'))), P('b')); // eq. 2.1: [N, 4H]
      const { nextC, o } = lstmCellUpdate(a, c);
      c = add(nextC, ec[t] as Tensor); // ∂L/∂ec_t = ∂L/∂c_t, through h_t and c_{t+1} alike
      h = mul(o, tanh(c)); // eq. 2.4: [N, H]
    } else if (layer.config.cell === 'gru') {
      h = gruStep(xt, h, P('Wx'), P('Wh'), P('bx'), P('bh'));
    } else {
      h = rnnStep(xt, h, P('Wx'), P('Wh'), P('b'));
    }
    h = add(h, eh[t] as Tensor); // ∂L/∂eh_t = ∂L/∂h_t
  }
  loss(h).backward();
  return {
    h: eh.map((e) => norm(e.grad)),
    c: layer.config.cell === 'lstm' ? ec.map((e) => norm(e.grad)) : null,
  };
}
