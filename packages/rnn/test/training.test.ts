/**
 * Clipping, truncated BPTT and the models the labs train: the reference against the solutions,
 * and the models' behaviour (the loss drops, the state is carried, runs are reproducible).
 */
import { describe, expect, it } from 'vitest';
import { Adam, Rng, clipGradNormInPlace, randn, tensor, zeros } from '@rnn-course/core';
import { expectClose } from '@rnn-course/grader/testing';
import type { Tensor } from '@rnn-course/core';
import {
  CharRnn,
  RnnRegressor,
  buildVocab,
  clipGradNorm,
  modelWithLayers,
  tbpttStep,
  textChunks,
} from '../src/index';
import type { CharRnnParams } from '../src/index';
import { clipGradNorm as solutionClip } from '@target/rnn/clip-grad-norm';
import * as embedding from '@target/rnn/word-embedding';
import * as sequence from '@target/rnn/rnn';
import * as affine from '@target/rnn/temporal-affine';
import * as loss from '@target/rnn/temporal-softmax-loss';
import { tbpttStep as solutionTbptt } from '@target/rnn/tbptt-step';

const solutionLayers = modelWithLayers({ ...embedding, ...sequence, ...affine, ...loss });

describe('clipping by the global norm', () => {
  const grads = (): Record<string, Tensor> => ({
    dWx: tensor([
      [3, 0],
      [0, 0],
    ]),
    db: tensor([0, 4]),
  }); // global norm sqrt(9 + 16) = 5

  it('scales every tensor by the same factor maxNorm / (norm + 1e-6), in reference and solution', () => {
    for (const clip of [clipGradNorm, solutionClip]) {
      const input = grads();
      const { grads: out, totalNorm } = clip(input, 1);
      expect(totalNorm).toBeCloseTo(5, 12);
      const factor = 1 / (5 + 1e-6);
      expect(Array.from(out.dWx!.data)).toEqual([3 * factor, 0, 0, 0]);
      expect(Array.from(out.db!.data)).toEqual([0, 4 * factor]);
      expect(Array.from(input.dWx!.data)).toEqual([3, 0, 0, 0]); // inputs not mutated
    }
  });

  it('leaves gradients below the threshold as they are', () => {
    const { grads: out, totalNorm } = solutionClip(grads(), 10);
    expect(totalNorm).toBeCloseTo(5, 12);
    expect(Array.from(out.db!.data)).toEqual([0, 4]);
    expect(clipGradNorm(grads(), 10).grads.db!.data[1]).toBe(4);
  });
});

function charParams(rng: Rng, V: number, D: number, H: number): CharRnnParams {
  return {
    We: randn([V, D], rng),
    Wx: randn([D, H], rng, { std: 0.5 }),
    Wh: randn([H, H], rng, { std: 0.5 }),
    b: randn([H], rng, { std: 0.1 }),
    Wy: randn([H, V], rng, { std: 0.5 }),
    by: randn([V], rng, { std: 0.1 }),
  };
}

describe('truncated BPTT step', () => {
  it('reference (autograd) and solution (composed layers) agree on loss, all six gradients and hNext', () => {
    const rng = new Rng(8);
    const [V, D, H] = [7, 4, 5];
    const params = charParams(rng, V, D, H);
    const ids = Array.from({ length: 40 }, () => rng.int(V));
    const [c0, c1] = textChunks(ids, 2, 6) as [never, never];
    let hRef = zeros([2, H]);
    let hSol = zeros([2, H]);
    for (const chunk of [c0, c1]) {
      const ref = tbpttStep(params, chunk, hRef);
      const sol = solutionTbptt(params, chunk, hSol);
      expectClose(sol.loss, ref.loss, { what: 'loss', tol: 1e-10 });
      for (const [k, g] of Object.entries(ref.grads))
        expectClose(sol.grads[k as keyof typeof sol.grads], g, { what: k, tol: 1e-8 });
      expectClose(sol.hNext, ref.hNext, { what: 'hNext', tol: 1e-10 });
      hRef = ref.hNext;
      hSol = sol.hNext;
    }
    expect(hRef.requiresGrad).toBe(false);
  });

  it('textChunks: row n of chunk k+1 continues row n of chunk k, targets shifted by one', () => {
    const ids = Array.from({ length: 25 }, (_, i) => i);
    const chunks = textChunks(ids, 2, 4); // streams of 12: [0..11], [12..23]
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.inputs).toEqual([
      [0, 1, 2, 3],
      [12, 13, 14, 15],
    ]);
    expect(chunks[1]!.inputs[1]).toEqual([16, 17, 18, 19]);
    expect(chunks[2]!.targets[0]).toEqual([9, 10, 11, 12]);
  });
});

