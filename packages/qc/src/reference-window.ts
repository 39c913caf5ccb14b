/**
 * The reference under a stream of sorted records, one window of one contig at a time, as IUPAC
 * masks (base-masks.ts), for every collector that reads the reference along its records.
 *
 * Each collector instance (one per engine thread) owns its window, and the window opens its own
 * IndexedFastaReader on first use: file descriptors and buffers are never shared between threads.
 * Records arrive sorted, so windows only move forward; WINDOW_BP (1 Mb) bounds memory to ~1 MB per
 * thread whatever the contig; a record's blocks beyond the window come from blockMasks.
 */
import { HtsError, IndexedFastaReader, type BamHeader } from '@shoal/hts';
import { IUPAC_MASK, NO_CALL_MASK } from './base-masks.js';
import type { IntervalSet } from './interval-set.js';

/** Reference bases per fetch. */
const WINDOW_BP = 1 << 20;
/**
 * Bases fetched before the start asked for: the next records may ask for a few bases before it (a reverse read's GC
 * window ends at its alignment end, a clipped one's starts before its position). collect-gcbias on the benchmark BAM
 * refilled 1,703 times without it, 1,155 with it (1,045 of them at a new contig: 525 contigs, read twice).
 */
const WINDOW_BEHIND_BP = 1 << 14;

export class ReferenceWindow {
  /** IUPAC masks of [start, end) on contig refId, from index 0; slots past end - start are stale. */
  masks = new Uint8Array(0);
  /** 0-based start of the window on its contig. */
  start = 0;
  end = 0;
  /** The contig the window lies on (-1: none yet, or the reader was closed). */
  refId = -1;
  /** Counts the refills: what a caller derives from `masks` holds while this is unchanged. */
  generation = 0;
  private reader: IndexedFastaReader | undefined;
  /** blockMasks' buffer. */
  private blockBuffer = new Uint8Array(1024);
  /** The FASTA's bytes of the last fetch (fetchBases). */
  private fetchBuffer: Uint8Array = new Uint8Array(0);
  /**
   * The window's no-call runs, [start, end) loci flat (made on first use after a refill: `hasNoCallIn`), and the run
   * the last question ended at, where the next usually starts (questions follow sorted records).
   */
  private noCallRuns = new Int32Array(64);
  private noCallRunValues = -1;
  private noCallHint = 0;
  /** The contigs' lengths by the input's reference id, checked against the FASTA when it opens. */
  private contigLengths: number[] | undefined;

  /** The territory's intervals by contig, [start, end) pairs flat, when the run counts only some loci. */
  private readonly territoryByContig: number[][] | undefined;

  /**
   * `territory`: only these loci count (Picard INTERVALS): every other base reads as a no-call, which the collectors
   * already leave out of the territory and the depth, so no per-locus test is added to their loops.
   */
  constructor(
    private readonly path: string,
    private readonly header: BamHeader,
    territory?: IntervalSet,
  ) {
    if (territory !== undefined) {
      this.territoryByContig = header.references.map(() => []);
      territory.refIds.forEach((refId, i) => this.territoryByContig![refId]!.push(territory.starts[i]!, territory.ends[i]!));
    }
  }

  /** The length of a contig of the input's header (the FASTA's, which must agree). */
  contigLength(refId: number): number {
    this.open();
    return this.contigLengths![refId] ?? 0;
  }

  /** Makes the window cover [start, end) of refId (end already clipped to the contig). */
  cover(refId: number, start: number, end: number): void {
    // Small enough to inline into the caller's per-record path; the fetch is the rare case.
    if (refId !== this.refId || start < this.start || end > this.end) this.refill(refId, start, end);
  }

  private refill(refId: number, start: number, end: number): void {
    this.open(); // the contigs' lengths
    const contigLength = this.contigLengths![refId]!;
    const from = Math.min(Math.max(start - WINDOW_BEHIND_BP, 0), contigLength);
    const to = Math.min(contigLength, Math.max(from + WINDOW_BP, end));
    const bases = this.fetchBases(refId, from, to);
    if (this.masks.length < bases.length) this.masks = new Uint8Array(Math.max(bases.length, WINDOW_BP));
    // Once per reference base: both tables in locals, not re-read from the object and the import.
    const masks = this.masks;
    const iupacMask = IUPAC_MASK;
    for (let i = 0; i < bases.length; i++) masks[i] = iupacMask[bases[i]!]!;
    this.maskOutsideTerritory(masks, refId, from, from + bases.length);
    this.noCallRunValues = -1;
    this.generation++;
    this.refId = refId;
    this.start = from;
    this.end = to;
  }

