/**
 * The benchmark's peers (TensorFlow.js and its WebAssembly backend) live in this folder's own
 * package.json and lock, outside the course's npm workspaces, so a learner's `npm ci` never
 * downloads them (about 300 MB). The first `npm run bench` installs them here with `npm ci`, and
 * again whenever the lock is newer than the install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const LOCK = fileURLToPath(new URL('package-lock.json', import.meta.url));
/** npm writes this copy of the lock into node_modules after a complete install. */
const INSTALLED = fileURLToPath(new URL('node_modules/.package-lock.json', import.meta.url));

/** Installs the peers into bench/node_modules unless an install at least as new as the lock is there. */
export function ensureBenchPeers(): void {
  if (existsSync(INSTALLED) && statSync(INSTALLED).mtimeMs >= statSync(LOCK).mtimeMs) return;
  console.log(`Installing the benchmark's peers into ${HERE}node_modules (npm ci, once) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: HERE,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new Error(
      `npm ci in ${HERE} failed (status ${result.status}): the bench needs its peers`,
    );
  }
}

/** The part of TensorFlow.js's API the matmul bench uses (typed here: the peers are optional). */
export interface Tfjs {
  version: { tfjs: string };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  env(): { getBool(flag: string): boolean };
  tensor2d(values: Float32Array, shape: [number, number], dtype: 'float32'): TfTensor;
  matMul(a: TfTensor, b: TfTensor): TfTensor;
}

/** A TensorFlow.js tensor, as far as the bench uses one. */
export interface TfTensor {
  dataSync(): Float32Array;
  dispose(): void;
}

/** Installs the peers if needed and loads TensorFlow.js with its 'cpu' and 'wasm' backends. */
export async function loadTfjs(): Promise<Tfjs> {
  ensureBenchPeers();
  // Specifiers held in variables: resolved at run time from bench/node_modules, so the core's
  // typecheck does not need the peers installed.
  const tfjsName = '@tensorflow/tfjs';
  const wasmName = '@tensorflow/tfjs-backend-wasm';
  const module = (await import(tfjsName)) as { default?: Tfjs } & Tfjs;
  const tf = module.default ?? module; // a CommonJS package: its exports are the default export
  await import(wasmName); // registers the 'wasm' backend
  return tf;
}
