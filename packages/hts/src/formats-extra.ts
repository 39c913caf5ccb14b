/**
 * Public API of the FASTA/FAI, BED, interval_list and binary-frame modules; index.ts
 * re-exports this file.
 */
export type { Interval, Strand } from './interval.js';

export {
  buildFaiIndex,
  faiBaseOffset,
  formatFai,
  parseFai,
  readFaiFile,
  writeFaiFile,
  GZIP_FASTA_MESSAGE,
  type FaiEntry,
} from './fasta/fai.js';
export { IndexedFastaReader, type IndexedFastaOpenOptions } from './fasta/indexed-reader.js';
export { parseFasta, readFastaFileSync, readFastaRecords, type FastaReadOptions, type FastaRecord } from './fasta/reader.js';

export { isBedNonRecordLine, parseBed, readBedFile, type BedRecord } from './bed/reader.js';

export { parseIntervalList, readIntervalListFile, type IntervalList, type SequenceDictionaryEntry } from './interval-list/reader.js';
export {
  detectIntervalFormat,
  readIntervalFile,
  readIntervals,
  type IntervalFile,
  type IntervalFileFormat,
} from './interval-list/detect.js';

export {
  dtypeOf,
  encodeFrame,
  encodeFrameChunks,
  encodeFrameStream,
  encodeStreamPreamble,
  FrameDecoder,
  framePayload,
  FRAME_ALIGNMENT_BYTES,
  FRAME_DTYPES,
  FRAME_FORMAT_VERSION,
  FRAME_STREAM_MAGIC,
  FRAME_STREAM_PREAMBLE_BYTES,
  MAX_FRAME_HEADER_BYTES,
  type Frame,
  type FrameDecoderOptions,
  type FrameDtype,
  type FrameDtypeArrays,
  type FrameHeader,
  type FrameMetadata,
  type FramePayloadSpec,
  type FrameTypedArray,
} from './frame/codec.js';
export { FrameStreamWriter, readFrameStream } from './frame/stream.js';

export { readSmallTextFile } from './text-file.js';
export { KnownSitesReader, type KnownSite } from './vcf/known-sites.js';
