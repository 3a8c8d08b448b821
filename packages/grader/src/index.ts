/**
 * `@rnn-course/grader`: the course's grading harness. Chapter manifests use `defineChapter`;
 * the CLI, tools and the harness's tests use `grade`, `verify`, `generate` and the report
 * formats; labs load an implementation with `loadFunctions`; a chapter's tests stage known
 * mistakes as edits of its solutions with `stageEdited` (`describeMistakes`, from
 * `@rnn-course/grader/mistakes`, does it for a list) and grades implementations that do
 * nothing with `gradeDoNothing` (`describeDoNothing` there). Grading suites import their helpers from
 * `@rnn-course/grader/testing` instead.
 */
export { defineChapter } from './manifest';
export type { ChapterManifest, ExerciseEntry } from './manifest';
export { chapterManifests } from './chapters';
export {
  conceptOf,
  courseOf,
  findExercise,
  functionOf,
  loadCourse,
  ROLES,
  selectExercises,
  UnknownIdError,
} from './course';
export type { Chapter, Course, Exercise } from './course';
export { DEFAULT_TIMEOUT_MS, grade, MAINTAINER_TIMEOUT_MS } from './grade';
export type { GradeOptions } from './grade';
export { percent, statusOf } from './report';
export type { ChapterReport, CheckReport, ExerciseReport, Report, Status } from './report';
export { checkImports, describeViolation } from './imports';
export type { ImportViolation } from './imports';
export { checkGenerated, checkHintKeys, checkManifests, checkStubsThrow, verify } from './verify';
export type { VerifyOptions, VerifyResult } from './verify';
export {
  checkDoNothingTests,
  checkedRefusals,
  checkHintsAreNotCode,
  checkPromisedErrors,
  checkStrength,
  promisedErrors,
} from './strength';
export type { PromisedError } from './strength';
export {
  batches,
  DO_NOTHING,
  DO_NOTHING_KINDS,
  doNothingSource,
  gradeDoNothing,
  stageDoNothing,
} from './do-nothing';
export type { DoNothingKind, DoNothingOptions, DoNothingResult } from './do-nothing';
export { GenerateError, generatedFiles, stubOf, withTables } from './generate';
export type { GeneratedFile, GenerateOptions } from './generate';
export { generate } from './commands/generate';
export { formatList, formatNext, formatTable } from './format/table';
export { toGradescope } from './format/gradescope';
export type { GradescopeResults } from './format/gradescope';
export { toJUnit } from './format/junit';
export { toCsv } from './format/csv';
export { gradeBatch, parseShard, studentsOf } from './commands/batch';
export { resetExercise } from './commands/reset';
export { todoLine } from './stub';
export { applyEdits, stageEdited } from './stage-edited';
export type { Edit, StageEditedOptions, StagedEdit } from './stage-edited';
export { loadFunctions, pieceReport } from './load';
export {
  similarityReport,
  toSimilarityCsv,
  toSimilarityMarkdown,
  writeSimilarityReport,
} from './similarity/index';
export type { SimilarityOptions, SimilarityReport } from './similarity/index';
export type { FailingExercise, LoadedFunctions, LoadOptions } from './load';
export { exportCourse } from './export';
export type { ExportResult } from './export';
