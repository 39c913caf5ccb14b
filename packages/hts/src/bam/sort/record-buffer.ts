/**
 * The records of one run, held in memory until the run is sorted and spilled. Records are copied
 * into large segments (never one allocation per record) and their sort keys into typed arrays, so
 * sorting moves 4-byte indices, not records.
 *
 * Memory: `usedBytes` counts each record's bytes plus RECORD_OVERHEAD_BYTES for its place in the
 * index arrays (location, keys, and the two permutation arrays of the sort), the figure the
 * sorter holds under its limit, as samtools counts sizeof(bam1_t) + l_data per record.
 */
import type { MergeCursor } from './merge.js';
import { coordinateOrder, positionKeyOf, referenceKeyOf, strandKeyOf } from './order.js';

/** Per record: segment, offset and length (12), three keys (9), order and scratch for the sort (8), rounded up. */
export const RECORD_OVERHEAD_BYTES = 32;
/**
 * Segment size: large enough that a segment's tail left unused (a record that does not fit starts
 * the next one) is a small loss, small enough that a small memory limit does not allocate far
 * beyond itself.
 */
const MAX_SEGMENT_BYTES = 16 << 20;
const MIN_SEGMENT_BYTES = 64 << 10;
const INITIAL_RECORD_CAPACITY = 4096;

export class RecordBuffer {
  private readonly segments: Uint8Array[] = [];
  /** A DataView per segment, made once (one per record cost a tenth of the whole sort). */
  private readonly segmentViews: DataView[] = [];
  /** Index of the segment being filled, and how far. */
  private segment = -1;
  private segmentFill = 0;
  private capacity = 0;
  private segmentOf = new Uint32Array(0);
  private offsetOf = new Uint32Array(0);
  private lengthOf = new Uint32Array(0);
  private referenceKeys = new Uint32Array(0);
  private positionKeys = new Uint32Array(0);
  private strandKeys = new Uint8Array(0);
  private order = new Uint32Array(0);
  private scratch = new Uint32Array(0);
  private recordCount = 0;
  private bytesHeld = 0;
  private readonly segmentBytes: number;

  constructor(
    private readonly referenceCount: number,
    memoryBytes: number,
  ) {
    this.segmentBytes = Math.min(MAX_SEGMENT_BYTES, Math.max(MIN_SEGMENT_BYTES, memoryBytes));
  }

  get count(): number {
    return this.recordCount;
  }

  /** Bytes held, with the per-record overhead (what the memory limit bounds). */
  get usedBytes(): number {
    return this.bytesHeld;
  }

  /** Copies the record of `length` bytes at `bytes[start]` (block_size first) into the buffer. */
  add(bytes: Uint8Array, start: number, length: number): void {
    if (this.recordCount === this.capacity) this.grow();
    if (this.segment < 0 || this.segmentFill + length > this.segments[this.segment]!.length) this.nextSegment(length);
    this.segments[this.segment]!.set(bytes.subarray(start, start + length), this.segmentFill);
    const data = this.segmentViews[this.segment]!;
    const i = this.recordCount++;
    this.segmentOf[i] = this.segment;
    this.offsetOf[i] = this.segmentFill;
    this.lengthOf[i] = length;
    this.referenceKeys[i] = referenceKeyOf(data, this.segmentFill, this.referenceCount);
    this.positionKeys[i] = positionKeyOf(data, this.segmentFill);
    this.strandKeys[i] = strandKeyOf(data, this.segmentFill);
    this.segmentFill += length;
    this.bytesHeld += length + RECORD_OVERHEAD_BYTES;
  }

  /**
   * The records in coordinate order (input order on ties), each as a view of the buffer's own
   * bytes: valid until the next `clear`.
   */
  *sorted(): Generator<Uint8Array> {
    const order = coordinateOrder(this.recordCount, this.referenceKeys, this.positionKeys, this.strandKeys, this.order, this.scratch);
    for (let k = 0; k < this.recordCount; k++) {
      const i = order[k]!;
      const offset = this.offsetOf[i]!;
      yield this.segments[this.segmentOf[i]!]!.subarray(offset, offset + this.lengthOf[i]!);
    }
  }

  /**
   * The records in coordinate order as one input of the merge (the last one: they are the latest
   * input). Valid until the next `clear`.
   */
  cursor(): MergeCursor {
    const order = coordinateOrder(this.recordCount, this.referenceKeys, this.positionKeys, this.strandKeys, this.order, this.scratch);
    const { segments, segmentOf, offsetOf, lengthOf, referenceKeys, positionKeys, strandKeys } = this;
    const count = this.recordCount;
    let k = 0;
    const cursor = {
      bytes: new Uint8Array(0) as Uint8Array,
      start: 0,
      length: 0,
      referenceKey: 0,
      positionStrandKey: 0,
      next(): boolean {
        if (++k >= count) return false;
        point();
        return true;
      },
      nextBatch: (): Promise<boolean> => Promise.resolve(false),
      close(): void {
        // Nothing to close: the records stay in the buffer.
      },
    };
    const point = (): void => {
      const i = order[k]!;
      cursor.bytes = segments[segmentOf[i]!]!;
      cursor.start = offsetOf[i]!;
      cursor.length = lengthOf[i]!;
      cursor.referenceKey = referenceKeys[i]!;
      cursor.positionStrandKey = positionKeys[i]! * 2 + strandKeys[i]!;
    };
    if (count > 0) point();
    return cursor;
  }

  /** Empties the buffer, keeping its segments and arrays for the next run. */
  clear(): void {
    this.recordCount = 0;
    this.bytesHeld = 0;
    this.segment = this.segments.length > 0 ? 0 : -1;
    this.segmentFill = 0;
  }

  private nextSegment(length: number): void {
    // Segments are reused run after run; a record larger than a segment gets one of its own size.
    const next = this.segment + 1;
    if (next < this.segments.length && this.segments[next]!.length >= length) {
      this.segment = next;
    } else {
      const segment = new Uint8Array(Math.max(this.segmentBytes, length));
      this.segments[next] = segment;
      this.segmentViews[next] = new DataView(segment.buffer);
      this.segment = next;
    }
    this.segmentFill = 0;
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_RECORD_CAPACITY, this.capacity * 2);
    const grown = <T extends Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const array = make(capacity);
      array.set(old.subarray(0, this.recordCount));
      return array;
    };
    this.segmentOf = grown(this.segmentOf, (n) => new Uint32Array(n));
    this.offsetOf = grown(this.offsetOf, (n) => new Uint32Array(n));
    this.lengthOf = grown(this.lengthOf, (n) => new Uint32Array(n));
    this.referenceKeys = grown(this.referenceKeys, (n) => new Uint32Array(n));
    this.positionKeys = grown(this.positionKeys, (n) => new Uint32Array(n));
    this.strandKeys = grown(this.strandKeys, (n) => new Uint8Array(n));
    this.order = new Uint32Array(capacity);
    this.scratch = new Uint32Array(capacity);
    this.capacity = capacity;
  }
}
