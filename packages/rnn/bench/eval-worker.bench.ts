/**
 * Does a worker thread pay for the char-rnn lab's evaluation? Measured, not assumed:
 *
 *     cd packages/rnn && npx tsx bench/eval-worker.bench.ts
 *
 * The lab (labs/char-rnn.ts) trains 1,500 steps and, every 100 steps, measures the loss on 24
 * validation chunks (no gradient). A worker could take that measurement on a copy of the
 * parameters while the main thread trains on. This bench times, at the lab's full sizes and with
 * seeded random text (a step's time does not depend on which characters it sees), one block of
 * the lab's schedule, 100 training steps and one evaluation, two ways in alternating rounds:
 *
 * - in turn: the steps, then the evaluation, on the main thread (what the lab does);
 * - overlapped: the parameters copied to a worker, which evaluates while the main thread runs
 *   the 100 steps; the block ends when both are done.
 *
 * It prints the wall-clock time of each (what a learner waits for), the share of the block's CPU
 * time that evaluation takes (the most a second thread could save on two free cores), and the
 * load average: with the cores shared, a second thread only helps if a core is idle.
 */
import os from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { Adam, Rng } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { CharRnn, clipGradNorm } from '../src/index';
import type { TextChunk } from '../src/index';

/** The char-rnn lab's full-run sizes (labs/char-rnn.ts, FULL). */
const CONFIG = { N: 16, T: 48, D: 32, H: 96, V: 80, lr: 3e-3, maxNorm: 50 };
const STEPS = 100; // evalEvery
const VAL_CHUNKS = 24; // maxValChunks
const ROUNDS = 3;

/** Seeded random chunks of ids. */
function randomChunks(seed: number, count: number): TextChunk[] {
  const rng = new Rng(seed);
  const ids = (): number[][] =>
    Array.from({ length: CONFIG.N }, () =>
      Array.from({ length: CONFIG.T }, () => rng.int(CONFIG.V)),
    );
  return Array.from({ length: count }, () => ({ inputs: ids(), targets: ids() }));
}

/** A model at the lab's sizes. */
function newModel(): CharRnn {
  const { V, D, H } = CONFIG;
  return new CharRnn({ vocabSize: V, embedDim: D, hiddenSize: H }, new Rng(0));
}

if (!isMainThread) {
  // The worker: receives parameter values, evaluates, answers with the loss.
  const model = newModel();
  const chunks = randomChunks(2, VAL_CHUNKS);
  parentPort?.on('message', (values: Float64Array[]) => {
    model.parameters().forEach((p, i) => p.data.set(values[i] as Float64Array));
    parentPort?.postMessage(model.evaluate(chunks));
  });
} else {
  const model = newModel();
  const params = model.parameters();
  const names = ['We', 'Wx', 'Wh', 'b', 'Wy', 'by'];
  const optimizer = new Adam(params, { lr: CONFIG.lr });
  const train = randomChunks(1, 8);
  const val = randomChunks(2, VAL_CHUNKS);
  let h: Tensor = model.initialState(CONFIG.N);
  let k = 0;
  /** One training step, as the lab takes it. */
  const step = (): void => {
    optimizer.zeroGrad();
    const { loss, hNext } = model.forward(train[k++ % train.length] as TextChunk, h);
    loss.backward();
    h = hNext;
    const grads: Record<string, Tensor> = {};
    params.forEach((p, i) => {
      if (p.grad) grads[names[i] as string] = p.grad;
    });
    const { grads: clipped } = clipGradNorm(grads, CONFIG.maxNorm);
    params.forEach((p, i) => {
      const g = clipped[names[i] as string];
      if (g) p.grad = g;
    });
    optimizer.step();
  };
  const cpuMs = (): number => {
    const { user, system } = process.cpuUsage(); // every thread of the process
    return (user + system) / 1000;
  };
  // The worker runs this same TypeScript file: it registers tsx's loader first, then imports it.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const worker = new Worker(
    `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); ` +
      `return import(${JSON.stringify(import.meta.url)}); });`,
    { eval: true },
  );
  const evaluateInWorker = (): Promise<number> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(params.map((p) => p.data.slice()));
    });

  for (let i = 0; i < 5; i++) step(); // warm-up of both paths
  model.evaluate(val);
  await evaluateInWorker();

  const inTurn: number[] = [];
  const overlapped: number[] = [];
  let evalCpu = 0;
  let trainCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let w0 = performance.now();
    let c0 = cpuMs();
    for (let s = 0; s < STEPS; s++) step();
    trainCpu += cpuMs() - c0;
    c0 = cpuMs();
    model.evaluate(val);
    evalCpu += cpuMs() - c0;
    inTurn.push(performance.now() - w0);

    w0 = performance.now();
    const pending = evaluateInWorker(); // on the parameters before these steps, as in the lab
    for (let s = 0; s < STEPS; s++) step();
    await pending;
    overlapped.push(performance.now() - w0);
  }
  await worker.terminate();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const seq = median(inTurn);
  const par = median(overlapped);
  console.log(
    `char-rnn lab block (${STEPS} training steps + evaluation on ${VAL_CHUNKS} chunks), ` +
      `${ROUNDS} alternating rounds, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.versions.node}`,
  );
  console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
  console.log('');
  console.log('| evaluation | wall ms per block (median) | ÷ in turn |');
  console.log('| --- | ---: | ---: |');
  console.log(`| in turn, main thread | ${seq.toFixed(0)} | 1.00 |`);
  console.log(`| overlapped, worker thread | ${par.toFixed(0)} | ${(par / seq).toFixed(2)} |`);
  console.log('');
  console.log(
    `evaluation is ${((100 * evalCpu) / (evalCpu + trainCpu)).toFixed(1)}% of a block's CPU time ` +
      '(the most a second core could take off it)',
  );
}
