/**
 * Region queries through a BAI (SAM spec §5.3): candidate bins → their chunks, less those the
 * linear index rules out, merged; then each merged range is read and its records filtered by
 * overlap. A record overlaps [beg, end) when it lies on the reference, starts before `end`, and
 * ends after `beg` (unmapped placed reads count as one base, as in samtools).
 */
import fs from 'node:fs';
import { HtsError } from '../../errors.js';
import { openByteSource, requireRegularFile } from '../../io/byte-source.js';
import { inflatedChunks } from '../../bgzf/reader.js';
import { describeFsError } from '../../io/byte-source.js';
import { ParsedFileCache } from '../../io/parsed-file-cache.js';
import { parseBai, type BaiIndex } from './index.js';
import { LINEAR_SHIFT, reg2bins } from './bins.js';
import { recordBatches, recordProblemAt, RecordBatch } from '../reader.js';
import type { InflatedChunk } from '../../bgzf/inflate.js';
import type { BamHeader } from '../header.js';

/** Merged [begin, end) virtual offset ranges that can hold records overlapping [beg, end) on refId. */
export function chunksForRegion(index: BaiIndex, refId: number, beg: number, end: number): Array<[number, number]> {
  const reference = index.references[refId];
  if (!reference) return [];
  const window = beg >> LINEAR_SHIFT;
  const minOffset = reference.linear.length === 0 ? 0 : reference.linear[Math.min(window, reference.linear.length - 1)]!;
  const ranges: Array<[number, number]> = [];
  for (const bin of reg2bins(beg, end)) {
    const offsets = reference.bins.get(bin);
    if (!offsets) continue;
    for (let i = 0; i < offsets.length; i += 2) if (offsets[i + 1]! > minOffset) ranges.push([offsets[i]!, offsets[i + 1]!]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** Indexes parsed in this thread: a --by-region run asks for the same one once per region (~1 ms of a small region's ~7). */
const BAI_INDEXES = new ParsedFileCache<BaiIndex>();

/** Reads `<bam>.bai` (or `<bam minus .bam>.bai`), with a clear error when there is none. */
export function loadBaiFor(bamPath: string): BaiIndex {
  requireRegularFile(bamPath, REGION_NEEDS_A_FILE);
  const candidates = [`${bamPath}.bai`, bamPath.replace(/\.bam$/, '.bai')];
  for (const candidate of candidates) {
    let parsed: BaiIndex;
    try {
      // A FIFO would block the read until someone writes to it: stat first, never open one.
      const stat = fs.statSync(candidate);
      if (stat.isDirectory()) throw new HtsError('the index is a folder, not a file', candidate);
      if (!stat.isFile()) throw new HtsError('the index must be a regular file, not a pipe, FIFO or device', candidate);
      parsed = BAI_INDEXES.get(candidate, () => parseBai(fs.readFileSync(candidate), candidate));
    } catch (error) {
      if (error instanceof HtsError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new HtsError(`cannot read index: ${describeFsError(error)}`, candidate);
    }
    return { ...parsed, file: candidate, olderThanData: isOlder(candidate, bamPath) };
  }
  throw new HtsError(`no index (${bamPath}.bai) for a region query; make one with: bam-index ${bamPath}`, bamPath);
}

/** Record batches overlapping a region, in file order; each batch holds only the overlapping records. */
export async function* queryRegion(
  bamPath: string,
  header: BamHeader,
  index: BaiIndex,
  refId: number,
  beg: number,
  end: number,
): AsyncGenerator<RecordBatch> {
  requireRegularFile(bamPath, REGION_NEEDS_A_FILE);
  if (refId < 0 || refId >= header.references.length) return;
  const indexFile = index.file ?? `${bamPath}.bai`;
  if (index.references.length !== header.references.length)
    throw new HtsError(
      `index ${indexFile} does not belong to this BAM: it has ${index.references.length} references, the BAM's header ${header.references.length}; remake it with bam-index`,
      bamPath,
    );
  yield* readRanges(bamPath, index, indexFile, refId, beg, end);
}

/** A region query opens the BAM again at the index's offsets: a pipe or FIFO cannot be read twice. */
const REGION_NEEDS_A_FILE = 'a region query needs a regular BAM file (it is read again at the index offsets), not a pipe, FIFO or device';

function isOlder(indexPath: string, bamPath: string): boolean {
  try {
    return fs.statSync(indexPath).mtimeMs < fs.statSync(bamPath).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Checks that the index's range [begin, end) fits the file and that `begin` is the start of a
 * record on `refId` (every chunk of a reference's bins starts at one of its records), reading the
 * one block it points into. Where it is not, the index does not match the BAM: an index made for
 * another file, or for an older version of this one. A record that fails further on is the BAM's
 * own damage, which the reader reports as such.
 */
async function checkIndexPointer(
  bamPath: string,
  index: BaiIndex,
  indexFile: string,
  fileSize: number,
  refId: number,
  begin: number,
  end: number,
): Promise<void> {
  const blockOffset = Math.floor(begin / 65536);
  const withinBlock = begin % 65536;
  const mismatch = (problem: string): HtsError =>
    new HtsError(
      `index ${indexFile} does not match this BAM${index.olderThanData ? ' (the index is older than the BAM)' : ''}: it points to a record at byte offset ${blockOffset} +${withinBlock}, where ${problem}; remake it with bam-index`,
      bamPath,
    );
  if (blockOffset >= fileSize) throw mismatch(`the file has ended (${fileSize} bytes)`);
  if (Math.floor(end / 65536) > fileSize)
    throw mismatch(`its chunk ends at byte offset ${Math.floor(end / 65536)}, past the end of the file (${fileSize} bytes)`);
  const source = openByteSource(bamPath);
  try {
    let first: IteratorResult<InflatedChunk>;
    try {
      first = await inflatedChunks(source, {
        startFileOffset: blockOffset,
        stopAfterFileOffset: blockOffset,
        requireEofBlock: false,
        readChunkBytes: 1 << 16,
      }).next();
    } catch (error) {
      if (error instanceof HtsError) throw mismatch(`no BGZF block starts (${error.detail})`);
      throw error;
    }
    if (first.done) throw mismatch('no BGZF block starts');
    const data = first.value.data;
    // A pointer just past a block's last byte is the next block's start (the reader takes it so); not checked here.
    if (withinBlock === data.length) return;
    if (withinBlock > data.length) throw mismatch(`the block holds only ${data.length} bytes`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const problem = recordProblemAt(data, view, withinBlock, data.length, index.references.length);
    if (problem !== undefined) throw mismatch(problem);
    if (withinBlock + 8 <= data.length) {
      const found = view.getInt32(withinBlock + 4, true);
      if (found !== refId) throw mismatch(`the record is on reference id ${found}, not ${refId}`);
    }
  } finally {
    source.close();
  }
}

async function* readRanges(
  bamPath: string,
  index: BaiIndex,
  indexFile: string,
  refId: number,
  beg: number,
  end: number,
): AsyncGenerator<RecordBatch> {
  const fileSize = fs.statSync(bamPath).size;
  for (const [rangeBegin, rangeEnd] of chunksForRegion(index, refId, beg, end)) {
    await checkIndexPointer(bamPath, index, indexFile, fileSize, refId, rangeBegin, rangeEnd);
    const startFileOffset = Math.floor(rangeBegin / 65536);
    const stopAfterFileOffset = Math.floor(rangeEnd / 65536);
    const source = openByteSource(bamPath);
    try {
      // The range's blocks and no more: a block is at most 64 KiB, and every block read is inflated.
      const readChunkBytes = Math.min(4 << 20, stopAfterFileOffset - startFileOffset + (1 << 16));
      const chunks = inflatedChunks(source, { startFileOffset, stopAfterFileOffset, requireEofBlock: false, readChunkBytes });
      const first = await chunks.next();
      if (first.done) continue;
      let finished = false;
      for await (const batch of recordBatches(bamPath, chunks, first.value, rangeBegin % 65536, true, index.references.length)) {
        const keep: number[] = [];
        for (let i = 0; i < batch.count; i++) {
          const offset = batch.offsets[i]!;
          if (batch.virtualOffsetAt(offset) >= rangeEnd) {
            finished = true;
            break;
          }
          const record = batch.record(i);
          if (record.refId !== refId || record.pos >= end) {
            finished = true;
            break;
          }
          if (record.alignmentEnd > beg) keep.push(offset);
        }
        if (keep.length > 0) yield new RecordBatch(batch.bytes, Uint32Array.from(keep), keep.length, batch.virtualOffsetAt);
        if (finished) break;
      }
    } finally {
      source.close();
    }
  }
}

/**
 * Where the unplaced reads (RNAME `*`) of a sorted BAM begin: just past the last placed record the index knows of (the
 * largest chunk end of every reference, as htslib seeks for HTS_IDX_NOCOOR). Undefined when the index holds no placed
 * record: the unplaced reads then begin after the header, and the whole file is read.
 */
export function unplacedStartOffset(index: BaiIndex): number | undefined {
  let last: number | undefined;
  for (const reference of index.references) {
    if (reference.metadata !== undefined) last = Math.max(last ?? 0, reference.metadata.lastOffset);
    for (const offsets of reference.bins.values()) for (let i = 1; i < offsets.length; i += 2) last = Math.max(last ?? 0, offsets[i]!);
  }
  return last;
}

/** The unplaced reads of a sorted BAM, from `start` (unplacedStartOffset) to the end of the file, in file order. */
export async function* queryUnplaced(bamPath: string, start: number): AsyncGenerator<RecordBatch> {
  requireRegularFile(bamPath, REGION_NEEDS_A_FILE);
  const source = openByteSource(bamPath);
  try {
    // The tail of the file: a BAM cut short (no EOF block) fails here, as a whole-file read would.
    const chunks = inflatedChunks(source, { startFileOffset: Math.floor(start / 65536), requireEofBlock: true });
    const first = await chunks.next();
    if (first.done) return;
    for await (const batch of recordBatches(bamPath, chunks, first.value, start % 65536, false)) {
      const keep: number[] = [];
      for (let i = 0; i < batch.count; i++) if (batch.record(i).refId < 0) keep.push(batch.offsets[i]!);
      if (keep.length > 0) yield new RecordBatch(batch.bytes, Uint32Array.from(keep), keep.length, batch.virtualOffsetAt);
    }
  } finally {
    source.close();
  }
}
