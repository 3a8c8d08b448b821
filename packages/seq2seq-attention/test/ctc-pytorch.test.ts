/**
 * CTC against PyTorch: fixtures of `torch.nn.functional.ctc_loss` (float64, torch 1.13, written
 * by fixtures/make_fixtures.py) for reductions 'sum', 'none' and 'mean', repeated labels, an
 * empty target, inputs shorter than T, and 1000-frame inputs whose probability underflows in
 * linear space. The reference and the solution must agree with PyTorch to a relative error of
 * 1e-10, in the loss and in the gradient.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  exp,
  fromData,
  logSoftmax,
  maxRelError,
  mul,
  noGrad,
  sum,
  tensor,
  vjp,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { ctcLoss } from '../src/index';
import { ctcLossAndGrad as solutionCtcLoss } from '../../../solutions/seq2seq-attention/ctc-loss';

interface Fixture {
  name: string;
  reduction: 'sum' | 'none' | 'mean';
  targets: number[][];
  inputLengths: number[];
  inputs: string;
  frames: number[];
  loss: number | number[];
  upstream?: number[];
  gradLogits: number[][][];
  gradLogProbsTorch: number[][][];
}

const file = JSON.parse(
  readFileSync(new URL('../fixtures/ctc-pytorch.json', import.meta.url), 'utf8'),
) as { torch: string; blank: number; inputs: Record<string, number[][][]>; cases: Fixture[] };

const TOL = 1e-10;

/** The fixture's frames of a `[N, T, C]` gradient, as `[N, frames, C]`. */
function atFrames(g: Tensor, frames: readonly number[]): Tensor {
  const [N, T, C] = g.shape as [number, number, number];
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (const t of frames) out.push(...g.data.subarray((n * T + t) * C, (n * T + t + 1) * C));
  }
  return fromData(out, [N, frames.length, C]);
}

function expectClose(actual: Tensor | number, expected: Tensor | number, what: string): void {
  const err = maxRelError(
    typeof actual === 'number' ? tensor(actual) : actual,
    typeof expected === 'number' ? tensor(expected) : expected,
  );
  expect(err, `${what}: relative error against PyTorch`).toBeLessThanOrEqual(TOL);
}

describe(`CTC loss against torch.nn.functional.ctc_loss (torch ${file.torch}, float64)`, () => {
  it('the fixtures cover every reduction, repeats, an empty target and 1000-frame inputs', () => {
    const names = file.cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['small-sum', 'small-none', 'small-mean', 'long-sum']),
    );
    expect(file.cases.some((c) => c.targets.some((t) => t.length === 0))).toBe(true);
    expect(Math.max(...file.cases.map((c) => Math.max(...c.inputLengths)))).toBe(1000);
  });

  for (const c of file.cases) {
    const logits = tensor(file.inputs[c.inputs]!); // [N, T, C]
    const logProbs = noGrad(() => logSoftmax(logits, -1)); // [N, T, C]
    const upstream = c.upstream === undefined ? undefined : tensor(c.upstream); // [N]
    const expectedLoss = Array.isArray(c.loss) ? tensor(c.loss) : c.loss;
    const expectedGradLogits = tensor(c.gradLogits); // [N, frames, C]

    it(`${c.name}: the reference's loss and its gradient with respect to the logits`, () => {
      const opts = { blank: file.blank, reduction: c.reduction };
      const loss = ctcLoss(logProbs, c.targets, c.inputLengths, opts);
      expectClose(Array.isArray(c.loss) ? loss : loss.item(), expectedLoss, 'loss');
      // Through the core's log-softmax, as PyTorch's logits were.
      const { dlogits } = vjp(
        (z) => {
          const l = ctcLoss(logSoftmax(z, -1), c.targets, c.inputLengths, opts);
          return upstream === undefined ? l : sum(mul(l, upstream));
        },
        { logits },
      );
      expectClose(atFrames(dlogits as Tensor, c.frames), expectedGradLogits, 'dlogits');
    });

    it(`${c.name}: the reference's dlogProbs is PyTorch's minus exp(logProbs) (the softmax it folds in)`, () => {
      const opts = { blank: file.blank, reduction: c.reduction };
      const { dlogProbs } = vjp(
        (lp) => {
          const l = ctcLoss(lp, c.targets, c.inputLengths, opts);
          return upstream === undefined ? l : sum(mul(l, upstream));
        },
        { logProbs },
      );
      // PyTorch reports exp(log y) − γ (times the reduction's factor) on the frames t < T_n: the
      // gradient with respect to the logits of a log-softmax. Ours is the exact −γ.
      const [N, T, C] = logProbs.shape as [number, number, number];
      const shifted = (dlogProbs as Tensor).data.slice();
      const probs = exp(logProbs).data;
      for (let n = 0; n < N; n++) {
        const factor =
          (upstream?.data[n] ?? 1) *
          (c.reduction === 'mean' ? 1 / (N * Math.max(1, c.targets[n]!.length)) : 1);
        for (let t = 0; t < c.inputLengths[n]!; t++) {
          for (let k = 0; k < C; k++)
            shifted[(n * T + t) * C + k]! += factor * probs[(n * T + t) * C + k]!;
        }
      }
      expectClose(
        atFrames(fromData(shifted, [N, T, C]), c.frames),
        tensor(c.gradLogProbsTorch),
        'dlogProbs',
      );
    });

    if (c.reduction !== 'none') {
      it(`${c.name}: the solution's loss and gradient`, () => {
        const reduction = c.reduction as 'sum' | 'mean';
        const got = solutionCtcLoss(logProbs, c.targets, c.inputLengths, {
          blank: file.blank,
          reduction,
        });
        expectClose(got.loss, expectedLoss as number, 'loss');
        const { dlogits } = vjp((z) => logSoftmax(z, -1), { logits }, got.dlogProbs);
        expectClose(atFrames(dlogits as Tensor, c.frames), expectedGradLogits, 'dlogits');
      });
    } else {
      it(`${c.name}: the solution's per-sequence losses`, () => {
        const got = solutionCtcLoss(logProbs, c.targets, c.inputLengths, {
          blank: file.blank,
          reduction: 'sum',
        });
        expectClose(tensor(got.losses), expectedLoss, 'losses');
      });
    }
  }
});

