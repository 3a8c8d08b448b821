import {
  Rng,
  add,
  fromData,
  matmul,
  mul,
  randn,
  stepsToSequence,
  sum,
  tanh,
  tensor,
  timeStep,
  transpose,
  type Tensor,
} from '@rnn-course/core';
import { describe, expect, it } from 'vitest';
import { GradientError, type FailureDetail } from '../../src/testing/errors';
import {
  expectGradients,
  layerGradients,
  numericGradient,
  numericGradients,
  referenceGradients,
} from '../../src/testing/gradients';
import { rnnBackward, rnnForward, type RnnBug } from './fixtures/tiny-rnn';
import { thrown } from './fixtures/thrown';

/** The reference RNN by the core's autograd: h_t = tanh(x_t Wx + h_{t-1} Wh + b). */
function referenceRnn(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  const T = x.shape[1] ?? 0;
  const hs: Tensor[] = [];
  let h = h0;
  for (let t = 0; t < T; t++) {
    h = tanh(add(add(matmul(timeStep(x, t), Wx), matmul(h, Wh)), b)); // [N, H]
    hs.push(h);
  }
  return stepsToSequence(hs); // [N, T, H]
}

/** Seeded inputs N = 2, T = 5, D = 3, H = 4, and the three sets of gradients. */
async function rnnCase(bug: RnnBug) {
  const rng = new Rng(3);
  const inputs = {
    x: randn([2, 5, 3], rng),
    h0: randn([2, 4], rng),
    Wx: randn([3, 4], rng, { std: 0.5 }),
    Wh: randn([4, 4], rng, { std: 0.5 }),
    b: randn([4], rng),
  };
  const dh = randn([2, 5, 4], rng);
  const { cache } = rnnForward(inputs.x, inputs.h0, inputs.Wx, inputs.Wh, inputs.b);
  const analytic = rnnBackward(dh, cache, bug);
  const numeric = await numericGradients(
    (p) => rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b).h,
    inputs,
    dh,
  );
  const reference = referenceGradients(referenceRnn, inputs, dh);
  return { inputs, dh, analytic, numeric, reference };
}

const timeAxis = { dx: 1 };

describe('numericGradients and referenceGradients', () => {
  it('agree with each other and with a correct hand-written BPTT to the tolerances', async () => {
    const { analytic, numeric, reference } = await rnnCase('none');
    expect(Object.keys(numeric)).toEqual(['dx', 'dh0', 'dWx', 'dWh', 'db']);
    expect(Object.keys(reference)).toEqual(['dx', 'dh0', 'dWx', 'dWh', 'db']);
    expect(() =>
      expectGradients({ what: 'rnnBackward', analytic, numeric, reference, timeAxis }),
    ).not.toThrow();
  });

  it('differentiate sum(out * dout): for out = x * y, dx = dout * y', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tensor([
      [0.5, -1],
      [2, 0.25],
    ]);
    const dout = tensor([
      [1, 2],
      [3, 4],
    ]);
    const expected = [0.5, -2, 6, 1];
    const num = await numericGradients((p) => mul(p.x, p.y), { x, y }, dout);
    const ref = referenceGradients(mul, { x, y }, dout);
    num.dx?.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 8));
    expect(Array.from(ref.dx?.data ?? [])).toEqual(expected);
    expect(Array.from(ref.dy?.data ?? [])).toEqual([1, 4, 9, 16]);
  });

  it('restore the inputs, even when the forward throws midway or writes into them', async () => {
    const x = tensor([1, 2, 3]);
    let calls = 0;
    const forward = async (p: Record<string, Tensor>): Promise<Tensor> => {
      if (++calls === 3) throw new Error('learner forward failed');
      return mul(p.x, p.x);
    };
    await expect(numericGradients(forward, { x }, tensor([1, 1, 1]))).rejects.toThrow(
      'learner forward failed',
    );
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
    const writes = (p: Record<string, Tensor>): Tensor => {
      p.x.data[2] = 7; // a forward that writes into its input
      return mul(p.x, p.x);
    };
    await numericGradients(writes, { x }, tensor([1, 1, 1]));
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
  });

  it('leave the inputs of the reference untouched and without gradients', () => {
    const x = tensor([1, 2]);
    referenceGradients((a) => mul(a, a), { x }, tensor([1, 1]));
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
  });

  it('give zeros for an input the output does not depend on', () => {
    const ref = referenceGradients(
      (a) => mul(a, a),
      { x: tensor([1, 2]), unused: tensor([5]) },
      tensor([1, 1]),
    );
    expect(Array.from(ref.dunused?.data ?? [])).toEqual([0]);
  });

  it('reject a forward whose output does not have the shape of dout', async () => {
    await expect(
      numericGradients((p) => sum(p.x), { x: tensor([1, 2]) }, tensor([1, 1])),
    ).rejects.toThrow(
      /forward's output .*expected a Tensor of shape \[2\], received a Tensor of shape \[\]/,
    );
  });

  it('differentiate only the inputs named, leaving out the rest', async () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    const num = await numericGradients((p) => mul(p.x, p.y), { x, y }, tensor([1, 1]), 1e-5, ['y']);
    expect(Object.keys(num)).toEqual(['dy']);
    num.dy?.data.forEach((v, i) => expect(v).toBeCloseTo([1, 2][i] ?? NaN, 8));
  });

  it('numericGradient differentiates a scalar function, awaiting it, and restores x', async () => {
    const x = tensor([1, -2]);
    const g = await numericGradient(async () => x.data[0] ** 2 + 3 * x.data[1], x);
    expect(g.data[0]).toBeCloseTo(2, 8);
    expect(g.data[1]).toBeCloseTo(3, 8);
    let calls = 0;
    const failing = async (): Promise<number> => {
      if (++calls === 2) throw new Error('learner loss failed');
      return x.data[0];
    };
    await expect(numericGradient(failing, x)).rejects.toThrow('learner loss failed');
    expect(Array.from(x.data)).toEqual([1, -2]);
  });
});

