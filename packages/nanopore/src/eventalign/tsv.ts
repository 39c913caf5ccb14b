/**
 * nanopolish 0.14.0's eventalign TSV and --summary file, byte for byte (src/alignment/nanopolish_eventalign.cpp:
 * emit_tsv_header, emit_event_alignment_tsv, the summary fprintf in realign_read; checked against Debian's
 * nanopolish 0.14.0 on simulated reads, see docs/tools/eventalign.md).
 *
 * Columns: `contig position reference_kmer read_index strand event_index event_level_mean event_stdv event_length
 * model_kmer model_mean model_stdv standardized_level`; `--print-read-names` puts `read_name` in place of
 * `read_index`, `--signal-index` appends `start_idx end_idx`, `--samples` appends `samples`. Formats are
 * nanopolish's printf formats: `%.2f` for levels, model values and the standardized level, `%.3f` for the stdv,
 * `%.5f` for the length in seconds; the event values are C floats there, so they are rounded to float32 here before
 * printing. A row whose model k-mer is unknown prints `NNNNN 0.00 0.00 inf`. The samples are the event's raw samples
 * scaled to the model, `(pA - shift - drift·i/rate) / scale` as float32, each printed as a C++ stream prints a float
 * (`%g`, 6 significant digits), comma-separated: nanopolish scales them whether or not --scale-events is given.
 */
import { kmerOfRank } from '../pore-model.js';
import type { AlignedEvent, ReadScaling } from './types.js';
import { nativeKernels, type EventalignKernels } from './native.js';
import { formatFixed } from './printf.js';
import { TextBuffer } from './text-buffer.js';

/** The flags that choose the TSV's columns. */
export interface TsvColumns {
  /** -n, --print-read-names: `read_name` instead of `read_index`. */
  printReadNames: boolean;
  /** --signal-index: `start_idx end_idx`. */
  signalIndex: boolean;
  /** --samples: `samples`. */
  samples: boolean;
}

/** The header line, newline included. */
export function eventalignTsvHeader(columns: TsvColumns): string {
  let header = `contig\tposition\treference_kmer\t${columns.printReadNames ? 'read_name' : 'read_index'}\tstrand\t`;
  header += 'event_index\tevent_level_mean\tevent_stdv\tevent_length\tmodel_kmer\tmodel_mean\tmodel_stdv\tstandardized_level';
  if (columns.signalIndex) header += '\tstart_idx\tend_idx';
  if (columns.samples) header += '\tsamples';
  return `${header}\n`;
}

/** What the rows of one read need besides the aligner's result. */
export interface TsvRead {
  contig: string;
  /** nanopolish's read_index: the record's 0-based place among the BAM records read (region query: from its start). */
  readIndex: number;
  readName: string;
  /** The reference bases [referenceStart, …) of the alignment, as fetched (the reference k-mers come from here). */
  referenceStart: number;
  referenceSequence: string;
  k: number;
  /** The read's signal in pA and its sampling rate: the samples column. */
  signalPa: Float32Array;
  samplingRate: number;
}

/**
 * IUPAC codes to the first base they stand for (N → A, R → A, Y → C, …), as nanopolish's Alphabet::disambiguate
 * turns the reference before it prints reference k-mers; anything else stays as it is.
 */
const DISAMBIGUATED: Readonly<Record<string, string>> = {
  M: 'A',
  R: 'A',
  W: 'A',
  S: 'C',
  Y: 'C',
  K: 'G',
  V: 'A',
  H: 'A',
  D: 'A',
  B: 'C',
  N: 'A',
  U: 'T',
};

/** The reference k-mer at 0-based `position`, upper case and disambiguated as nanopolish prints it. */
export function referenceKmer(read: Pick<TsvRead, 'referenceStart' | 'referenceSequence' | 'k'>, position: number): string {
  const offset = position - read.referenceStart;
  const kmer = read.referenceSequence.slice(offset, offset + read.k).toUpperCase();
  return /^[ACGT]*$/.test(kmer) ? kmer : kmer.replace(/[^ACGT]/g, (base) => DISAMBIGUATED[base] ?? base);
}

/** k-mer texts by rank, built once per k (4^k strings): the model k-mer column repeats on every row. */
const kmerTexts = new Map<number, string[]>();
function kmerText(rank: number, k: number): string {
  let texts = kmerTexts.get(k);
  if (texts === undefined) {
    texts = k <= 8 ? Array.from({ length: 4 ** k }, (_, r) => kmerOfRank(r, k)) : [];
    kmerTexts.set(k, texts);
  }
  return texts[rank] ?? kmerOfRank(rank, k);
}

const TAB = 9;
const NEWLINE = 10;
const COMMA = 44;

/**
 * Writes the rows of one aligned read (its events in the aligner's order, `scaling` its scaling) into `out`: through
 * the C row writer where it was built (native.ts), else in TypeScript; the bytes are the same (native.test.ts).
 */
export function writeEventalignRows(
  out: TextBuffer,
  read: TsvRead,
  events: readonly AlignedEvent[],
  scaling: ReadScaling,
  columns: TsvColumns,
): void {
  const kernels = nativeKernels();
  if (kernels !== undefined && events.length > 0 && writeRowsNative(kernels, out, read, events, scaling, columns)) return;
  writeRowsTypescript(out, read, events, scaling, columns);
}

