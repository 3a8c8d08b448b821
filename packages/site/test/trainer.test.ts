import { describe, expect, test } from 'vitest';
import { BROWSER_LAB, CharRnnTrainer } from '../lab/trainer';
import { BROWSER_CORPUS_CHARS, browserCorpus, corpusModule } from '../src/corpus';

describe("the browser lab's corpus", () => {
  test('is the first 100,000 characters of the course corpus, 10% held out', () => {
    const { train, validation, source } = browserCorpus();
    expect(train.length + validation.length).toBe(BROWSER_CORPUS_CHARS);
    expect(validation.length).toBe(BROWSER_CORPUS_CHARS / 10);
    expect(source).toContain('State of the Union');
  });

  test('becomes a module of three string constants', () => {
    const code = corpusModule(1000);
    expect(code).toMatch(
      /^export const train = ".*";\nexport const validation = ".*";\nexport const source = ".*";$/s,
    );
  });
});

describe('CharRnnTrainer', () => {
  // A small model keeps this quick; the page's model (H = 64, 40 steps) is held to the same
  // numbers in the browser by the end-to-end test.
  const settings = {
    ...BROWSER_LAB,
    hiddenSize: 16,
    batchSize: 8,
    seqLen: 16,
    validationChunks: 4,
  };

  test('lowers the validation loss within 30 steps, starting near ln V', {
    timeout: 120_000,
  }, () => {
    const { train, validation } = browserCorpus(20_000);
    const trainer = new CharRnnTrainer(train, validation, settings);
    const start = trainer.validationLoss();
    expect(Math.abs(start - Math.log(trainer.vocab.size))).toBeLessThan(0.3);
    let last = { step: 0, loss: Number.NaN, gradNorm: Number.NaN };
    for (let k = 0; k < 30; k++) last = trainer.trainStep();
    expect(last.step).toBe(30);
    expect(trainer.step).toBe(30);
    expect(trainer.validationLoss()).toBeLessThan(start - 0.5);
  });

  test('gives the same numbers for the same seed, and different ones for another', {
    timeout: 120_000,
  }, () => {
    const { train, validation } = browserCorpus(20_000);
    const run = (seed: number): number[] => {
      const t = new CharRnnTrainer(train, validation, { ...settings, seed });
      return Array.from({ length: 5 }, () => t.trainStep().loss);
    };
    expect(run(3)).toEqual(run(3));
    expect(run(4)).not.toEqual(run(3));
  });

  test('samples start from the prompt and have the asked length', () => {
    const { train, validation } = browserCorpus(20_000);
    const trainer = new CharRnnTrainer(train, validation, settings);
    const text = trainer.sample('The state', 40, 0.8, 1);
    expect(text.startsWith('The state')).toBe(true);
    expect(text.length).toBe('The state'.length + 40);
    expect(trainer.sample('The state', 40, 0.8, 1)).toBe(text);
  });
});
