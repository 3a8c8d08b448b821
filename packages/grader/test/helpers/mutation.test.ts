import { reshape, tensor, zeros } from '@rnn-course/core';
import { describe, expect, it } from 'vitest';
import { AliasedOutputError, InputMutationError } from '../../src/testing/errors';
import { expectNoInputMutation } from '../../src/testing/mutation';
import { rejected } from './fixtures/thrown';

describe('expectNoInputMutation', () => {
  it('passes a function that only reads, and returns its result', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const result = await expectNoInputMutation({ x }, () => x.data.reduce((s, v) => s + v, 0));
    expect(result).toBe(10);
  });

  it('names the changed input and its first changed element', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const Wx = tensor([
      [0.5, 0.25],
      [1, 2],
    ]);
    const error = await rejected(
      expectNoInputMutation(
        { x, Wx },
        () => {
          Wx.set(0.125, 0, 1);
          Wx.set(7, 1, 1);
        },
        { what: 'rnnStepForward' },
      ),
    );
    expect(error).toBeInstanceOf(InputMutationError);
    expect(error.message).toBe(
      'rnnStepForward changed its input Wx: element [0, 1] was 0.25 before the call, 0.125 after ' +
        '(2 of 4 elements changed). Inputs are read-only: compute results into new tensors ' +
        '(clone first if you must write).',
    );
    expect((error as InputMutationError).input).toBe('Wx');
    expect((error as InputMutationError).index).toEqual([0, 1]);
  });

  it('names every changed input', async () => {
    const grads = { dWx: tensor([1, 2]), dWh: tensor([3, 4]), db: tensor([5]) };
    const error = await rejected(
      expectNoInputMutation(grads, () => {
        grads.dWx.data[1] = 0;
        grads.db.data[0] = 0;
      }),
    );
    expect(error.message).toMatch(
      /^the function under test changed its inputs dWx, db: element \[1\] was 2/,
    );
  });

  it('catches a change that compares equal: 0 written over -0', async () => {
    const h = tensor([-0, 1]);
    await expect(expectNoInputMutation({ h }, () => h.set(0, 0))).rejects.toThrow(
      InputMutationError,
    );
  });

  it('catches in-place writes to id arrays, with the path of the element', async () => {
    const ids = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const error = await rejected(
      expectNoInputMutation({ ids }, () => {
        const row = ids[1];
        if (row !== undefined) row[2] = 0;
      }),
    );
    expect(error.message).toMatch(
      /changed its input ids: element \[1, 2\] was 6 before the call, 0 after/,
    );
  });

  it('catches an id array whose length changed', async () => {
    const ids = [[1, 2, 3]];
    expect((await rejected(expectNoInputMutation({ ids }, () => ids[0]?.pop()))).message).toMatch(
      /ids: its nesting or lengths changed/,
    );
  });

  it('passes when inputs are left alone even if the result is new', async () => {
    const x = zeros([2, 2]);
    await expect(expectNoInputMutation({ x }, () => x.clone())).resolves.toBeDefined();
  });

  it('ends with the hint to read when given one', async () => {
    const x = tensor([1]);
    const error = await rejected(
      expectNoInputMutation({ x }, () => x.set(2, 0), {
        hint: 'newTensors',
        exercise: 'rnn/clip-grad-norm',
      }),
    );
    expect(error.message).toMatch(
      /\nRead hint newTensors: npm run course -- hint rnn\/clip-grad-norm newTensors$/,
    );
  });

  it('awaits learner code that returns a promise, and sees what it changed', async () => {
    const x = tensor([1, 2]);
    const later = async (): Promise<number> => {
      await Promise.resolve();
      x.set(5, 1);
      return 3;
    };
    expect((await rejected(expectNoInputMutation({ x }, later))).message).toMatch(
      /changed its input x: element \[1\] was 2 before the call, 5 after/,
    );
  });

  it('fails an output that is an input itself, naming both', async () => {
    const grads = { dWx: tensor([1, 2]), db: tensor([3]) };
    const error = await rejected(
      expectNoInputMutation(grads, () => ({ grads: { dWx: grads.dWx.clone(), db: grads.db } }), {
        what: 'clipGradNorm',
      }),
    );
    expect(error).toBeInstanceOf(AliasedOutputError);
    expect(error.message).toMatch(
      /^clipGradNorm returned its input db itself as grads\.db\. Outputs must be new tensors: a caller that updates grads\.db would change db too\./,
    );
    expect((error as AliasedOutputError).output).toBe('grads.db');
  });

  it("fails an output that views an input's storage (a reshape of it)", async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const error = await rejected(
      expectNoInputMutation({ x }, () => ({ out: reshape(x, [4]) }), { what: 'flatten' }),
    );
    expect(error.message).toMatch(
      /^flatten returned out, which shares its storage with the input x \(a view of it/,
    );
  });

  it('lets the cache hold the inputs, and looks only where outputs says', async () => {
    const x = tensor([1, 2]);
    const forward = () => ({ out: x.clone(), cache: { x } });
    await expect(expectNoInputMutation({ x }, forward)).resolves.toBeDefined();
    const error = await rejected(
      expectNoInputMutation({ x }, forward, { outputs: (r) => r.cache }),
    );
    expect(error.message).toMatch(/returned its input x itself as x\./);
  });

  it('reports a mutation before an alias', async () => {
    const x = tensor([1, 2]);
    const error = await rejected(
      expectNoInputMutation({ x }, () => {
        x.set(0, 0);
        return x;
      }),
    );
    expect(error).toBeInstanceOf(InputMutationError);
  });
});
