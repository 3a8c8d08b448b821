// StrykerJS over a chapter's worked solutions (`npm run mutation -- <chapter>`, chapter 1 by
// default): each mutant is a small change of solutions/<chapter>/, and the command runner grades
// the exercises it can reach with the course's own suites (grade-mutant.ts). A mutant is killed
// when grading scores below 100%.
const chapter = process.env.COURSE_MUTATION_CHAPTER ?? 'rnn';

export default {
  testRunner: 'command',
  commandRunner: {
    command: `node_modules/.bin/tsx packages/grader/mutation/grade-mutant.ts ${chapter}`,
  },
  mutate: [`solutions/${chapter}/**/*.ts`],
  coverageAnalysis: 'off', // the command runner sees one exit code, no per-test coverage
  concurrency: Number(process.env.COURSE_MUTATION_CONCURRENCY ?? 2),
  // The grader stops an endless loop itself (a 5 s limit per check, grade-mutant.ts) and
  // reports it as a failure; Stryker's own limit only catches a grading run that never ends.
  timeoutMS: 180_000,
  dryRunTimeoutMinutes: 10,
  tempDirName: '.course/stryker-tmp',
  // Stryker rewrites the tsconfig's paths that point outside its sandbox through TypeScript's JS
  // API, which TypeScript 7 does not have. The sandbox is a copy of the whole repository (nothing
  // points outside it), so the rewrite is skipped by naming a tsconfig that does not exist.
  tsconfigFile: 'packages/grader/mutation/no-tsconfig-to-rewrite.json',
  // What grading never reads: copying it into every sandbox only slows the start.
  ignorePatterns: [
    '.course',
    '.turbo',
    'reports',
    'docs',
    'exercises',
    'packages/site',
    'packages/*/figures',
    'packages/core/bench',
    'packages/grader/mutation/node_modules',
  ],
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${chapter}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
};
