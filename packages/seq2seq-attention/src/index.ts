/**
 * @rnn-course/seq2seq-attention — chapter 3's reference implementation: bidirectional and deep
 * RNNs, encoder-decoder models with attention, greedy and beam-search decoding, and CTC for
 * speech recognition. Gradients come from the core's autograd (CTC's from its own alpha-beta
 * backward, as one graph node); the exercises' solutions derive them by hand.
 */

// Recurrent layers that read the whole input (eqs. 3.1–3.6).
export { bidirectional, bidirectionalRnn } from './bidirectional-rnn';
export type { BidirectionalRnnParams } from './bidirectional-rnn';
export { stackedRnn } from './stacked-rnn';
export type { RnnLayerParams } from './stacked-rnn';

// Attention (eqs. 3.11–3.17).
export { maskedSoftmax } from './masked-softmax';
export { additiveAttention, attentionShapes, weightedSum } from './additive-attention';
export type { Attention } from './additive-attention';
export { multiplicativeAttention } from './multiplicative-attention';

// The encoder-decoder model (eqs. 3.7–3.10) and its decoding.
export { attend, decoderStep } from './decoder-step';
export type {
  AttentionKind,
  DecoderParams,
  DecoderStepOutput,
  EncoderMemory,
} from './decoder-step';
export {
  createSeq2Seq,
  decoderInputs,
  encode,
  seq2seqLoss,
  seq2seqParameters,
  teacherForcedLogits,
} from './seq2seq';
export type { Encoded, Seq2Seq, Seq2SeqBatch, Seq2SeqConfig, Seq2SeqParams } from './seq2seq';
export { argmaxRow, greedyDecode } from './greedy-decode';
export type { GreedyResult } from './greedy-decode';
export { beamSearch, normalisedScore } from './beam-search';
export type { BeamSearchOptions, Hypothesis } from './beam-search';

// Connectionist temporal classification (eqs. 3.20–3.24).
export { ctcLoss, ctcPosteriors, ctcTables, extendedLabels, logAddExp } from './ctc-loss';
export type { CtcLossOptions, CtcTables } from './ctc-loss';
export { collapsePath, ctcGreedyDecode, ctcPrefixBeamSearch } from './ctc-decode';
export type { CtcHypothesis } from './ctc-decode';

// Speech features (eq. 3.25) and measures of output sequences (eq. 3.19).
export {
  fft,
  frameSignal,
  hannWindow,
  hzToMel,
  logMelSpectrogram,
  melFilterbank,
  melToHz,
  powerSpectrum,
} from './audio-features';
export type { LogMelOptions } from './audio-features';
export { bleu, editDistance, exactMatch, labelErrorRate } from './metrics';
export type { BleuScore, Tokens } from './metrics';
