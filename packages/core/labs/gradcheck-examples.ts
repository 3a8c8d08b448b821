/**
 * The numbers and reports printed in chapter 0 ("Checking gradients numerically"), produced by
 * running the core. Rerun with:
 *
 *     cd packages/core && npx tsx labs/gradcheck-examples.ts
 *
 * 1. Error of forward and central differences of f = exp at x = 1 against the step h, in float64
 *    and (emulated with Math.fround) in float32.
 * 2. gradcheck of a hand-written tanh layer: correct, with a wrong tanh derivative, and with a
 *    bug in dW alone; in 'full' and 'random-direction' mode.
 * 3. gradcheck at kinks: relu next to 0, and max with a tie.
 */
import {
  Rng,
  add,
  customOp,
  formatGradcheckReport,
  gradcheck,
  matmul,
  max,
  mul,
  randn,
  relu,
  sub,
  sum,
  tanh,
  tensor,
  transpose,
} from '../src/index';
import type { Tensor } from '../src/index';

// 1. Truncation against round-off.
const f = Math.exp;
const x0 = 1;
const exact = Math.exp(1); // f'(1) = e
const f32 = Math.fround;
console.log('| h | forward, float64 | central, float64 | central, float32 |');
console.log('| --- | ---: | ---: | ---: |');
for (let e = 1; e <= 12; e++) {
  const h = 10 ** -e;
  const forward = (f(x0 + h) - f(x0)) / h;
  const central = (f(x0 + h) - f(x0 - h)) / (2 * h);
  const h32 = f32(h);
  const central32 = f32(f32(f32(f(f32(x0 + h32))) - f32(f(f32(x0 - h32)))) / f32(2 * h32));
  const err = (v: number): string => Math.abs(v - exact).toExponential(1);
  console.log(`| $10^{-${e}}$ | ${err(forward)} | ${err(central)} | ${err(central32)} |`);
}

// 2. A tanh layer, out = tanh(x W + b), with a backward pass written by hand.
type Cache = { x: Tensor; W: Tensor; out: Tensor };
function tanhLayerWith(dtanh: (out: Tensor) => Tensor, dWbug = false) {
  return customOp({
    name: 'tanhLayer',
    inputs: ['x', 'W', 'b'],
    forward: (x, W, b) => {
      const out = tanh(add(matmul(x!, W!), b!)); // [N, H]
      return { out, cache: { x, W, out } };
    },
    backward: (dout, { x, W, out }: Cache) => {
      const dz = mul(dout, dtanh(out)); // [N, H]
      const dW = dWbug ? matmul(transpose(x), dout) : matmul(transpose(x), dz);
      return { dx: matmul(dz, transpose(W)), dW, db: sum(dz, 0) };
    },
  });
}
const right = tanhLayerWith((out) => sub(1, mul(out, out))); // tanh' = 1 - tanh²
const wrongDerivative = tanhLayerWith((out) => sub(1, out)); // bug: 1 - tanh
const wrongdW = tanhLayerWith((out) => sub(1, mul(out, out)), true); // bug: dW skips tanh'
const rng = new Rng(0);
const inputs = [randn([3, 4], rng), randn([4, 5], rng), randn([5], rng)];
const names = ['x', 'W', 'b'];
console.log('\n--- correct backward');
console.log(formatGradcheckReport(gradcheck(right, inputs, { names })));
console.log('\n--- tanh derivative written as 1 - out');
console.log(formatGradcheckReport(gradcheck(wrongDerivative, inputs, { names })));
console.log("\n--- dW = xᵀ dout (forgets tanh')");
console.log(formatGradcheckReport(gradcheck(wrongdW, inputs, { names })));
console.log('\n--- tanh derivative written as 1 - out, random-direction mode');
const randomDirection = { names, mode: 'random-direction' } as const;
console.log(formatGradcheckReport(gradcheck(wrongDerivative, inputs, randomDirection)));

// 3. Kinks: relu at 2e-7 (within eps = 1e-6 of its kink at 0), and max over a tie.
console.log('\n--- relu at [-0.3, 2e-7, 0.5]');
const nearKink = tensor([-0.3, 2e-7, 0.5]);
console.log(formatGradcheckReport(gradcheck((a) => relu(a!), [nearKink], { names: ['x'] })));
console.log('\n--- max of [1, 3, 3]');
const tie = tensor([1, 3, 3]);
console.log(formatGradcheckReport(gradcheck((a) => max(a!), [tie], { names: ['x'] })));
