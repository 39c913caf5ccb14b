/**
 * The BAI index (SAM spec §5.2): per reference, bins of chunks (virtual offset ranges), a linear
 * index of 16 KiB windows, and htslib's metadata pseudo-bin (first/last offsets, mapped/unmapped
 * counts, read by `samtools idxstats`). Parse, serialise, and build one while writing a sorted BAM.
 */
import { escaped, HtsError, quoted } from '../../errors.js';
import { readVirtualOffset, writeVirtualOffset } from '../../bgzf/virtual-offset.js';
import { LINEAR_SHIFT, METADATA_BIN, reg2bin } from './bins.js';

export interface ReferenceIndex {
  /** bin → flat [begin0, end0, begin1, end1, …] virtual offsets. */
  bins: Map<number, number[]>;
  /** Smallest virtual offset of a record overlapping each 16 KiB window. */
  linear: number[];
  /** From the metadata pseudo-bin, when present. */
  metadata?: { firstOffset: number; lastOffset: number; mapped: number; unmapped: number };
}

export interface BaiIndex {
  references: ReferenceIndex[];
  /** Unplaced unmapped reads (refId -1), when recorded. */
  unplacedUnmapped?: number;
  /** The index file, when read from one (for messages). */
  file?: string;
  /** The index file is older than its BAM (samtools warns; a mismatch then names it). */
  olderThanData?: boolean;
}

export function parseBai(bytes: Uint8Array, file: string): BaiIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number): void => {
    if (at + n > bytes.length) throw new HtsError('truncated BAI index', file, `byte offset ${bytes.length}`);
  };
  need(0, 8);
  if (bytes[0] !== 66 || bytes[1] !== 65 || bytes[2] !== 73 || bytes[3] !== 1)
    throw new HtsError('not a BAI index (no BAI\\1 magic)', file, 'byte offset 0');
  const referenceCount = view.getInt32(4, true);
  let at = 8;
  const references: ReferenceIndex[] = [];
  for (let r = 0; r < referenceCount; r++) {
    need(at, 4);
    const binCount = view.getInt32(at, true);
    at += 4;
    const reference: ReferenceIndex = { bins: new Map(), linear: [] };
    for (let b = 0; b < binCount; b++) {
      need(at, 8);
      const bin = view.getUint32(at, true);
      const chunkCount = view.getInt32(at + 4, true);
      at += 8;
      need(at, 16 * chunkCount);
      const offsets: number[] = [];
      for (let c = 0; c < chunkCount; c++, at += 16) offsets.push(readVirtualOffset(view, at), readVirtualOffset(view, at + 8));
      if (bin === METADATA_BIN && chunkCount === 2) {
        reference.metadata = { firstOffset: offsets[0]!, lastOffset: offsets[1]!, mapped: offsets[2]!, unmapped: offsets[3]! };
      } else {
        reference.bins.set(bin, offsets);
      }
    }
    need(at, 4);
    const windowCount = view.getInt32(at, true);
    at += 4;
    need(at, 8 * windowCount);
    for (let w = 0; w < windowCount; w++, at += 8) reference.linear.push(readVirtualOffset(view, at));
    references.push(reference);
  }
  const index: BaiIndex = { references };
  if (at + 8 <= bytes.length) index.unplacedUnmapped = readVirtualOffset(view, at);
  return index;
}

export function serializeBai(index: BaiIndex): Uint8Array {
  let size = 8;
  for (const reference of index.references) {
    size += 4;
    for (const offsets of reference.bins.values()) size += 8 + 8 * offsets.length;
    if (reference.metadata) size += 8 + 32;
    size += 4 + 8 * reference.linear.length;
  }
  if (index.unplacedUnmapped !== undefined) size += 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([66, 65, 73, 1]);
  view.setInt32(4, index.references.length, true);
  let at = 8;
  for (const reference of index.references) {
    view.setInt32(at, reference.bins.size + (reference.metadata ? 1 : 0), true);
    at += 4;
    const bins = [...reference.bins.keys()].sort((a, b) => a - b);
    for (const bin of bins) {
      const offsets = reference.bins.get(bin)!;
      view.setUint32(at, bin, true);
      view.setInt32(at + 4, offsets.length / 2, true);
      at += 8;
      for (const offset of offsets) {
        writeVirtualOffset(view, at, offset);
        at += 8;
      }
    }
    if (reference.metadata) {
      const m = reference.metadata;
      view.setUint32(at, METADATA_BIN, true);
      view.setInt32(at + 4, 2, true);
      at += 8;
      for (const value of [m.firstOffset, m.lastOffset, m.mapped, m.unmapped]) {
        writeVirtualOffset(view, at, value);
        at += 8;
      }
    }
    view.setInt32(at, reference.linear.length, true);
    at += 4;
    for (const offset of reference.linear) {
      writeVirtualOffset(view, at, offset);
      at += 8;
    }
  }
  if (index.unplacedUnmapped !== undefined) writeVirtualOffset(view, at, index.unplacedUnmapped);
  return out;
}

/**
 * Builds a BAI from records in coordinate order, as they are written. Consecutive records of one
 * bin whose offsets touch share a chunk (as htslib's hts_idx_push does).
 */
