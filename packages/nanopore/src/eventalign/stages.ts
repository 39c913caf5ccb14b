/**
 * eventalign's engine stage: a block of reads in (signal, sequence, alignment, reference, gathered by run.ts on the
 * main thread), the aligner run on each read, and out either the TSV rows and --summary rows as bytes, or the
 * read's signal segments as typed arrays for the main thread to group by position. The stage is `parallel` (any
 * block on any thread); the engine hands blocks to the sink in block order, so output is the same for every
 * --threads value.
 *
 * The engine loads this module by URL on every thread (EVENTALIGN_STAGES_MODULE); each thread loads the pore model
 * once, in createState.
 */
import type { Payload, StageDefinition } from '@shoal/engine';
import { loadPoreModel, type PoreModel } from '../pore-model.js';
import { eventalignRead } from './eventalign-read.js';
import type { AlignedEvent, EventalignOptions, ReadToAlign } from './types.js';
import { segmentsOfRead } from './segments.js';
import { TextBuffer } from './text-buffer.js';
import { formatSummaryRow, referenceKmer, summarizeEvents, writeEventalignRows, type TsvColumns } from './tsv.js';

export type EventalignOutputFormat = 'tsv' | 'frames';
export type EventalignMode = EventalignOptions['mode'];

export interface AlignStageOptions {
  /** A preset name (`rna002`) or a model file, loaded once per thread. */
  model: string;
  mode: EventalignMode;
  scaleEvents: boolean;
  format: EventalignOutputFormat;
  columns: TsvColumns;
  /** Write --summary rows. */
  summary: boolean;
  /** Rows (and segments) whose position lies outside [regionStart, regionEnd) are dropped (--region). */
  regionStart: number;
  regionEnd: number;
}

/** A block of reads, as run.ts builds it (arrays of one entry per read). */
export interface ReadBlock {
  readIndexes: Float64Array;
  readNames: string[];
  contigIds: Int32Array;
  contigs: string[];
  referenceStarts: Int32Array;
  cigars: Uint32Array[];
  sequences: string[];
  /** The reference bases of each alignment, upper case, as fetched (IUPAC codes kept for the TSV). */
  references: string[];
  signals: Float32Array[];
  samplingRates: Float64Array;
  rna: Uint8Array;
}

/** What the stage gives back for a block. */
export interface AlignedBlock {
  readNames: string[];
  contigIds: Int32Array;
  contigs: string[];
  referenceStarts: Int32Array;
  /** Per read: 1 aligned, 0 not (then `reasons` says why). */
  aligned: Uint8Array;
  reasons: string[];
  /** --summary rows (UTF-8), when asked for. */
  summary: Uint8Array;
  /** TSV: the rows (UTF-8) and how many. */
  tsv: Uint8Array;
  rows: number;
  /** Frames: per read its number of segments; per segment its position, k-mer and sample count; the samples. */
  segmentCounts: Uint32Array;
  positions: Int32Array;
  kmers: string[];
  sampleCounts: Uint32Array;
  samples: Float32Array;
}

interface AlignState {
  options: AlignStageOptions;
  model: PoreModel;
}

const encoder = new TextEncoder();

/** The reference as the aligner takes it: upper case ACGT, every other code N (U read as T). */
export function alignerReferenceBases(reference: string): string {
  const upper = reference.toUpperCase();
  return /^[ACGT]*$/.test(upper) ? upper : upper.replace(/U/g, 'T').replace(/[^ACGT]/g, 'N');
}

function alignBlock(block: ReadBlock, state: AlignState): AlignedBlock {
  const { options, model } = state;
  const count = block.readNames.length;
  const aligned = new Uint8Array(count);
  const reasons: string[] = new Array<string>(count).fill('');
  const inRegion = (position: number): boolean => position >= options.regionStart && position < options.regionEnd;
  const tsv = new TextBuffer();
  let summary = '';
  let rows = 0;
  const segmentCounts = new Uint32Array(count);
  const positions: Int32Array[] = [];
  const kmers: string[] = [];
  const sampleCounts: number[] = [];
  const samples: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const read: ReadToAlign = {
      readName: block.readNames[i]!,
      signalPa: block.signals[i]!,
      samplingRate: block.samplingRates[i]!,
      readSequence: block.sequences[i]!,
      referenceName: block.contigs[i]!,
      referenceStart: block.referenceStarts[i]!,
      cigar: block.cigars[i]!,
      referenceSequence: alignerReferenceBases(block.references[i]!),
      rna: block.rna[i] === 1,
    };
    const outcome = eventalignRead(read, model, { mode: options.mode, scaleEvents: options.scaleEvents });
    if (!outcome.ok) {
      reasons[i] = outcome.reason;
      continue;
    }
    aligned[i] = 1;
    const { result } = outcome;
    const events: readonly AlignedEvent[] = result.events.every((event) => inRegion(event.referencePosition))
      ? result.events
      : result.events.filter((event) => inRegion(event.referencePosition));
    const rowRead = {
      contig: read.referenceName,
      readIndex: block.readIndexes[i]!,
      readName: read.readName,
      referenceStart: read.referenceStart,
      referenceSequence: block.references[i]!,
      k: model.k,
      signalPa: read.signalPa,
      samplingRate: read.samplingRate,
    };
    if (options.summary) summary += formatSummaryRow(rowRead.readIndex, read.readName, summarizeEvents(events), result.scaling);
    if (options.format === 'tsv') {
      writeEventalignRows(tsv, rowRead, events, result.scaling, options.columns);
      rows += events.length;
      continue;
    }
    const segments = segmentsOfRead(events, read.signalPa, read.samplingRate, options.scaleEvents ? result.scaling : undefined);
    segmentCounts[i] = segments.positions.length;
    positions.push(segments.positions);
    for (let s = 0; s < segments.positions.length; s++) {
      kmers.push(referenceKmer(rowRead, segments.positions[s]!));
      sampleCounts.push(segments.sampleStarts[s + 1]! - segments.sampleStarts[s]!);
    }
    samples.push(segments.samples);
  }
  return {
    readNames: block.readNames,
    contigIds: block.contigIds,
    contigs: block.contigs,
    referenceStarts: block.referenceStarts,
    aligned,
    reasons,
    summary: encoder.encode(summary),
    tsv: tsv.take(),
    rows,
    segmentCounts,
    positions: concatInt32(positions),
    kmers,
    sampleCounts: Uint32Array.from(sampleCounts),
    samples: concatFloat32(samples),
  };
}

function concatInt32(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function concatFloat32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const alignReads: StageDefinition<AlignStageOptions, AlignState> = {
  kind: 'parallel',
  createState(options) {
    return { options, model: loadPoreModel(options.model) };
  },
  process(payload, state) {
    return alignBlock(payload as unknown as ReadBlock, state) as unknown as Payload;
  },
};

export const stages: Record<string, StageDefinition> = { alignReads: alignReads as StageDefinition };

/** This module's URL, for the engine. */
export const EVENTALIGN_STAGES_MODULE = new URL('./stages.js', import.meta.url).href;
