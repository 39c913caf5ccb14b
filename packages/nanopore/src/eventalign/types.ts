/**
 * The eventalign core's API: one read (signal, basecalls, its primary forward alignment and the reference bases it
 * covers) in, the rows of nanopolish's eventalign TSV for that read out, unformatted. The executable
 * (`packages/eventalign`) joins the inputs, formats the rows and runs reads on threads.
 */

export interface ReadToAlign {
  readName: string;
  /** Picoamperes in acquisition order (RNA: 3'->5'), the whole read. See `picoampsAsNanopolish`. */
  signalPa: Float32Array;
  /** Hz. */
  samplingRate: number;
  /** Basecalls 5'->3' as in the FASTQ/BAM SEQ (U as T). */
  readSequence: string;
  // The read's primary forward-strand alignment to the reference (from the BAM):
  referenceName: string;
  /** 0-based leftmost aligned reference base. */
  referenceStart: number;
  /** BAM-encoded operations (length << 4 | op). */
  cigar: Uint32Array;
  /** Reference bases [referenceStart, referenceEnd) of the alignment (uppercase ACGT/N). */
  referenceSequence: string;
  /** RNA: the signal runs 3'->5'; events are reversed to 5'->3' as nanopolish does. */
  rna: boolean;
}

export interface EventalignOptions {
  /**
   * 'banded': nanopolish/f5c event detection + adaptive banded alignment (the default); 'dense': krill-style
   * forced-dense, every sample of the aligned span assigned to a reference k-mer, none skipped (see
   * dense-alignment.ts for the method).
   */
  mode: 'banded' | 'dense';
  /** --scale-events: levels scaled to the model ((level - shift) / scale) instead of the model scaled to the read. */
  scaleEvents: boolean;
  /**
   * Apply scrappie's signal trimming before event detection (trim.ts). Off by default: nanopolish 0.14.0 and f5c
   * compute the trim but discard it, so their events cover the whole signal.
   */
  trimSignal?: boolean;
}

/** One row of nanopolish's eventalign TSV, before formatting. */
export interface AlignedEvent {
  /** 0-based first base of the reference k-mer (nanopolish `position`). */
  referencePosition: number;
  /** Rank (pore-model.ts kmerRank) of the reference k-mer, -1 if it has an N. */
  referenceKmerRank: number;
  /** Index in the read's event list (nanopolish's event_index; for RNA the list runs 5'->3', as nanopolish's). */
  eventIndex: number;
  /** pA (or scaled to the model when scaleEvents). */
  levelMean: number;
  levelStdv: number;
  lengthSeconds: number;
  /**
   * The k-mer the model scored: the reference k-mer, or -1 (printed `NNNNN`, model 0.00, standardized level inf)
   * for an event the alignment explained as a bad event (nanopolish's profile-HMM state 'B': a level too far from
   * every nearby k-mer's model).
   */
  modelKmerRank: number;
  /** Scaled as nanopolish prints them: the scaled model without scaleEvents, the model's own values with it. */
  modelMean: number;
  modelStdv: number;
  /** Infinity where modelKmerRank is -1. */
  standardizedLevel: number;
  /** Half-open raw-signal sample indices (for RNA they decrease along the reference). */
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
  /** In nanopolish's output order: reference order, several events of one k-mer consecutive. */
  events: AlignedEvent[];
  scaling: ReadScaling;
  numEvents: number;
  numSteps: number;
  numSkips: number;
  numStays: number;
  totalDurationSeconds: number;
}

/** `reason` is one line for a log, e.g. 'calibration failed', 'too few events'. */
export type ReadEventalignOutcome = { ok: true; result: ReadEventalignResult } | { ok: false; reason: string };
