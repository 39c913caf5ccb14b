export * from './collector.js';
export { Histogram, type HistogramJson } from './histogram.js';
export { formatPicardDouble, formatPicardValue, formatFixed } from './format.js';
export { renderOutputs, writeFilesAtomically, checkOutputPrefix, rikerColumnName, type OutputFormat, type RenderedFile } from './metrics-file.js';
export { COLLECTORS, DEFAULT_MULTI_TOOLS } from './collectors/index.js';
export { isizeCollector, pairOrientation, ISIZE_DEFAULTS, type IsizeOptions } from './collectors/isize.js';
export { collectMetrics, collectPartials, resolveTools, sampleName, CollectUsageError, QC_STAGES_MODULE, type CollectOptions, type CollectResult } from './run.js';
