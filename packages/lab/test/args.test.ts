import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgsError, isMain, labCommand, outputDir, parseLabArgs, repoRoot } from '../src/args';

describe('parseLabArgs', () => {
  it('has defaults for every flag', () => {
    expect(parseLabArgs([])).toEqual({
      quick: false,
      steps: undefined,
      impl: 'reference',
      out: undefined,
      updateFigures: false,
      seed: 0,
      help: false,
    });
  });

  it('reads every flag, with a separate or an inline value', () => {
    const a = parseLabArgs([
      '--quick',
      '--steps',
      '200',
      '--impl=exercises',
      '--out',
      '/tmp/x',
      '--seed=7',
    ]);
    expect(a).toMatchObject({ quick: true, steps: 200, impl: 'exercises', out: '/tmp/x', seed: 7 });
  });

  it('rejects an unknown flag and lists the valid ones', () => {
    expect(() => parseLabArgs(['--fast'])).toThrow(ArgsError);
    expect(() => parseLabArgs(['--fast'])).toThrow(
      /unknown flag "--fast"[\s\S]*--quick[\s\S]*--steps[\s\S]*--impl/,
    );
  });

  it('rejects a bad value with the flag name', () => {
    expect(() => parseLabArgs(['--steps', 'many'])).toThrow(
      /--steps needs an integer >= 1, received "many"/,
    );
    expect(() => parseLabArgs(['--steps'])).toThrow(/--steps needs a value/);
    expect(() => parseLabArgs(['--impl', 'mine'])).toThrow(/reference, solutions, exercises/);
    expect(() => parseLabArgs(['--seed', '-1'])).toThrow(/--seed/);
  });
});

describe('isMain', () => {
  it('is false for a module that was imported', () => {
    expect(isMain(import.meta.url)).toBe(false);
  });
});

describe('labCommand', () => {
  it('spells out the flags that change a run, and leaves out --out', () => {
    const args = parseLabArgs(['--quick', '--out', '/tmp/x', '--seed', '3', '--impl', 'exercises']);
    expect(labCommand('lab:char-rnn', '@rnn-course/rnn', args)).toBe(
      'npm run lab:char-rnn -w @rnn-course/rnn -- --quick --impl exercises --seed 3',
    );
    expect(labCommand('lab:gradients', '@rnn-course/rnn', parseLabArgs([]))).toBe(
      'npm run lab:gradients -w @rnn-course/rnn',
    );
  });
});

describe('outputDir', () => {
  const figures = '/course/packages/rnn/figures';

  it("sends a plain run to the ignored .course/lab-output/<chapter>/, never the chapter's figures", () => {
    const dir = outputDir(parseLabArgs(['--quick']), figures, 'rnn');
    expect(dir).toBe(join(repoRoot, '.course', 'lab-output', 'rnn'));
    expect(dir).not.toBe(figures);
  });

  it('writes the committed figures only with --update-figures, and --out wins otherwise', () => {
    expect(outputDir(parseLabArgs(['--update-figures']), figures, 'rnn')).toBe(figures);
    expect(outputDir(parseLabArgs(['--out', '/tmp/x']), figures, 'rnn')).toBe('/tmp/x');
  });

  it('refuses --update-figures for quick runs, for anyone but the reference, and beside --out', () => {
    expect(() => parseLabArgs(['--update-figures', '--quick'])).toThrow(/drop --quick/);
    expect(() => parseLabArgs(['--update-figures', '--impl', 'exercises'])).toThrow(
      /drop --impl exercises/,
    );
    expect(() => parseLabArgs(['--update-figures', '--out', 'x'])).toThrow(/give one of them/);
  });
});
