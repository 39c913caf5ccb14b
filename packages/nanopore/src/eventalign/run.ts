/**
 * eventalign's run: BAM records in, nanopolish's TSV or signal-segment frames out.
 *
 * ## Threads
 * The main thread reads the BAM (whole, or a contig or region through its BAI), keeps primary forward-strand
 * reads with MAPQ ≥ the minimum (read-filter.ts), checks each against the --reads FASTQ's names, fetches its
 * signal from the BLOW5 by read id and its reference bases from the indexed FASTA, and gathers reads into blocks.
 * The engine (`@shoal/engine`) runs the aligner on each block on any thread (stages.ts) and hands the results back
 * in block order, so rows, segments and the summary come out in BAM order for every --threads value. Blocks in
 * flight are bounded by the engine (3 per thread), which bounds the signal held in memory.
 *
 * ## Frames
 * In frames mode the main thread groups segments by position as results arrive (segments.ts PositionSweep): the
 * BAM is coordinate-sorted, so a position is complete once a read starting after it has come back. The stream is
 * a header frame, one frame per (position, read) in position order, then an end frame with the counts.
 *
 * ## Reads that are not aligned
 * Records skipped by the filter, reads without a full SEQ, reads missing from the FASTQ or the BLOW5, and reads the
 * aligner gives up on are counted (EventalignCounts), never fatal. A corrupt signal record is an HtsError.
 */
import { Engine, type Payload } from '@shoal/engine';
import {
  commitSinks,
  describeFsError,
  emptyReadsBlock,
  encodeStreamPreamble,
  HtsError,
  IndexedFastaReader,
  loadBaiFor,
  nameOf,
  openAlignments,
  openOutput,
  openSequenceFile,
  queryRegion,
  parseRegion,
  type AlignmentReader,
  type ByteSink,
  type RecordBatch,
} from '@shoal/hts';
import fs from 'node:fs';
import { ChunkWriter } from '../chunk-writer.js';
import { loadPoreModel } from '../pore-model.js';
import type { Condition } from '../sim/read.js';
import { skipReason, SKIP_REASONS, type SkipReason } from './read-filter.js';
import {
  PositionSweep,
  segmentFrame,
  segmentStreamEndFrame,
  segmentStreamHeaderFrame,
  type ReadSegments,
  type SignalSegment,
} from './segments.js';
import { checkSignalRecord, isRnaReadGroup, openSignalReader, signalPicoamps, type SignalReader } from './signal-source.js';
import {
  EVENTALIGN_STAGES_MODULE,
  type AlignedBlock,
  type AlignStageOptions,
  type EventalignMode,
  type EventalignOutputFormat,
  type ReadBlock,
} from './stages.js';
import { eventalignTsvHeader, EVENTALIGN_SUMMARY_HEADER, type TsvColumns } from './tsv.js';

export interface EventalignRunOptions {
  /** Alignments: BAM (SAM or shoal NDJSON too, without --contig/--region). */
  bam: string;
  /** The reference FASTA, indexed by its .fai (built when missing). */
  genome: string;
  /** The BLOW5 (or SLOW5) file with the reads' signals. */
  slow5: string;
  /** FASTQ or FASTA of the basecalls: when given, reads not in it are counted and skipped, as nanopolish skips them. */
  reads?: string;
  /** A file of read ids, one a line: only these reads are aligned (the orchestrator's read-id intersection and subsample). */
  readIds?: string;
  /** `-` for stdout. */
  output: string;
  /** The --summary file. */
  summary?: string;
  format: EventalignOutputFormat;
  /** The TSV's optional columns. */
  columns: TsvColumns;
  /** A preset (`rna002`) or a model file. */
  model: string;
  mode: EventalignMode;
  scaleEvents: boolean;
  /** Frames: which sample the reads come from. */
  condition?: Condition;
  minMappingQuality: number;
  /** One reference sequence, whole (through the BAI). */
  contig?: string;
  /** chr, chr:start or chr:start-end, 1-based inclusive (through the BAI); rows outside it are dropped. */
  region?: string;
  /** Total threads, main included. */
  threads: number;
  /** Reads per block handed to a thread (default 8; tests use fewer to cross block boundaries). */
  readsPerBlock?: number;
  /** Called as results arrive: reads done (aligned or not) so far. */
  onProgress?: (reads: number) => void;
  /** Opens the signal file (default: the BLOW5 indexed reader of @shoal/hts). */
  openSignals?: (path: string) => Promise<SignalReader>;
  /** The engine stage module (default: stages.js beside this module; tests under vitest pass the built one, as workers need). */
  stageModule?: string;
}