describe('expectGradients on a buggy BPTT', () => {
  it('says dx is right only at the last step when the recurrent gradient is dropped', async () => {
    const { analytic, numeric, reference } = await rnnCase('no-recurrent-gradient');
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic, numeric, reference, timeAxis }),
    );
    expect(error).toBeInstanceOf(GradientError);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('rnnBackward: 5 gradients wrong: dx, dh0, dWx, dWh, db');
    expect(lines).toContain(
      'dx: wrong at time steps 0-3, right at step 4 (against the reference and finite differences)',
    );
    expect(error.message).toMatch(
      / {2}only the last step, which receives nothing from a later step, is right/,
    );
    expect((error as GradientError).failed).toEqual(['dx', 'dh0', 'dWx', 'dWh', 'db']);
  });

  it("gives the suite's explain the time patterns, and its reading replaces the generic one", async () => {
    const { analytic, numeric, reference } = await rnnCase('no-recurrent-gradient');
    const seen: FailureDetail[] = [];
    const explain = (detail: FailureDetail) => {
      seen.push(detail);
      return detail.patterns?.dx?.kind === 'all-but-last'
        ? { text: 'is the gradient arriving from step t+1 being added?', hint: 'carry' }
        : undefined;
    };
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic, numeric, reference, timeAxis, explain }),
    );
    expect(error.message).toMatch(
      /dx: wrong at time steps 0-3, right at step 4 .*\n {2}worst element [^\n]*\n/,
    );
    expect(error.message).not.toMatch(/only the last step, which receives nothing/);
    expect(error.message.split('\n').slice(-2)).toEqual([
      'is the gradient arriving from step t+1 being added?',
      'Read hint carry: npm run course -- hint <exercise-id> carry',
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.failed).toEqual(['dx', 'dh0', 'dWx', 'dWh', 'db']);
    expect(Object.keys(seen[0]?.patterns ?? {})).toEqual(['dx']);
    expect(seen[0]?.patterns?.dx).toMatchObject({
      gradient: 'dx',
      kind: 'all-but-last',
      steps: 5,
      wrong: [0, 1, 2, 3],
      right: [4],
      against: 'reference',
    });
  });

  it('says a parameter gradient is wrong overall and names its worst index', async () => {
    const { analytic, numeric, reference } = await rnnCase('dWh-uses-current-h');
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic, numeric, reference, timeAxis }),
    );
    expect(error.message).toMatch(
      /^rnnBackward: 1 gradient wrong: dWh\ndWh: wrong overall, \d+ of 16 elements outside tolerance \(against the reference and finite differences\)\n/,
    );
    expect(error.message).toMatch(
      /\n {2}worst element \[\d, \d\]: expected -?[\d.e-]+, received -?[\d.e-]+, relative error [\d.e-]+ \(tolerance 1e-9\)$/,
    );
  });

  it('says "wrong everywhere" when each step is wrong', async () => {
    const { analytic, numeric, reference } = await rnnCase('no-tanh-derivative');
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic, numeric, reference, timeAxis }),
    );
    expect(error.message).toMatch(
      /\ndx: wrong everywhere, at every time step 0-4 \(against the reference and finite differences\)\n/,
    );
  });

  it('gives the time step of the worst element of a gradient through time', async () => {
    const { analytic, reference } = await rnnCase('no-recurrent-gradient');
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic, reference, timeAxis }),
    );
    expect(error.message).toMatch(
      /\ndx: wrong at time steps 0-3, right at step 4 \(against the reference\)\n {2}worst element \[\d, ([0-3]), \d\] \(time step \1\): /,
    );
  });
});

