/**
 * @rnn-course/lstm-gru — chapter 2's reference implementation: the LSTM and the GRU. Every
 * gradient here comes from the core's autograd; the worked solutions derive the same gradients
 * by hand, and PyTorch's `torch.nn.LSTM` / `torch.nn.GRU` check both (test/fixtures).
 */

// The cells (eqs. 2.1–2.4 and 2.12–2.14), differentiable functions of the core, PyTorch's gate orders.
export { lstmStep } from './lstm-step'; // eqs. 2.1–2.4, one step: gates i, f, g, o
export type { LstmState } from './lstm-step';
export { lstm } from './lstm'; // unrolled from h0, c0: [N, T, D] -> h, c [N, T, H]
export type { LstmOutputs } from './lstm';
export { gruStep } from './gru-step'; // eqs. 2.12–2.14, one step: gates r, z, n
export { gru } from './gru'; // unrolled from h0: [N, T, D] -> [N, T, H]

// Parameters: PyTorch's initialisation, the forget-gate bias, counts (eq. 2.19).
export {
  gruParams,
  hiddenSizeForParams,
  lstmParams,
  recurrentParamCount,
} from './params';
export type { CellKind, GruParams, LstmInitOptions, LstmParams } from './params';

// PyTorch state_dicts as JSON, into and out of the course's layout (eq. 2.20).
export {
  STATE_DICT_KEYS,
  gruFromStateDict,
  gruToStateDict,
  lstmFromStateDict,
  lstmToStateDict,
} from './state-dict';
export type { LayerSizes, StateDict } from './state-dict';

// How far back the gradient reaches (the constant error carousel, measured).
export { stateGradientNorms } from './gradient-flow';
export type { StateGradientNorms } from './gradient-flow';

// Models, and running them on reference or hand-written layers.
export { modelWithGatedLayers, referenceGatedLayers } from './layers';
export type { GatedExerciseLayers, GatedLayers } from './layers';
export { RecurrentLayer, detachState, parameterCount } from './recurrent';
export type { RecurrentConfig, RecurrentState } from './recurrent';
export { SequenceModel } from './sequence-model';
export type { SequenceModelConfig } from './sequence-model';
export { CharModel } from './char-model';
export type { CharModelConfig } from './char-model';