describe('CharRnn', () => {
  const text = 'hello world, hello rnn. hello world, hello rnn. ';
  const vocab = buildVocab(text);

  it('vocabulary round-trips a text and has one id per distinct character', () => {
    expect(vocab.size).toBe(new Set(text).size);
    expect(vocab.decode(vocab.encode(text))).toBe(text);
    expect(() => vocab.encode('xyz!')).toThrow(RangeError);
  });

  it('evaluate reports nats per character: the chunk loss (summed over T, mean over N) over T', () => {
    const model = new CharRnn({ vocabSize: vocab.size, embedDim: 4, hiddenSize: 6 }, new Rng(2));
    const chunks = textChunks(vocab.encode(text), 2, 8);
    const first = chunks[0]!;
    const { loss } = model.forward(first, model.initialState(2));
    expect(model.evaluate([first])).toBeCloseTo(loss.item() / 8, 12);
  });

  it('loss drops by more than half in 60 Adam steps on a tiny text, with clipping and carried state', () => {
    const model = new CharRnn({ vocabSize: vocab.size, embedDim: 8, hiddenSize: 24 }, new Rng(1));
    const chunks = textChunks(vocab.encode(text.repeat(2)), 2, 8);
    const opt = new Adam(model.parameters(), { lr: 0.02 });
    const first = model.evaluate(chunks);
    for (let epoch = 0; epoch < 10; epoch++) {
      let h = model.initialState(2);
      for (const chunk of chunks) {
        opt.zeroGrad();
        const { loss, hNext } = model.forward(chunk, h);
        loss.backward();
        clipGradNormInPlace(model.parameters(), 5);
        opt.step();
        h = hNext;
      }
    }
    const last = model.evaluate(chunks);
    expect(first).toBeGreaterThan(Math.log(vocab.size) * 0.8); // starts near uniform
    expect(last).toBeLessThan(first / 2);
  });

  it('runs the same on the solutions through customOp as on the reference: same loss, same gradients', () => {
    const config = { vocabSize: vocab.size, embedDim: 5, hiddenSize: 6 };
    const ref = new CharRnn(config, new Rng(3));
    const sol = new CharRnn(config, new Rng(3), solutionLayers);
    const [chunk] = textChunks(vocab.encode(text), 3, 5);
    const a = ref.forward(chunk!, ref.initialState(3));
    const b = sol.forward(chunk!, sol.initialState(3));
    a.loss.backward();
    b.loss.backward();
    expectClose(b.loss.item(), a.loss.item(), { what: 'loss', tol: 1e-10 });
    ref
      .parameters()
      .forEach((p, i) =>
        expectClose(sol.parameters()[i]!.grad!, p.grad!, { what: `grad ${i}`, tol: 1e-8 }),
      );
  });

  it('generates the same text from the same seed, on the reference and on the solutions', () => {
    const config = { vocabSize: vocab.size, embedDim: 5, hiddenSize: 6 };
    const prefix = vocab.encode('hel');
    const a = new CharRnn(config, new Rng(4)).generate(prefix, 30, 0.8, new Rng(9));
    const b = new CharRnn(config, new Rng(4)).generate(prefix, 30, 0.8, new Rng(9));
    const c = new CharRnn(config, new Rng(4), solutionLayers).generate(prefix, 30, 0.8, new Rng(9));
    expect(a).toHaveLength(30);
    expect(a.every((id) => id >= 0 && id < vocab.size)).toBe(true);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });
});

describe('RnnRegressor', () => {
  it('learns a sine one step ahead: the mean squared error drops below a tenth of its start', () => {
    const series = Array.from({ length: 41 }, (_, t) => Math.sin((2 * Math.PI * t) / 10));
    const x = tensor([series.slice(0, 40).map((v) => [v])]); // [1, 40, 1]
    const y = tensor([series.slice(1, 41).map((v) => [v])]); // [1, 40, 1]
    const model = new RnnRegressor(8, new Rng(2));
    const opt = new Adam(model.parameters(), { lr: 0.02 });
    const first = model.loss(x, y).item();
    for (let i = 0; i < 150; i++) {
      opt.zeroGrad();
      model.loss(x, y).backward();
      opt.step();
    }
    const last = model.loss(x, y).item();
    expect(last).toBeLessThan(first / 10);
    expect(model.forward(x).shape).toEqual([1, 40, 1]);
    const forecast = model.forecast(series.slice(0, 40), 5);
    expect(forecast).toHaveLength(5);
    expect(Math.abs(forecast[0]! - series[40]!)).toBeLessThan(0.3);
  });
});
