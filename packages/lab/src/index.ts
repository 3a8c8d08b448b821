/**
 * @rnn-course/lab: what every chapter's labs share.
 *
 * - progress: a progress bar with running loss, steps/s and ETA, on stderr
 * - figures: line charts and diagrams as deterministic SVG (Vega-Lite, headless)
 * - heatmap: a function of two variables on a grid, with paths over it (e.g. optimiser iterates)
 * - datasets: a seeded seasonal time series, a least-squares line fit, and the State of the Union
 *   text corpus
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
export { heatmap } from './heatmap';
export type { HeatmapSpec, HeatmapPath } from './heatmap';
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
