/**
 * The models the labs train: the recurrent layer with each cell, state carried across chunks,
 * the read-outs, the character model (which with the RNN cell is chapter 1's CharRnn), and the
 * same models running on the worked solutions through customOp.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam,
  Rng,
  clipGradNormInPlace,
  concat,
  mean,
  square,
  stepsToSequence,
  sub,
  timeStep,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { CharRnn, buildVocab, textChunks } from '@rnn-course/rnn';
import {
  CharModel,
  RecurrentLayer,
  SequenceModel,
  modelWithGatedLayers,
  recurrentParamCount,
} from '../src/index';
import type { CellKind } from '../src/index';
import * as gruSolution from '../../../solutions/lstm-gru/gru';
import * as lstmSolution from '../../../solutions/lstm-gru/lstm';
import { expectRel, randnT } from './helpers';

const CELLS: CellKind[] = ['rnn', 'lstm', 'gru'];
const solutionLayers = modelWithGatedLayers({ ...lstmSolution, ...gruSolution });

describe('RecurrentLayer', () => {
  for (const cell of CELLS) {
    it(`${cell}: running two halves with the state carried equals running the whole sequence`, () => {
      const rng = new Rng(1);
      const layer = new RecurrentLayer({ cell, inputSize: 3, hiddenSize: 4 }, rng);
      const x = randnT([2, 6, 3], rng);
      const whole = layer.forward(x);
      const first = layer.forward(sliceT(x, 0, 3));
      const second = layer.forward(sliceT(x, 3, 3), first.last);
      expectRel(concat([first.h, second.h], 1), whole.h, 1e-12, 'h');
      expectRel(second.last.h, timeStep(whole.h, 5), 1e-12, 'last h');
      expect(second.last.c === null).toBe(cell !== 'lstm');
      expect(layer.parameters().reduce((n, p) => n + p.size, 0)).toBe(
        recurrentParamCount(cell, 3, 4),
      );
    });
  }

  it('lstm: the cell state is carried too (dropping it changes the second half)', () => {
    const rng = new Rng(2);
    const layer = new RecurrentLayer({ cell: 'lstm', inputSize: 3, hiddenSize: 4 }, rng);
    const x = randnT([2, 6, 3], rng);
    const first = layer.forward(sliceT(x, 0, 3));
    const withC = layer.forward(sliceT(x, 3, 3), first.last);
    const withoutC = layer.forward(sliceT(x, 3, 3), { h: first.last.h, c: null });
    const diff = Math.max(...withC.h.data.map((v, k) => Math.abs(v - withoutC.h.data[k]!)));
    expect(diff).toBeGreaterThan(1e-3);
  });
});

/** x[:, start : start + length, :] */
function sliceT(x: Tensor, start: number, length: number): Tensor {
  return stepsToSequence(Array.from({ length }, (_, k) => timeStep(x, start + k)));
}