describe('expectGradients on constructed errors', () => {
  const rng = new Rng(11);
  const dx = randn([2, 5, 3], rng);
  const dWh = randn([4, 4], rng);
  const reference = { dx, dWh };

  /** dx with the listed time steps scaled by 1.5. */
  function wrongAt(steps: number[]): Tensor {
    const out = dx.clone();
    for (let n = 0; n < 2; n++)
      for (const t of steps) for (let d = 0; d < 3; d++) out.set(1.5 * dx.get(n, t, d), n, t, d);
    return out;
  }

  it('says "wrong only at the last step"', () => {
    const error = thrown(() =>
      expectGradients({
        what: 'rnnBackward',
        analytic: { dx: wrongAt([4]), dWh },
        reference,
        timeAxis,
      }),
    );
    expect(error.message).toMatch(
      /\ndx: wrong only at the last step \(4\), right at steps 0-3 \(against the reference\)\n/,
    );
    expect(error.message).toMatch(/check how the backward pass starts at the last step/);
  });

  it('names missing gradient keys', () => {
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic: { dx }, reference }),
    );
    expect(error.message).toBe(
      'rnnBackward: 1 gradient wrong: dWh\nmissing gradient dWh (expected keys: dx, dWh; received: dx)',
    );
    expect((error as GradientError).failed).toEqual(['dWh']);
  });

  it('names extra keys and guesses the intended name', () => {
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic: { dx, dwh: dWh }, reference }),
    );
    expect(error.message).toBe(
      'rnnBackward: 2 gradients wrong: dWh, dwh\n' +
        'missing gradient dWh (expected keys: dx, dWh; received: dx, dwh)\n' +
        'unexpected gradient dwh (did you mean dWh?)',
    );
  });

  it('accepts extra keys when the suite allows them', () => {
    expect(() =>
      expectGradients({ what: 'f', analytic: { dx, dWh, cache: dx }, reference, allowExtra: true }),
    ).not.toThrow();
  });

  it('rejects a backward that returns no object of gradients', () => {
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic: [dx, dWh] as never, reference }),
    );
    expect(error.message).toBe(
      'rnnBackward: expected an object of gradients { dx, dWh }, received a Tensor[] of length 2 (an array, not one Tensor)',
    );
  });

  it('reports a NaN gradient by index', () => {
    const bad = dx.clone();
    bad.set(NaN, 1, 2, 0);
    const error = thrown(() =>
      expectGradients({ what: 'rnnBackward', analytic: { dx: bad, dWh }, reference }),
    );
    expect(error.message).toMatch(
      /\ndx contains NaN at \[1, 2, 0\] \(1 of 30 elements are not finite\)$/,
    );
  });

  it('reports a gradient of the wrong shape', () => {
    const error = thrown(() =>
      expectGradients({
        what: 'rnnBackward',
        analytic: { dx, dWh: fromData(dWh.data, [16]) },
        reference,
      }),
    );
    expect(error.message).toMatch(
      /\ndWh: expected a Tensor of shape \[4, 4\], received a Tensor of shape \[16\]/,
    );
  });

  it('says which comparison disagrees when the forward, not the backward, is wrong', () => {
    // analytic agrees with "numeric" (the learner's forward) but not with the reference
    const shifted = wrongAt([0, 1, 2, 3, 4]);
    const error = thrown(() =>
      expectGradients({
        what: 'rnnBackward',
        analytic: { dx: shifted, dWh },
        numeric: { dx: shifted, dWh },
        reference,
        timeAxis,
      }),
    );
    expect(error.message).toMatch(
      /agrees with finite differences of your own forward but not with the reference/,
    );
  });

  it('applies one tolerance to both comparisons when given a number', () => {
    const close = dx.clone();
    close.set(dx.get(0, 0, 0) * (1 + 1e-7), 0, 0, 0);
    expect(() => expectGradients({ what: 'f', analytic: { dx: close, dWh }, reference })).toThrow(
      GradientError,
    );
    expect(() =>
      expectGradients({ what: 'f', analytic: { dx: close, dWh }, reference, tol: 1e-6 }),
    ).not.toThrow();
  });

  it('ends with the hint to read', () => {
    const error = thrown(() =>
      expectGradients({
        what: 'rnnBackward',
        analytic: { dx },
        reference,
        hint: 'sums',
        exercise: 'rnn/rnn-backward',
      }),
    );
    expect(error.message.split('\n').at(-1)).toBe(
      'Read hint sums: npm run course -- hint rnn/rnn-backward sums',
    );
  });

  it('tolerates central-difference noise on a near-zero element, but not a real error', () => {
    // numeric gradients are off by about 1e-9 absolute; a 1e-9 gradient element then has a
    // relative error near 1, which the absolute floor (ABSOLUTE_FLOORS.numeric) absorbs
    const tiny = fromData([1e-9, 0.5], [2]);
    const noisy = fromData([2.5e-9, 0.5 + 1e-9], [2]);
    expect(() =>
      expectGradients({ what: 'f', analytic: { dW: tiny }, numeric: { dW: noisy } }),
    ).not.toThrow();
    const wrong = fromData([1e-9, 0.6], [2]);
    expect(() =>
      expectGradients({ what: 'f', analytic: { dW: wrong }, numeric: { dW: noisy } }),
    ).toThrow(
      /dW: wrong overall, 1 of 2 elements outside tolerance \(against finite differences\)\n {2}worst element \[1\]/,
    );
  });

  it('tells the suite author when a time axis does not fit the gradient', () => {
    expect(() =>
      expectGradients({
        what: 'f',
        analytic: { dWh: wrongAt([0]) },
        reference: { dWh: dx },
        timeAxis: { dWh: 3 },
      }),
    ).toThrow(/timeAxis 3 of dWh does not fit shape \[2, 5, 3\]/);
  });

  it('refuses to run with nothing to compare against', () => {
    expect(() => expectGradients({ what: 'f', analytic: { dx } })).toThrow(
      /give numeric or reference/,
    );
  });
});

