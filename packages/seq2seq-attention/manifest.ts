/**
 * Chapter 3's exercises, in the order the chapter teaches them: the title of each, its points,
 * the section of the chapter text that teaches it (packages/seq2seq-attention/README.md), its
 * week in the syllabus and its hints, by key, from a nudge to nearly the answer. Equation numbers
 * are the chapter's. Each id names the function, the file and the grading suite (see the grader's
 * README, "Adding an exercise").
 */
import { defineChapter } from '@rnn-course/grader';

export default defineChapter({
  chapter: 'seq2seq-attention',
  title: 'Sequence to sequence: bidirectional and deep RNNs, attention, beam search and CTC',
  package: 'packages/seq2seq-attention',
  exercises: [
    {
      id: 'seq2seq-attention/bidirectional-rnn-forward',
      title: 'Bidirectional RNN forward',
      points: 3,
      section: 'bidirectional-rnns',
      week: 7,
      hints: {
        ops:
          "Useful: chapter 1's rnn (from @rnn-course/rnn) for each direction, and the core's " +
          'reverseSequence(x, lengths) and concat([a, b], axis).',
        reverse:
          'The backward direction reads each sequence from its last real step down to step 0 ' +
          '(eq. 3.2). With padding, that is a reversal within each length: the padding stays at ' +
          'the end, so the backward RNN starts on real input, not on padding.',
        reverseBack:
          'The backward RNN produces its states in its own reading order. Reverse them back (the ' +
          'same reversal, within each length) so that position t holds the state that has read ' +
          'x_t … x_{len−1}, then concatenate on the feature axis (eq. 3.3): h [N, T, 2H].',
        shapes:
          'Refuse what does not fit before computing: x [N, T >= 1, D], Wxf and Wxb [D, H], Whf ' +
          'and Whb [H, H], bf and bb [H], h0f and h0b [N, H], and N lengths when given. ' +
          'assertShape(op, t, expected, name) names your function and the argument; a ShapeError ' +
          'of your own can say what lengths should hold.',
        step:
          'Forward RNN on x from h0f; backward RNN on reverseSequence(x, lengths) from h0b; ' +
          'reverseSequence of its states with the same lengths; concatenate the two on axis 2. ' +
          'Keep what the backward needs: x, the reversed input, both initial states, the weights, ' +
          'the lengths and H.',
      },
    },
    {
      id: 'seq2seq-attention/bidirectional-rnn-backward',
      autogradAllowed:
        "each direction's BPTT is chapter 1's rnn-backward (the core's vjp may compute it); reversing, splitting and adding the directions' gradients is derived by hand",
      title: 'Bidirectional RNN backward',
      points: 4,
      section: 'bidirectional-rnns',
      week: 7,
      hints: {
        ops:
          "Useful: narrow(dh, 2, start, H) splits the halves; the core's vjp(rnn, inputs, dout) " +
          "gives chapter 1's BPTT gradients by name (dx, dh0, dWx, dWh, db).",
        split:
          'h = [h→ ; h←] on the last axis, so dh splits the same way: the first H features belong ' +
          'to the forward direction, the last H to the backward one (eq. 3.4).',
        reverse:
          'The backward half was reversed back after its RNN ran, so its gradient must be ' +
          'reversed (within each length) before it goes through that RNN, and the input gradient ' +
          'that RNN returns is in reversed order too: reverse it back before adding it to dx.',
        step:
          'Check dh is [N, T, 2H]. BPTT of the forward RNN with the first half; BPTT of the ' +
          'backward RNN on the reversed input with the reversed second half; dx is the forward ' +
          "direction's dx plus the reversed dx of the backward direction; the rest are named " +
          'after their direction (dh0f, dWxf, …, dh0b, dWxb, …).',
      },
    },
    {
      id: 'seq2seq-attention/stacked-rnn-forward',
      title: 'Stacked RNN forward with dropout between layers',
      points: 3,
      section: 'deep-rnns',
      week: 7,
      hints: {
        ops:
          "Useful: chapter 1's rnn for each layer, and the core's dropoutMask(shape, p, rng) and " +
          'mul.',
        layers:
          'Layer 0 reads x; layer l reads the states of layer l − 1 (eq. 3.5). Each layer starts ' +
          'from its own initial state h0[l] and has its own Wx, Wh, b; only the top layer’s ' +
          'states are returned.',
        dropout:
          'Dropout goes on the connection between layers, never on the recurrent one: draw a mask ' +
          'for the input of every layer above the first, in the order l = 1, …, L−1, and only ' +
          'when an rng is given and p > 0. Keep each mask for the backward.',
        shapes:
          'Refuse an empty list of layers, a number of initial states that differs from the ' +
          'number of layers, and weights that do not fit the layer below: layer l’s Wx has as ' +
          'many rows as the layer below has units.',
        step:
          'Loop over the layers: (for l >= 1 and with dropout) multiply the input by a new mask; ' +
          'remember the input and the mask; run the RNN from h0[l]; its states become the next ' +
          "layer's input. Return the last states with the inputs, masks, h0 and layers.",
      },
    },
    {
      id: 'seq2seq-attention/stacked-rnn-backward',
      autogradAllowed:
        "each layer's BPTT is chapter 1's rnn-backward (the core's vjp may compute it); passing the gradient down the stack is derived by hand",
      title: 'Stacked RNN backward',
      points: 4,
      section: 'deep-rnns',
      week: 7,
      hints: {
        ops: "Useful: the core's vjp(rnn, inputs, dout) for each layer's BPTT, and mul.",
        order:
          'Go from the top layer down (eq. 3.6): the gradient of layer l’s input is the gradient ' +
          'of the states of layer l − 1, which the layer below needs before its own BPTT.',
        dropout:
          'The input of layer l was d ⊙ h^(l−1), so the gradient of h^(l−1) is d ⊙ (the gradient ' +
          'of the input): multiply by the same mask the forward drew, not a new one.',
        step:
          'Check dh is the shape of the top layer’s states. For l from L − 1 down to 0: BPTT of ' +
          'layer l with the gradient so far, keep its dh0 and weight gradients at index l, and ' +
          "pass its dx (through layer l's mask, if any) down. What is left after layer 0 is dx.",
      },
    },
    {
      id: 'seq2seq-attention/masked-softmax-forward',
      title: 'Masked softmax forward',
      points: 2,
      section: 'padding-and-masks',
      week: 7,
      hints: {
        axis:
          'The softmax runs along the last axis, over the source positions of one row: each row ' +
          'of the weights sums to 1 over its valid positions (eq. 3.11).',
        mask:
          'Padding must get exactly zero weight: leave the masked positions out of the sum and ' +
          'out of the maximum, and set their weight to 0. Adding a large negative number to their ' +
          'scores leaves a tiny weight and breaks on a row with no valid position.',
        stable:
          'Subtract the largest valid score of the row before exponentiating: e^{e − max} never ' +
          'overflows, and the ratio is unchanged. A row with no valid position is all zeros, not ' +
          '0/0.',
        shapes: 'Refuse a mask whose shape differs from the scores’ with a ShapeError naming mask.',
        step:
          'For each row: the largest score among valid positions; the exponential of (score − ' +
          'that maximum) at valid positions, 0 elsewhere; divide by their sum. Keep the weights ' +
          'in the cache.',
      },
    },
    {
      id: 'seq2seq-attention/masked-softmax-backward',
      handDerived: true,
      title: 'Masked softmax backward',
      points: 3,
      section: 'padding-and-masks',
      week: 7,
      hints: {
        jacobian:
          'For one row, ∂α_t/∂e_u = α_t ([t = u] − α_u). Multiplied by the upstream gradient, ' +
          'that is eq. 3.12: de_t = α_t (dα_t − Σ_u α_u dα_u).',
        mask:
          'Padded positions have α = 0, so the formula already gives them zero gradient: no extra ' +
          'case, as long as the forward left them at exactly 0.',
        step:
          'Check dweights has the shape of the weights. Per row: the dot product of α and dα, ' +
          'then α_t times (dα_t minus that dot product) at every position.',
      },
    },
    {
      id: 'seq2seq-attention/additive-attention-forward',
      title: 'Additive attention forward',
      points: 3,
      section: 'additive-attention',
      week: 7,
      hints: {
        ops:
          'Useful: matmul (it broadcasts [N, T, Hk]·[Hk, A]), reshape, add, tanh; your ' +
          'maskedSoftmaxForward; the given weightedSumForward and checkAttentionShapes.',
        query:
          'The query is the decoder state s_t, [N, Hq]: project it once with Wq and add it to ' +
          'every position’s projected key (eq. 3.14). Reshaping q Wq to [N, 1, A] makes add ' +
          'broadcast it over the T positions.',
        scores:
          'e_{n,t} = v · tanh(q_n Wq + k_{n,t} Wk): a [N, T, A] tensor times v [A] gives the ' +
          'scores [N, T], one per source position.',
        mask: 'The weights come from your masked softmax over the positions, with the mask.',
        shapes:
          'Refuse what does not fit before computing: query [N, Hq], keys [N, T, Hk], values ' +
          '[N, T, Hv], mask [N, T], Wq [Hq, A], Wk [Hk, A], v [A]. checkAttentionShapes covers ' +
          'the first four.',
        step:
          'Project the query and the keys, add, tanh: the hidden layer u [N, T, A]; scores u·v; ' +
          'weights by the masked softmax; context by the weighted sum of the values. Keep u, the ' +
          'inputs and the two caches.',
      },
    },
    {
      id: 'seq2seq-attention/additive-attention-backward',
      handDerived: true,
      title: 'Additive attention backward',
      points: 5,
      section: 'additive-attention',
      week: 7,
      hints: {
        ops:
          'Useful: the given weightedSumBackward, your maskedSoftmaxBackward, matmul, transpose, ' +
          'reshape, sum(t, axis).',
        chain:
          'Walk eq. 3.15 from the output back: the weighted sum gives dα and dvalues; the masked ' +
          'softmax gives de; e = u · v gives dv and du; the tanh gives δ = du ⊙ (1 − u²).',
        tanhOutput:
          'tanh′ = 1 − u², read off the hidden layer u the forward kept, not recomputed from the ' +
          'pre-activation.',
        query:
          'The projected query was added at every position, so its gradient sums δ over the ' +
          'positions t before it meets Wq: dWq = qᵀ Σ_t δ_t and dquery = (Σ_t δ_t) Wqᵀ.',
        step:
          'Check dcontext. dα, dvalues; de; dv = Σ de u; du = de v; δ; dWk from the keys and δ ' +
          'over every (n, t); dkeys = δ Wkᵀ; the query’s gradients from Σ_t δ.',
      },
    },
    {
      id: 'seq2seq-attention/multiplicative-attention-forward',
      title: 'Multiplicative attention forward (dot and general)',
      points: 3,
      section: 'multiplicative-attention',
      week: 7,
      hints: {
        ops:
          'Useful: matmul, reshape; your maskedSoftmaxForward; the given weightedSumForward and ' +
          'checkAttentionShapes.',
        general:
          'Luong’s "general" score is q Wa kᵀ: project the query with Wa first. "dot" (Wa ' +
          'omitted) uses the query itself and needs the query and the keys to have one size.',
        scores:
          'One dot product per position (eq. 3.16): keys [N, T, Hk] times the projected query as ' +
          'a column [N, Hk, 1] gives [N, T, 1], the scores [N, T].',
        shapes:
          'Refuse what does not fit before computing: the attention shapes, Wa [Hq, Hk] when ' +
          'given, and for dot a query whose size differs from the keys’.',
        step:
          'The projected query (q Wa, or q); the scores; the masked softmax; the weighted sum. ' +
          'Keep the query, keys, Wa, the projected query and the two caches.',
      },
    },
    {
      id: 'seq2seq-attention/multiplicative-attention-backward',
      handDerived: true,
      title: 'Multiplicative attention backward',
      points: 4,
      section: 'multiplicative-attention',
      week: 7,
      hints: {
        chain:
          'Eq. 3.17: the weighted sum gives dα and dvalues, the masked softmax de; e_t = q̃ · k_t ' +
          'gives dq̃ = Σ_t de_t k_t and dk_t = de_t q̃.',
        general:
          'For "general", q̃ = q Wa: dWa = qᵀ dq̃ and dquery = dq̃ Waᵀ. For "dot", dquery is dq̃ ' +
          'and there is no dWa.',
        step:
          'Check dcontext. Then dα and dvalues, de, the two dot-product gradients as batched ' +
          'matrix products, and (for general) the two through Wa.',
      },
    },
    {
      id: 'seq2seq-attention/decoder-step-forward',
      title: 'One decoder step with attention',
      points: 3,
      section: 'a-decoder-step-with-attention',
      week: 8,
      hints: {
        order:
          'Luong’s order: recur, attend, combine. The RNN step (eq. 3.8) comes first, and its new ' +
          'state s_t is the query of the attention; the attentional state combines [c_t ; s_t] ' +
          '(eq. 3.9).',
        query:
          'The query is the new state s_t, not s_{t−1}; the keys and the values are both the ' +
          'encoder’s outputs, with the encoder’s mask.',
        none:
          "Without attention ('none') the context is the encoder's summary at every step and the " +
          'weights are zeros.',
        shapes:
          'Refuse what does not fit: prevS [N, Hd], x [N, E] with the rows of Wx, the memory’s ' +
          'outputs [N, S, Hc], mask [N, S] and summary [N, Hc], Wc [Hc + Hd, Hd], and the ' +
          'attention weights the kind needs.',
        step:
          'nextS by chapter 1’s rnnStep; context and weights by your attention with query nextS; ' +
          'h̃ = tanh([context ; nextS] Wc + bc); logits = h̃ Wy + by. Keep what the backward ' +
          'needs, including the attention’s cache.',
      },
    },
    {
      id: 'seq2seq-attention/decoder-step-backward',
      autogradAllowed:
        "the RNN step inside is chapter 1's rnn-step-backward (the core's vjp may compute it); the attention and read-out gradients are derived by hand",
      title: 'Decoder step backward',
      points: 5,
      section: 'a-decoder-step-with-attention',
      week: 8,
      hints: {
        paths:
          's_t reaches the loss three ways: through the next step (dnextS), through the ' +
          'combination [c_t ; s_t], and as the attention’s query. Its gradient is the sum of all ' +
          'three before it goes through the RNN step.',
        outputs:
          'The encoder’s outputs are both the keys and the values, so their gradient is dkeys + ' +
          "dvalues. Without attention, the context's gradient goes to the summary instead.",
        tanhOutput: 'h̃ = tanh(a): da = dh̃ ⊙ (1 − h̃²), read off the h̃ the forward kept.',
        step:
          'Check dlogits and dnextS. Output layer (dWy, dby, dh̃), tanh (da), combination (dWc, ' +
          "dbc, d[c ; s]); split; the attention's backward from dcontext; add the three " +
          "gradients of s_t; chapter 1's step backward (vjp of rnnStep) gives dx, dprevS, dWx, dWh, " +
          'db.',
      },
    },
    {
      id: 'seq2seq-attention/seq2seq-loss-and-grad',
      autogradAllowed:
        "the encoder's and decoder's RNN steps are chapter 1's (the core's vjp may compute them); the loss over the decoder's steps and the path back through attention are derived by hand",
      title: 'Teacher-forced sequence-to-sequence loss and its gradient',
      points: 6,
      section: 'teacher-forcing-and-exposure-bias',
      week: 8,
      hints: {
        teacher:
          'Teacher forcing: the input of step t is the true previous token y_{t−1}, with sos at ' +
          't = 0, never the model’s own prediction. The inputs are the targets shifted right by ' +
          'one.',
        loss:
          "Eq. 3.10 is chapter 1's temporal softmax loss over the steps' logits, masked by the " +
          'target lengths (eos counted), divided by N.',
        encoder:
          'Every decoder step attends to the same encoder outputs: add their gradients over the ' +
          'steps, and send the sum, with what reaches s_{−1} after step 0, through the given ' +
          'encoderBackward.',
        sums:
          'The decoder’s weights are shared by every step: their gradients are summed over the ' +
          'steps, as in chapter 1’s BPTT.',
        step:
          'encoderForward; the decoder steps on the shifted targets, keeping each cache and ' +
          'logits; the loss and dz (vjp of temporalSoftmaxLoss); from the last step to the first, ' +
          'decoderStepBackward with dz_t and the carried ds, summing weights and doutputs; dEt ' +
          'from the step inputs’ gradients; encoderBackward.',
      },
    },
    {
      id: 'seq2seq-attention/greedy-decode',
      title: 'Greedy decoding',
      points: 3,
      section: 'greedy-decoding',
      week: 8,
      hints: {
        feedback:
          'At test time there is no truth to feed: the input of step t + 1 is the token chosen at ' +
          'step t (sos at step 0).',
        argmax:
          'Choose the highest score; among equal scores, the first index. The softmax is not ' +
          'needed: it does not change the order.',
        eos:
          'A sequence stops at its eos, which is not part of its output; the others go on, up to ' +
          'maxLength steps in all.',
        step:
          'encoderForward; then from s_{−1} and sos, each step: decoderStepForward, argmax per ' +
          'row, append it (and its attention weights) unless the row has finished, feed it back.',
      },
    },
    {
      id: 'seq2seq-attention/beam-search',
      title: 'Beam search with length normalisation',
      points: 5,
      section: 'beam-search',
      week: 8,
      hints: {
        extend:
          'Each live hypothesis is extended by every token: log p of the extension is the ' +
          'hypothesis’s log p plus log softmax(z)[v] of its next step. Run the live hypotheses as ' +
          'one batch.',
        keep:
          'Of all extensions, keep the K − (number finished) best by log p (ties: earlier ' +
          'hypothesis, then lower id). One that ends in eos is finished: set it aside and never ' +
          'drop it.',
        normalise:
          'Longer hypotheses have more negative log p. Eq. 3.18 compares them by log p / |Y|^α, ' +
          'with |Y| counting eos for a finished hypothesis.',
        order:
          'Return the finished hypotheses before the unfinished ones, each group sorted by score ' +
          '(ties: log p).',
        step:
          'Stop at K finished or maxLength steps; the live ones are returned unfinished. Refuse ' +
          'a beamWidth or maxLength that is not an integer >= 1 with a RangeError naming it.',
      },
    },
    {
      id: 'seq2seq-attention/ctc-loss-and-grad',
      handDerived: true,
      title: 'CTC loss and its gradient',
      points: 6,
      section: 'the-forward-and-backward-recursions',
      week: 8,
      hints: {
        extended:
          "Extend the labels with blanks: l' = (blank, l_1, blank, …, l_L, blank), S = 2L + 1 " +
          'positions.',
        skip:
          'α_t(s) adds α_{t−1}(s), α_{t−1}(s − 1) and, only when l′_s is a label different from ' +
          'l′_{s−2}, α_{t−1}(s − 2): between two equal labels the blank cannot be skipped, ' +
          'otherwise the two would merge into one.',
        logSpace:
          'A product of T probabilities underflows to 0 for long inputs. Keep α and β as logs and ' +
          'add them with log(e^a + e^b) = m + log(1 + e^{−|a−b|}), m the larger, exact for −∞.',
        gradient:
          'Eq. 3.23: the gradient with respect to log y_t(k) is −Σ_{s: l′_s = k} α_t(s) β_t(s) / p ' +
          'in log space, times the reduction’s factor; frames beyond a sequence’s input length ' +
          'get zero.',
        refuse:
          'Refuse logProbs that is not [N, T, C], N targets and N inputLengths, a label that is ' +
          'the blank or outside 0..C−1, an input length outside 1..T.',
        step:
          'Per sequence: the extended labels; α forward in time; β backward in time; log p from ' +
          'the last two positions; the loss −log p; the gradient from α + β − log p. Then the ' +
          "reduction: 'mean' divides each loss by its label count (at least 1) and by N.",
      },
    },
  ],
});
