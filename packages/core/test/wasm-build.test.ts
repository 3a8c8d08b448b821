import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, buildKernelsWasm, generatedModule } from '../scripts/build-wasm';

describe('the committed WebAssembly kernel', () => {
  it('is byte for byte the build of assembly/index.ts (rebuild with `npm run build:wasm`)', {
    timeout: 120_000,
  }, async () => {
    const fresh = generatedModule(await buildKernelsWasm());
    const committed = readFileSync(GENERATED, 'utf8');
    // Compared as text: the base64 string holds every byte, the header its size and sha256.
    expect(
      committed === fresh,
      'src/kernels/kernels-wasm.generated.ts is stale: run `npm run build:wasm` in packages/core',
    ).toBe(true);
  });
});