  /**
   * Whether any locus of [from, to) (inside the window) is a no-call: one answer per aligned block lets a per-base loop
   * over a block without one skip the mask. Reads cross N only at the edges of gaps, so runs are few.
   */
  hasNoCallIn(from: number, to: number): boolean {
    if (this.noCallRunValues < 0) this.findNoCallRuns();
    const runs = this.noCallRuns;
    const values = this.noCallRunValues;
    // The first run ending after `from`: from the hint when it still lies before, else by binary search.
    let low = this.noCallHint;
    if (low > values || (low > 0 && runs[low - 1]! > from)) low = 0;
    if (low < values && runs[low + 1]! <= from) {
      let high = values / 2;
      low /= 2;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (runs[2 * mid + 1]! <= from) low = mid + 1;
        else high = mid;
      }
      low *= 2;
    }
    this.noCallHint = low;
    return low < values && runs[low]! < to;
  }

  private findNoCallRuns(): void {
    const masks = this.masks;
    const length = this.end - this.start;
    let runs = this.noCallRuns;
    let values = 0;
    for (let i = 0; i < length; i++) {
      if (masks[i] !== NO_CALL_MASK) continue;
      const start = i;
      while (i < length && masks[i] === NO_CALL_MASK) i++;
      if (values + 2 > runs.length) {
        const grown = new Int32Array(2 * runs.length);
        grown.set(runs);
        runs = grown;
      }
      runs[values++] = this.start + start;
      runs[values++] = this.start + i;
    }
    this.noCallRuns = runs;
    this.noCallRunValues = values;
    this.noCallHint = 0;
  }

  /**
   * IUPAC masks of [start, end) of refId (clipped to the contig) in a buffer of their own, from
   * index 0, leaving the window where it is: for an aligned block far past the window (after a
   * long N or D), which would otherwise move the window over the whole gap. Valid until the next call.
   */
  blockMasks(refId: number, start: number, end: number): Uint8Array {
    this.open(); // the contigs' lengths
    const contigLength = this.contigLengths![refId]!;
    const bases = this.fetchBases(refId, Math.min(start, contigLength), Math.min(end, contigLength));
    if (this.blockBuffer.length < bases.length) this.blockBuffer = new Uint8Array(Math.max(bases.length, 2 * this.blockBuffer.length));
    const masks = this.blockBuffer;
    const iupacMask = IUPAC_MASK;
    for (let i = 0; i < bases.length; i++) masks[i] = iupacMask[bases[i]!]!;
    this.maskOutsideTerritory(masks, refId, Math.min(start, contigLength), Math.min(start, contigLength) + bases.length);
    return masks;
  }

  /** The bases of [from, to) of refId as bytes, read into one buffer kept for the next fetch. */
  private fetchBases(refId: number, from: number, to: number): Uint8Array {
    const bases = this.open().fetchBytes(this.header.references[refId]!.name, from, to, this.fetchBuffer);
    if (bases.buffer !== this.fetchBuffer.buffer) this.fetchBuffer = new Uint8Array(bases.buffer);
    return bases;
  }

  /** Marks the loci of [from, to) (masks from index 0) outside the territory as no-calls. */
  private maskOutsideTerritory(masks: Uint8Array, refId: number, from: number, to: number): void {
    const intervals = this.territoryByContig?.[refId];
    if (intervals === undefined) return;
    // The first interval ending after `from` (sorted, disjoint: ends ascend).
    let low = 0;
    let high = intervals.length / 2;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (intervals[2 * mid + 1]! <= from) low = mid + 1;
      else high = mid;
    }
    let cursor = from;
    for (let i = low; i < intervals.length / 2 && intervals[2 * i]! < to; i++) {
      const start = intervals[2 * i]!;
      if (start > cursor) masks.fill(NO_CALL_MASK, cursor - from, start - from);
      cursor = Math.max(cursor, intervals[2 * i + 1]!);
    }
    if (cursor < to) masks.fill(NO_CALL_MASK, cursor - from, to - from);
  }

  /** The reference text of [start, end) of refId (clipped to the contig), leaving the window where it is. */
  text(refId: number, start: number, end: number): string {
    const reader = this.open();
    const contigLength = this.contigLengths![refId]!;
    return reader.fetch(this.header.references[refId]!.name, Math.min(start, contigLength), Math.min(end, contigLength));
  }

  /** Closes the FASTA at the end of a thread's (or process's) input; it reopens if more comes. */
  close(): void {
    this.reader?.close();
    this.reader = undefined;
    this.refId = -1;
  }

  private open(): IndexedFastaReader {
    return this.reader ?? this.openAndCheck();
  }

  private openAndCheck(): IndexedFastaReader {
    const reader = IndexedFastaReader.open(this.path);
    // Picard SinglePassSamProgram: the BAM's sequence dictionary must equal the reference's.
    this.contigLengths = this.header.references.map((sequence) => {
      if (!reader.hasSequence(sequence.name)) {
        reader.close();
        throw new HtsError(
          `the reference has no sequence '${sequence.name}', which the input's header names: give the FASTA the reads were aligned to`,
          this.path,
        );
      }
      const length = reader.sequenceLength(sequence.name);
      if (length !== sequence.length) {
        reader.close();
        throw new HtsError(
          `sequence '${sequence.name}' has ${length} bases in the reference but ${sequence.length} in the input's header: give the FASTA the reads were aligned to`,
          this.path,
        );
      }
      return length;
    });
    this.reader = reader;
    return reader;
  }
}
