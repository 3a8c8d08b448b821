/**
 * Parity with PyTorch 1.13 in float64: the reference and the worked solutions reproduce the
 * outputs and gradients stored in fixtures/*.json (written by fixtures/make_fixtures.py from
 * the explicit form of scaled dot-product attention, `nn.MultiheadAttention(batch_first=True)`,
 * `nn.LayerNorm` and `nn.TransformerEncoderLayer`) to relative error 1e-10.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { add, narrow, reshape, tensor, transpose } from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';
import {
  layerNorm,
  multiHeadAttention,
  multiHeadAttentionFromStateDict,
  multiHeadAttentionToStateDict,
  scaledDotProductAttention,
  transformerEncoderBlock,
  transformerEncoderBlockFromStateDict,
} from '../src/index';
import type { StateDict } from '../src/index';
import { layerNormBackward, layerNormForward } from '@target/transformer-bridge/layer-norm';
import {
  multiHeadAttentionBackward,
  multiHeadAttentionForward,
} from '@target/transformer-bridge/multi-head-attention';
import {
  scaledDotProductAttentionBackward,
  scaledDotProductAttentionForward,
} from '@target/transformer-bridge/scaled-dot-product-attention';
import {
  transformerEncoderBlockBackward,
  transformerEncoderBlockForward,
} from '@target/transformer-bridge/transformer-encoder-block';
import { autogradGrads, blockFrom, blockInputs, expectGrads, expectRel } from './helpers';

/** Relative error allowed against PyTorch: both sides are float64 with the same formulas. */
const PARITY_TOL = 1e-10;

type Case = Record<string, unknown> & { name: string };

function fixture(file: string): { torch: string; cases: Case[] } {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as { torch: string; cases: Case[] };
}

const t = (c: Case, key: string): Tensor => tensor(c[key] as NestedArray);

/** PyTorch's `in_proj` / `out_proj` gradients under this course's names (transposed weights). */
function attentionGrads(g: Record<string, NestedArray>, prefix = ''): Record<string, Tensor> {
  const inW = tensor(g[`${prefix}in_proj_weight`] as NestedArray); // [3E, E]
  const inB = tensor(g[`${prefix}in_proj_bias`] as NestedArray); // [3E]
  const E = inW.shape[1] as number;
  const block = (j: number): Tensor => transpose(narrow(inW, 0, j * E, E)); // [E, E]
  const bias = (j: number): Tensor => narrow(inB, 0, j * E, E); // [E]
  return {
    dWq: block(0),
    dWk: block(1),
    dWv: block(2),
    dbq: bias(0),
    dbk: bias(1),
    dbv: bias(2),
    dWo: transpose(tensor(g[`${prefix}out_proj.weight`] as NestedArray)),
    dbo: tensor(g[`${prefix}out_proj.bias`] as NestedArray),
  };
}

describe('scaled dot-product attention vs PyTorch (explicit form)', () => {
  const { cases } = fixture('scaled-dot-product-attention.json');
  for (const c of cases) {
    it(`outputs and gradients: ${c.name}`, () => {
      const [Q, K, V, dout] = [t(c, 'Q'), t(c, 'K'), t(c, 'V'), t(c, 'dout')];
      const mask = c.masked ? t(c, 'keep') : undefined;
      const expected = { dQ: t(c, 'dQ'), dK: t(c, 'dK'), dV: t(c, 'dV') };
      const ref = scaledDotProductAttention(Q, K, V, mask);
      const sol = scaledDotProductAttentionForward(Q, K, V, mask);
      for (const [who, r] of [
        ['reference', ref],
        ['solution', sol],
      ] as const) {
        expectRel(r.out, t(c, 'out'), PARITY_TOL, `${who} out`);
        expectRel(r.weights, t(c, 'weights'), PARITY_TOL, `${who} weights`);
      }
      const refGrads = autogradGrads(
        (q, k, v) => scaledDotProductAttention(q as Tensor, k as Tensor, v as Tensor, mask).out,
        { Q, K, V },
        dout,
      );
      expectGrads(refGrads, expected, PARITY_TOL, 'reference');
      expectGrads(
        { ...scaledDotProductAttentionBackward(dout, sol.cache) },
        expected,
        PARITY_TOL,
        'solution',
      );
    });
  }
});

