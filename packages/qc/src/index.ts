export * from './collector.js';
export { Histogram, type HistogramJson } from './histogram.js';
export { formatPicardDouble, formatPicardValue, formatFixed } from './format.js';
export { renderOutputs, rikerColumnName, type OutputFormat, type RenderedFile } from './metrics-file.js';
export { COLLECTORS, DEFAULT_MULTI_TOOLS } from './collectors/index.js';
export { alignmentCollector, ALIGNMENT_OPTIONS, ALIGNMENT_DEFAULTS, type AlignmentOptions } from './collectors/alignment.js';
export { basicCollector, BASIC_OPTIONS, BASIC_DEFAULTS, type BasicOptions } from './collectors/basic.js';
export { gcbiasCollector, type GcBiasPartial } from './collectors/gcbias.js';
export { readIntervalSet, type IntervalSet } from './interval-set.js';
export {
  hybcapCollector,
  estimateLibrarySize,
  HYBCAP_OPTIONS,
  HYBCAP_DEFAULTS,
  type HybcapOptions,
  type HybcapPartial,
} from './collectors/hybcap.js';
export { errorCollector, parseDirectives, DEFAULT_ERROR_METRICS, ERROR_OPTIONS, type ErrorOptions } from './collectors/error.js';
export { STRATIFIERS } from './collectors/error-stratifiers.js';
export { wgsCollector, WGS_OPTIONS, WGS_DEFAULTS, type WgsOptions, type WgsPartial } from './collectors/wgs.js';
export { hetSnpSensitivity, JavaRandom } from './theoretical-sensitivity.js';
export { isizeCollector, pairOrientation, ISIZE_OPTIONS, ISIZE_DEFAULTS, type IsizeOptions } from './collectors/isize.js';
export {
  collectMetrics,
  mergeMetrics,
  collectPartials,
  resolveTools,
  sampleName,
  CollectUsageError,
  QC_STAGES_MODULE,
  type CollectOptions,
  type CollectResult,
} from './run.js';
export { partialJson, readPartial, writePartial, mergePartials, PARTIAL_FORMAT, PARTIAL_VERSION, type PartialFile } from './partial.js';
export { collectorDocs, columnNames } from './docs.js';
export { chartSvg, niceTicks, formatNumber, type ChartSpec, type Series } from './plots/svg.js';
export { plotFiles, reportHtml, type CollectorResult, type ReportContext } from './plots/render.js';
export type { CollectorReport, KeyNumber, Plot } from './plots/types.js';
