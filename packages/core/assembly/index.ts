/**
 * The course's WebAssembly kernels, one module (built by `npm run build:wasm`, see
 * scripts/build-wasm.ts): the matmul kernel (matmul.ts) and the sigmoid and tanh of an array
 * (activations.ts). Only what is exported here is visible to the TypeScript side
 * (src/kernels/wasm.ts).
 */
export { gemm, heapBase, workBytes } from './matmul';
export { sigmoidArray, tanhArray } from './activations';
