/**
 * Chapter 2's exercises, in the order the chapter teaches them: the title of each, its points,
 * the section of the chapter text that teaches it (packages/lstm-gru/README.md), its week in the
 * syllabus and its hints, by key, from a nudge to the exact step. Equation numbers are the
 * chapter's. Each id names the function, the file and the grading suite (see the grader's
 * README, "Names"): the LSTM's step in `lstm-step.ts`, the LSTM layer (sequence and PyTorch
 * weights) in `lstm.ts`, and the same for the GRU.
 */
import { defineChapter } from '@rnn-course/grader';

export default defineChapter({
  chapter: 'lstm-gru',
  title: 'Gated recurrent networks: LSTM and GRU',
  package: 'packages/lstm-gru',
  exercises: [
    {
      id: 'lstm-gru/lstm-step-forward',
      title: 'LSTM step forward',
      points: 3,
      section: 'the-lstm-cell',
      week: 5,
      hints: {
        ops:
          'Useful core ops: matmul, add, narrow(t, axis, start, length), sigmoid, tanh and mul ' +
          '(see @rnn-course/core, src/index.ts).',
        preactivation:
          'Eq. 2.1: one pre-activation for all four blocks, a = x Wx + prevH Wh + b, of shape ' +
          '[N, 4H]: x [N, D] times Wx [D, 4H], prevH [N, H] times Wh [H, 4H], b [4H] broadcast ' +
          'over the rows.',
        gateOrder:
          "Eq. 2.2: the blocks of H columns are, in PyTorch's order, i (columns 0 to H−1), " +
          'f (H to 2H−1), g (2H to 3H−1) and o (3H to 4H−1). i, f and o go through the sigmoid, ' +
          "the candidate g through tanh. (CS231n's assignment uses the order i, f, o, g; this " +
          "course uses PyTorch's.)",
        cell:
          'Eq. 2.3: c_t = f ⊙ c_{t−1} + i ⊙ g, elementwise. The forget gate f multiplies the ' +
          'previous cell state prevC (not prevH, not g); the input gate i multiplies the candidate g.',
        output:
          'Eq. 2.4: h_t = o ⊙ tanh(c_t), the tanh of the new cell state c_t you have just ' +
          'computed, not of prevC.',
        shapes:
          'Refuse what does not fit before computing: x [N, D], Wx [D, 4H] (a column count that ' +
          'is a multiple of 4), Wh [H, 4H], b [4H], prevH and prevC [N, H]. The core’s ' +
          'assertShape(op, t, expected, name) throws a ShapeError naming your function and the ' +
          'argument.',
        step:
          'In order: the pre-activation, its four blocks sliced with narrow and squashed, nextC, ' +
          'tanh(nextC), nextH. The cache keeps what the backward multiplies by: x, prevH, prevC, ' +
          'Wx, Wh, the four gate values and tanh(c_t).',
      },
    },
    {
      id: 'lstm-gru/lstm-step-backward',
      handDerived: true,
      title: 'LSTM step backward',
      points: 5,
      section: 'backward-through-the-lstm',
      week: 5,
      hints: {
        ops: 'Useful core ops: mul, sub, square, concat(tensors, axis), matmul, transpose, sum(a, axis).',
        order:
          'Walk the forward backwards: eq. 2.4 (h_t from o and c_t), eq. 2.3 (c_t from f, c_{t−1}, ' +
          'i, g), eq. 2.2 (the nonlinearities), eq. 2.1 (the affine map). Each stage turns the ' +
          'gradients of its outputs into those of its inputs.',
        twoPaths:
          'Eq. 2.5: c_t reaches the loss along two paths, directly (dnextC) and through ' +
          'h_t = o ⊙ tanh(c_t). So δc = dnextC + dnextH ⊙ o ⊙ (1 − tanh²(c_t)), with the tanh of ' +
          'the new cell state c_t. Leaving out the second term is the usual slip.',
        products:
          'Eq. 2.6: each factor of a product receives the upstream gradient times the other ' +
          'factor: o gets dnextH ⊙ tanh(c_t), i gets δc ⊙ g, g gets δc ⊙ i, f gets δc ⊙ c_{t−1}, ' +
          'and c_{t−1} gets δc ⊙ f, which is dprevC.',
        gateDerivative:
          'Eq. 2.7: σ′ and tanh′ are read off the gate values the forward kept: the factor is ' +
          'i ⊙ (1 − i), f ⊙ (1 − f), o ⊙ (1 − o) for the sigmoid gates and 1 − g² for the ' +
          'candidate. Evaluated on the pre-activation a instead, they give wrong numbers that ' +
          'look plausible.',
        affine:
          "Eq. 2.8: join the four blocks back, in the forward's order i, f, g, o, into δa " +
          '[N, 4H] (concat on axis 1). Then dx = δa Wxᵀ, dprevH = δa Whᵀ, dWx = xᵀ δa, ' +
          'dWh = h_{t−1}ᵀ δa and db is δa summed over the batch axis.',
        step:
          'Check first that dnextH and dnextC have the shape [N, H] of the states. Then δc from its ' +
          'two terms, the four gate gradients and dprevC, the four δa blocks, and last the ' +
          'affine part, each gradient shaped like the input it belongs to.',
      },
    },
    {
      id: 'lstm-gru/lstm-forward',
      title: 'LSTM forward over a sequence',
      points: 3,
      section: 'the-lstm-cell',
      week: 5,
      hints: {
        unroll:
          'Unroll eqs. 2.1–2.4 through time: the same Wx, Wh and b at every step, each step ' +
          'starting from the states the previous step produced, (h0, c0) for the first.',
        carryCell:
          "Both states pass from step to step: the next step's prevH is this step's nextH and its " +
          "prevC is this step's nextC, not c0.",
        stack:
          'timeStep(x, t) gives x_t [N, D]; stepsToSequence stacks T tensors [N, H] into ' +
          '[N, T, H], once for h and once for c. Keep every step’s cache for the backward.',
        shapes:
          'Refuse what does not fit before the loop, in lstmForward’s own name: x [N, T, D] with ' +
          'T >= 1, Wx [D, 4H], Wh [H, 4H], b [4H], h0 and c0 [N, H]. assertShape names the ' +
          'function and the argument.',
        step:
          'One loop over t from 0 to T−1 calling your lstmStepForward on x_t and the carried ' +
          '(h, c); after it, stack the T hidden states and the T cell states, and keep the T step ' +
          'caches and the sizes N, T, D, H for the backward.',
      },
    },
    {
      id: 'lstm-gru/lstm-backward',
      handDerived: true,
      title: 'LSTM backpropagation through time',
      points: 6,
      section: 'backward-through-the-lstm',
      week: 5,
      hints: {
        backwards:
          'Walk the steps backwards, t = T−1 down to 0, calling your lstmStepBackward with the ' +
          'cache of step t.',
        carry:
          'Eq. 2.9: step t receives dh[:, t] plus the dprevH that step t+1 returned, and dc[:, t] ' +
          'plus the dprevC that step t+1 returned. After the last step nothing arrives: both ' +
          'carried gradients start at zero.',
        cellCarry:
          'The cell state also feeds the next step, through c_{t+1} = f ⊙ c_t + i ⊙ g: without ' +
          'the carried dprevC every gradient is right at the last step and wrong before it, and ' +
          'the error grows with the distance.',
        sums:
          'Wx, Wh and b are shared by every step, so dWx, dWh and db add up the steps’ ' +
          'gradients. dx collects each step’s dx; what leaves step 0 is dh0 and dc0.',
        step:
          'Before the loop: dh and dc must be [N, T, H], the two carried gradients and the three ' +
          'sums start at zero. In each step, from T−1 down to 0: add each carried gradient to its ' +
          'upstream gradient at step t, run the step backward on the two sums with cache t, add ' +
          'its parameter gradients to the sums, keep its dx, carry its dprevH and dprevC.',
      },
    },
    {
      id: 'lstm-gru/gru-step-forward',
      title: 'GRU step forward',
      points: 3,
      section: 'the-gru',
      week: 6,
      hints: {
        ops: 'Useful core ops: matmul, add, narrow, sigmoid, tanh, mul, sub and onesLike.',
        twoParts:
          'Keep the two affine parts apart: x Wx + bx and prevH Wh + bh, both [N, 3H], with the ' +
          "blocks r, z, n in PyTorch's order (columns 0 to H−1, H to 2H−1, 2H to 3H−1).",
        gates: 'Eq. 2.12: r and z are the sigmoids of the sums of their blocks of the two parts.',
        reset:
          'Eq. 2.13: the reset gate multiplies the recurrent part of the candidate after its ' +
          'matrix product: r ⊙ (prevH Wh^n + bh^n), the n block of the recurrent part, with ' +
          'bh^n inside the product and bx^n outside it. Not (r ⊙ prevH) Wh^n.',
        interpolate:
          'Eq. 2.14: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. z keeps the old state and 1 − z lets the ' +
          "candidate in (PyTorch's convention; some papers swap the two).",
        shapes:
          'Refuse what does not fit before computing: x [N, D], Wx [D, 3H] (a column count that ' +
          'is a multiple of 3), Wh [H, 3H], bx and bh [3H], prevH [N, H].',
        step:
          'In order: the two affine parts, r and z, the candidate n from the input part’s n ' +
          'block plus r times the recurrent part’s n block, then nextH. The cache keeps x, prevH, ' +
          'Wx, Wh, r, z, n and the recurrent n block hn (prevH Wh^n + bh^n).',
      },
    },
    {
      id: 'lstm-gru/gru-step-backward',
      handDerived: true,
      title: 'GRU step backward',
      points: 5,
      section: 'backward-through-the-gru',
      week: 6,
      hints: {
        ops: 'Useful core ops: mul, sub, square, onesLike, concat, matmul, transpose, sum(a, axis).',
        interpolate:
          'Eq. 2.15: h_t is linear in n, z and h_{t−1}: n gets dnextH ⊙ (1 − z), z gets ' +
          'dnextH ⊙ (h_{t−1} − n), and h_{t−1} gets dnextH ⊙ z directly, around every weight.',
        reset:
          'Eq. 2.16: through the tanh (factor 1 − n²) to δaⁿ, then through the product r ⊙ hn: ' +
          'r gets δaⁿ ⊙ hn and the recurrent n block gets δaⁿ ⊙ r, while the input n block gets ' +
          'δaⁿ itself.',
        gateDerivative:
          'Eq. 2.17: σ′ from the gate values the forward kept, r ⊙ (1 − r) and z ⊙ (1 − z), never ' +
          'evaluated on the pre-activations.',
        affine:
          'Eq. 2.18: one [N, 3H] gradient per affine part, with the same r and z blocks and ' +
          'different n blocks. dx, dWx and dbx come from the input one; dWh, dbh and the matrix ' +
          'part of dprevH from the recurrent one.',
        directPath:
          'dprevH has two terms: the direct path dnextH ⊙ z of eq. 2.15, which is the GRU’s ' +
          'carousel, plus the recurrent gradient times Whᵀ.',
        step:
          'Check first that dnextH has the shape [N, H] of h_t. Then the three gradients of ' +
          'eq. 2.15, δaⁿ, dr and the recurrent n block, the two sigmoid gradients, the two [N, 3H] ' +
          'blocks, and last the six gradients of eq. 2.18.',
      },
    },
    {
      id: 'lstm-gru/gru-forward',
      title: 'GRU forward over a sequence',
      points: 3,
      section: 'the-gru',
      week: 6,
      hints: {
        unroll:
          'Unroll eqs. 2.12–2.14 through time: the same Wx, Wh, bx and bh at every step, each ' +
          'step starting from the hidden state the previous one produced (h0 for the first).',
        stack:
          'timeStep(x, t) gives x_t [N, D]; stepsToSequence stacks T tensors [N, H] into ' +
          'h [N, T, H]. Keep every step’s cache for the backward.',
        shapes:
          'Refuse what does not fit before the loop, in gruForward’s own name: x [N, T, D] with ' +
          'T >= 1, Wx [D, 3H], Wh [H, 3H], bx and bh [3H], h0 [N, H].',
        step:
          'One loop over t from 0 to T−1 calling your gruStepForward on x_t and the carried h; ' +
          'after it, stack the T states and keep the T step caches and the sizes N, T, D, H.',
      },
    },
    {
      id: 'lstm-gru/gru-backward',
      handDerived: true,
      title: 'GRU backpropagation through time',
      points: 5,
      section: 'backward-through-the-gru',
      week: 6,
      hints: {
        backwards:
          'Walk the steps backwards, t = T−1 down to 0, calling your gruStepBackward with the ' +
          'cache of step t.',
        carry:
          'Step t receives dh[:, t] plus the dprevH that step t+1 returned (chapter 1’s eq. 1.4); ' +
          'after the last step nothing arrives, so the carried gradient starts at zero.',
        sums:
          'Wx, Wh, bx and bh are shared by every step: their gradients add up over the steps. dx ' +
          'collects each step’s dx; what leaves step 0 is dh0.',
        step:
          'Before the loop: dh must be [N, T, H]; the carried gradient and the four sums start at ' +
          'zero. In each step, from T−1 down to 0: add the carried gradient to dh at step t, run ' +
          'the step backward with cache t, add its parameter gradients to the sums, keep its dx, ' +
          'carry its dprevH.',
      },
    },
    {
      id: 'lstm-gru/lstm-load-state-dict',
      title: 'Loading a PyTorch LSTM state_dict',
      points: 3,
      section: 'loading-and-saving-pytorch-weights',
      week: 6,
      hints: {
        layout:
          'PyTorch stores weight_ih_l0 [4H, D], weight_hh_l0 [4H, H] and two biases [4H], and ' +
          'computes x W_ihᵀ + b_ih + h W_hhᵀ + b_hh. The course wants Wx [D, 4H], Wh [H, 4H] and ' +
          'one b [4H].',
        convert:
          'Eq. 2.20: transpose both weights and add the two biases (only their sum enters the ' +
          'cell). The gate blocks are in the same order i, f, g, o in both, so nothing is reordered.',
        check:
          'Before converting, check the keys and the shapes. A missing or an unexpected key is an ' +
          'Error that names it; a value whose shape is not the layer’s is a ShapeError naming ' +
          'the key with the shape expected for this D and H and the shape received (the core’s ' +
          'ShapeError takes the operation, the expected and the received shape).',
        trainable:
          'Return new tensors that require gradients (fromData with requiresGrad, or clone and ' +
          'set requiresGrad), so that the loaded layer can be trained; the state_dict itself is ' +
          'left as it was.',
      },
    },
    {
      id: 'lstm-gru/lstm-state-dict',
      title: 'Saving an LSTM as a PyTorch state_dict',
      points: 2,
      section: 'loading-and-saving-pytorch-weights',
      week: 6,
      hints: {
        layout:
          'The four keys, in order, are weight_ih_l0 [4H, D], weight_hh_l0 [4H, H], bias_ih_l0 ' +
          '[4H] and bias_hh_l0 [4H], each as nested arrays of numbers (tensor.toArray()).',
        convert:
          'Eq. 2.20 backwards: transpose Wx and Wh. PyTorch adds its two biases, so their sum ' +
          'must be b: all of b in bias_ih_l0 and zeros in bias_hh_l0 (b in both would give 2b).',
        check:
          'Check the layout first: Wh [H, 4H] gives H, then Wx must be [D, 4H] and b [4H]; ' +
          'anything else is a ShapeError naming your function and the parameter.',
      },
    },
    {
      id: 'lstm-gru/gru-load-state-dict',
      title: 'Loading a PyTorch GRU state_dict',
      points: 3,
      section: 'loading-and-saving-pytorch-weights',
      week: 6,
      hints: {
        layout:
          'PyTorch stores weight_ih_l0 [3H, D], weight_hh_l0 [3H, H] and two biases [3H], gate ' +
          'blocks r, z, n. The course wants Wx [D, 3H], Wh [H, 3H], bx [3H] and bh [3H].',
        convert:
          'Eq. 2.20: transpose both weights and keep the biases apart, bx from bias_ih_l0 and bh ' +
          'from bias_hh_l0. Adding them, as for the LSTM, changes the model: bh’s n block sits ' +
          'inside r ⊙ (…) in eq. 2.13 and bx’s does not.',
        check:
          'Before converting, check the keys and the shapes. A missing or an unexpected key is an ' +
          'Error that names it; a value whose shape is not the layer’s is a ShapeError naming the ' +
          'key with the shape expected for this D and H and the shape received.',
        trainable:
          'Return new tensors that require gradients, so that the loaded layer can be trained; ' +
          'the state_dict itself is left as it was.',
      },
    },
    {
      id: 'lstm-gru/gru-state-dict',
      title: 'Saving a GRU as a PyTorch state_dict',
      points: 2,
      section: 'loading-and-saving-pytorch-weights',
      week: 6,
      hints: {
        layout:
          'The four keys, in order, are weight_ih_l0 [3H, D], weight_hh_l0 [3H, H], bias_ih_l0 ' +
          '[3H] and bias_hh_l0 [3H], each as nested arrays of numbers (tensor.toArray()).',
        convert:
          'Eq. 2.20 backwards: transpose Wx and Wh; bx goes to bias_ih_l0, bh to bias_hh_l0.',
        check:
          'Check the layout first: Wh [H, 3H] gives H, then Wx must be [D, 3H] and bx, bh [3H]; ' +
          'anything else is a ShapeError naming your function and the parameter.',
      },
    },
  ],
});
