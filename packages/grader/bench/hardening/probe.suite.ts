/**
 * What hardening.bench.ts measures inside a Vitest worker, learner code imported the way the
 * grader imports it today: the time of a value check and of a finite-difference gradient check,
 * and, for each row of the table, whether the forgery takes effect here. Writes one JSON
 * object to the file named by HARDENING_OUT.
 */
import { writeFileSync } from 'node:fs';
import {
  fromData,
  maxRelError,
  noGrad,
  numericalGradientOfOutput,
  Rng,
  randn,
  sum,
  mul,
  Tensor,
  type Tensor as T,
} from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { expect, test } from 'vitest';
import { rnnStepForward } from '../../../../solutions/rnn/rnn-step';

const rng = new Rng(1);
const p = {
  x: randn([3, 4], rng),
  prevH: randn([3, 5], rng),
  Wx: randn([4, 5], rng),
  Wh: randn([5, 5], rng),
  b: randn([5], rng),
};
const dout = randn([3, 5], rng);

function valueCheck(): number {
  const { nextH } = rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
  return maxRelError(nextH, rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b));
}

function gradientCheck(): number {
  let n = 0;
  for (const x of Object.values(p)) {
    const g = numericalGradientOfOutput(
      () => noGrad(() => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b).nextH),
      x,
      dout,
    );
    n += g.size;
  }
  return n;
}

function time(fn: () => unknown, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** Tries a forgery; true when it took effect. `undo` puts things back for the next probe. */
function attempt(fn: () => boolean, undo: () => void = () => {}): boolean | string {
  try {
    return fn();
  } catch (e) {
    return `refused: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    try {
      undo();
    } catch {
      // frozen: nothing was changed
    }
  }
}

const originals = {
  abs: Math.abs,
  isFinite: Number.isFinite,
  from: Float64Array.from,
  big: BigUint64Array,
  backward: Tensor.prototype.backward,
};

test('measure and probe', async () => {
  const timings = { valueCheckMs: time(valueCheck, 200), gradientCheckMs: time(gradientCheck, 20) };
  const W = globalThis as unknown as Record<string, unknown>;
  const rows: Record<string, boolean | string> = {
    '1 Math.abs patched': attempt(
      () => {
        Math.abs = () => 0;
        return Math.abs(-1) === 0;
      },
      () => (Math.abs = originals.abs),
    ),
    '1 Number.isFinite patched': attempt(
      () => {
        Number.isFinite = () => true;
        return Number.isFinite(Number.NaN);
      },
      () => (Number.isFinite = originals.isFinite),
    ),
    '2 Float64Array.from patched': attempt(
      () => {
        (Float64Array as unknown as Record<string, unknown>).from = () => new Float64Array(0);
        return Float64Array.from([1]).length === 0;
      },
      () => ((Float64Array as unknown as Record<string, unknown>).from = originals.from),
    ),
    '2 BigUint64Array rebound on the global object': attempt(
      () => {
        W.BigUint64Array = Uint8Array;
        return W.BigUint64Array === Uint8Array;
      },
      () => (W.BigUint64Array = originals.big),
    ),
    '2 Tensor.prototype.backward patched': attempt(
      () => {
        const patched = (): void => {};
        Tensor.prototype.backward = patched;
        return Tensor.prototype.backward === patched;
      },
      () => (Tensor.prototype.backward = originals.backward),
    ),
    '3 events variable readable, file writable, parent signalable': attempt(() => {
      const fs = process.getBuiltinModule('fs');
      fs.writeFileSync(`${process.env.TMPDIR ?? '/tmp'}/hardening-probe.txt`, 'x');
      return process.kill(process.ppid, 0) === true;
    }),
    '4 suite file writable': attempt(() => {
      const fs = process.getBuiltinModule('fs');
      const file = new URL('./probe.suite.ts', import.meta.url);
      fs.appendFileSync(file, '');
      return true;
    }),
    '5 reference reachable by a computed import': await (async () => {
      try {
        const dyn = (
          globalThis as unknown as {
            __vite_ssr_dynamic_import__?: (s: string) => Promise<Record<string, unknown>>;
          }
        ).__vite_ssr_dynamic_import__;
        const mod = await import(/* @vite-ignore */ ['@rnn-course', 'rnn'].join('/'));
        return typeof (mod as Record<string, unknown>).rnnStep === 'function' || dyn !== undefined;
      } catch (e) {
        return `refused: ${(e as Error).message}`;
      }
    })(),
    '6 grading detectable': attempt(() => process.env.VITEST !== undefined),
    '7 autograd usable in a backward': attempt(() => {
      const x = fromData([1, 2], [2], { requiresGrad: true });
      sum(mul(x, x)).backward();
      return (x.grad as T | null) !== null;
    }),
  };
  writeFileSync(process.env.HARDENING_OUT ?? '/dev/null', JSON.stringify({ timings, rows }));
  expect(Object.keys(rows)).toHaveLength(10);
});
