import { parameterNames } from '../../src/sandbox/intrinsics';
import { Rng, Tensor, tensor } from '@rnn-course/core';
import { describe, expect, it } from 'vitest';
import {
  decodeArgs,
  decodeValue,
  encodeArgs,
  encodeValue,
  inspectCall,
  type TrustedCodec,
} from '../../src/sandbox/codec';
import type { Encoded } from '../../src/sandbox/protocol';

const core = { Tensor, Rng };

/** A trusted codec with handles in a Map, as the Sandbox keeps them. */
function trusted(): TrustedCodec & { held: Map<object, number> } {
  const held = new Map<object, number>();
  return {
    core,
    held,
    handleOf: (v) => held.get(v),
    register: (v, h) => void held.set(v, h),
    remoteFunction: (h, name) => async () => `called ${name} #${h}`,
  };
}

/** What the IPC channel does to a message (the structured clone algorithm). */
const wire = <T>(value: T): T => structuredClone(value);

describe('the codec', () => {
  it('carries a tensor as a compact copy of its values, and rebuilds a trusted tensor', () => {
    const big = new Float64Array([9, 1, 2, 3, 9]);
    const view = new Tensor(big.subarray(1, 4), [3]); // a view of a larger buffer
    const e = encodeValue(view, core) as Extract<Encoded, { k: 'tensor' }>;
    expect(e.data.buffer.byteLength).toBe(24); // not the 40 bytes of the whole buffer
    const back = decodeValue(wire(e), trusted()) as Tensor;
    expect(back).toBeInstanceOf(Tensor);
    expect(Array.from(back.data)).toEqual([1, 2, 3]);
  });

  it("keeps a result tensor's requiresGrad (a loaded layer must be trainable), not an input's", () => {
    const w = new Tensor(new Float64Array([1, 2]), [2], true);
    const back = decodeValue(wire(encodeValue({ w }, core)), trusted()) as { w: Tensor };
    expect([back.w.requiresGrad, Array.from(back.w.data)]).toEqual([true, [1, 2]]);
    const plain = decodeValue(wire(encodeValue(tensor([3]), core)), trusted()) as Tensor;
    expect(plain.requiresGrad).toBe(false);
    // arguments travel as plain tensors: the learner's side never receives a graph
    const { encoded } = encodeArgs([w], trusted());
    expect(encoded[0]).toEqual({ k: 'tensor', shape: [2], data: new Float64Array([1, 2]) });
  });

  it('gives every object of a result a handle, and passes registered objects back by reference', () => {
    const kept: object[] = [];
    const keep = (v: object): number => kept.push(v);
    const cache = { x: tensor([1]), step: () => 1 };
    const e = encodeValue({ out: tensor([2]), cache }, core, keep);
    const codec = trusted();
    const decoded = decodeValue(wire(e), codec) as { cache: object };
    expect(kept[1]).toBe(cache); // 1: the result, 2: the cache, 3: its function
    const { encoded } = encodeArgs([decoded.cache], codec);
    expect(encoded).toEqual([{ k: 'ref', h: 2 }]);
  });

  it('describes a cycle instead of following it, and a symbol', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const decoded = decodeValue(wire(encodeValue({ loop, s: Symbol('x') }, core)), trusted());
    expect(decoded).toEqual({
      loop: { name: 'loop', self: '[a reference to an enclosing object (a cycle)]' },
      s: '[a symbol]',
    });
  });

  it('refuses, on the trusted side, a tensor whose values do not fit its shape', () => {
    const e: Encoded = { k: 'tensor', shape: [2, 3], data: new Float64Array(5) };
    expect(() => decodeValue(e, trusted())).toThrow(
      'the result is a Tensor whose data has 5 values for shape [2, 3]',
    );
  });

  it('sends a generator as its state and writes the new state back', () => {
    const rng = new Rng(3);
    const { encoded, rngs } = encodeArgs([rng], trusted());
    const { values, inputs } = decodeArgs(wire(encoded), core, new Map(), true);
    const inside = values[0] as Rng;
    expect(inside).toBeInstanceOf(Rng);
    const twin = new Rng(3);
    expect(inside.uniform()).toBe(twin.uniform());
    const { rngs: after } = inspectCall(inputs, undefined, core);
    for (const r of after) Object.assign(rngs[r.slot] as object, Object.fromEntries(r.fields));
    expect(rng.uniform()).toBe(twin.uniform());
  });

  it('lists changed inputs: a tensor element, a replaced data array, a reshaped tensor, a number array', () => {
    const { encoded } = encodeArgs(
      [tensor([1, 2, 3]), tensor([4]), tensor([[5, 6]]), [[1, 2], [3]]],
      trusted(),
    );
    const { values, inputs } = decodeArgs(wire(encoded), core, new Map(), true);
    const [a, b, c, ids] = values as [Tensor, Tensor, Tensor, number[][]];
    a.data[1] = -1;
    (b as { data: Float64Array }).data = new Float64Array([4]);
    (c as { shape: number[] }).shape = [2, 1];
    (ids[1] as number[]).push(4);
    const { report } = inspectCall(inputs, a, core);
    expect(report.mutated).toEqual([
      {
        path: 'args[0]',
        index: 1,
        before: 2,
        after: -1,
        changed: 1,
        size: 3,
        text: 'flat element 1 was 2 before the call, -1 after (only this element changed)',
      },
      { path: 'args[1]', text: 'its data array was replaced by another one' },
      { path: 'args[2]', text: 'its shape changed from [1, 2] to [2, 1]' },
      { path: 'args[3]', text: 'its nesting or lengths changed' },
    ]);
    expect(report.aliased).toEqual([{ output: 'result', input: 'args[0]', same: true }]);
  });

  it('looks into an object passed back by reference for the tensors it holds', () => {
    const x = tensor([1, 2]);
    const handles = new Map<number, unknown>([[7, { nested: { x } }]]);
    const { inputs } = decodeArgs([{ k: 'ref', h: 7 }], core, handles, true);
    x.data[0] = 10;
    const { report } = inspectCall(inputs, { y: new Tensor(x.data, [2]) }, core);
    expect(report.mutated.map((m) => m.path)).toEqual(['args[0].nested.x']);
    expect(report.aliased).toEqual([
      { output: 'result.y', input: 'args[0].nested.x', same: false },
    ]);
  });

  it('names an argument that cannot travel', () => {
    expect(() => encodeArgs([{ f: () => 1 }], trusted())).toThrow(
      "argument 1.f: a function cannot be passed to the learner's code",
    );
  });

  it("reads a function's parameter names from its source, for messages", () => {
    function step(x: number, prevH = 2, ...rest: number[]): number {
      return x + prevH + rest.length;
    }
    expect(parameterNames(step)).toEqual(['x', 'prevH', 'rest']);
    expect(parameterNames(({ a, b }: { a: number; b: number }, c: number) => a + b + c)).toEqual([
      '',
      'c',
    ]);
    expect(
      parameterNames(async function f(dout: unknown, cache: unknown) {
        return [dout, cache];
      }),
    ).toEqual(['dout', 'cache']);
    expect(parameterNames((x: number) => x)).toEqual(['x']);
    expect(parameterNames(() => 1)).toEqual([]);
    expect(parameterNames('not a function')).toEqual([]);
  });
});
