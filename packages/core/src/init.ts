/**
 * Weight initialisers. Each draws from the core's seeded `Rng`, so the same seed gives the same
 * weights on every machine, and returns a leaf tensor with `requiresGrad: true`, ready to train.
 *
 * Row-vector convention: a weight that maps D inputs to H outputs is `[D, H]` (`x Wx`), so
 * fan_in is `shape[0]` and fan_out is `shape[1]` (PyTorch stores the transpose, `[H, D]`).
 *
 * Sources:
 * - PyTorch, `torch.nn.RNN` / `LSTM` / `GRU` `reset_parameters`: every weight and bias is
 *   drawn from U(-k, k) with k = 1/sqrt(hidden_size).
 * - Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
 *   networks", eq. 16 (the "normalized initialization").
 * - Saxe, McClelland & Ganguli 2013, "Exact solutions to the nonlinear dynamics of learning in
 *   deep linear neural networks" (random orthogonal initialisation); the construction follows
 *   PyTorch's `torch.nn.init.orthogonal_` (QR of a Gaussian matrix, Mezzadri 2007).
 */
import { ShapeError } from './errors';
import { randn, randu } from './random';
import type { Rng } from './random';
import { fromData } from './tensor';
import type { Shape, Tensor } from './tensor';

/**
 * PyTorch's default for recurrent layers: every entry i.i.d. from U(-1/sqrt(H), 1/sqrt(H)).
 *
 * @param shape any shape, e.g. `Wx [D, H]`, `Wh [H, H]`, `b [H]` (or `[D, 4H]` for an LSTM)
 * @param hiddenSize H, the layer's hidden size (not the number of gate columns)
 * @returns a tensor of `shape`, `requiresGrad: true`
 */
export function uniformRnnInit(shape: Shape, hiddenSize: number, rng: Rng): Tensor {
  if (!(hiddenSize > 0)) {
    throw new RangeError(`uniformRnnInit: hiddenSize must be > 0, received ${hiddenSize}`);
  }
  const k = 1 / Math.sqrt(hiddenSize);
  return randu(shape, rng, { low: -k, high: k, requiresGrad: true });
}

/**
 * Glorot (Xavier) uniform initialisation, Glorot & Bengio 2010 eq. 16:
 * W ~ U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), so Var(W) = 2 / (fan_in + fan_out)
 * (times gain²), the compromise between keeping forward activations and backward gradients at
 * the same variance from layer to layer.
 *
 * @param shape `[fanIn, fanOut]` (row-vector convention: `x [N, fanIn] · W [fanIn, fanOut]`)
 * @returns a tensor of `shape`, `requiresGrad: true`
 */
export function xavierUniform(shape: Shape, rng: Rng, gain = 1): Tensor {
  if (shape.length !== 2) throw new ShapeError('xavierUniform', '[fanIn, fanOut]', shape);
  const [fanIn, fanOut] = shape;
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return randu(shape, rng, { low: -a, high: a, requiresGrad: true });
}

/**
 * A random (semi-)orthogonal matrix times `gain` (Saxe et al. 2013), as PyTorch's
 * `torch.nn.init.orthogonal_`: draw a Gaussian matrix, orthonormalise it, keep Q.
 *
 * - `shape [R, C]` with R >= C: the columns are orthonormal, WᵀW = gain² I_C.
 * - R < C: the rows are orthonormal, W Wᵀ = gain² I_R (the Gaussian is drawn `[R, C]` and
 *   orthonormalised as its transpose, as PyTorch does).
 * - more than two axes: flattened to `[shape[0], product of the rest]`.
 *
 * Q comes from Gram–Schmidt, which is the QR factorisation whose R has a positive diagonal; that
 * is exactly the sign fix PyTorch applies after its Householder QR, and it makes Q uniformly
 * (Haar) distributed over the orthogonal matrices (Mezzadri 2007).
 *
 * @param shape at least two axes, e.g. `Wh [H, H]` or `Wx [D, 4H]`
 * @returns a tensor of `shape`, `requiresGrad: true`
 */
export function orthogonal(shape: Shape, rng: Rng, gain = 1): Tensor {
  if (shape.length < 2) throw new ShapeError('orthogonal', '[rows, cols, ...]', shape);
  const rows = shape[0];
  const cols = shape.slice(1).reduce((p, s) => p * s, 1);
  const A = randn([rows, cols], rng).data; // [rows, cols]
  // Orthonormalise the columns of a tall matrix: [m, k] with m >= k.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const k = tall ? cols : rows;
  const Q = new Float64Array(m * k); // [m, k], column j = Q[i * k + j]
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) Q[i * k + j] = tall ? A[i * cols + j] : A[j * cols + i];
  }
  gramSchmidtColumns(Q, m, k);
  const W = new Float64Array(rows * cols); // [rows, cols]
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const q = gain * Q[i * k + j];
      if (tall) W[i * cols + j] = q;
      else W[j * cols + i] = q; // transpose back: [k, m] = [rows, cols]
    }
  }
  return fromData(W, shape, { requiresGrad: true });
}

/**
 * Modified Gram–Schmidt, in place, on the k columns of a row-major `[m, k]` matrix (m >= k).
 * Each column is orthogonalised twice against the earlier ones ("twice is enough",
 * Giraud et al. 2005), which keeps QᵀQ = I to round-off even for ill-conditioned draws.
 */
function gramSchmidtColumns(Q: Float64Array, m: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0; // q_p · a_j
        for (let i = 0; i < m; i++) dot += Q[i * k + p] * Q[i * k + j];
        for (let i = 0; i < m; i++) Q[i * k + j] -= dot * Q[i * k + p];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += Q[i * k + j] ** 2;
    norm = Math.sqrt(norm);
    // A Gaussian matrix is rank-deficient with probability 0; guard anyway.
    if (norm === 0) throw new RangeError('orthogonal: degenerate random draw');
    for (let i = 0; i < m; i++) Q[i * k + j] /= norm;
  }
}
