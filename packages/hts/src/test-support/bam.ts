/** BAM helpers shared by this package's unit tests (not part of the library; excluded from the build). */
import { expect } from 'vitest';
import { EOF_BLOCK, WRITER_BLOCK_DATA_SIZE } from '../bgzf/block.js';
import { compressBlock } from '../bgzf/writer.js';
import { HtsError } from '../errors.js';
import { encodeBamHeader, type BamHeader } from '../bam/header.js';
import { BamReader } from '../bam/reader.js';
import { parseCigar } from '../bam/record/cigar.js';
import type { BamRecord } from '../bam/record/owned.js';

/** A mapped 4-base record `r1` at chr1:10 (4M, MAPQ 30, no mate, no qualities, no tags), with `fields` changed. */
export function testRecord(fields: Partial<BamRecord> = {}): BamRecord {
  return {
    readName: 'r1',
    flag: 0,
    refId: 0,
    pos: 9,
    mapq: 30,
    cigar: parseCigar('4M')!,
    mateRefId: -1,
    matePos: -1,
    templateLength: 0,
    sequence: 'ACGT',
    qualities: null,
    tags: [],
    ...fields,
  };
}

/** One record as the BAM tests compare it: its bytes (hex), position, end and virtual offset. */
export interface RecordSummary {
  hex: string;
  refId: number;
  pos: number;
  end: number;
  virtualOffset: number;
}

/** Every record of `file`, read with the streaming reader (in chunks of `readChunkBytes`, if given). */
export async function readRecordSummaries(file: string, readChunkBytes?: number): Promise<RecordSummary[]> {
  const reader = await BamReader.open(file, readChunkBytes ? { readChunkBytes } : {});
  const out: RecordSummary[] = [];
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const r = batch.record(i);
      out.push({
        hex: Buffer.from(r.toBytes()).toString('hex'),
        refId: r.refId,
        pos: r.pos,
        end: r.alignmentEnd,
        virtualOffset: batch.virtualOffsetAt(batch.offsets[i]!),
      });
    }
  }
  reader.close();
  return out;
}

/**
 * A BAM file's bytes: `header`, then `records` (each block_size included), cut into BGZF blocks as
 * the writer cuts them, then the EOF block. Level 0 (stored) makes the layout depend on lengths only.
 */
export function bamBytes(header: BamHeader, records: Uint8Array[], headerBytes = encodeBamHeader(header), level = 1): Uint8Array {
  const inflated = Buffer.concat([headerBytes, ...records]);
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < inflated.length; at += WRITER_BLOCK_DATA_SIZE)
    blocks.push(compressBlock(inflated.subarray(at, at + WRITER_BLOCK_DATA_SIZE), level));
  return Buffer.concat([...blocks, EOF_BLOCK]);
}

/** A copy of an encoded record with `patch` applied to its bytes (a DataView over the copy, offsets from block_size). */
export function patched(record: Uint8Array, patch: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const copy = Uint8Array.from(record);
  patch(new DataView(copy.buffer), copy);
  return copy;
}

/** Offset of the first optional field in an encoded record (block_size included). */
export function tagsOffset(record: Uint8Array): number {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const seqLength = view.getInt32(20, true);
  return 36 + record[12]! + 4 * view.getUint16(16, true) + ((seqLength + 1) >> 1) + seqLength;
}

/** Reads every record of `file` with the streaming reader; returns how many (errors propagate). */
export async function countRecords(file: string): Promise<number> {
  const reader = await BamReader.open(file);
  try {
    let count = 0;
    for await (const batch of reader.batches()) count += batch.count;
    return count;
  } finally {
    reader.close();
  }
}

/** The HtsError a promise rejects with (fails the test when it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<HtsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HtsError);
    return error as HtsError;
  }
  throw new Error('expected an HtsError');
}
