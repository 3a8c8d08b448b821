/**
 * The chapter's models: the decoder-only stack generates with a key/value cache exactly what
 * it computes over whole sequences, the encoder-decoder transformer is causal and ignores
 * padding, and it learns a small task.
 */
import { describe, expect, it } from 'vitest';
import { Adam, Rng, maxRelError, narrow, timeStep } from '@rnn-course/core';
import { Transformer, TransformerEncoder, keyValueCacheBytes } from '../src/index';
import type { KeyValueCache } from '../src/index';

const TRAIN_TIMEOUT_MS = 120_000;

describe('decoder-only generation with a key/value cache', () => {
  for (const positional of ['sinusoidal', 'learned'] as const) {
    it(`step by step equals the whole-sequence forward (${positional} positions)`, () => {
      const rng = new Rng(1);
      const [N, T, E, L] = [2, 6, 8, 2];
      const model = new TransformerEncoder(
        {
          vocabSize: 7,
          dModel: E,
          numHeads: 2,
          dFF: 16,
          numLayers: L,
          maxLen: 8,
          positional,
          causal: true,
        },
        rng,
      );
      const ids = Array.from({ length: N }, () => Array.from({ length: T }, () => rng.int(7)));
      const { h } = model.forward(ids); // [N, T, E]
      let cache: KeyValueCache | null = null;
      for (let t = 0; t < T; t++) {
        const r = model.step(
          ids.map((row) => row[t] as number),
          cache,
        );
        cache = r.cache;
        expect(maxRelError(narrow(r.h, 1, 0, 1), narrow(h, 1, t, 1)), `position ${t}`).toBeLessThan(
          1e-12,
        );
        // L blocks × (K and V) × N × (t + 1) positions × E features × 8 bytes
        expect(keyValueCacheBytes(cache)).toBe(L * 2 * N * (t + 1) * E * 8);
      }
    });
  }

  it('refuses to step a stack that is not causal', () => {
    const model = new TransformerEncoder(
      {
        vocabSize: 3,
        dModel: 4,
        numHeads: 1,
        dFF: 4,
        numLayers: 1,
        maxLen: 4,
        positional: 'sinusoidal',
      },
      new Rng(0),
    );
    expect(() => model.step([0], null)).toThrow(/only a causal stack/);
  });
});

describe('encoder-decoder transformer', () => {
  const config = {
    srcVocab: 6,
    tgtVocab: 7,
    dModel: 8,
    numHeads: 2,
    dFF: 16,
    encoderLayers: 1,
    decoderLayers: 2,
    maxLen: 10,
    positional: 'sinusoidal' as const,
  };

  it('is causal: the logits at target position t ignore decoder inputs after t', () => {
    const model = new Transformer(config, new Rng(2));
    const src = [[1, 2, 3, 4]];
    const a = model.forward(src, [[6, 1, 2, 3, 4]]).logits;
    const b = model.forward(src, [[6, 1, 2, 5, 0]]).logits; // positions 3 and 4 differ
    for (let t = 0; t < 3; t++) expect(timeStep(b, t).toArray()).toEqual(timeStep(a, t).toArray());
    expect(timeStep(b, 3).toArray()).not.toEqual(timeStep(a, 3).toArray());
  });

  it('ignores padded source positions given their lengths', () => {
    const model = new Transformer(config, new Rng(3));
    const tgtIn = [[6, 1, 2]];
    const a = model.forward([[1, 2, 0, 0]], tgtIn, [2]).logits;
    const b = model.forward([[1, 2, 5, 3]], tgtIn, [2]).logits;
    expect(maxRelError(a, b)).toBe(0);
  });

  it('returns every block’s attention maps with their shapes', () => {
    const model = new Transformer(config, new Rng(4));
    const { maps } = model.forward([[1, 2, 3, 4]], [[6, 1, 2]]);
    expect(maps.encoder.map((m) => m.shape)).toEqual([[1, 2, 4, 4]]);
    expect(maps.decoderSelf.map((m) => m.shape)).toEqual([
      [1, 2, 3, 3],
      [1, 2, 3, 3],
    ]);
    expect(maps.cross.map((m) => m.shape)).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  it(
    'learns to reverse short sequences: the loss falls well below its start',
    () => {
      const rng = new Rng(5);
      const [V, L, BOS] = [6, 5, 6];
      const model = new Transformer({ ...config, dModel: 16, dFF: 32, decoderLayers: 1 }, rng);
      const opt = new Adam(model.parameters(), { lr: 5e-3 });
      const losses: number[] = [];
      for (let step = 0; step < 80; step++) {
        const src = Array.from({ length: 16 }, () => Array.from({ length: L }, () => rng.int(V)));
        const tgt = src.map((r) => [...r].reverse());
        opt.zeroGrad();
        const loss = model.loss(
          src,
          tgt.map((r) => [BOS, ...r.slice(0, -1)]),
          tgt,
        );
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      const first = losses[0] as number;
      const last = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
      expect(first).toBeGreaterThan(1.5); // about ln 7 at the start
      expect(last).toBeLessThan(0.5 * first);
    },
    TRAIN_TIMEOUT_MS,
  );
});
