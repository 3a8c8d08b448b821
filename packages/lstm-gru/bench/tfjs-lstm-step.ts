/**
 * One training step of TensorFlow.js's LSTM layer, the peer of lstm-step.bench.ts: the same step
 * (forward over T steps from zero states, the loss mean((h − target)²) over every hidden state,
 * backward, one Adam update) with `tf.layers.lstm` (`returnSequences: true`, gates i, f, c, o,
 * recurrent activation set to the logistic sigmoid as in PyTorch and this course; TensorFlow.js's
 * default is a piecewise-linear "hard" sigmoid), float32.
 *
 * TensorFlow.js is not a dependency of the course: it is loaded from the core's bench folder
 * (packages/core/bench, its own package.json and lock, installed on the first bench run; see
 * peers.ts there), so this file types the few calls it makes itself.
 *
 * Run as a script, it times one backend in its own process (so TensorFlow.js's allocations and
 * garbage collection do not land in another contestant's time) and prints one JSON line:
 *
 *     npx tsx bench/tfjs-lstm-step.ts wasm|cpu N T D H seconds
 */
import { fileURLToPath } from 'node:url';
import { loadTfjs } from '../../core/bench/peers';

/** A TensorFlow.js tensor, as far as this file uses one. */
interface TfTensor {
  dataSync(): Float32Array;
  dispose(): void;
}

/** The part of TensorFlow.js used here. */
interface TfLstmApi {
  version: { tfjs: string };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  env(): { getBool(flag: string): boolean };
  randomNormal(
    shape: number[],
    mean?: number,
    std?: number,
    dtype?: 'float32',
    seed?: number,
  ): TfTensor;
  mean(x: TfTensor): TfTensor;
  square(x: TfTensor): TfTensor;
  sub(a: TfTensor, b: TfTensor): TfTensor;
  tidy<T>(fn: () => T): T;
  train: {
    adam(lr: number): { minimize(f: () => TfTensor, returnCost: boolean): TfTensor | null };
  };
  layers: {
    lstm(config: {
      units: number;
      returnSequences: boolean;
      inputShape: number[];
      recurrentActivation: string;
      recurrentInitializer: string;
    }): { apply(x: TfTensor): TfTensor };
  };
}

/** A step function bound to one backend's model, and what the backend runs on. */
export interface TfjsLstm {
  backend: 'cpu' | 'wasm';
  version: string;
  /** For 'wasm': whether it runs 128-bit SIMD and more than one thread. */
  simd: boolean;
  threads: boolean;
  /** Switches TensorFlow.js to this contestant's backend; call before `step`. */
  activate(): Promise<void>;
  /** One training step; returns the loss (read back, so the step has finished). */
  step(): number;
}

/**
 * Builds an LSTM layer, inputs, targets and an Adam optimiser on `backend`.
 *
 * @param sizes N, T, D, H of the step
 */
export async function tfjsLstm(
  backend: 'cpu' | 'wasm',
  sizes: { N: number; T: number; D: number; H: number },
): Promise<TfjsLstm> {
  const tf = (await loadTfjs()) as unknown as TfLstmApi;
  const activate = async (): Promise<void> => {
    if (!(await tf.setBackend(backend))) {
      throw new Error(`tfjs backend '${backend}' did not initialise`);
    }
    await tf.ready();
  };
  await activate();
  const { N, T, D, H } = sizes;
  const layer = tf.layers.lstm({
    units: H,
    returnSequences: true,
    inputShape: [T, D],
    recurrentActivation: 'sigmoid',
    // Keras's default orthogonal initialiser warns at this size; the values do not matter here.
    recurrentInitializer: 'glorotUniform',
  });
  const x = tf.randomNormal([N, T, D], 0, 1, 'float32', 1); // [N, T, D]
  const target = tf.randomNormal([N, T, H], 0, 1, 'float32', 2); // [N, T, H]
  tf.tidy(() => layer.apply(x)); // builds the layer's weights, so minimize() can see them
  const optimizer = tf.train.adam(1e-3);
  const step = (): number =>
    tf.tidy(() => {
      const loss = optimizer.minimize(
        () => tf.mean(tf.square(tf.sub(layer.apply(x), target))),
        true,
      );
      return (loss as TfTensor).dataSync()[0] as number;
    });
  return {
    backend,
    version: tf.version.tfjs,
    simd: backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: backend === 'wasm' && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    activate,
    step,
  };
}

/** Median CPU milliseconds per step over about `seconds` of CPU time, after one warm-up step. */
async function main(): Promise<void> {
  const [backend, N, T, D, H, seconds] = process.argv.slice(2);
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`unknown backend '${backend}'`);
  const contestant = await tfjsLstm(backend, {
    N: Number(N),
    T: Number(T),
    D: Number(D),
    H: Number(H),
  });
  const cpuMs = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  contestant.step();
  const samples: number[] = [];
  const start = cpuMs();
  while (samples.length < 2 || cpuMs() - start < Number(seconds) * 1000) {
    const c0 = cpuMs();
    contestant.step();
    samples.push(cpuMs() - c0);
  }
  samples.sort((a, b) => a - b);
  const { version, simd, threads } = contestant;
  const cpuMsPerStep = samples[samples.length >> 1];
  console.log(
    JSON.stringify({ version, simd, threads, cpuMs: cpuMsPerStep, steps: samples.length }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