/** 2^29: the positions BAI's bins and linear index can address. */
const BAI_MAX_POSITION = 1 << 29;

export class BaiBuilder {
  private readonly references: ReferenceIndex[];
  private lastRefId = -1;
  private lastPos = -1;
  private unplaced = 0;
  private sawUnplaced = false;
  private added = 0;
  /** The furthest linear-index window any record of the current reference has reached. */
  private lastLinearWindow = -1;

  constructor(
    referenceCount: number,
    private readonly file = 'BAM',
    /** Reference names, for messages (ids are shown when absent). */
    private readonly referenceNames: readonly string[] = [],
  ) {
    this.references = Array.from({ length: referenceCount }, () => ({ bins: new Map(), linear: [] }));
  }

  /** Adds one record: reference, 0-based [beg, end), and the virtual offsets of its first byte and just past it. */
  add(refId: number, beg: number, end: number, unmapped: boolean, startOffset: number, endOffset: number, readName: string): void {
    this.added++;
    if (refId < 0) {
      this.sawUnplaced = true;
      this.unplaced++;
      return;
    }
    if (this.sawUnplaced || refId < this.lastRefId || (refId === this.lastRefId && beg < this.lastPos)) {
      const previous = this.sawUnplaced ? 'an unplaced read (*)' : this.place(this.lastRefId, this.lastPos);
      throw new HtsError(
        `cannot index: not sorted by coordinate at record ${this.added} (read ${quoted(readName)} at ${this.place(refId, beg)} comes after ${previous}); sort it with samtools sort`,
        this.file,
      );
    }
    if (refId >= this.references.length)
      throw new HtsError(
        `cannot index: record ${this.added} (read ${quoted(readName)}) has reference id ${refId}, not in the header`,
        this.file,
      );
    // BAI's bins and linear index address positions below 2^29 (htslib refuses the rest and
    // suggests CSI); a corrupt CIGAR spanning billions would otherwise grow the linear index to match.
    if (end > BAI_MAX_POSITION)
      throw new HtsError(
        `cannot index: record ${this.added} (read ${quoted(readName)}) ends at ${end}, past the ${BAI_MAX_POSITION} a BAI index can address`,
        this.file,
      );
    if (refId !== this.lastRefId) this.lastLinearWindow = -1;
    this.lastRefId = refId;
    this.lastPos = beg;
    const reference = this.references[refId]!;
    const bin = reg2bin(beg, end);
    let chunks = reference.bins.get(bin);
    if (!chunks) reference.bins.set(bin, (chunks = []));
    if (chunks.length > 0 && chunks[chunks.length - 1] === startOffset) chunks[chunks.length - 1] = endOffset;
    else chunks.push(startOffset, endOffset);
    const linear = reference.linear;
    const lastWindow = (end - 1) >> LINEAR_SHIFT;
    while (linear.length <= lastWindow) linear.push(-1);
    // Records come sorted by start, so every window from this start up to the furthest window an
    // earlier record reached is set already: only windows past it are new (a 1 Mbp deletion on
    // every record no longer costs 64 steps each).
    for (let w = Math.max(beg >> LINEAR_SHIFT, this.lastLinearWindow + 1); w <= lastWindow; w++)
      if (linear[w] === -1) linear[w] = startOffset;
    if (lastWindow > this.lastLinearWindow) this.lastLinearWindow = lastWindow;
    const metadata = (reference.metadata ??= { firstOffset: startOffset, lastOffset: endOffset, mapped: 0, unmapped: 0 });
    metadata.lastOffset = endOffset;
    if (unmapped) metadata.unmapped++;
    else metadata.mapped++;
  }

  /** `chr1:101` (1-based), for messages. */
  private place(refId: number, pos: number): string {
    return `${this.referenceNames[refId] !== undefined ? escaped(this.referenceNames[refId]) : `reference ${refId}`}:${pos + 1}`;
  }

  /**
   * The finished index. `resolve` maps the offsets given to add() to virtual offsets, for writers
   * that index by uncompressed position (the mapping is monotonic, so chunk merging and the linear
   * index's minima hold).
   */
  finish(resolve: (offset: number) => number = (offset) => offset): BaiIndex {
    for (const reference of this.references) {
      for (const chunks of reference.bins.values()) for (let i = 0; i < chunks.length; i++) chunks[i] = resolve(chunks[i]!);
      for (let w = 0; w < reference.linear.length; w++) if (reference.linear[w] !== -1) reference.linear[w] = resolve(reference.linear[w]!);
      if (reference.metadata) {
        reference.metadata.firstOffset = resolve(reference.metadata.firstOffset);
        reference.metadata.lastOffset = resolve(reference.metadata.lastOffset);
      }
    }
    for (const reference of this.references) {
      // Windows no record overlaps take the previous window's offset (htslib fills them the same way).
      let previous = 0;
      for (let w = 0; w < reference.linear.length; w++) {
        if (reference.linear[w] === -1) reference.linear[w] = previous;
        else previous = reference.linear[w]!;
      }
    }
    return { references: this.references, unplacedUnmapped: this.unplaced };
  }
}
