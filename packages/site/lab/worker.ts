/**
 * The browser lab's Web Worker: trains chapter 1's character model on the course's own core
 * off the page's thread, and posts every step's loss, a validation loss and a sample every
 * `EVAL_EVERY` steps. The text is bundled in at build time (`virtual:course-corpus`).
 */
import { source, train, validation } from 'virtual:course-corpus';
import { EVAL_EVERY, PROMPT, SAMPLE_LENGTH } from './protocol';
import type { LabCommand, LabEvent } from './protocol';
import { BROWSER_LAB, CharRnnTrainer } from './trainer';

/** The part of the worker's global scope used here (the DOM lib types `self` as a window). */
const scope = self as unknown as {
  postMessage(event: LabEvent): void;
  onmessage: ((e: MessageEvent<LabCommand>) => void) | null;
};

let trainer: CharRnnTrainer | undefined;
let running = false;
let maxSteps = Number.POSITIVE_INFINITY;
let temperature = 1;
let run = 0; // bumped on reset, so that a loop of a discarded model stops

const post = (event: LabEvent): void => scope.postMessage(event);

function sample(t: CharRnnTrainer): void {
  const text = t.sample(PROMPT, SAMPLE_LENGTH, temperature, t.step + 1);
  post({ type: 'sample', step: t.step, temperature, text });
}

/** Trains for about 50 ms, reports, and yields so that `pause` and the controls get through. */
function loop(t: CharRnnTrainer, myRun: number): void {
  if (!running || myRun !== run) return;
  try {
    const started = performance.now();
    let taken = 0;
    while (running && t.step < maxSteps && (taken === 0 || performance.now() - started < 50)) {
      const s0 = performance.now();
      const { step, loss, gradNorm } = t.trainStep();
      taken++;
      post({ type: 'step', step, loss, gradNorm, msPerStep: performance.now() - s0 });
      if (step % EVAL_EVERY === 0 || step === maxSteps) {
        post({ type: 'validation', step, loss: t.validationLoss() });
        sample(t);
      }
    }
  } catch (error) {
    fail(error);
    return;
  }
  if (t.step >= maxSteps) {
    running = false;
    post({ type: 'stopped', step: t.step, finished: true });
    return;
  }
  setTimeout(() => loop(t, myRun), 0);
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

function handle(command: LabCommand): void {
  switch (command.type) {
    case 'reset': {
      run++;
      running = false;
      temperature = command.temperature;
      maxSteps = command.maxSteps;
      trainer = new CharRnnTrainer(train, validation, {
        ...BROWSER_LAB,
        hiddenSize: command.hiddenSize,
        seed: command.seed,
      });
      const parameters = trainer.model.parameters().reduce((n, p) => n + p.data.length, 0);
      post({
        type: 'ready',
        vocabSize: trainer.vocab.size,
        trainChars: train.length,
        validationChars: validation.length,
        source,
        validationLoss: trainer.validationLoss(),
        parameters,
      });
      return;
    }
    case 'train':
      if (trainer === undefined || running) return;
      running = true;
      loop(trainer, run);
      return;
    case 'pause':
      if (running && trainer !== undefined)
        post({ type: 'stopped', step: trainer.step, finished: false });
      running = false;
      return;
    case 'temperature':
      temperature = command.temperature;
      return;
    case 'sample':
      if (trainer !== undefined) sample(trainer);
      return;
  }
}

scope.onmessage = (e) => {
  try {
    handle(e.data);
  } catch (error) {
    fail(error);
  }
};