/** What a run did with each BAM record it read. */
export interface EventalignCounts {
  /** BAM records read (the region's, with --contig/--region). */
  records: number;
  unmapped: number;
  secondary: number;
  supplementary: number;
  reverseStrand: number;
  lowMappingQuality: number;
  /** Kept records whose SEQ is absent or hard-clipped: the whole read's bases are needed to place its signal. */
  withoutFullSequence: number;
  /** Reads not in the --reads file. */
  missingFromReads: number;
  /** Reads not in the --read-ids list. */
  notInReadIds: number;
  /** Reads not in the BLOW5. */
  missingFromSignal: number;
  /** Reads aligned by the aligner. */
  aligned: number;
  /** Reads the aligner gave up on, and why ('too few events': 2, …; the reason without the read's figures in parentheses). */
  notAligned: number;
  notAlignedReasons: Record<string, number>;
  /** TSV rows or frames segments written. */
  rows: number;
  segments: number;
  /** The first read of each missing kind, for the message. */
  firstMissingFromReads?: string;
  firstMissingFromSignal?: string;
}

function emptyCounts(): EventalignCounts {
  return {
    records: 0,
    unmapped: 0,
    secondary: 0,
    supplementary: 0,
    reverseStrand: 0,
    lowMappingQuality: 0,
    withoutFullSequence: 0,
    missingFromReads: 0,
    notInReadIds: 0,
    missingFromSignal: 0,
    aligned: 0,
    notAligned: 0,
    notAlignedReasons: {},
    rows: 0,
    segments: 0,
  };
}

const DEFAULT_READS_PER_BLOCK = 8;
/** A block also closes at this many signal samples (64 MiB of float32), so a block of long reads stays modest. */
const MAX_BLOCK_SAMPLES = 16 << 20;
const CIGAR_HARD_CLIP = 5;

/** The names of the reads in a FASTQ or FASTA file (up to the first space, as in a BAM's QNAME). */
export async function readNamesOf(path: string): Promise<Set<string>> {
  const names = new Set<string>();
  const reader = await openSequenceFile(path, { fastaFakeQuality: 0 });
  try {
    const block = emptyReadsBlock();
    const decoder = new TextDecoder('latin1');
    for (;;) {
      block.count = 0;
      block.used = 0;
      const taken = await reader.take(block, 4096);
      if (taken === 0) break;
      for (let i = 0; i < taken; i++) {
        const name = decoder.decode(nameOf(block, i));
        const space = name.search(/[ \t]/);
        names.add(space < 0 ? name : name.slice(0, space));
      }
    }
  } finally {
    reader.close();
  }
  return names;
}

/** A read-id list: one id a line (blank lines and anything after the first space or tab ignored). */
export function readIdList(path: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'latin1');
  } catch (error) {
    throw new HtsError(`cannot read the read-id list: ${describeFsError(error)}`, path);
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    const id = line.split(/[ \t\r]/, 1)[0]!;
    if (id !== '') ids.add(id);
  }
  return ids;
}

