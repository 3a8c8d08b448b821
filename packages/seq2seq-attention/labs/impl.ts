/**
 * Which implementation a lab trains on (`--impl`): the chapter's reference (gradients by the
 * core's autograd, CTC by its alpha-beta op), the worked solutions, or the learner's exercise
 * files. Solutions and exercises are found through the chapter's manifest (the grader's
 * `loadFunctions`, which grades a learner's functions first); their hand-written loss and
 * gradient become one node of the autograd graph through the core's `customOp`, so that the
 * training loop is the same for all three. A loss whose exercise is a stub or fails its grader
 * falls back to the reference, and the lab's log says which and why.
 */
import { customOp, fromData, scale } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { loadFunctions, pieceReport } from '@rnn-course/grader';
import { ArgsError } from '@rnn-course/lab';
import type { Impl } from '@rnn-course/lab';
import { ctcLoss, seq2seqLoss, seq2seqParameters } from '../src/index';
import type { CtcLossOptions, Seq2Seq, Seq2SeqBatch } from '../src/index';

/** The hand-written losses of the exercises `seq2seq-loss-and-grad` and `ctc-loss-and-grad`. */
interface HandWritten {
  seq2seqLossAndGrad(
    model: Pick<Seq2Seq, 'config' | 'params'>,
    batch: Seq2SeqBatch,
  ): { loss: number; grads: Record<string, Tensor> };
  ctcLossAndGrad(
    logProbs: Tensor,
    targets: readonly (readonly number[])[],
    inputLengths: readonly number[],
    options: { blank: number; reduction: 'mean' | 'sum' },
  ): { loss: number; dlogProbs: Tensor };
}

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

/** Hand-written losses, each one node of the graph; a missing one is the reference's. */
function handWritten(impl: Impl, fns: Partial<HandWritten>, report: string): LabImpl {
  const lossAndGrad = fns.seq2seqLossAndGrad;
  const ctcAndGrad = fns.ctcLossAndGrad;
  return {
    impl,
    report,
    seq2seqLoss: !lossAndGrad
      ? seq2seqLoss
      : (model, batch) => {
          const entries = seq2seqParameters(model);
          const names = entries.map(([k]) => k);
          return customOp({
            name: 'seq2seqLoss',
            inputs: names,
            forward: (...weights) => {
              const params = Object.fromEntries(names.map((k, i) => [k, weights[i]!])) as never;
              const { loss, grads } = lossAndGrad({ config: model.config, params }, batch);
              return { out: fromData([loss], []), cache: grads };
            },
            // The loss is a scalar: its upstream gradient is one number scaling every gradient.
            backward: (dout, grads: Record<string, Tensor>) =>
              Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, scale(g, dout.item())])),
          })(...entries.map(([, t]) => t));
        },
    ctcLoss: !ctcAndGrad
      ? ctcLoss
      : (logProbs, targets, inputLengths, options) => {
          if (options.reduction === 'none') {
            throw new ArgsError(`the ${impl}' ctcLoss reduces with 'mean' or 'sum'`);
          }
          const reduction = options.reduction ?? 'mean';
          return customOp({
            name: 'ctcLoss',
            inputs: ['logProbs'],
            forward: (lp) => {
              const { loss, dlogProbs } = ctcAndGrad(lp as Tensor, targets, inputLengths, {
                blank: options.blank ?? 0,
                reduction,
              });
              return { out: fromData([loss], []), cache: dlogProbs };
            },
            backward: (dout, dlogProbs: Tensor) => ({ dlogProbs: scale(dlogProbs, dout.item()) }),
          })(logProbs);
        },
  };
}

/**
 * The implementation named by `--impl`. A learner's functions are graded first: a loss whose
 * exercise does not pass runs on the reference, and `report` says which exercise failed and how.
 *
 * @param impl   reference | solutions | exercises
 * @param folder where that implementation is (default: the course's folder of that name)
 */
export async function loadImpl(impl: Impl, folder: string = impl): Promise<LabImpl> {
  if (impl === 'reference') return reference;
  const loaded = await loadFunctions('seq2seq-attention', folder);
  const fns = loaded.functions as Partial<HandWritten>;
  const where = `${folder}/seq2seq-attention`;
  const report = [
    pieceReport('seq2seq loss and gradients', ['seq2seqLossAndGrad'], where, loaded),
    pieceReport('CTC loss and gradient', ['ctcLossAndGrad'], where, loaded),
    'encoder, decoder and attention layers: the reference (autograd)',
  ].join('\n  ');
  return handWritten(impl, fns, report);
}