/** The events as the C row writer takes them (one typed array per column), grown as reads need. */
class EventColumns {
  capacity = 0;
  referencePosition = new Int32Array(0);
  eventIndex = new Int32Array(0);
  levelMean = new Float32Array(0);
  levelStdv = new Float32Array(0);
  lengthSeconds = new Float32Array(0);
  modelKmerRank = new Int32Array(0);
  modelMean = new Float32Array(0);
  modelStdv = new Float32Array(0);
  standardizedLevel = new Float32Array(0);
  startSample = new Int32Array(0);
  endSample = new Int32Array(0);

  fill(events: readonly AlignedEvent[]): void {
    if (events.length > this.capacity) {
      const n = Math.max(events.length, this.capacity * 2);
      this.capacity = n;
      this.referencePosition = new Int32Array(n);
      this.eventIndex = new Int32Array(n);
      this.levelMean = new Float32Array(n);
      this.levelStdv = new Float32Array(n);
      this.lengthSeconds = new Float32Array(n);
      this.modelKmerRank = new Int32Array(n);
      this.modelMean = new Float32Array(n);
      this.modelStdv = new Float32Array(n);
      this.standardizedLevel = new Float32Array(n);
      this.startSample = new Int32Array(n);
      this.endSample = new Int32Array(n);
    }
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      this.referencePosition[i] = event.referencePosition;
      this.eventIndex[i] = event.eventIndex;
      this.levelMean[i] = event.levelMean;
      this.levelStdv[i] = event.levelStdv;
      this.lengthSeconds[i] = event.lengthSeconds;
      this.modelKmerRank[i] = event.modelKmerRank;
      this.modelMean[i] = event.modelMean;
      this.modelStdv[i] = event.modelStdv;
      this.standardizedLevel[i] = event.standardizedLevel;
      this.startSample[i] = event.startSample;
      this.endSample[i] = event.endSample;
    }
  }
}

const eventColumns = new EventColumns();
const utf8 = new TextEncoder();
const INT32_MAX = 2 ** 31 - 1;
/** Bytes a row's numbers can take: %.Nf of a float32 is at most 47 characters, an int32 11; snprintf adds its NUL. */
const ROW_NUMBER_BYTES = 6 * 64 + 3 * 12 + 16;
const SAMPLE_BYTES = 16;

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -INT32_MAX && value <= INT32_MAX;
}

/** The C row writer; false where it does not apply (the caller writes the rows in TypeScript). */
function writeRowsNative(
  kernels: EventalignKernels,
  out: TextBuffer,
  read: TsvRead,
  events: readonly AlignedEvent[],
  scaling: ReadScaling,
  columns: TsvColumns,
): boolean {
  if (read.k > 15 || !isInt32(read.referenceStart)) return false;
  let samples = 0;
  for (const event of events) {
    if (!isInt32(event.referencePosition) || !isInt32(event.eventIndex) || !isInt32(event.modelKmerRank)) return false;
    if (!isInt32(event.startSample) || !isInt32(event.endSample)) return false;
    if (columns.samples) {
      if (event.startSample < 0 || event.endSample > read.signalPa.length) return false;
      samples += Math.max(0, event.endSample - event.startSample);
    }
  }
  const kmerText = disambiguatedReference(read.referenceSequence);
  if (kmerText === undefined) return false;
  const contig = utf8.encode(read.contig);
  const readColumn = utf8.encode(columns.printReadNames ? read.readName : String(read.readIndex));
  const kmerBases = utf8.encode(kmerText);
  const rowBytes = contig.length + readColumn.length + read.k * 2 + 11 + 6 + ROW_NUMBER_BYTES;
  const bound = events.length * rowBytes + samples * SAMPLE_BYTES;
  eventColumns.fill(events);
  const c = eventColumns;
  const written = kernels.formatRows(
    out.freeSpace(bound),
    events.length,
    c.referencePosition,
    c.eventIndex,
    c.levelMean,
    c.levelStdv,
    c.lengthSeconds,
    c.modelKmerRank,
    c.modelMean,
    c.modelStdv,
    c.standardizedLevel,
    c.startSample,
    c.endSample,
    contig,
    contig.length,
    readColumn,
    readColumn.length,
    kmerBases,
    kmerBases.length,
    read.referenceStart,
    read.k,
    columns.signalIndex ? 1 : 0,
    columns.samples ? 1 : 0,
    read.signalPa,
    scaling.shift,
    scaling.scale,
    scaling.drift,
    read.samplingRate,
  );
  if (written < 0) return false;
  out.advance(written);
  return true;
}

/**
 * The whole reference upper case and disambiguated as referenceKmer turns each k-mer (the mapping is per base, so
 * the k-mers are its slices); undefined where it is not ASCII (upper-casing could change its length).
 */
