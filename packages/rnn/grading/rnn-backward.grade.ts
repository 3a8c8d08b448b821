/**
 * Grading suite of rnn/rnn-backward: backpropagation through time (eqs. 1.4-1.5),
 * against central differences of the learner's own rnnForward and against the reference's
 * autograd gradients, with a chapter-specific reading of which steps and which gradients
 * are wrong.
 */
import {
  add,
  matmul,
  mul,
  square,
  sub,
  sum,
  timeStep,
  transpose,
  zeros,
  type Tensor,
} from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  layerGradients,
  targetModule,
  type Explanation,
  type FailureDetail,
  type HintOptions,
  type LayerGradients,
  type TimePattern,
} from '@rnn-course/grader/testing';
import { rnn } from '@rnn-course/rnn';
import { normal, sequenceInputs, type SequenceInputs } from './inputs';

const { rnnBackward, rnnForward } =
  await targetModule<typeof import('@target/rnn/rnn')>('rnn/rnn.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference (two exact
// derivations that differ by rounding over T steps, about 1e-13 here) and TOLERANCES.numeric
// against central differences of the learner's forward (1e-6 to 1e-8 in CS231n for BPTT).

/** The chapter's reading of the per-step pattern of dx. */
function readTimePattern(p: TimePattern): string | undefined {
  switch (p.kind) {
    case 'all-but-last':
    case 'wrong-then-right':
      return (
        'dx is right at the last step and wrong before it: is the gradient arriving from step t+1 ' +
        "(the dprevH that step t+1 returned) being added to dh[:, t] before step t's backward?"
      );
    case 'everywhere':
      return (
        'dx is wrong even at the last step, where nothing arrives from step t+1: check the step ' +
        'backward (rnn/rnn-step-backward) and that step t is given the cache of step t.'
      );
    case 'only-last':
      return (
        'only the last step is wrong: nothing arrives from after the last step, so the carried ' +
        'gradient starts at zero.'
      );
    default:
      return undefined;
  }
}

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: SequenceInputs, dh: Tensor): Promise<LayerGradients> {
  return layerGradients({
    inputs: { ...p }, // x, h0, Wx, Wh, b: the order rnnForward and rnn take them
    dout: dh,
    forward: rnnForward,
    output: (r) => r.h,
    backward: rnnBackward,
    reference: rnn,
  });
}

/**
 * What the wrong gradients say: the per-step pattern of dx, read against the usual mistakes of
 * eq. 1.4 (and the hint that teaches the fix); when dx is right, the parameter gradients read
 * against the variants the usual mistakes of eq. 1.5 produce.
 */
function readBpttMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: SequenceInputs,
  dh: Tensor,
  detail: FailureDetail,
): Explanation {
  const ok = (k: string): boolean => agrees(g[k], ref[k]);
  const dx = detail.patterns?.dx;
  if (dx !== undefined || !ok('dx')) {
    // A step that is right at the end but wrong before it lacks the carried gradient (eq. 1.4).
    const lastRight = dx !== undefined && dx.right.includes(dx.steps - 1);
    return {
      text: dx === undefined ? '' : (readTimePattern(dx) ?? ''),
      hint: lastRight ? 'carry' : 'backwards',
    };
  }
  const wrong = ['dh0', 'dWx', 'dWh', 'db'].filter((k) => !ok(k));
  if (wrong.length === 0) return undefined;

  // Rebuild the per-step gradients of the pre-activations, da_t, from the reference.
  const { x, h0, Wx, Wh, b } = p;
  const T = x.shape[1];
  const h = rnn(x, h0, Wx, Wh, b); // [N, T, H]
  const da: Tensor[] = new Array<Tensor>(T);
  let carried = zeros(h0.shape); // [N, H]
  for (let t = T - 1; t >= 0; t--) {
    const ht = timeStep(h, t); // [N, H]
    da[t] = mul(add(timeStep(dh, t), carried), sub(1, square(ht))); // eq. 1.2
    carried = matmul(da[t], transpose(Wh));
  }
  const lines: string[] = [];
  const params = ['dWx', 'dWh', 'db'].filter((k) => wrong.includes(k));
  const stepZero = {
    dWx: matmul(transpose(timeStep(x, 0)), da[0]),
    dWh: matmul(transpose(h0), da[0]),
    db: sum(da[0], 0),
  } as Record<string, Tensor>;
  if (params.length > 1 || params.some((k) => agrees(g[k], stepZero[k]))) {
    lines.push(
      `${params.join(', ')} hold${params.length === 1 ? 's' : ''} less than the whole sum: Wx, Wh and b are ` +
        "shared by every step, so their gradients are summed over time, dW += (each step's gradient), " +
        'never overwritten at each step.',
    );
  } else if (params[0] === 'dWh') {
    let withCurrent = zeros(Wh.shape); // Σ_t h_tᵀ da_t, the h_t-for-h_{t-1} mix-up
    for (let t = 0; t < T; t++)
      withCurrent = add(withCurrent, matmul(transpose(timeStep(h, t)), da[t]));
    lines.push(
      agrees(g['dWh'], withCurrent)
        ? 'dWh was summed from h_t (the output of each step); eq. 1.5 uses h_{t-1}, the state each step ' +
            'received: dWh = Σ_t h_{t-1}ᵀ da_t, with h_{-1} = h0.'
        : 'dx, dWx and db are right but dWh is not: is dWh using h_{t-1} rather than h_t (and h0 at step 0)?',
    );
  } else if (params[0] !== undefined) {
    lines.push(
      `${params[0]} is wrong while dx is right: check that it sums every step's ${params[0]} (eq. 1.5).`,
    );
  }
  if (wrong.includes('dh0')) {
    lines.push(
      "dh0 is the gradient carried out of step 0 (step 0's dprevH), after the loop has visited every step.",
    );
  }
  return { text: lines.join('\n'), hint: 'sums' };
}

