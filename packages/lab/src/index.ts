/**
 * @rnn-course/lab: what every chapter's labs share.
 *
 * - progress: a progress bar with running loss, steps/s and ETA, on stderr
 * - figures: line charts and diagrams as deterministic SVG (Vega-Lite, headless)
 * - surface: a function of two variables on a grid, with paths over it (e.g. optimiser iterates)
 * - heatmap: matrices (attention weights) as heatmaps, alone or in a grid with one colour scale
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
export { heatmap, heatmapGrid, heatmapSpec } from './heatmap';
export type { HeatmapSpec } from './heatmap';
export type {
  Series,
  VerticalRule,
  LineChartSpec,
  DiagramNode,
  DiagramEdge,
  DiagramSpec,
} from './figures';
export { surfaceMap } from './surface';
export type { SurfaceSpec, SurfacePath } from './surface';
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
