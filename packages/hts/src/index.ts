/**
 * shoal's formats library. Folders mirror the specifications: bgzf/, bam/ (record/, bai/, sort/), sam/, fasta/, bed/,
 * interval-list/, ndjson/, frame/.
 */
export { HtsError } from './errors.js';
export { openByteSource, describeFsError, type ByteSource } from './io/byte-source.js';
export { commitSinks, openOutput, EpipeError, type ByteSink, type OutputOptions } from './io/output.js';
export {
  AtomicFile,
  commitAll,
  checkOutputPrefix,
  ensureOutputFolder,
  temporaryPathFor,
  writeFileAtomic,
  writeFilesAtomically,
} from './io/atomic.js';
export { readLines, type NumberedLine } from './io/lines.js';
export { ParsedFileCache } from './io/parsed-file-cache.js';
export { peekSource } from './io/peek.js';

export { deflateBackend, type DeflateBackend } from './bgzf/native.js';
export { EOF_BLOCK, MAX_BLOCK_SIZE, WRITER_BLOCK_DATA_SIZE } from './bgzf/block.js';
export { inflateChunk, completeBlocksLength, virtualOffsetInChunk, type CompressedChunk, type InflatedChunk } from './bgzf/inflate.js';
export { compressedChunks, inflatedChunks, readBgzfFile, READ_CHUNK_BYTES, type BgzfReadOptions } from './bgzf/reader.js';
export { concatBytes } from './bytes.js';
export {
  BgzfWriter,
  compressBlock,
  maxCompressedBlockSize,
  type BgzfWriterOptions,
  type ParallelBlockCompressor,
  type ParallelCompressorFactory,
} from './bgzf/writer.js';
export { makeVirtualOffset, compressedOffsetOf, uncompressedOffsetOf } from './bgzf/virtual-offset.js';
export { zstdAvailable, zstdCompress, zstdDecompressFrame, ZstdDecompressor, zstdDecompressChunks } from './compress/zstd.js';

export {
  makeHeader,
  packHeader,
  unpackHeader,
  type PackedHeader,
  headerLines,
  referencesFromText,
  parseBamHeader,
  encodeBamHeader,
  type BamHeader,
  type ReferenceSequence,
  type HeaderLineFields,
} from './bam/header.js';
export {
  BamReader,
  RecordBatch,
  RecordSplitter,
  type RecordSplitterState,
  recordBatches,
  splitRecords,
  readBatches,
  EncodedRecordBatcher,
  describeVirtualOffset,
  type BamReaderOptions,
} from './bam/reader.js';
export { BamRecordView, Flag, formatSamTag, formatFloatG } from './bam/record/view.js';
export { encodeRecord, binOf, type BamRecord } from './bam/record/owned.js';
export { CIGAR_OPS, CigarOp, cigarToString, parseCigar, referenceLengthOf, queryLengthOf } from './bam/record/cigar.js';
export { SEQ_CODES, encodeSequence } from './bam/record/sequence.js';
export { formatFloat32, smallestIntegerType, type Tag, type TagType } from './bam/record/tags.js';
export { BamWriter, indexBam, type BamWriterOptions } from './bam/writer.js';
export * from './bam/modbases.js';
export {
  BamSorter,
  sortBamFile,
  compareCoordinates,
  coordinateSortedHeader,
  DEFAULT_SORT_MEMORY_BYTES,
  mergeSortedBamFiles,
  type BamFileMergeOptions,
  type BamSortOptions,
  type BamSortSummary,
} from './bam/sort/index.js';
export { parseBai, serializeBai, BaiBuilder, type BaiIndex, type ReferenceIndex } from './bam/bai/index.js';
export { reg2bin, reg2bins } from './bam/bai/bins.js';
export { chunksForRegion, loadBaiFor, queryRegion, queryUnplaced, unplacedStartOffset } from './bam/bai/query.js';

export { SamReader, parseSamRecord, parseSamTag } from './sam/reader.js';
export { samHeaderText, samLine } from './sam/writer.js';
export { openAlignments, openAlignmentsFrom, sniffAlignmentFormat, type AlignmentReader, type AlignmentFormat } from './alignments.js';
export { parseRegion, RegionSyntaxError, type Region } from './region.js';

export { ByteWriter } from './ndjson/byte-writer.js';
export {
  BamNdjsonFormatter,
  headerRecord,
  headerFromRecord,
  recordFromJson,
  RECORD_FIELDS,
  BAM_NDJSON_FORMAT,
  BAM_NDJSON_VERSION,
  type RecordField,
  type BamNdjsonHeader,
} from './ndjson/bam-records.js';
export { NdjsonAlignmentReader } from './ndjson/alignment-reader.js';

export * from './formats-extra.js';

export * from './fastq/reads.js';
export { FastqParser } from './fastq/parse.js';
export { FastaParser } from './fastq/fasta.js';
export { formatReads, formattedLength } from './fastq/format.js';
export {
  openSequenceFile,
  openDecompressed,
  sniffCompression,
  STDIN_NAME,
  type SequenceFileReader,
  type SequenceInputOptions,
  type SequenceCompression,
  type SequenceFormat,
} from './fastq/input.js';
export { gzipMember } from './compress/gzip.js';

export {
  STANDARD_AUX_FIELDS,
  picoamps,
  type Slow5Header,
  type Slow5Record,
  type Slow5AuxField,
  type Slow5AuxValue,
  type Slow5RecordCompression,
  type Slow5SignalCompression,
} from './slow5/types.js';
export {
  openSlow5,
  openSlow5Reader,
  decodeSlow5Batch,
  type Slow5File,
  type Slow5FileReader,
  type Slow5Layout,
  type StoredRecordBatch,
} from './slow5/reader.js';
export { Slow5Writer, encodeSlow5File, type Slow5WriterOptions } from './slow5/writer.js';
export { Blow5IndexedReader, buildSlow5Index } from './slow5/idx.js';
export { encodeSvbZd, decodeSvbZd } from './slow5/svb-zd.js';
