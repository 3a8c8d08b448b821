/** Ways a learner's code fails to return, for the sandbox's time limit and crash reports. */
import { Tensor } from '@rnn-course/core';

/** Never returns (i never grows). */
export function loop(): number {
  let s = 0;
  for (let i = 0; i < 10; i += 0) s += i;
  return s;
}

/** Returns a promise that never settles. */
export function neverSettles(): Promise<number> {
  return new Promise<number>(() => {});
}

/** Ends the process. */
export function exitNow(): never {
  process.exit(3);
}

/** Allocates small objects until the JavaScript heap is full. */
export function hog(): number {
  const kept: Array<{ n: number; list: number[] }> = [];
  for (;;) kept.push({ n: kept.length, list: [kept.length] });
}

/** Allocates typed arrays (outside the heap) until the address space is full; returns the MB. */
export function hogTyped(): number {
  const kept: Float64Array[] = [];
  try {
    for (;;) kept.push(new Float64Array(1 << 20).fill(kept.length));
  } catch {
    return kept.length * 8;
  }
}

/** Throws after it returns, from a timer. */
export function throwLater(): number {
  setTimeout(() => {
    throw new TypeError('thrown from a timer');
  }, 200);
  return 1;
}

/** Two times x, slowly (about `ms` of busy waiting): for the time limit of a batch. */
export function slowDouble(x: Tensor, ms: number): Tensor {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
  return new Tensor(
    x.data.map((v) => 2 * v),
    x.shape,
  );
}

/** The environment the learner's code sees. */
export function environment(): { keys: string[]; home: string; cwd: string } {
  return { keys: Object.keys(process.env), home: process.env.HOME ?? '', cwd: process.cwd() };
}
