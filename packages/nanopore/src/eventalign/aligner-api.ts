/**
 * The interface between eventalign's plumbing (reads in, rows and frames out: run.ts, tsv.ts, segments.ts) and the
 * alignment core (`eventalignRead`: event detection, trimming, scaling, adaptive banded or forced-dense alignment of
 * one read). The plumbing depends only on these types; the core is found at run time (stages.ts), so either side
 * can change its insides without the other.
 */
import type { PoreModel } from '../pore-model.js';

export interface ReadToAlign {
  readName: string;
  /** Picoamperes in acquisition order (RNA: 3'→5'), the whole read. */
  signalPa: Float32Array;
  /** Hz. */
  samplingRate: number;
  /** Basecalls 5'→3' as in the FASTQ or the BAM SEQ (U written as T). */
  readSequence: string;
  /** The read's primary forward-strand alignment to the reference, from the BAM. */
  referenceName: string;
  /** 0-based leftmost aligned reference base. */
  referenceStart: number;
  /** BAM-encoded operations (length << 4 | op). */
  cigar: Uint32Array;
  /** Reference bases [referenceStart, referenceEnd) of the alignment, upper case ACGT or N. */
  referenceSequence: string;
  /** RNA: the signal runs 3'→5' and events are reversed to 5'→3', as nanopolish does. */
  rna: boolean;
}

export type EventalignMode = 'banded' | 'dense';

export interface EventalignOptions {
  /**
   * `banded`: nanopolish/f5c event detection and adaptive banded alignment (the default); `dense`: krill-style
   * forced-dense alignment, every sample assigned to a reference k-mer, no skips.
   */
  mode: EventalignMode;
  /** --scale-events: event levels scaled to the model instead of the model scaled to the events. */
  scaleEvents: boolean;
}

/** One row of nanopolish's eventalign TSV, before formatting. */
export interface AlignedEvent {
  /** 0-based first base of the reference k-mer (nanopolish's `position`). */
  referencePosition: number;
  /** Rank (pore-model.ts kmerRank) of the reference k-mer, -1 when it holds an N. */
  referenceKmerRank: number;
  /** Index in the read's event list (nanopolish's event_index). */
  eventIndex: number;
  /** pA, or scaled to the model with scaleEvents. */
  levelMean: number;
  levelStdv: number;
  lengthSeconds: number;
  /** The k-mer the model scored; -1 (`NNNNN`) where the read-side k-mer mismatches. */
  modelKmerRank: number;
  /** Scaled as nanopolish prints them. */
  modelMean: number;
  modelStdv: number;
  /** Infinity where modelKmerRank is -1. */
  standardizedLevel: number;
  /** Half-open raw-signal indices; for RNA they decrease along the reference. */
  startSample: number;
  endSample: number;
}

export interface ReadScaling {
  shift: number;
  scale: number;
  drift: number;
  var: number;
}

export interface ReadEventalignResult {
  readName: string;
  /** In nanopolish's output order: reference order, a k-mer's events consecutive. */
  events: AlignedEvent[];
  scaling: ReadScaling;
  numEvents: number;
  numSteps: number;
  numSkips: number;
  numStays: number;
  totalDurationSeconds: number;
}

/** `reason` says why a read was not aligned ('calibration failed', 'too few events', …). */
export type ReadEventalignOutcome = { ok: true; result: ReadEventalignResult } | { ok: false; reason: string };

/** The core's entry point. */
export type EventalignReadFunction = (read: ReadToAlign, model: PoreModel, options: EventalignOptions) => ReadEventalignOutcome;