/**
 * The learner's BPTT gradients against finite differences and the reference (dx read per time
 * step), with the chapter's reading of a failure and `fallback`'s hint pointed at when nothing
 * more specific applies.
 */
async function expectBptt(
  what: string,
  p: SequenceInputs,
  dh: Tensor,
  fallback: HintOptions,
): Promise<void> {
  const { analytic, numeric, reference } = await gradientsOf(p, dh);
  expectGradients({
    what,
    analytic,
    numeric,
    reference,
    timeAxis: { dx: 1 },
    ...fallback,
    explain: (detail) => readBpttMistake(analytic, reference, p, dh, detail),
  });
}

exercise('rnn/rnn-backward', () => {
  check(
    'BPTT gradients match finite differences of your forward and the reference (N = 2, T = 5, D = 3, H = 4)',
    3,
    async () => {
      const p = sequenceInputs(401, 2, 5, 3, 4);
      const dh = normal(402, [2, 5, 4]);
      await expectBptt('rnnBackward', p, dh, { hint: 'sums' });
    },
  );

  // Gated on the value check above. A dh that is not [N, T, H] (here: one step short) would be read
  // at the wrong offsets or run past its end, so it is refused by name.
  check(
    'dh and the inputs held in the cache are not changed, the gradients are new tensors, and a dh of the wrong shape is refused',
    1,
    async () => {
      const p = sequenceInputs(409, 2, 4, 3, 4);
      const dh = normal(410, [2, 4, 4]);
      const { cache } = await rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b);
      await expectNoInputMutation({ dh, ...p }, () => rnnBackward(dh, cache), {
        what: 'rnnBackward',
      });
      await expectThrows(() => rnnBackward(normal(411, [2, 3, 4]), cache), {
        what: 'rnnBackward',
        name: 'ShapeError',
        argument: 'dh',
        when: 'dh of shape [2, 3, 4] where h is [2, 4, 4]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // A loss at the last step only: every earlier gradient is carried back from t+1 and nothing
  // else, so a missing carry leaves dx exactly zero before the last step. Same tolerances.
  check(
    'a gradient at the last step only reaches every earlier step and h0 (N = 3, T = 6, D = 2, H = 5)',
    1,
    async () => {
      const p = sequenceInputs(403, 3, 6, 2, 5);
      const dh = zeros([3, 6, 5]); // [N, T, H], zero except at t = T-1
      const last = normal(404, [3, 5]); // [N, H], the loss gradient at step T-1
      for (let n = 0; n < 3; n++)
        dh.data.set(last.data.subarray(n * 5, (n + 1) * 5), (n * 6 + 5) * 5);
      await expectBptt('rnnBackward (loss at the last step only)', p, dh, { hint: 'carry' });
    },
  );

  // Same tolerances. T = 1 has no recurrence: BPTT reduces to one step backward (dh0 = dprevH);
  // N = 1 keeps the batch axis.
  check('T = 1 (one step) and N = 1 (a single sequence of T = 4)', 1, async () => {
    for (const [seed, N, T, D, H] of [
      [405, 3, 1, 4, 3],
      [407, 1, 4, 3, 5],
    ] as const) {
      const p = sequenceInputs(seed, N, T, D, H);
      const dh = normal(seed + 1, [N, T, H]);
      await expectBptt(`rnnBackward (N = ${N}, T = ${T})`, p, dh, { hint: 'sums' });
    }
  });
});
