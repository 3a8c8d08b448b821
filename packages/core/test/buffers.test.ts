import { describe, expect, it } from 'vitest';
import { passGradient } from '../src/autograd';
import { outputBuffer, releaseBuffer, zeroBuffer } from '../src/buffers';
import { gradcheck, formatGradcheckReport } from '../src/gradcheck';
import { add, mul, sigmoid, tanh } from '../src/ops/elementwise';
import { matmul } from '../src/ops/matmul';
import { mean, sum } from '../src/ops/reduce';
import { stepsToSequence, timeStep } from '../src/ops/sequence';
import { narrow, reshape } from '../src/ops/shape';
import { Rng, randn } from '../src/random';
import { Tensor, tensor } from '../src/tensor';

/** A length no other test of this file uses, so that the free list holds only what a test put there. */
let fresh = 1000;
const newLength = (): number => fresh++;

describe('reused buffers', () => {
  it('gives a released buffer back, once, and a fresh one after that', () => {
    const n = newLength();
    const buf = outputBuffer(n);
    releaseBuffer(buf);
    releaseBuffer(buf); // a second release of the same buffer is refused
    expect(outputBuffer(n)).toBe(buf);
    const other = outputBuffer(n);
    expect(other).not.toBe(buf);
    expect(other.length).toBe(n);
  });

  it('zeroBuffer clears a reused buffer', () => {
    const n = newLength();
    const buf = outputBuffer(n).fill(7);
    releaseBuffer(buf);
    const z = zeroBuffer(n);
    expect(z).toBe(buf);
    expect(z.every((v) => v === 0)).toBe(true);
  });

  it('keeps neither views into a larger buffer nor small buffers', () => {
    const n = newLength();
    const big = new Float64Array(2 * n);
    releaseBuffer(big.subarray(0, n)); // a view: someone else may own the rest
    expect(outputBuffer(n).buffer).not.toBe(big.buffer);
    const small = new Float64Array(8);
    releaseBuffer(small);
    expect(outputBuffer(8)).not.toBe(small);
  });
});

describe('a backward walk that reuses gradient buffers', () => {
  it('gives each input of an add its own gradient buffer (one takes the upstream one)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([4, 5, 6], { requiresGrad: true });
    sum(add(x, y)).backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    expect(y.grad!.toArray()).toEqual([1, 1, 1]);
    expect(x.grad!.data).not.toBe(y.grad!.data);
    x.grad!.data[0] = 10; // writing one leaves the other alone
    expect(y.grad!.toArray()).toEqual([1, 1, 1]);
  });

  it('add(x, x) and reshape pass the gradient on once and add the second path', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    sum(
      mul(
        reshape(add(x, x), [2, 2]),
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6, 8]);
  });

  it('passGradient outside a walk adds a copy', () => {
    const t = new Tensor(new Float64Array(3), [3], true);
    const g = new Float64Array([1, 2, 3]);
    passGradient(t, g);
    expect(t.grad!.data).not.toBe(g);
    expect(t.grad!.toArray()).toEqual([1, 2, 3]);
  });

  // An LSTM over T steps: narrow, sigmoid, tanh, timeStep, a weight used at every step (whose
  // gradient contributions are kept to the walk's end), stepsToSequence. Run twice, so the
  // second run reads buffers the first one handed back: both must match finite differences.
  it('an unrolled LSTM passes gradcheck on fresh and on reused buffers', () => {
    const rng = new Rng(7);
    const [N, T, D, H] = [2, 4, 3, 2];
    const lstm = (x: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor => {
      const xw = add(matmul(x, Wx), b); // [N, T, 4H]
      let h = tensor(new Array(N).fill(new Array(H).fill(0)));
      let c = h;
      const hs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const a = add(timeStep(xw, t), matmul(h, Wh)); // [N, 4H]
        const i = sigmoid(narrow(a, 1, 0, H));
        const f = sigmoid(narrow(a, 1, H, H));
        const g = tanh(narrow(a, 1, 2 * H, H));
        const o = sigmoid(narrow(a, 1, 3 * H, H));
        c = add(mul(f, c), mul(i, g));
        h = mul(o, tanh(c));
        hs.push(h);
      }
      return mean(mul(stepsToSequence(hs), stepsToSequence(hs))); // [] (a square loss)
    };
    const inputs = [
      randn([N, T, D], rng, { requiresGrad: true }),
      randn([D, 4 * H], rng, { requiresGrad: true }),
      randn([H, 4 * H], rng, { requiresGrad: true }),
      randn([4 * H], rng, { requiresGrad: true }),
    ];
    for (let run = 0; run < 2; run++) {
      const report = gradcheck(lstm, inputs, { rng: new Rng(run) });
      expect(report.ok, formatGradcheckReport(report)).toBe(true);
      for (const input of report.inputs) expect(input.maxRelError).toBeLessThan(1e-6);
    }
  });
});
