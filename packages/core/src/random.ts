/**
 * One seedable random generator for the whole course. Everything random that is graded or
 * tested draws from an `Rng`, never from `Math.random`, so a seed fixes every number.
 *
 * The generator is xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 * generators"), seeded by splitmix32. It uses only 32-bit integer arithmetic (`Math.imul`,
 * shifts), so the same seed gives bit-identical draws on every machine. A uniform double takes
 * two 32-bit draws to fill all 53 bits of the mantissa. Normals use the Box–Muller transform
 * (Box & Muller 1958), keeping the second value of each pair for the next call.
 */
import { Tensor, shapeSize } from './tensor';
import type { Shape, TensorOptions } from './tensor';

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state (used only for seeding). */
function splitmix32(state: number): [next: number, value: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/** A seeded pseudorandom generator (xoshiro128**); same seed, same sequence, everywhere. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Second Box–Muller value, waiting for the next `normal()`. */
  private spare: number | null = null;

  /**
   * @param seed any finite number; integers are the usual choice (e.g. `new Rng(42)`)
   */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be finite, received ${seed}`);
    // Fold the seed's low and high 32 bits into the splitmix state.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let st = lo ^ Math.imul(hi, 0x27d4eb2d);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(st);
      st = next;
      words.push(value);
    }
    this.setState(words);
  }

  private setState(words: number[]): void {
    this.s0 = words[0] | 0;
    this.s1 = words[1] | 0;
    this.s2 = words[2] | 0;
    this.s3 = words[3] | 0;
    // xoshiro's state must not be all zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
  }

  /** The next 32-bit unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992; // (a * 2^26 + b) / 2^53
  }

  /** A standard normal draw, N(0, 1), by Box–Muller (pairs: every second call is cached). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniform integer in 0..n-1 (one `uniform()` draw). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Rng.int: n must be an integer >= 1, received ${n}`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles `a` in place (Fisher–Yates, Knuth's Algorithm P) and returns it. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /**
   * Draws index k with probability probs[k] / sum(probs), by inverse CDF with exactly one
   * `uniform()` draw: the first k whose running sum exceeds u * sum(probs).
   *
   * @param probs nonnegative weights, length V (need not sum to 1)
   * @returns an index in 0..V-1
   */
  categorical(probs: ArrayLike<number>): number {
    let total = 0;
    for (let k = 0; k < probs.length; k++) {
      const p = probs[k];
      if (!(p >= 0) || p === Infinity) {
        throw new RangeError(
          `Rng.categorical: probabilities must be finite and >= 0, received ${p} at ${k}`,
        );
      }
      total += p;
    }
    if (!(total > 0)) throw new RangeError('Rng.categorical: probabilities sum to 0');
    const u = this.uniform() * total;
    let cum = 0;
    let last = 0;
    for (let k = 0; k < probs.length; k++) {
      const p = probs[k];
      if (p === 0) continue;
      cum += p;
      last = k;
      if (u < cum) return k;
    }
    return last; // u landed in the rounding gap at the very top of the CDF
  }

  /** A new, independent generator seeded from this one's next draws (advances this one). */
  fork(): Rng {
    const child = new Rng(0);
    child.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]);
    return child;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Options of `randn`. */
export interface RandnOptions extends TensorOptions {
  mean?: number;
  std?: number;
}

/** Options of `randu`. */
export interface RanduOptions extends TensorOptions {
  low?: number;
  high?: number;
}

/**
 * A tensor of i.i.d. normal draws, N(mean, std^2), filled in row-major order.
 *
 * @param shape the result's shape
 * @returns shape `shape`
 */
export function randn(shape: Shape, rng: Rng, opts: RandnOptions = {}): Tensor {
  const { mean = 0, std = 1 } = opts;
  const data = new Float64Array(shapeSize(shape, 'randn'));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}

/**
 * A tensor of i.i.d. uniform draws in [low, high), filled in row-major order.
 *
 * @param shape the result's shape
 * @returns shape `shape`
 */
export function randu(shape: Shape, rng: Rng, opts: RanduOptions = {}): Tensor {
  const { low = 0, high = 1 } = opts;
  const data = new Float64Array(shapeSize(shape, 'randu'));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.uniform();
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}
