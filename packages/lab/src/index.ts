/**
 * @rnn-course/lab: what every chapter's labs share.
 *
 * - progress: a progress bar with running loss, steps/s and ETA, on stderr
 * - figures: line charts and diagrams as deterministic SVG (Vega-Lite, headless)
 * - heatmap: matrices as heatmaps (attention weights, spectrograms), alone, in a grid with one
 *   colour scale, or above a line chart on the same x axis
 * - surface: a function of two variables on a grid, with paths over it (e.g. optimiser iterates)
 * - image-grid: rows of small greyscale images (frames of clips) as one SVG
 * - text: wrapping samples into lines for the labs' Markdown outputs
 * - datasets: a seeded seasonal time series, a least-squares line fit, and the State of the Union
 *   text corpus
 * - tasks: seeded sequence tasks for long-term memory (adding problem, copy task, moving-shape clips)
 * - dates: dates written by people in many formats, paired with their ISO form, and their ids
 * - train: Adam with a cosine learning rate and clipping, timed, for labs that compare models
 * - args: the labs' flags (--quick, --steps, --impl, --out, --seed) and the run-if-main guard
 */
export { progress, formatDuration } from './progress';
export type { Progress, ProgressOptions, ProgressStream } from './progress';
export {
  lineChart,
  lineChartSpec,
  stackedLineCharts,
  diagram,
  renderVegaLite,
  writeFigure,
} from './figures';
export type {
  Series,
  VerticalRule,
  LineChartSpec,
  DiagramNode,
  DiagramEdge,
  DiagramSpec,
} from './figures';
export { heatmap, heatmapSpec, heatmapGrid, heatmapAboveLines } from './heatmap';
export type { HeatmapSpec } from './heatmap';
export { surfaceMap } from './surface';
export type { SurfaceSpec, SurfacePath } from './surface';
export { imageGrid } from './image-grid';
export type { ImageGridSpec, ImageRow } from './image-grid';
export { wrapText } from './text';
export {
  seasonalSeries,
  fitLine,
  loadCorpus,
  splitText,
  normaliseWhitespace,
  sotuDataDir,
  CORPUS_FILES,
} from './datasets';
export type { SeasonalSeriesOptions, Line, Corpus } from './datasets';
export { addingProblem, copyTask, movingShapeClips, DIRECTIONS } from './tasks';
export type { AddingBatch, CopyBatch, ClipOptions, Clips } from './tasks';
export {
  dateTask,
  formatDate,
  isoDate,
  ordinal,
  weekday,
  allDates,
  TRAIN_DATE_FORMATS,
  HELD_OUT_DATE_FORMATS,
  DATE_INPUT_ALPHABET,
  DATE_OUTPUT_ALPHABET,
  FIRST_YEAR,
  LAST_YEAR,
  DATE_PAD,
  DATE_SOS,
  DATE_EOS,
  DATE_SOURCE_VOCAB,
  DATE_TARGET_VOCAB,
  encodeDateSource,
  encodeDateTarget,
  decodeDateTarget,
  dateBatch,
} from './dates';
export type { CalendarDate, DateBatch, DateExample, DateTask, DateTaskOptions } from './dates';
export { trainWithAdam, cosineLearningRate } from './train';
export type { TrainOptions, TrainResult } from './train';
export {
  parseLabArgs,
  usage,
  labCommand,
  isMain,
  runIfMain,
  outputDir,
  shownPath,
  repoRoot,
  ArgsError,
} from './args';
export type { Impl, LabArgs } from './args';