/**
 * The alpha recursion in linear space (probabilities, not their logarithms): the textbook
 * version, correct on short inputs.
 */
function linearSpaceLoss(
  logProbs: Tensor,
  n: number,
  labels: readonly number[],
  Tn: number,
): number {
  const [, T, C] = logProbs.shape as [number, number, number];
  const ext = [0];
  for (const l of labels) ext.push(l, 0);
  const S = ext.length;
  const y = (t: number, s: number): number => Math.exp(logProbs.data[(n * T + t) * C + ext[s]!]!);
  let alpha = new Float64Array(S);
  alpha[0] = y(0, 0);
  alpha[1] = y(0, 1);
  for (let t = 1; t < Tn; t++) {
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      let a = alpha[s]! + (s >= 1 ? alpha[s - 1]! : 0);
      if (s >= 2 && ext[s] !== 0 && ext[s] !== ext[s - 2]) a += alpha[s - 2]!;
      next[s] = a * y(t, s);
    }
    alpha = next;
  }
  return -Math.log(alpha[S - 1]! + alpha[S - 2]!);
}

describe('why the recursions run in log space', () => {
  const c = file.cases.find((x) => x.name === 'long-none') as Fixture;
  const logProbs = noGrad(() => logSoftmax(tensor(file.inputs[c.inputs]!), -1));

  it('on 1000 frames the linear-space alpha underflows to 0 (loss +∞); log space matches PyTorch', () => {
    const loss = ctcLoss(logProbs, c.targets, c.inputLengths, { reduction: 'none' });
    c.targets.forEach((labels, n) => {
      expect((c.loss as number[])[n]).toBeGreaterThan(745); // p < e^−745, below the smallest double
      expect(linearSpaceLoss(logProbs, n, labels, c.inputLengths[n]!)).toBe(Infinity);
      expectClose(loss.data[n]!, (c.loss as number[])[n]!, `sequence ${n}`);
    });
  });

  it('on a short input the linear-space recursion agrees, so the difference is only underflow', () => {
    const s = file.cases.find((x) => x.name === 'small-none') as Fixture;
    const lp = noGrad(() => logSoftmax(tensor(file.inputs[s.inputs]!), -1));
    expectClose(
      linearSpaceLoss(lp, 0, s.targets[0]!, s.inputLengths[0]!),
      (s.loss as number[])[0]!,
      'loss',
    );
  });
});
