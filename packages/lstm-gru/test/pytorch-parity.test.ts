/**
 * PyTorch parity: the reference (autograd) and the worked solutions (hand-written backward)
 * reproduce `torch.nn.LSTM` and `torch.nn.GRU` on the same weights, to float64 precision. The
 * numbers were written by fixtures/make_fixtures.py (PyTorch 1.13, float64); the tests need no
 * PyTorch. Every comparison is the CS231n relative error, max |a − b| / max(1e-8, |a| + |b|),
 * held below 1e-10: outputs, final states, the loss, and the gradients with respect to the
 * input, the initial states and all four of PyTorch's parameters.
 */
import { describe, expect, it } from 'vitest';
import { add, mul, sum, tensor, timeStep, transpose, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  gru,
  gruFromStateDict,
  gruToStateDict,
  lstm,
  lstmFromStateDict,
  lstmToStateDict,
} from '../src/index';
import { gruBackward, gruForward } from '../../../solutions/lstm-gru/gru';
import { lstmBackward, lstmForward } from '../../../solutions/lstm-gru/lstm';
import * as solutionStateDict from '../../../solutions/lstm-gru/state-dict';
import { expectRel, readFixtures } from './helpers';
import type { FixtureCase } from './helpers';

const TOL = 1e-10;

/** A leaf that requires grad. */
const leaf = (values: unknown): Tensor => tensor(values as never, { requiresGrad: true });

/** The upstream gradient of every hidden state: G_out, plus G_h at the last step (h_n). */
function upstreamH(c: FixtureCase): Tensor {
  const { N, T, H } = c.config;
  const dh = tensor(c.lossWeights.output).clone(); // [N, T, H]
  const gh = tensor(c.lossWeights.h_n); // [N, H]
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) dh.data[(n * T + T - 1) * H + j]! += gh.data[n * H + j]!;
  }
  return dh;
}

/** The upstream gradient of every cell state: G_c at the last step (c_n), zeros elsewhere. */
function upstreamC(c: FixtureCase): Tensor {
  const { N, T, H } = c.config;
  const dc = zeros([N, T, H]);
  const gc = tensor(c.lossWeights.c_n as never); // [N, H]
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) dc.data[(n * T + T - 1) * H + j] = gc.data[n * H + j]!;
  }
  return dc;
}

/** PyTorch's gradient of a weight, in the course's layout ([G·H, D] -> [D, G·H]). */
const torchGrad = (c: FixtureCase, key: string): Tensor => tensor(c.grad[key] as never);
const torchWeightGrad = (c: FixtureCase, key: string): Tensor => transpose(torchGrad(c, key));

