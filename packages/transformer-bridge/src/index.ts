/**
 * @rnn-course/transformer-bridge — chapter 4's reference implementation: from attention in
 * RNNs to self-attention. Every gradient here comes from the core's autograd; the exercises'
 * solutions derive the same gradients by hand, so the two check each other. Shapes are
 * batch-first: `[N, T, E]`, heads `[N, h, T, dk]`, attention weights `[..., Tq, Tk]`.
 */

// Attention (eqs. 4.1–4.7).
export {
  scaledDotProductAttention, // eqs. 4.2–4.4, with masks
  attentionShapes,
  assertMaskShape,
} from './scaled-dot-product-attention';
export {
  multiHeadAttention, // eq. 4.7, PyTorch's nn.MultiheadAttention layout
  multiHeadAttentionStep, // one generation step with a key/value cache
  splitHeads,
  mergeHeads,
  initMultiHeadAttention,
  multiHeadAttentionParameters,
  multiHeadAttentionFromStateDict,
  multiHeadAttentionToStateDict,
} from './multi-head-attention';
export type { MultiHeadAttentionParams } from './multi-head-attention';

// Order and masks (eqs. 4.8–4.9).
export { sinusoidalPositionalEncoding } from './sinusoidal-positional-encoding';
export { learnedPositionalEmbedding } from './learned-positional-embedding';
export { causalMask } from './causal-mask';
export { keyPaddingMask } from './padding-mask';

// Blocks (eqs. 4.10–4.14).
export { layerNorm, LAYER_NORM_EPS } from './layer-norm';
export { feedForward, initFeedForward } from './feed-forward';
export type { FeedForwardParams } from './feed-forward';
export {
  transformerEncoderBlock,
  initTransformerEncoderBlock,
  transformerEncoderBlockParameters,
  transformerEncoderBlockFromStateDict,
} from './transformer-encoder-block';
export type {
  TransformerEncoderBlockParams,
  TransformerBlockOptions,
} from './transformer-encoder-block';
export {
  transformerDecoderBlock,
  initTransformerDecoderBlock,
  transformerDecoderBlockParameters,
} from './transformer-decoder-block';
export type { TransformerDecoderBlockParams } from './transformer-decoder-block';

// Models.
export {
  TransformerEncoder, // encoder stack, or a decoder-only model with `causal`
  embedTokens,
  initTokenEmbedding,
  keyValueCacheBytes,
} from './transformer-encoder';
export type {
  TransformerEncoderConfig,
  TransformerEncoderParams,
  TokenEmbeddingParams,
  KeyValueCache,
} from './transformer-encoder';
export { Transformer } from './transformer'; // encoder-decoder
export type { TransformerConfig, TransformerDecoderParams, AttentionMaps } from './transformer';

// The path-length experiment (eq. 4.15).
export { rnnPathLengthGradient } from './rnn-path-length-gradient';
export { selfAttentionPathLengthGradient } from './self-attention-path-length-gradient';

// PyTorch state_dict entries as JSON.
export { linearWeightIn, linearWeightOut, stateTensor, parameter } from './state-dict';
export type { StateDict } from './state-dict';
