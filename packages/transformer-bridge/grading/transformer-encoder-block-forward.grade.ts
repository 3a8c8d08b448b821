/**
 * Grading suite of transformer-bridge/transformer-encoder-block-forward: eq. 4.12 (pre-norm)
 * with the feed-forward network of eq. 4.14, against the reference (PyTorch's
 * `nn.TransformerEncoderLayer(norm_first=True)`) on seeded inputs, with masks and one position.
 */
import { add, matmul, Rng, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  type Explanation,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  causalMask,
  feedForward,
  keyPaddingMask,
  layerNorm,
  multiHeadAttention,
  transformerEncoderBlock,
  type TransformerEncoderBlockParams,
} from '@rnn-course/transformer-bridge';
import { blockInputs, normal, randomBlock } from './inputs';

const { transformerEncoderBlockForward } = await targetModule<
  typeof import('@target/transformer-bridge/transformer-encoder-block')
>('transformer-bridge/transformer-encoder-block.ts');

// Tolerance TOLERANCES.value: two layer norms, attention and a two-layer network, exact up to
// rounding (about 1e-15 here).

/** One case: x, the block's parameters, heads and mask. */
interface Case {
  x: Tensor; // [N, T, E]
  p: TransformerEncoderBlockParams;
  h: number;
  mask?: Tensor;
}

function seededCase(
  seed: number,
  N: number,
  T: number,
  E: number,
  h: number,
  F: number,
  mask?: Tensor,
): Case {
  return { x: normal(seed, [N, T, E]), p: randomBlock(E, F, new Rng(seed + 1)), h, mask };
}

/** What a wrong output says, read against the usual slips of eqs. 4.12 and 4.14. */
function readBlockMistake(out: unknown, c: Case): Explanation {
  const { x, p, h, mask } = c;
  const ln1 = layerNorm(x, p.gamma1, p.beta1); // [N, T, E]
  const attend = (t: Tensor) => multiHeadAttention(t, t, t, p.attn, h, mask).out;
  const ln2 = (z: Tensor) => layerNorm(z, p.gamma2, p.beta2);
  const linearFfn = (u: Tensor) =>
    add(matmul(add(matmul(u, p.ffn.W1), p.ffn.b1), p.ffn.W2), p.ffn.b2);
  if (agrees(out, transformerEncoderBlock(x, p, { numHeads: h, normFirst: false }, mask).out)) {
    return {
      text:
        'out is the post-norm block (eq. 4.13), z = LN₁(x + MHA(x)): this exercise is pre-norm (eq. 4.12), ' +
        'the layer norm on the input of each branch, z = x + MHA(LN₁(x)).',
      hint: 'preNorm',
    };
  }
  const z = add(x, attend(ln1));
  if (agrees(out, add(z, linearFfn(ln2(z))))) {
    return {
      text: 'The feed-forward network has no relu: FFN(u) = max(0, u W1 + b1) W2 + b2 (eq. 4.14).',
      hint: 'ffn',
    };
  }
  const zNorm = add(ln1, attend(ln1));
  if (agrees(out, add(zNorm, feedForward(ln2(zNorm), p.ffn)))) {
    return {
      text: 'The first residual adds LN₁(x): it adds the block’s input itself, z = x + MHA(LN₁(x)).',
      hint: 'preNorm',
    };
  }
  const zRaw = add(x, attend(x));
  if (agrees(out, add(zRaw, feedForward(ln2(zRaw), p.ffn)))) {
    return {
      text: 'Attention reads x: in a pre-norm block it reads LN₁(x), as query, key and value.',
      hint: 'selfAttention',
    };
  }
  if (
    agrees(out, feedForward(ln2(z), p.ffn)) ||
    agrees(out, add(attend(ln1), feedForward(ln2(attend(ln1)), p.ffn)))
  ) {
    return {
      text: 'A residual connection is missing: z = x + MHA(LN₁(x)) and out = z + FFN(LN₂(z)).',
      hint: 'preNorm',
    };
  }
  return undefined;
}

/** The learner's forward on `c` against the reference. */
async function expectBlock(c: Case, label: string) {
  const expected = transformerEncoderBlock(c.x, c.p, { numHeads: c.h, normFirst: true }, c.mask);
  const got = await transformerEncoderBlockForward(c.x, c.p, c.h, c.mask);
  const why = { hint: 'preNorm', explain: () => readBlockMistake(got.out, c) };
  expectShape(got.out, c.x.shape, `out ${label}`, why);
  expectClose(got.out, expected.out, { what: `out ${label}`, tol: TOLERANCES.value, ...why });
  expectClose(got.weights, expected.weights, {
    what: `weights ${label}`,
    tol: TOLERANCES.value,
    hint: 'selfAttention',
  });
  return got;
}

exercise('transformer-bridge/transformer-encoder-block-forward', () => {
  check('out and weights match the reference (N = 2, T = 4, E = 8, h = 2, F = 16)', 2, async () => {
    await expectBlock(seededCase(1901, 2, 4, 8, 2, 16), '(no mask)');
  });

  // Masks passed on to attention, one position of a batch of one, and the promises of the doc
  // comment: x of the wrong width refused, inputs unchanged, out new. Same tolerance; with the
  // values, so that doing nothing scores nothing.
  check(
    'causal and padding masks, N = T = 1; refuses x of the wrong width; inputs unchanged',
    1,
    async () => {
      await expectBlock(seededCase(1911, 2, 4, 4, 2, 8, causalMask(4)), '(causal mask)');
      await expectBlock(
        seededCase(1912, 2, 3, 4, 1, 8, keyPaddingMask([3, 1], 3)),
        '(padding mask)',
      );
      await expectBlock(seededCase(1913, 1, 1, 4, 2, 6), '(N = T = 1)');
      const c = seededCase(1914, 2, 3, 4, 2, 6);
      const inputs = { x: c.x, ...blockInputs(c.p) };
      const got = await expectNoInputMutation(inputs, () => expectBlock(c, '(x [2, 3, 4])'), {
        what: 'transformerEncoderBlockForward',
      });
      await expectThrows(() => transformerEncoderBlockForward(normal(1915, [2, 3, 5]), c.p, 2), {
        what: 'transformerEncoderBlockForward',
        name: 'ShapeError',
        argument: 'x',
        when: 'x [2, 3, 5] for a block of width E = 4',
        hint: 'preNorm',
      });
    },
    { requires: ['out and weights match the reference (N = 2, T = 4, E = 8, h = 2, F = 16)'] },
  );
});
