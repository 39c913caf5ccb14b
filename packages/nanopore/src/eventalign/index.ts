/** eventalign's plumbing: reads in, nanopolish's TSV or signal-segment frames out, around the core (eventalign-read.ts). */
export { formatFixed, formatGeneral } from './printf.js';
export { TextBuffer } from './text-buffer.js';
export {
  eventalignTsvHeader,
  EVENTALIGN_SUMMARY_HEADER,
  formatEventalignRows,
  formatSummaryRow,
  referenceKmer,
  summarizeEvents,
  writeEventalignRows,
  type AlignmentSummary,
  type TsvColumns,
  type TsvRead,
} from './tsv.js';
export { skipReason, SKIP_REASONS, type SkipReason } from './read-filter.js';
export {
  openSegmentStream,
  PositionSweep,
  readPositionGroups,
  positionGroupsOf,
  segmentFrame,
  segmentsOfRead,
  segmentStreamEndFrame,
  segmentStreamHeaderFrame,
  SEGMENT_FRAME_TYPE,
  SEGMENT_STREAM_END_TYPE,
  SEGMENT_STREAM_FORMAT,
  SEGMENT_STREAM_HEADER_TYPE,
  SEGMENT_STREAM_VERSION,
  type PositionGroup,
  type ReadSegments,
  type SegmentStream,
  type SegmentStreamEnd,
  type SegmentStreamHeader,
  type SignalSegment,
} from './segments.js';
export {
  checkSignalRecord,
  isRnaReadGroup,
  openSignalReader,
  signalPicoamps,
  type SignalReader,
  type SignalRecord,
} from './signal-source.js';
export type { EventalignMode, EventalignOutputFormat } from './stages.js';
export { readIdList, readNamesOf, reasonKind, runEventalign, type EventalignCounts, type EventalignRunOptions } from './run.js';
