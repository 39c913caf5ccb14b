/**
 * shoal's nanopore library: pore models and the signal simulator now; event detection and alignment, DTW, HMM, site
 * statistics and mod-BAM tags as they land (see docs/formats.md for the frames they exchange).
 */
export {
  BASE_RANK,
  DEFAULT_PORE,
  PORE_PRESETS,
  kmerOfRank,
  kmerRank,
  loadPoreModel,
  modelsFolder,
  parsePoreModel,
  type PoreModel,
} from './pore-model.js';

export * from './sim/index.js';
export { eventalignRead } from './eventalign/eventalign-read.js';
export { eventalignBackend } from './eventalign/native.js';
export type {
  AlignedEvent,
  EventalignOptions,
  ReadEventalignOutcome,
  ReadEventalignResult,
  ReadScaling,
  ReadToAlign,
} from './eventalign/types.js';
export {
  detectEvents,
  DNA_EVENT_DETECTOR,
  picoampsAsNanopolish,
  RNA_EVENT_DETECTOR,
  type EventDetectorParameters,
  type EventTable,
} from './eventalign/event-detection.js';
export { NANOPOLISH_TRIM, trimRange, type TrimParameters } from './eventalign/trim.js';
export { kmerRanksOf } from './eventalign/kmers.js';
export { projectCigar, type CigarProjection } from './eventalign/project.js';
export * from './eventalign/index.js';
export * from './dtw/index.js';
export * from './hmm/index.js';
export * from './stats/index.js';
export {
  readResultsHeader,
  writeReadResultsBam,
  type ReadCondition,
  type ReadResult,
  type ReadResultsBamOptions,
  type ReadResultsBamSummary,
  type ReadSite,
} from './stats/read-results-bam.js';
export { mergeSlices, withCommandLine, type SliceMergeOptions, type SliceMergeSummary } from './mods/merge-slices.js';
