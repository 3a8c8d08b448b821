/**
 * The alternative to the sandbox, measured by hardening.bench.ts: SES `lockdown()` in a Vitest
 * setup file, so that the intrinsics are frozen before any suite (and the learner code it
 * imports) loads. Options chosen so that Vitest's own error and stack handling keep working.
 */
import 'ses';

lockdown({
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  consoleTaming: 'unsafe',
  overrideTaming: 'severe',
  localeTaming: 'unsafe',
});