describe('layerGradients', () => {
  // out = x W, written CS231n style; `bug` scales dW to stand for a wrong backward.
  const forward = (x: Tensor, W: Tensor) => ({ out: matmul(x, W), cache: { x, W } });
  const backwardWith = (bug: number) => (dout: Tensor, cache: { x: Tensor; W: Tensor }) => ({
    dx: matmul(dout, transpose(cache.W)),
    dW: mul(matmul(transpose(cache.x), dout), bug),
  });
  const rng = new Rng(7);
  const x = randn([3, 4], rng);
  const W = randn([4, 2], rng);
  const dout = randn([3, 2], rng);

  it('gives the learner, finite-difference and reference gradients under the same names', async () => {
    const g = await layerGradients({
      inputs: { x, W },
      dout,
      forward,
      output: (r) => r.out,
      backward: backwardWith(1),
      reference: matmul,
    });
    expect(Object.keys(g.analytic).sort()).toEqual(['dW', 'dx']);
    expect(Object.keys(g.numeric).sort()).toEqual(['dW', 'dx']);
    expect(Object.keys(g.reference).sort()).toEqual(['dW', 'dx']);
    expect(() => expectGradients({ what: 'matmul', ...g })).not.toThrow();
  });

  it('a wrong backward disagrees with both the numeric and the reference gradient, inputs untouched', async () => {
    const before = W.data.slice();
    const g = await layerGradients({
      inputs: { x, W },
      dout,
      forward: async (x: Tensor, W: Tensor) => forward(x, W), // learner code returns promises

      output: (r) => r.out,
      backward: async (d: Tensor, cache: { x: Tensor; W: Tensor }) => backwardWith(2)(d, cache),
      reference: matmul,
    });
    expect(W.data).toEqual(before);
    expect(thrown(() => expectGradients({ what: 'matmul', ...g })).message).toContain('dW');
  });
});