/** Runs eventalign; resolves with the counts once every output is complete and in place. */
export async function runEventalign(options: EventalignRunOptions): Promise<EventalignCounts> {
  if (options.format === 'frames' && options.condition === undefined) throw new Error('frames need a condition (native or ivt)');
  const model = loadPoreModel(options.model);
  const counts = emptyCounts();
  const closers: Array<() => unknown> = [];
  const sinks: ByteSink[] = [];
  try {
    const alignments = await openAlignments(options.bam);
    closers.push(() => alignments.close());
    const { batches, regionStart, regionEnd, contigs } = recordSource(alignments, options);
    const genome = IndexedFastaReader.open(options.genome);
    closers.push(() => genome.close());
    const readNames = options.reads === undefined ? undefined : await readNamesOf(options.reads);
    const readIds = options.readIds === undefined ? undefined : readIdList(options.readIds);
    const signals = await (options.openSignals ?? openSignalReader)(options.slow5);
    closers.push(() => signals.close());

    // Written from libuv's pool, so the main thread goes on reading reads while the disk takes the rows (a TSV is
    // ~160 kB a read: the writes were 15% of the main thread's time).
    const output = openOutput(options.output, { background: true });
    sinks.push(output);
    const summary = options.summary === undefined ? undefined : openOutput(options.summary);
    if (summary) sinks.push(summary);
    const writer = new ChunkWriter(output);
    const summaryWriter = summary ? new ChunkWriter(summary) : undefined;
    await summaryWriter?.add(new TextEncoder().encode(EVENTALIGN_SUMMARY_HEADER));
    const sweep = options.format === 'frames' ? new PositionSweep(options.condition!, options.bam) : undefined;
    if (sweep) {
      await writer.add(encodeStreamPreamble());
      for (const chunk of segmentStreamHeaderFrame({
        condition: options.condition!,
        contigs,
        k: model.k,
        model: model.source,
        mode: options.mode,
        samples: options.scaleEvents ? 'scaled' : 'pA',
      }))
        await writer.add(chunk);
    } else {
      await writer.add(new TextEncoder().encode(eventalignTsvHeader(options.columns)));
    }

    const stageOptions: AlignStageOptions = {
      model: options.model,
      mode: options.mode,
      scaleEvents: options.scaleEvents,
      format: options.format,
      columns: options.columns,
      summary: summary !== undefined,
      regionStart,
      regionEnd,
    };
    const engine = await Engine.start({
      threads: options.threads,
      stages: [{ module: options.stageModule ?? EVENTALIGN_STAGES_MODULE, name: 'alignReads', options: stageOptions }],
    });
    let readsDone = 0;
    try {
      const source = readBlocks(batches, alignments, genome, signals, readNames, readIds, options, counts);
      await engine.run(source, async (payload: Payload) => {
        const block = payload as unknown as AlignedBlock;
        if (summaryWriter && block.summary.length > 0) await summaryWriter.add(block.summary);
        tallyOutcomes(block, counts);
        if (sweep) {
          for (const segment of sweepBlock(block, sweep)) await writeSegment(writer, segment, counts);
        } else if (block.tsv.length > 0) {
          await writer.add(block.tsv);
          counts.rows += block.rows;
        }
        readsDone += block.readNames.length;
        options.onProgress?.(readsDone);
      });
    } finally {
      await engine.close();
    }
    if (sweep) {
      for (const segment of sweep.finish()) await writeSegment(writer, segment, counts);
      for (const chunk of segmentStreamEndFrame({ reads: counts.aligned, segments: counts.segments, counts: numericCounts(counts) }))
        await writer.add(chunk);
    }
    await writer.flush();
    await summaryWriter?.flush();
    await commitSinks(sinks);
    return counts;
  } catch (error) {
    for (const sink of sinks) sink.abort();
    throw error;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/** The BAM records to read: all of them, or a contig's or region's through the BAI; and the region's bounds. */
function recordSource(
  alignments: AlignmentReader,
  options: EventalignRunOptions,
): { batches: AsyncIterable<RecordBatch>; regionStart: number; regionEnd: number; contigs: string[] } {
  const names = alignments.header.references.map((reference) => reference.name);
  if (options.contig === undefined && options.region === undefined)
    return { batches: alignments.batches(), regionStart: 0, regionEnd: Infinity, contigs: names };
  if (alignments.format !== 'bam') throw new HtsError('--contig and --region need a BAM file with its index (.bai)', options.bam);
  let refId: number;
  let beg = 0;
  let end: number;
  if (options.contig !== undefined) {
    const id = alignments.header.referenceIds.get(options.contig);
    if (id === undefined) throw new HtsError(`contig '${options.contig}' is not in the BAM header`, options.bam);
    refId = id;
    end = alignments.header.references[id]!.length;
  } else {
    const region = parseRegion(options.region!, alignments.header);
    ({ refId, beg, end } = region);
  }
  const batches = queryRegion(options.bam, alignments.header, loadBaiFor(options.bam), refId, beg, end);
  // A whole contig keeps every row; a region keeps the rows whose k-mer starts inside it. The frames' header lists the
  // one contig: a per-contig run need not carry a transcriptome's 250,000 names.
  return {
    batches,
    regionStart: options.contig === undefined ? beg : 0,
    regionEnd: options.contig === undefined ? end : Infinity,
    contigs: [names[refId]!],
  };
}

/** Reads the records and yields blocks of reads to align (main thread). */
async function* readBlocks(
  batches: AsyncIterable<RecordBatch>,
  alignments: AlignmentReader,
  genome: IndexedFastaReader,
  signals: SignalReader,
  readNames: Set<string> | undefined,
  readIds: Set<string> | undefined,
  options: EventalignRunOptions,
  counts: EventalignCounts,
): AsyncGenerator<Payload> {
  const readsPerBlock = options.readsPerBlock ?? DEFAULT_READS_PER_BLOCK;
  const references = alignments.header.references;
  let block = newBlock();
  let blockSamples = 0;
  const skipCounts: Record<SkipReason, number> = { unmapped: 0, secondary: 0, supplementary: 0, reverseStrand: 0, lowMappingQuality: 0 };
  try {
    for await (const batch of batches) {
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        const readIndex = counts.records++;
        const skip = skipReason(record.flag, record.mapq, options.minMappingQuality);
        if (skip !== undefined) {
          skipCounts[skip]++;
          continue;
        }
        const readName = record.readName;
        const cigar = record.cigarOps();
        if (record.seqLength === 0 || cigar.some((op) => (op & 0xf) === CIGAR_HARD_CLIP)) {
          counts.withoutFullSequence++;
          continue;
        }
        if (readIds !== undefined && !readIds.has(readName)) {
          counts.notInReadIds++;
          continue;
        }
        if (readNames !== undefined && !readNames.has(readName)) {
          counts.missingFromReads++;
          counts.firstMissingFromReads ??= readName;
          continue;
        }
        const sequence = record.sequence();
        const contig = references[record.refId]!.name;
        const referenceStart = record.pos;
        const referenceEnd = record.alignmentEnd;
        // Awaited while `record` still views the batch: the batches' generator does not move until the loop asks.
        const signal = await signals.get(readName);
        if (signal === undefined) {
          counts.missingFromSignal++;
          counts.firstMissingFromSignal ??= readName;
          continue;
        }
        checkSignalRecord(signal, readName, options.slow5);
        const reference = genome.fetch(contig, referenceStart, referenceEnd).toUpperCase();
        const signalPa = signalPicoamps(signal);
        block.readIndexes.push(readIndex);
        block.readNames.push(readName);
        block.contigIds.push(record.refId);
        block.contigs.push(contig);
        block.referenceStarts.push(referenceStart);
        block.cigars.push(cigar);
        block.sequences.push(sequence);
        block.references.push(reference);
        block.signals.push(signalPa);
        block.samplingRates.push(signal.samplingRate);
        block.rna.push(isRnaReadGroup(signals.header.readGroups[signal.readGroup]) ? 1 : 0);
        blockSamples += signalPa.length;
        if (block.readNames.length >= readsPerBlock || blockSamples >= MAX_BLOCK_SAMPLES) {
          yield blockPayload(block);
          block = newBlock();
          blockSamples = 0;
        }
      }
    }
    if (block.readNames.length > 0) yield blockPayload(block);
  } finally {
    for (const reason of SKIP_REASONS) counts[reason] += skipCounts[reason];
  }
}

interface BlockBuilder {
  readIndexes: number[];
  readNames: string[];
  contigIds: number[];
  contigs: string[];
  referenceStarts: number[];
  cigars: Uint32Array[];
  sequences: string[];
  references: string[];
  signals: Float32Array[];
  samplingRates: number[];
  rna: number[];
}

function newBlock(): BlockBuilder {
  return {
    readIndexes: [],
    readNames: [],
    contigIds: [],
    contigs: [],
    referenceStarts: [],
    cigars: [],
    sequences: [],
    references: [],
    signals: [],
    samplingRates: [],
    rna: [],
  };
}

function blockPayload(block: BlockBuilder): Payload {
  const payload: ReadBlock = {
    readIndexes: Float64Array.from(block.readIndexes),
    readNames: block.readNames,
    contigIds: Int32Array.from(block.contigIds),
    contigs: block.contigs,
    referenceStarts: Int32Array.from(block.referenceStarts),
    cigars: block.cigars,
    sequences: block.sequences,
    references: block.references,
    signals: block.signals,
    samplingRates: Float64Array.from(block.samplingRates),
    rna: Uint8Array.from(block.rna),
  };
  return payload as unknown as Payload;
}

function tallyOutcomes(block: AlignedBlock, counts: EventalignCounts): void {
  for (let i = 0; i < block.aligned.length; i++) {
    if (block.aligned[i] === 1) {
      counts.aligned++;
    } else {
      counts.notAligned++;
      const reason = reasonKind(block.reasons[i]!);
      counts.notAlignedReasons[reason] = (counts.notAlignedReasons[reason] ?? 0) + 1;
    }
  }
}

/**
 * A reason without the read's own figures: 'alignment to the basecalls failed (average log emission -5.09, …)'
 * counts as 'alignment to the basecalls failed', so that reads failing alike are counted together.
 */
export function reasonKind(reason: string): string {
  const open = reason.indexOf(' (');
  return open > 0 && reason.endsWith(')') ? reason.slice(0, open) : reason;
}

/** Feeds a block's segments to the sweep, read by read, and returns the segments it completes. */
function sweepBlock(block: AlignedBlock, sweep: PositionSweep): SignalSegment[] {
  const ready: SignalSegment[] = [];
  let segment = 0;
  let sample = 0;
  for (let i = 0; i < block.readNames.length; i++) {
    if (block.aligned[i] !== 1) continue;
    const count = block.segmentCounts[i]!;
    const sampleStarts = new Uint32Array(count + 1);
    let total = 0;
    for (let s = 0; s < count; s++) {
      total += block.sampleCounts[segment + s]!;
      sampleStarts[s + 1] = total;
    }
    const segments: ReadSegments = {
      positions: block.positions.subarray(segment, segment + count),
      sampleStarts,
      samples: block.samples.subarray(sample, sample + total),
    };
    const kmers = block.kmers.slice(segment, segment + count);
    for (const done of sweep.addRead(
      block.contigIds[i]!,
      block.contigs[i]!,
      block.referenceStarts[i]!,
      block.readNames[i]!,
      segments,
      kmers,
    ))
      ready.push(done);
    segment += count;
    sample += total;
  }
  return ready;
}

async function writeSegment(writer: ChunkWriter, segment: SignalSegment, counts: EventalignCounts): Promise<void> {
  for (const chunk of segmentFrame(segment)) await writer.add(chunk);
  counts.segments++;
}

/** The counts as numbers only, for the end frame. */
function numericCounts(counts: EventalignCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) if (typeof value === 'number') out[key] = value;
  return out;
}
