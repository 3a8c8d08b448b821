/**
 * Optimisers: they read each parameter's `.grad` (filled by `backward()`) and update the
 * parameter's `.data` in place, outside the graph. A parameter whose `.grad` is null is skipped,
 * as in PyTorch.
 *
 * Sources:
 * - PyTorch, `torch.optim.SGD`: momentum as v ← μ v + g, p ← p − lr v (Sutskever et al. 2013
 *   write the same update with the learning rate inside the velocity; for a constant lr they
 *   coincide).
 * - Kingma & Ba 2014, "Adam: A Method for Stochastic Optimization", Algorithm 1.
 */
import type { Tensor } from './tensor';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** learning rate */
  lr: number;
  /** momentum coefficient μ; 0 = plain gradient descent */
  momentum?: number;
}

/** Options of {@link Adam}; the defaults are those of Kingma & Ba 2014 and PyTorch. */
export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * Stochastic gradient descent with optional momentum, PyTorch's formulation:
 *
 *     v ← μ v + g        (v starts at 0, so the first step uses v = g)
 *     p ← p − lr · v
 */
export class SGD {
  readonly params: readonly Tensor[];
  /** learning rate; may be changed between steps (a schedule) */
  lr: number;
  readonly momentum: number;
  /** one velocity per parameter, same size as its data */
  private readonly velocity: Float64Array[];

  /** @param params the tensors to train, any shapes; each is updated through its `.grad` */
  constructor(params: Tensor[], { lr, momentum = 0 }: SGDOptions) {
    if (!(lr >= 0)) throw new RangeError(`SGD: lr must be >= 0, received ${lr}`);
    if (!(momentum >= 0)) throw new RangeError(`SGD: momentum must be >= 0, received ${momentum}`);
    this.params = [...params];
    this.lr = lr;
    this.momentum = momentum;
    this.velocity = this.params.map((p) => new Float64Array(p.size));
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    this.params.forEach((p, i) => {
      if (p.grad === null) return;
      const g = p.grad.data;
      const v = this.velocity[i];
      const w = p.data;
      for (let j = 0; j < w.length; j++) {
        v[j] = this.momentum * v[j] + g[j]; // v ← μ v + g
        w[j] -= this.lr * v[j]; //             p ← p − lr v
      }
    });
  }

  /** Clears every parameter's gradient before the next backward pass. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
}

/**
 * Adam, Kingma & Ba 2014, Algorithm 1, with bias correction:
 *
 *     m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
 *     m̂ = m / (1 − β1^t)              v̂ = v / (1 − β2^t)
 *     p ← p − lr · m̂ / (√v̂ + ε)
 *
 * t counts the updates of each parameter (a parameter skipped for lack of a gradient does not
 * advance its t, as in PyTorch).
 */
export class Adam {
  readonly params: readonly Tensor[];
  /** learning rate; may be changed between steps (a schedule) */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** first and second moment estimates and step count, one per parameter */
  private readonly state: { m: Float64Array; v: Float64Array; t: number }[];

  /** @param params the tensors to train, any shapes; each is updated through its `.grad` */
  constructor(params: Tensor[], opts: AdamOptions = {}) {
    const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = opts;
    if (!(lr >= 0)) throw new RangeError(`Adam: lr must be >= 0, received ${lr}`);
    for (const [name, beta] of [
      ['beta1', beta1],
      ['beta2', beta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1)) {
        throw new RangeError(`Adam: ${name} must be in [0, 1), received ${beta}`);
      }
    }
    this.params = [...params];
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.state = this.params.map((p) => ({
      m: new Float64Array(p.size),
      v: new Float64Array(p.size),
      t: 0,
    }));
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    const { beta1, beta2, eps, lr } = this;
    this.params.forEach((p, i) => {
      if (p.grad === null) return;
      const s = this.state[i];
      s.t += 1;
      const c1 = 1 - beta1 ** s.t; // bias corrections: E[m] = (1 − β1^t) E[g] when m starts at 0
      const c2 = 1 - beta2 ** s.t;
      const g = p.grad.data;
      const w = p.data;
      const { m, v } = s; // locals: the loop below reads nothing else from an object
      for (let j = 0; j < w.length; j++) {
        const gj = g[j];
        const mj = beta1 * m[j] + (1 - beta1) * gj;
        const vj = beta2 * v[j] + (1 - beta2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        const mHat = mj / c1;
        const vHat = vj / c2;
        w[j] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    });
  }

  /** Clears every parameter's gradient before the next backward pass. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
}