describe('torch.nn.LSTM parity (float64)', () => {
  const { torch, cases } = readFixtures('lstm');

  it(`the fixtures come from PyTorch (${torch}) and include N = 1 with T = 1`, () => {
    expect(cases.map((c) => c.name)).toEqual(['default', 'single', 'long', 'saturating']);
    expect(cases.some((c) => c.config.N === 1 && c.config.T === 1)).toBe(true);
  });

  for (const c of cases) {
    const { N, T, D, H } = c.config;
    const sizes = { inputSize: D, hiddenSize: H };

    it(`${c.name} (N=${N}, T=${T}, D=${D}, H=${H}): the reference's outputs, final states, loss and gradients`, () => {
      const { Wx, Wh, b } = lstmFromStateDict(c.stateDict, sizes);
      const x = leaf(c.x);
      const h0 = leaf(c.h0);
      const c0 = leaf(c.c0);
      const out = lstm(x, h0, c0, Wx, Wh, b);
      const hN = timeStep(out.h, T - 1); // [N, H]
      const cN = timeStep(out.c, T - 1); // [N, H]
      expectRel(out.h, tensor(c.output), TOL, 'output');
      expectRel(hN, tensor(c.h_n), TOL, 'h_n');
      expectRel(cN, tensor(c.c_n as never), TOL, 'c_n');
      const loss = add(
        add(sum(mul(out.h, tensor(c.lossWeights.output))), sum(mul(hN, tensor(c.lossWeights.h_n)))),
        sum(mul(cN, tensor(c.lossWeights.c_n as never))),
      );
      expectRel(loss.item(), c.loss, TOL, 'loss');
      loss.backward();
      expectRel(x.grad as Tensor, torchGrad(c, 'x'), TOL, 'dx');
      expectRel(h0.grad as Tensor, torchGrad(c, 'h0'), TOL, 'dh0');
      expectRel(c0.grad as Tensor, torchGrad(c, 'c0'), TOL, 'dc0');
      expectRel(Wx.grad as Tensor, torchWeightGrad(c, 'weight_ih_l0'), TOL, 'dWx');
      expectRel(Wh.grad as Tensor, torchWeightGrad(c, 'weight_hh_l0'), TOL, 'dWh');
      // b = b_ih + b_hh, so PyTorch's two bias gradients are equal, and both are db.
      expectRel(b.grad as Tensor, torchGrad(c, 'bias_ih_l0'), TOL, 'db vs bias_ih_l0');
      expectRel(b.grad as Tensor, torchGrad(c, 'bias_hh_l0'), TOL, 'db vs bias_hh_l0');
    });

    it(`${c.name}: the solutions' lstmForward and lstmBackward (dc carrying c_n's gradient)`, () => {
      const { Wx, Wh, b } = solutionStateDict.lstmFromStateDict(c.stateDict, sizes);
      const {
        h,
        c: cs,
        cache,
      } = lstmForward(tensor(c.x), tensor(c.h0), tensor(c.c0 as never), Wx, Wh, b);
      expectRel(h, tensor(c.output), TOL, 'output');
      expectRel(timeStep(cs, T - 1), tensor(c.c_n as never), TOL, 'c_n');
      const g = lstmBackward(upstreamH(c), upstreamC(c), cache);
      expectRel(g.dx, torchGrad(c, 'x'), TOL, 'dx');
      expectRel(g.dh0, torchGrad(c, 'h0'), TOL, 'dh0');
      expectRel(g.dc0, torchGrad(c, 'c0'), TOL, 'dc0');
      expectRel(g.dWx, torchWeightGrad(c, 'weight_ih_l0'), TOL, 'dWx');
      expectRel(g.dWh, torchWeightGrad(c, 'weight_hh_l0'), TOL, 'dWh');
      expectRel(g.db, torchGrad(c, 'bias_ih_l0'), TOL, 'db');
    });

    it(`${c.name}: saved back to a state_dict, weights are PyTorch's exactly and b_ih + b_hh is kept`, () => {
      for (const [load, save] of [
        [lstmFromStateDict, lstmToStateDict],
        [solutionStateDict.lstmFromStateDict, solutionStateDict.lstmToStateDict],
      ] as const) {
        const saved = save(load(c.stateDict, sizes));
        expect(saved.weight_ih_l0).toEqual(c.stateDict.weight_ih_l0);
        expect(saved.weight_hh_l0).toEqual(c.stateDict.weight_hh_l0);
        const sumTorch = add(tensor(c.stateDict.bias_ih_l0!), tensor(c.stateDict.bias_hh_l0!));
        const sumSaved = add(tensor(saved.bias_ih_l0!), tensor(saved.bias_hh_l0!));
        expect(Array.from(sumSaved.data)).toEqual(Array.from(sumTorch.data));
      }
    });
  }
});