describe('SequenceModel', () => {
  it('lastOutput is the read-out of the last step of outputs', () => {
    const rng = new Rng(3);
    const model = new SequenceModel(
      { cell: 'gru', inputSize: 2, hiddenSize: 5, outputSize: 3 },
      rng,
    );
    const x = randnT([4, 7, 2], rng);
    expect(model.outputs(x).shape).toEqual([4, 7, 3]);
    expectRel(model.lastOutput(x), timeStep(model.outputs(x), 6), 1e-12, 'last output');
    expect(model.names()).toEqual(['Wx', 'Wh', 'bx', 'bh', 'Wy', 'by']);
    expect(model.parameterCount()).toBe(recurrentParamCount('gru', 2, 5) + 5 * 3 + 3);
  });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: learns to recall the sign of the first input 12 steps later (noise in between)`, () => {
      const rng = new Rng(4);
      const model = new SequenceModel(
        { cell, inputSize: 1, hiddenSize: 8, outputSize: 1, forgetBias: 1 },
        rng,
      );
      const opt = new Adam(model.parameters(), { lr: 0.03 });
      const batch = () => {
        const x = randnT([16, 12, 1], rng, 0.3);
        const y = randnT([16, 1], rng).detach();
        for (let n = 0; n < 16; n++) {
          y.data[n] = Math.sign(y.data[n]!);
          x.data[n * 12] = y.data[n]!; // the first input holds the answer
        }
        return { x, y };
      };
      const test = batch();
      const mse = (): number => mean(square(sub(model.lastOutput(test.x), test.y))).item();
      const before = mse();
      for (let s = 0; s < 150; s++) {
        const { x, y } = batch();
        opt.zeroGrad();
        mean(square(sub(model.lastOutput(x), y))).backward();
        clipGradNormInPlace(model.parameters(), 1);
        opt.step();
      }
      expect(before).toBeGreaterThan(0.5);
      expect(mse()).toBeLessThan(0.1);
    }, 120_000);
  }

  it('runs on the solutions through customOp: same outputs and the same gradients', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const config = { cell, inputSize: 3, hiddenSize: 4, outputSize: 2 };
      const ref = new SequenceModel(config, new Rng(5));
      const sol = new SequenceModel(config, new Rng(5), solutionLayers);
      const x = randnT([3, 5, 3], new Rng(6));
      const a = ref.outputs(x);
      const b = sol.outputs(x);
      expectRel(b, a, 1e-10, `${cell} outputs`);
      mean(square(a)).backward();
      mean(square(b)).backward();
      ref.parameters().forEach((p, i) => {
        expectRel(
          sol.parameters()[i]!.grad as Tensor,
          p.grad as Tensor,
          1e-8,
          `${cell} grad ${ref.names()[i]}`,
        );
      });
    }
  });

  it('on the solutions, a loss on the LSTM cell state reaches the weights through lstmBackward(dh, dc)', () => {
    const rng = new Rng(7);
    const layerRef = new RecurrentLayer({ cell: 'lstm', inputSize: 2, hiddenSize: 3 }, new Rng(8));
    const layerSol = new RecurrentLayer(
      { cell: 'lstm', inputSize: 2, hiddenSize: 3 },
      new Rng(8),
      solutionLayers,
    );
    const x = randnT([2, 4, 2], rng);
    for (const layer of [layerRef, layerSol])
      mean(square(layer.forward(x).last.c as Tensor)).backward();
    layerRef.parameters().forEach((p, i) => {
      expectRel(layerSol.parameters()[i]!.grad as Tensor, p.grad as Tensor, 1e-8, `grad ${i}`);
    });
  });
});

describe('CharModel', () => {
  const text = 'hello world, hello lstm. hello world, hello gru. ';
  const vocab = buildVocab(text);

  it("with the RNN cell it is chapter 1's CharRnn: the same draws, the same loss", () => {
    const config = { vocabSize: vocab.size, embedDim: 5, hiddenSize: 6 };
    const ours = new CharModel({ cell: 'rnn', ...config }, new Rng(3));
    const theirs = new CharRnn(config, new Rng(3));
    const mine = ours.parameters();
    theirs
      .parameters()
      .forEach((p, i) => expect(Array.from(mine[i]!.data)).toEqual(Array.from(p.data)));
    const [chunk] = textChunks(vocab.encode(text), 2, 8);
    const a = ours.forward(chunk!, ours.initialState(2)).loss.item();
    const b = theirs.forward(chunk!, theirs.initialState(2)).loss.item();
    expect(a).toBe(b);
  });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: the loss drops by more than half in 10 epochs on a tiny text, state carried`, () => {
      const model = new CharModel(
        { cell, vocabSize: vocab.size, embedDim: 8, hiddenSize: 16, forgetBias: 1 },
        new Rng(1),
      );
      const chunks = textChunks(vocab.encode(text.repeat(2)), 2, 8);
      const opt = new Adam(model.parameters(), { lr: 0.02 });
      const first = model.evaluate(chunks);
      for (let epoch = 0; epoch < 10; epoch++) {
        let state = model.initialState(2);
        for (const chunk of chunks) {
          opt.zeroGrad();
          const { loss, next } = model.forward(chunk, state);
          loss.backward();
          clipGradNormInPlace(model.parameters(), 5);
          opt.step();
          state = next;
        }
      }
      expect(first).toBeGreaterThan(Math.log(vocab.size) * 0.8);
      expect(model.evaluate(chunks)).toBeLessThan(first / 2);
    }, 120_000);
  }

  it('generates the same text from the same seed, on the reference and on the solutions', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const config = { cell, vocabSize: vocab.size, embedDim: 5, hiddenSize: 6 };
      const prefix = vocab.encode('hel');
      const a = new CharModel(config, new Rng(4)).generate(prefix, 30, 0.8, new Rng(9));
      const b = new CharModel(config, new Rng(4), solutionLayers).generate(
        prefix,
        30,
        0.8,
        new Rng(9),
      );
      expect(a).toHaveLength(30);
      expect(a.every((id) => id >= 0 && id < vocab.size)).toBe(true);
      expect(b).toEqual(a);
    }
  });

  it('names its parameters in order and counts them', () => {
    const model = new CharModel(
      { cell: 'lstm', vocabSize: 7, embedDim: 3, hiddenSize: 4 },
      new Rng(0),
    );
    expect(model.names()).toEqual(['We', 'Wx', 'Wh', 'b', 'Wy', 'by']);
    expect(model.parameterCount()).toBe(7 * 3 + recurrentParamCount('lstm', 3, 4) + 4 * 7 + 7);
  });
});