describe('multi-head attention vs nn.MultiheadAttention(batch_first=True)', () => {
  const { cases } = fixture('multi-head-attention.json');
  for (const c of cases) {
    it(`outputs, per-head weights and every gradient: ${c.name}`, () => {
      const sd = c.state_dict as StateDict;
      const p = multiHeadAttentionFromStateDict(sd);
      const h = c.numHeads as number;
      const [query, key, value, dout] = [t(c, 'query'), t(c, 'key'), t(c, 'value'), t(c, 'dout')];
      const mask = c.masked ? t(c, 'keep') : undefined;
      const ref = multiHeadAttention(query, key, value, p, h, mask);
      const sol = multiHeadAttentionForward(query, key, value, p, h, mask);
      for (const [who, r] of [
        ['reference', ref],
        ['solution', sol],
      ] as const) {
        expectRel(r.out, t(c, 'out'), PARITY_TOL, `${who} out`);
        expectRel(r.weights, t(c, 'weights'), PARITY_TOL, `${who} weights`);
      }
      const expected = attentionGrads(c.grads as Record<string, NestedArray>);
      const g = multiHeadAttentionBackward(dout, sol.cache);
      if (c.selfAttention) {
        // PyTorch was given one tensor as query, key and value: its gradient is the sum.
        expectRel(add(add(g.dquery, g.dkey), g.dvalue), t(c, 'dquery'), PARITY_TOL, 'solution dx');
        const { dx, ...dparams } = autogradGrads(
          (x, Wq, Wk, Wv, bq, bk, bv, Wo, bo) => {
            const params = { Wq, Wk, Wv, bq, bk, bv, Wo, bo } as typeof p;
            return multiHeadAttention(x as Tensor, x as Tensor, x as Tensor, params, h, mask).out;
          },
          { x: query, ...p },
          dout,
        );
        expectRel(dx as Tensor, t(c, 'dquery'), PARITY_TOL, 'reference dx');
        expectGrads(dparams, expected, PARITY_TOL, 'reference');
      } else {
        const inputs = { dquery: t(c, 'dquery'), dkey: t(c, 'dkey'), dvalue: t(c, 'dvalue') };
        expectGrads({ ...g }, { ...inputs, ...expected }, PARITY_TOL, 'solution');
        const refGrads = autogradGrads(
          (q, k, v, Wq, Wk, Wv, bq, bk, bv, Wo, bo) => {
            const params = { Wq, Wk, Wv, bq, bk, bv, Wo, bo } as typeof p;
            return multiHeadAttention(q as Tensor, k as Tensor, v as Tensor, params, h, mask).out;
          },
          { query, key, value, ...p },
          dout,
        );
        expectGrads(refGrads, { ...inputs, ...expected }, PARITY_TOL, 'reference');
      }
      expectGrads({ ...g }, expected, PARITY_TOL, 'solution');
    });
  }

  it('state_dict export is the inverse of the import, bit for bit', () => {
    const sd = fixture('multi-head-attention.json').cases[1]?.state_dict as StateDict;
    expect(multiHeadAttentionToStateDict(multiHeadAttentionFromStateDict(sd))).toEqual(sd);
  });

  it('a misshapen state_dict entry is named with both shapes', () => {
    const sd = { ...(fixture('multi-head-attention.json').cases[1]?.state_dict as StateDict) };
    sd.in_proj_bias = [1, 2, 3];
    expect(() => multiHeadAttentionFromStateDict(sd)).toThrow(
      "multiHeadAttentionFromStateDict: expected 'in_proj_bias' [18], received [3]",
    );
  });
});

describe('layer norm vs nn.LayerNorm', () => {
  const { cases } = fixture('layer-norm.json');
  for (const c of cases) {
    it(`output and gradients: ${c.name}`, () => {
      const [x, gamma, beta, dout] = [t(c, 'x'), t(c, 'gamma'), t(c, 'beta'), t(c, 'dout')];
      const eps = c.eps as number;
      expect(eps).toBe(1e-5);
      const expected = { dx: t(c, 'dx'), dgamma: t(c, 'dgamma'), dbeta: t(c, 'dbeta') };
      expectRel(layerNorm(x, gamma, beta), t(c, 'out'), PARITY_TOL, 'reference out');
      const sol = layerNormForward(x, gamma, beta);
      expectRel(sol.out, t(c, 'out'), PARITY_TOL, 'solution out');
      expectGrads(
        autogradGrads(
          (a, g, b) => layerNorm(a as Tensor, g as Tensor, b as Tensor),
          { x, gamma, beta },
          dout,
        ),
        expected,
        PARITY_TOL,
        'reference',
      );
      expectGrads({ ...layerNormBackward(dout, sol.cache) }, expected, PARITY_TOL, 'solution');
    });
  }
});

describe('transformer encoder block vs nn.TransformerEncoderLayer (dropout 0, ReLU)', () => {
  const { cases } = fixture('transformer-encoder-layer.json');
  for (const c of cases) {
    it(`output and every gradient: ${c.name}`, () => {
      const p = transformerEncoderBlockFromStateDict(c.state_dict as StateDict);
      const [x, dout] = [t(c, 'x'), t(c, 'dout')];
      const mask = c.masked ? t(c, 'keep') : undefined;
      const opts = { numHeads: c.numHeads as number, normFirst: c.normFirst as boolean };
      const g = c.grads as Record<string, NestedArray>;
      const vec = (k: string): Tensor => reshape(tensor(g[k] as NestedArray), [-1]);
      const expected: Record<string, Tensor> = {
        dx: t(c, 'dx'),
        ...attentionGrads(g, 'self_attn.'),
        dgamma1: vec('norm1.weight'),
        dbeta1: vec('norm1.bias'),
        dW1: transpose(tensor(g['linear1.weight'] as NestedArray)),
        db1: vec('linear1.bias'),
        dW2: transpose(tensor(g['linear2.weight'] as NestedArray)),
        db2: vec('linear2.bias'),
        dgamma2: vec('norm2.weight'),
        dbeta2: vec('norm2.bias'),
      };
      expectRel(
        transformerEncoderBlock(x, p, opts, mask).out,
        t(c, 'out'),
        PARITY_TOL,
        'reference out',
      );
      const names = Object.keys(blockInputs(p));
      const refGrads = autogradGrads(
        (xs, ...w) =>
          transformerEncoderBlock(
            xs as Tensor,
            blockFrom(Object.fromEntries(names.map((k, i) => [k, w[i] as Tensor]))),
            opts,
            mask,
          ).out,
        { x, ...blockInputs(p) },
        dout,
      );
      expectGrads(refGrads, expected, PARITY_TOL, 'reference');
      if (!opts.normFirst) return; // the worked solution is the chapter's pre-norm block
      const sol = transformerEncoderBlockForward(x, p, opts.numHeads, mask);
      expectRel(sol.out, t(c, 'out'), PARITY_TOL, 'solution out');
      expectGrads(
        { ...transformerEncoderBlockBackward(dout, sol.cache) },
        expected,
        PARITY_TOL,
        'solution',
      );
    });
  }
});