function disambiguatedReference(reference: string): string | undefined {
  const upper = reference.toUpperCase();
  if (/^[ACGT]*$/.test(upper)) return upper;
  for (let i = 0; i < upper.length; i++) if (upper.charCodeAt(i) > 127) return undefined;
  return upper.replace(/[^ACGT]/g, (base) => DISAMBIGUATED[base] ?? base);
}

function writeRowsTypescript(
  out: TextBuffer,
  read: TsvRead,
  events: readonly AlignedEvent[],
  scaling: ReadScaling,
  columns: TsvColumns,
): void {
  const unknownKmer = 'N'.repeat(read.k);
  const readColumn = columns.printReadNames ? read.readName : String(read.readIndex);
  const { shift, scale, drift } = scaling;
  const signal = read.signalPa;
  const rate = read.samplingRate;
  let kmerPosition = -1;
  let rowPrefix = '';
  for (const event of events) {
    if (event.referencePosition !== kmerPosition) {
      // A k-mer's events are consecutive rows: its first columns are built once.
      kmerPosition = event.referencePosition;
      rowPrefix = `${read.contig}\t${kmerPosition}\t${referenceKmer(read, kmerPosition)}\t${readColumn}\tt\t`;
    }
    out.text(rowPrefix);
    out.integer(event.eventIndex);
    out.byte(TAB);
    out.fixed(Math.fround(event.levelMean), 2);
    out.byte(TAB);
    out.fixed(Math.fround(event.levelStdv), 3);
    out.byte(TAB);
    out.fixed(Math.fround(event.lengthSeconds), 5);
    out.byte(TAB);
    out.text(event.modelKmerRank < 0 ? unknownKmer : kmerText(event.modelKmerRank, read.k));
    out.byte(TAB);
    out.fixed(Math.fround(event.modelMean), 2);
    out.byte(TAB);
    out.fixed(Math.fround(event.modelStdv), 2);
    out.byte(TAB);
    out.fixed(Math.fround(event.standardizedLevel), 2);
    if (columns.signalIndex) {
      out.byte(TAB);
      out.integer(event.startSample);
      out.byte(TAB);
      out.integer(event.endSample);
    }
    if (columns.samples) {
      out.byte(TAB);
      for (let i = event.startSample; i < event.endSample; i++) {
        if (i > event.startSample) out.byte(COMMA);
        // nanopolish: (sample − shift − drift · time) / scale in double, stored as a float.
        out.general(Math.fround((signal[i]! - shift - (i / rate) * drift) / scale));
      }
    }
    out.byte(NEWLINE);
  }
}

/** The rows of one aligned read as text (writeEventalignRows into a string). */
export function formatEventalignRows(read: TsvRead, events: readonly AlignedEvent[], scaling: ReadScaling, columns: TsvColumns): string {
  const out = new TextBuffer(1 << 10);
  writeEventalignRows(out, read, events, scaling, columns);
  return new TextDecoder().decode(out.take());
}

/** The --summary header line, newline included. */
export const EVENTALIGN_SUMMARY_HEADER =
  'read_index\tread_name\tfast5_path\tmodel_name\tstrand\tnum_events\tnum_steps\tnum_skips\tnum_stays\ttotal_duration\tshift\tscale\tdrift\tvar\n';

/** A read's line of the --summary file, computed from its rows as nanopolish's summarize_alignment does. */
export interface AlignmentSummary {
  numEvents: number;
  /** Rows that move one position on. */
  numSteps: number;
  /** Rows that move more than one position, or back (nanopolish's unsigned difference). */
  numSkips: number;
  /** Rows at the same position as the row before. */
  numStays: number;
  /** Σ event lengths (float32 each, summed in double). */
  totalDurationSeconds: number;
}

/** nanopolish's summarize_alignment over the rows of one read (after any region clipping). */
export function summarizeEvents(events: readonly AlignedEvent[]): AlignmentSummary {
  const summary: AlignmentSummary = { numEvents: 0, numSteps: 0, numSkips: 0, numStays: 0, totalDurationSeconds: 0 };
  let previous = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    summary.numEvents++;
    const move = event.referencePosition - previous;
    if (i > 0) {
      if (move === 0) summary.numStays++;
      else if (move === 1) summary.numSteps++;
      else summary.numSkips++;
    }
    summary.totalDurationSeconds += Math.fround(event.lengthSeconds);
    previous = event.referencePosition;
  }
  return summary;
}

/**
 * One --summary row, or '' for a read without rows (nanopolish writes none then). `fast5_path` and `model_name`
 * are empty, as nanopolish 0.14.0 writes them for SLOW5 input and its built-in models; the strand is `template`.
 */
export function formatSummaryRow(readIndex: number, readName: string, summary: AlignmentSummary, scaling: ReadScaling): string {
  if (summary.numEvents === 0) return '';
  return (
    `${readIndex}\t${readName}\t\t\ttemplate\t${summary.numEvents}\t${summary.numSteps}\t${summary.numSkips}\t${summary.numStays}\t` +
    `${formatFixed(summary.totalDurationSeconds, 2)}\t${formatFixed(scaling.shift, 3)}\t${formatFixed(scaling.scale, 3)}\t` +
    `${formatFixed(scaling.drift, 3)}\t${formatFixed(scaling.var, 3)}\n`
  );
}
