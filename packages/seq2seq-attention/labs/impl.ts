/**
 * Which implementation a lab trains on (`--impl`): the chapter's reference (gradients by the
 * core's autograd, CTC by its alpha-beta op) or the worked solutions, whose hand-written loss
 * and gradient become one node of the autograd graph through the core's `customOp`, so that the
 * training loop is the same for both.
 *
 * The chapter's exercise stubs are not written yet; `--impl exercises` says so.
 */
import { customOp, fromData, scale } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { ArgsError } from '@rnn-course/lab';
import type { Impl } from '@rnn-course/lab';
import { ctcLoss, seq2seqLoss, seq2seqParameters } from '../src/index';
import type { CtcLossOptions, Seq2Seq, Seq2SeqBatch } from '../src/index';
import { ctcLossAndGrad as solutionCtcLoss } from '../../../solutions/seq2seq-attention/ctc-loss';
import { seq2seqLossAndGrad as solutionSeq2seqLoss } from '../../../solutions/seq2seq-attention/seq2seq-loss';

/** The losses a lab trains with, as differentiable scalars. */
export interface LabImpl {
  impl: Impl;
  /** eq. 3.10 on a batch; `.backward()` fills the model's gradients */
  seq2seqLoss(model: Seq2Seq, batch: Seq2SeqBatch): Tensor;
  /** eqs. 3.20–3.23, reduction 'mean' or 'sum' */
  ctcLoss(
    logProbs: Tensor,
    targets: readonly (readonly number[])[],
    inputLengths: readonly number[],
    options: CtcLossOptions,
  ): Tensor;
  /** one line saying whose code runs */
  report: string;
}

const reference: LabImpl = {
  impl: 'reference',
  seq2seqLoss,
  ctcLoss,
  report: 'reference implementation (gradients by autograd; CTC by its alpha-beta op)',
};

/** The worked solutions' losses, each one node of the graph. */
const solutions: LabImpl = {
  impl: 'solutions',
  seq2seqLoss(model, batch) {
    const entries = seq2seqParameters(model);
    const names = entries.map(([k]) => k);
    return customOp({
      name: 'seq2seqLoss',
      inputs: names,
      forward: (...weights) => {
        const params = Object.fromEntries(names.map((k, i) => [k, weights[i]!])) as never;
        const { loss, grads } = solutionSeq2seqLoss({ config: model.config, params }, batch);
        return { out: fromData([loss], []), cache: grads };
      },
      // The loss is a scalar: its upstream gradient is one number scaling every gradient.
      backward: (dout, grads: Record<string, Tensor>) =>
        Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, scale(g, dout.item())])),
    })(...entries.map(([, t]) => t));
  },
  ctcLoss(logProbs, targets, inputLengths, options) {
    if (options.reduction === 'none') {
      throw new ArgsError("the solutions' ctcLoss reduces with 'mean' or 'sum'");
    }
    const reduction = options.reduction ?? 'mean';
    return customOp({
      name: 'ctcLoss',
      inputs: ['logProbs'],
      forward: (lp) => {
        const { loss, dlogProbs } = solutionCtcLoss(lp as Tensor, targets, inputLengths, {
          blank: options.blank ?? 0,
          reduction,
        });
        return { out: fromData([loss], []), cache: dlogProbs };
      },
      backward: (dout, dlogProbs: Tensor) => ({ dlogProbs: scale(dlogProbs, dout.item()) }),
    })(logProbs);
  },
  report: 'worked solutions (hand-written seq2seq and CTC gradients, through customOp)',
};

/**
 * The implementation named by `--impl`.
 *
 * @throws ArgsError for 'exercises', which this chapter does not have yet
 */
export function loadImpl(impl: Impl): LabImpl {
  if (impl === 'reference') return reference;
  if (impl === 'solutions') return solutions;
  throw new ArgsError(
    "--impl exercises: chapter 3's exercise files are not written yet; use --impl reference or --impl solutions",
  );
}
