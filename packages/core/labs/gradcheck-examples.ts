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
 * 4. What each mode catches: a gradient 0.1% too large everywhere, and one element of a 16×32
 *    weight's gradient 0.1% too large, checked in 'full' mode, in 'random-direction' mode with
 *    1, 4 and 16 directions, and with PyTorch's tolerances, over 300 seeded cases.
 */
import {
  GRADCHECK_DEFAULTS,
  Rng,
  add,
  crossEntropy,
  customOp,
  formatGradcheckReport,
  gradcheck,
  matmul,
  max,
  mul,
  numericalGradient,
  randn,
  relu,
  scale,
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
// Every column is the absolute error |estimate - e| (f'(1) = e).
console.log('| h | absolute error: forward, float64 | central, float64 | central, float32 |');
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
// A correct gradient whose relative error looks alarming: softmax cross-entropy with large
// logits has entries of 1e-10 and less, where round-off dominates; atol absorbs them.
console.log('\n--- crossEntropy of logits with standard deviation 10 (correct backward)');
const logits = randn([4, 6], new Rng(1), { std: 10 });
const loss = (z: Tensor): Tensor => crossEntropy(z, [0, 3, 1, 5]);
const ceReport = gradcheck(loss, [logits], { names: ['logits'] });
console.log(formatGradcheckReport(ceReport));
{
  // The two values behind maxRelError: gradcheck's L is v · loss, v the first draw of Rng(0).
  const v = new Rng(0).normal();
  const z = logits.detach().clone();
  z.requiresGrad = true;
  scale(loss(z), v).backward();
  const numeric = numericalGradient(() => v * loss(z).item(), z, GRADCHECK_DEFAULTS.eps).data;
  const [i, j] = ceReport.inputs[0]!.maxRelErrorIndex as [number, number];
  const a = z.grad!.data[i * 6 + j]!;
  const n = numeric[i * 6 + j]!;
  console.log(
    `at [${i}, ${j}]: analytic ${a.toExponential(2)}, numeric ${n.toExponential(2)}, ` +
      `|a - n| ${Math.abs(a - n).toExponential(1)}; L = v · loss = ${(v * loss(z).item()).toFixed(1)}`,
  );
}
console.log('\n--- tanh derivative written as 1 - out');
console.log(formatGradcheckReport(gradcheck(wrongDerivative, inputs, { names })));
console.log("\n--- dW = xᵀ dout (forgets tanh')");
console.log(formatGradcheckReport(gradcheck(wrongdW, inputs, { names })));
console.log('\n--- tanh derivative written as 1 - out, random-direction mode');
const randomDirection = { names, mode: 'random-direction' } as const;
console.log(formatGradcheckReport(gradcheck(wrongDerivative, inputs, randomDirection)));

// 3. Kinks: relu at 2e-7 (within eps = 1e-5 of its kink at 0), and max over a tie.
console.log('\n--- relu at [-0.3, 2e-7, 0.5]');
const nearKink = tensor([-0.3, 2e-7, 0.5]);
console.log(formatGradcheckReport(gradcheck((a) => relu(a!), [nearKink], { names: ['x'] })));
console.log('\n--- max of [1, 3, 3]');
const tie = tensor([1, 3, 3]);
console.log(formatGradcheckReport(gradcheck((a) => max(a!), [tie], { names: ['x'] })));

// 4. What each mode catches. out = tanh(x W), x [8, 16], W [16, 32]; the hand-written dW is
// multiplied by 1.001 everywhere, or at one element k drawn at random.
function tanhLayerWithWrongDW(factor: number, k: number | 'all') {
  return customOp({
    name: 'tanhLayer',
    inputs: ['x', 'W'],
    forward: (x, W) => {
      const out = tanh(matmul(x!, W!)); // [N, H]
      return { out, cache: { x: x!, W: W!, out } };
    },
    backward: (dout, c: { x: Tensor; W: Tensor; out: Tensor }) => {
      const dz = mul(dout, sub(1, mul(c.out, c.out))); // [N, H]
      const dW = matmul(transpose(c.x), dz); // [D, H]
      const bad = k === 'all' ? scale(dW, factor) : dW.clone();
      if (k !== 'all') bad.data[k] = bad.data[k]! * factor;
      return { dx: matmul(dz, transpose(c.W)), dW: bad };
    },
  });
}
const TRIALS = 300;
const checks: [string, object][] = [
  ['full', { mode: 'full' }],
  ['random-direction, 1 direction', { mode: 'random-direction', directions: 1 }],
  ['random-direction, 4 directions', { mode: 'random-direction', directions: 4 }],
  [
    `random-direction, ${GRADCHECK_DEFAULTS.directions} directions (default)`,
    { mode: 'random-direction' },
  ],
  ["full, PyTorch's eps 1e-6, atol 1e-5, rtol 1e-3", { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }],
];
console.log(`\n--- W [16, 32]: wrong gradients flagged, out of ${TRIALS} seeded cases`);
console.log('| check | dW × 1.001 | one element of dW × 1.001 | correct dW flagged |');
console.log('| --- | ---: | ---: | ---: |');
for (const [label, opts] of checks) {
  let all = 0;
  let one = 0;
  let falseAlarms = 0;
  for (let seed = 0; seed < TRIALS; seed++) {
    const r = new Rng(seed);
    const layerInputs = [randn([8, 16], r), randn([16, 32], r, { std: 0.25 })];
    const k = r.int(16 * 32);
    const run = (factor: number, where: number | 'all'): boolean =>
      !gradcheck(tanhLayerWithWrongDW(factor, where), layerInputs, { ...opts, rng: new Rng(seed) })
        .ok;
    if (run(1.001, 'all')) all++;
    if (run(1.001, k)) one++;
    if (run(1, 'all')) falseAlarms++;
  }
  console.log(`| ${label} | ${all} | ${one} | ${falseAlarms} |`);
}
