/**
 * Trains a small LSTM and a small GRU here (the adding problem, T = 20), exports each recurrent
 * layer as a PyTorch state_dict (`lstmToStateDict`, `gruToStateDict`) and its linear read-out
 * as `torch.nn.Linear` weights, with a held-out batch and the outputs computed here, to one
 * JSON file. `scripts/check_export.py` loads it into `torch.nn.LSTM` / `torch.nn.GRU` and
 * compares PyTorch's outputs with ours.
 *
 *   npm run export:pytorch -w @rnn-course/lstm-gru [-- --steps N --out FILE]
 *   /usr/bin/python3 packages/lstm-gru/scripts/check_export.py [FILE]
 *
 * Default FILE: .course/lab-output/lstm-gru/trained-models.json (ignored by git).
 * Chapter 2, "Loading and saving PyTorch weights".
 */
import { join } from 'node:path';
import {
  Adam,
  Rng,
  clipGradNormInPlace,
  mean,
  noGrad,
  square,
  sub,
  timeStep,
  transpose,
} from '@rnn-course/core';
import { addingProblem, isMain, progress, repoRoot, shownPath, writeFigure } from '@rnn-course/lab';
import { SequenceModel, gruToStateDict, lstmToStateDict } from '../src/index';
import type { GruParams, LstmParams } from '../src/index';

/** Trains the two models and writes the file; returns its path. */
export function exportModels(steps: number, file: string): string {
  const T = 20;
  const held = addingProblem(8, T, new Rng(7)); // x [8, T, 2]
  const models: Record<string, unknown> = {};
  for (const cell of ['lstm', 'gru'] as const) {
    const model = new SequenceModel(
      { cell, inputSize: 2, hiddenSize: 16, outputSize: 1, forgetBias: 1 },
      new Rng(1),
    );
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const data = new Rng(2);
    const bar = progress(steps, `export ${cell}`);
    for (let step = 0; step < steps; step++) {
      const { x, y } = addingProblem(32, T, data);
      optimizer.zeroGrad();
      const loss = mean(square(sub(model.lastOutput(x), y)));
      loss.backward();
      clipGradNormInPlace(model.parameters(), 1);
      optimizer.step();
      bar.tick(loss.item());
    }
    bar.done();
    const p = model.recurrent.params;
    const stateDict =
      cell === 'lstm'
        ? lstmToStateDict(p as unknown as LstmParams)
        : gruToStateDict(p as unknown as GruParams);
    const outputs = noGrad(() => {
      const { h, last } = model.recurrent.forward(held.x); // [N, T, H]
      return {
        output: h.toArray(), // PyTorch's `output`
        h_n: last.h.toArray(), // [N, H]
        ...(last.c === null ? {} : { c_n: last.c.toArray() }),
        prediction: model.lastOutput(held.x).toArray(), // [N, 1]
        lossOnHeldOut: mean(square(sub(model.lastOutput(held.x), held.y))).item(),
      };
    });
    models[cell] = {
      hiddenSize: 16,
      stateDict,
      readout: {
        weight: noGrad(() => transpose(model.Wy)).toArray(), // torch.nn.Linear: [K, H]
        bias: model.by.toArray(), // [K]
      },
      ours: outputs,
    };
  }
  const doc = {
    description: 'LSTM and GRU trained by @rnn-course/lstm-gru, exported as PyTorch state_dicts',
    steps,
    x: held.x.toArray(), // [N, T, 2]
    y: held.y.toArray(), // [N, 1]
    models,
  };
  return writeFigure(file, JSON.stringify(doc));
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const steps = Number(flag('--steps') ?? 300);
  const file =
    flag('--out') ?? join(repoRoot, '.course', 'lab-output', 'lstm-gru', 'trained-models.json');
  const path = exportModels(steps, file);
  console.log(`wrote ${shownPath(path)}`);
  console.log(
    `check it with PyTorch: /usr/bin/python3 packages/lstm-gru/scripts/check_export.py ${shownPath(path)}`,
  );
}
