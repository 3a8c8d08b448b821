import { NotImplementedError, ShapeError, assertShape, matmul, tensor } from '@rnn-course/core';
import { afterEach, describe, expect, it } from 'vitest';
import { setCurrentExercise } from '../../src/testing/context';
import { MissingRefusalError, expectThrows } from '../../src/testing/throws';
import { rejected } from './fixtures/thrown';

afterEach(() => {
  setCurrentExercise(undefined);
});

const maxNorm = {
  what: 'clipGradNorm',
  name: 'RangeError',
  argument: 'maxNorm',
  when: 'maxNorm = 0',
} as const;

describe('expectThrows', () => {
  it('passes an error of the promised class naming the function and the argument', async () => {
    await expect(
      expectThrows(() => {
        throw new RangeError('clipGradNorm: maxNorm must be > 0, received 0');
      }, maxNorm),
    ).resolves.toBeUndefined();
  });

  it('accepts a function that rejects (learner code may run elsewhere)', async () => {
    const run = async (): Promise<never> => {
      throw new RangeError('clipGradNorm: maxNorm must be > 0');
    };
    await expect(expectThrows(run, maxNorm)).resolves.toBeUndefined();
  });

  it('fails a function that returns, saying which argument should have been refused', async () => {
    const error = await rejected(expectThrows(() => ({ totalNorm: 3 }), maxNorm));
    expect(error).toBeInstanceOf(MissingRefusalError);
    expect(error.message).toBe(
      'clipGradNorm returned an object with keys { totalNorm } for maxNorm = 0; clipGradNorm must ' +
        "throw a RangeError naming maxNorm (its doc comment's @throws). Check maxNorm at the start " +
        'of clipGradNorm and throw before computing anything.',
    );
    expect((error as MissingRefusalError).argument).toBe('maxNorm');
  });

  it('fails an error of another class, naming what was thrown', async () => {
    const error = await rejected(
      expectThrows(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'length')");
      }, maxNorm),
    );
    expect(error.message).toMatch(
      /^clipGradNorm threw TypeError 'Cannot read properties of undefined \(reading 'length'\)' for maxNorm = 0; clipGradNorm must throw a RangeError naming maxNorm/,
    );
  });

  it('fails a message that names neither the function nor the argument', async () => {
    const error = await rejected(
      expectThrows(() => {
        throw new RangeError('bad input');
      }, maxNorm),
    );
    expect(error.message).toMatch(/the message does not name clipGradNorm or maxNorm/);
  });

  it("says when the error comes from a core op inside, not the function's own check", async () => {
    const error = await rejected(
      expectThrows(() => matmul(tensor([[1, 2]]), tensor([[1, 2]])), {
        what: 'rnnStepForward',
        name: 'ShapeError',
        argument: 'Wx',
        when: 'Wx of shape [1, 2] where x is [1, 2]',
        hint: 'shapes',
        exercise: 'rnn/rnn-step-forward',
      }),
    );
    expect(error.message).toMatch(/^rnnStepForward threw ShapeError 'matmul: expected/);
    expect(error.message).toMatch(/it comes from a core operation inside/);
    expect(error.message).toMatch(
      /\nRead hint shapes: npm run course -- hint rnn\/rnn-step-forward shapes$/,
    );
  });

  it('matches the argument as a whole word, not inside another name', async () => {
    const wrongArgument = () => assertShape('rnnStepForward', tensor([1]), [null, null], 'Wxx');
    await expect(
      expectThrows(wrongArgument, {
        what: 'rnnStepForward',
        name: 'ShapeError',
        argument: 'Wx',
        when: 'Wx of shape [1]',
      }),
    ).rejects.toThrow(/does not name Wx/);
    const right = () => assertShape('rnnStepForward', tensor([1]), [null, null], 'Wx');
    await expect(
      expectThrows(right, { what: 'rnnStepForward', name: 'ShapeError', argument: 'Wx', when: '' }),
    ).resolves.toBeUndefined();
  });

  it('checks an extra pattern when given one', async () => {
    const run = () => {
      throw new ShapeError('rnnForward', 'x [N, T, D]', [2, 0, 3]);
    };
    const options = { what: 'rnnForward', name: 'ShapeError', argument: 'x', when: 'T = 0' };
    await expect(expectThrows(run, { ...options, message: /T >= 1/ })).rejects.toThrow(
      /the message must match \/T >= 1\//,
    );
  });

  it('passes a NotImplementedError on, so a stub stays not-started', async () => {
    const error = await rejected(
      expectThrows(() => {
        throw new NotImplementedError('rnn/clip-grad-norm');
      }, maxNorm),
    );
    expect(error).toBeInstanceOf(NotImplementedError);
  });
});
