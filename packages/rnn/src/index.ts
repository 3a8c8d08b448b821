/**
 * @rnn-course/rnn — chapter 1's reference implementation: vanilla RNNs and backpropagation
 * through time. Every gradient here comes from the core's autograd; the exercises' solutions
 * derive the same gradients by hand, so the two check each other.
 */

// The layers (eqs. 1.1–1.11), differentiable functions of the core.
export { rnnStep } from './rnn-step'; // eq. 1.1, one step
export { rnn } from './rnn'; // eq. 1.1 unrolled: [N, T, D] -> [N, T, H]
export { wordEmbedding } from './word-embedding'; // eq. 1.6
export { temporalAffine } from './temporal-affine'; // eq. 1.8
export { temporalSoftmaxLoss } from './temporal-softmax-loss'; // eq. 1.10

// Training and sampling.
export { clipGradNorm } from './clip-grad-norm'; // eq. 1.12, by the global norm
export { sampleWithTemperature } from './sample-with-temperature'; // eq. 1.13
export { chunkLoss, tbpttStep, textChunks } from './tbptt-step'; // truncated BPTT
export type { CharRnnGrads, CharRnnParams, TextChunk } from './tbptt-step';

// Vanishing and exploding gradients.
export { hiddenGradientNorms } from './hidden-gradient-norms'; // eqs. 1.14–1.15

// Models, and running them on reference or exercise code.
export { modelWithLayers, referenceLayers } from './layers';
export type { ExerciseLayers, RnnLayers } from './layers';
export { buildVocab } from './vocab';
export type { Vocab } from './vocab';
export { CharRnn } from './char-rnn';
export type { CharRnnConfig } from './char-rnn';
export { RnnRegressor } from './regressor';
export type { RegressorParams } from './regressor';