describe('torch.nn.GRU parity (float64)', () => {
  const { torch, cases } = readFixtures('gru');

  it(`the fixtures come from PyTorch (${torch}) and include N = 1 with T = 1`, () => {
    expect(cases.map((c) => c.name)).toEqual(['default', 'single', 'long', 'saturating']);
    expect(cases.some((c) => c.config.N === 1 && c.config.T === 1)).toBe(true);
  });

  for (const c of cases) {
    const { N, T, D, H } = c.config;
    const sizes = { inputSize: D, hiddenSize: H };

    it(`${c.name} (N=${N}, T=${T}, D=${D}, H=${H}): the reference's outputs, final state, loss and gradients`, () => {
      const { Wx, Wh, bx, bh } = gruFromStateDict(c.stateDict, sizes);
      const x = leaf(c.x);
      const h0 = leaf(c.h0);
      const h = gru(x, h0, Wx, Wh, bx, bh);
      const hN = timeStep(h, T - 1); // [N, H]
      expectRel(h, tensor(c.output), TOL, 'output');
      expectRel(hN, tensor(c.h_n), TOL, 'h_n');
      const loss = add(
        sum(mul(h, tensor(c.lossWeights.output))),
        sum(mul(hN, tensor(c.lossWeights.h_n))),
      );
      expectRel(loss.item(), c.loss, TOL, 'loss');
      loss.backward();
      expectRel(x.grad as Tensor, torchGrad(c, 'x'), TOL, 'dx');
      expectRel(h0.grad as Tensor, torchGrad(c, 'h0'), TOL, 'dh0');
      expectRel(Wx.grad as Tensor, torchWeightGrad(c, 'weight_ih_l0'), TOL, 'dWx');
      expectRel(Wh.grad as Tensor, torchWeightGrad(c, 'weight_hh_l0'), TOL, 'dWh');
      expectRel(bx.grad as Tensor, torchGrad(c, 'bias_ih_l0'), TOL, 'dbx');
      expectRel(bh.grad as Tensor, torchGrad(c, 'bias_hh_l0'), TOL, 'dbh');
    });

    it(`${c.name}: the solutions' gruForward and gruBackward`, () => {
      const { Wx, Wh, bx, bh } = solutionStateDict.gruFromStateDict(c.stateDict, sizes);
      const { h, cache } = gruForward(tensor(c.x), tensor(c.h0), Wx, Wh, bx, bh);
      expectRel(h, tensor(c.output), TOL, 'output');
      const g = gruBackward(upstreamH(c), cache);
      expectRel(g.dx, torchGrad(c, 'x'), TOL, 'dx');
      expectRel(g.dh0, torchGrad(c, 'h0'), TOL, 'dh0');
      expectRel(g.dWx, torchWeightGrad(c, 'weight_ih_l0'), TOL, 'dWx');
      expectRel(g.dWh, torchWeightGrad(c, 'weight_hh_l0'), TOL, 'dWh');
      expectRel(g.dbx, torchGrad(c, 'bias_ih_l0'), TOL, 'dbx');
      expectRel(g.dbh, torchGrad(c, 'bias_hh_l0'), TOL, 'dbh');
    });

    it(`${c.name}: saved back to a state_dict, every array is PyTorch's exactly`, () => {
      for (const [load, save] of [
        [gruFromStateDict, gruToStateDict],
        [solutionStateDict.gruFromStateDict, solutionStateDict.gruToStateDict],
      ] as const) {
        expect(save(load(c.stateDict, sizes))).toEqual(c.stateDict);
      }
    });
  }

  it('the two biases matter apart: moving b_hn into b_in changes the output', () => {
    // With r < 1, r ⊙ (h Wh^n + bh^n) + bx^n differs from r ⊙ (h Wh^n) + bx^n + bh^n: a loader
    // that summed the GRU's biases as the LSTM's would not reproduce PyTorch.
    const c = cases[0] as FixtureCase;
    const sizes = { inputSize: c.config.D, hiddenSize: c.config.H };
    const p = gruFromStateDict(c.stateDict, sizes);
    const H = c.config.H;
    const bx = p.bx.detach().clone();
    const bh = p.bh.detach().clone();
    for (let j = 2 * H; j < 3 * H; j++) {
      bx.data[j]! += bh.data[j]!;
      bh.data[j] = 0;
    }
    const moved = gru(tensor(c.x), tensor(c.h0), p.Wx, p.Wh, bx, bh);
    expect(moved.shape).toEqual([c.config.N, c.config.T, H]);
    const diff = Math.max(
      ...moved.data.map((v, k) => Math.abs(v - (tensor(c.output).data[k] ?? 0))),
    );
    expect(diff).toBeGreaterThan(1e-3);
  });
});
