/**
 * BAM on the engine: `inflate` (parallel) → `splitRecords` (serial: cuts inflated bytes at record
 * boundaries, stitching records cut by chunk ends) → a tool's own parallel stage(s) over
 * `RecordBlock`s. The source ends with a sentinel `{ end: true }` block so the serial split can
 * report a truncated last record.
 */
import {
  BamNdjsonFormatter,
  ByteWriter,
  HtsError,
  RecordBatch,
  RecordSplitter,
  inflateChunk,
  unpackHeader,
  type PackedHeader,
  type RecordField,
  type RecordSplitterState,
} from '@shoal/hts';
import type { Payload, StageDefinition } from '../stage.js';

/** What the split stage hands on: whole records, as transferable arrays. */
export interface RecordBlock {
  /** The stitched records first, then the records of `data`. */
  stitched: Uint8Array | null;
  stitchedOffsets: Uint32Array | null;
  data: Uint8Array | null;
  offsets: Uint32Array | null;
  /** Compressed file offset reached (for progress). */
  endFileOffset: number;
  end?: true;
}

/** Rebuilds RecordBatches from a RecordBlock, on whatever thread holds it. */
export function batchesOf(block: Payload): RecordBatch[] {
  const b = block as unknown as RecordBlock;
  const batches: RecordBatch[] = [];
  if (b.stitched && b.stitchedOffsets) batches.push(new RecordBatch(b.stitched, b.stitchedOffsets, b.stitchedOffsets.length, () => 0));
  if (b.data && b.offsets) batches.push(new RecordBatch(b.data, b.offsets, b.offsets.length, () => 0));
  return batches;
}

export function recordCountOf(block: Payload): number {
  const b = block as unknown as RecordBlock;
  return (b.stitchedOffsets?.length ?? 0) + (b.offsets?.length ?? 0);
}

interface Checksums {
  records: number;
  fixed: number;
  bases: number;
  qualities: number;
}

export const stages: Record<string, StageDefinition> = {
  inflate: {
    kind: 'parallel',
    process(payload, _state, context) {
      if (payload.end) return payload;
      const bytes = payload.bytes as Uint8Array;
      const chunk = inflateChunk(
        { bytes, fileOffset: payload.fileOffset as number, file: payload.file as string },
        true,
        (n) => new Uint8Array(context.allocate(n), 0, n),
      );
      context.release(bytes.buffer as ArrayBuffer);
      return { ...chunk };
    },
  },
  splitRecords: {
    kind: 'serial',
    // The state is a few carried bytes: it travels to the thread that inflated the block, so the
    // block is split and then worked on where its data is in cache.
    portable: true,
    createState: (options: { file: string; headerLength: number; referenceCount: number }): RecordSplitterState =>
      new RecordSplitter(options.file, options.headerLength, options.referenceCount).snapshot(),
    process(payload, state: RecordSplitterState) {
      const splitter = RecordSplitter.restore(state);
      if (payload.end) {
        splitter.finish();
        return { stitched: null, stitchedOffsets: null, data: null, offsets: null, endFileOffset: 0, end: true } satisfies RecordBlock;
      }
      const chunk = payload as unknown as Parameters<RecordSplitter['push']>[0];
      const batches = splitter.push(chunk);
      Object.assign(state, splitter.snapshot());
      const main = batches.find((b) => b.bytes === chunk.data);
      const stitched = batches.find((b) => b.bytes !== chunk.data);
      return {
        stitched: stitched?.bytes ?? null,
        stitchedOffsets: stitched?.offsets ?? null,
        // The chunk travels on even without whole records, so its buffer returns to the pool.
        data: chunk.data,
        offsets: main?.offsets ?? new Uint32Array(0),
        endFileOffset: chunk.endFileOffset,
      } satisfies RecordBlock;
    },
  },
  /** Full decode for tests and benchmarks: fixed fields of every record plus a walk over sequence and qualities. */
  decodeChecksums: {
    kind: 'parallel',
    createState: (): Checksums => ({ records: 0, fixed: 0, bases: 0, qualities: 0 }),
    process(payload, state: Checksums, context) {
      for (const batch of batchesOf(payload)) {
        const bytes = batch.bytes;
        for (let i = 0; i < batch.count; i++) {
          const record = batch.record(i);
          state.fixed = (state.fixed + record.refId + record.pos + record.mapq + record.flag + record.cigarLength) | 0;
          const n = record.seqLength;
          const seqStart = record.seqStart;
          for (let j = seqStart, end = seqStart + ((n + 1) >> 1); j < end; j++) state.bases = (state.bases + bytes[j]!) | 0;
          const qualStart = seqStart + ((n + 1) >> 1);
          for (let j = qualStart, end = qualStart + n; j < end; j++) state.qualities = (state.qualities + bytes[j]!) | 0;
        }
        state.records += batch.count;
      }
      releaseRecords(payload, context.release);
      return { records: recordCountOf(payload), endFileOffset: payload.endFileOffset };
    },
    exportState: (state: Checksums) => state,
  },
  /** bam2ndjson's formatting: records → NDJSON bytes. */
  formatNdjson: {
    kind: 'parallel',
    // The formatter reads only the reference names of a header (bam2ndjson sends no text).
    createState: (options: { header: PackedHeader; fields?: RecordField[] }) =>
      new BamNdjsonFormatter(unpackHeader(options.header), options.fields),
    process(payload, formatter: BamNdjsonFormatter, context) {
      const records = recordCountOf(payload);
      const data = payload.data as Uint8Array | null;
      // ~500 bytes of JSON per 360-byte record; the writer grows if a block needs more.
      const estimate = Math.max(1 << 16, Math.ceil((data?.length ?? 0) * 1.6));
      const out = new ByteWriter(new Uint8Array(context.allocate(estimate)));
      for (const batch of batchesOf(payload)) for (let i = 0; i < batch.count; i++) formatter.writeRecord(out, batch.record(i));
      releaseRecords(payload, context.release);
      return { text: out.buffer.subarray(0, out.length), records, endFileOffset: payload.endFileOffset };
    },
  },
};

function releaseRecords(payload: Payload, release: (buffer: ArrayBuffer) => void): void {
  const data = payload.data as Uint8Array | null;
  if (data) release(data.buffer as ArrayBuffer);
}

export { HtsError };
