/**
 * Signal segments: one read's samples at one reference position, the unit the DTW stage compares. eventalign cuts
 * them from each aligned read (segmentsOfRead), groups them by position as the coordinate-sorted reads go by
 * (PositionSweep: a position is complete once a read starting after it has been read, so memory holds only the
 * positions still covered by reads in flight, never more than one contig), and writes them as frames
 * (`docs/formats.md`, "Signal segments"): a stream header, one `signal-segment` frame per (position, read) in
 * position order, an end frame with the counts. readPositionGroups reads one or more such streams (native and IVT)
 * back as per-position groups, native reads first, for the DTW stage.
 */
import { encodeFrameChunks, framePayload, HtsError, readFrameStream, type Frame } from '@shoal/hts';
import type { Condition } from '../sim/read.js';
import type { AlignedEvent, ReadScaling } from './types.js';

export const SEGMENT_STREAM_FORMAT = 'shoal.signal-segments';
export const SEGMENT_STREAM_VERSION = 1;
export const SEGMENT_STREAM_HEADER_TYPE = 'signal-segments-header';
export const SEGMENT_FRAME_TYPE = 'signal-segment';
export const SEGMENT_STREAM_END_TYPE = 'signal-segments-end';

/** The first frame of a stream. */
export interface SegmentStreamHeader {
  condition: Condition;
  /** The reference sequences in the BAM header's order: contigs appear in the stream in this order. */
  contigs: string[];
  /** k of the pore model. */
  k: number;
  /** The pore model: `preset:<name>` or the file given. */
  model: string;
  mode: 'banded' | 'dense';
  /** `pA`: the raw signal in picoamperes; `scaled`: scaled to the model, (pA − shift − drift·t) / scale (--scale-events). */
  samples: 'pA' | 'scaled';
}

/** The last frame of a stream: what was written, so that a reader can tell a complete stream from a cut one. */
export interface SegmentStreamEnd {
  /** Reads aligned (each gave one or more segments, or none when all its events fell outside the region). */
  reads: number;
  segments: number;
  /** The run's read counts (records read, reads skipped by reason). */
  counts: Record<string, number>;
}

/** One read's signal at one reference position. */
export interface SignalSegment {
  contig: string;
  /** 0-based first base of the reference k-mer (nanopolish's `position`). */
  position: number;
  /** The reference k-mer, as the TSV's reference_kmer. */
  kmer: string;
  read: string;
  condition: Condition;
  /** In signal order (for RNA 3'→5'), float32, pA or scaled as the stream header says. */
  samples: Float32Array;
}

/** The segments of one read, in reference order: positions[i]'s samples are samples[sampleStarts[i], sampleStarts[i+1]). */
export interface ReadSegments {
  positions: Int32Array;
  sampleStarts: Uint32Array;
  samples: Float32Array;
}

/**
 * Cuts one read's aligned events into segments, one per reference position: the samples of every event at that
 * position (several under stays, including events whose model k-mer is unknown), in signal order. With `scaling`
 * the samples are scaled to the model as nanopolish scales them for --samples; without it they are the pA values.
 * `keep(position)` drops positions outside a region.
 */
export function segmentsOfRead(
  events: readonly AlignedEvent[],
  signalPa: Float32Array,
  samplingRate: number,
  scaling: ReadScaling | undefined,
  keep: (position: number) => boolean = () => true,
): ReadSegments {
  // Events of one position, in signal order: usually one run of consecutive events (reversed for RNA); sorting
  // their ranges also covers an aligner that returns to a position.
  const byPosition = new Map<number, Array<[number, number]>>();
  for (const event of events) {
    if (!keep(event.referencePosition) || event.endSample <= event.startSample) continue;
    const ranges = byPosition.get(event.referencePosition);
    if (ranges) ranges.push([event.startSample, event.endSample]);
    else byPosition.set(event.referencePosition, [[event.startSample, event.endSample]]);
  }
  const positions = Int32Array.from([...byPosition.keys()].sort((a, b) => a - b));
  const sampleStarts = new Uint32Array(positions.length + 1);
  let total = 0;
  for (let i = 0; i < positions.length; i++) {
    const ranges = byPosition.get(positions[i]!)!;
    ranges.sort((a, b) => a[0] - b[0]);
    for (const [start, end] of ranges) total += end - start;
    sampleStarts[i + 1] = total;
  }
  const samples = new Float32Array(total);
  let at = 0;
  for (const position of positions) {
    for (const [start, end] of byPosition.get(position)!) {
      if (scaling === undefined) {
        samples.set(signalPa.subarray(start, end), at);
        at += end - start;
      } else {
        for (let i = start; i < end; i++)
          samples[at++] = (signalPa[i]! - scaling.shift - (i / samplingRate) * scaling.drift) / scaling.scale;
      }
    }
  }
  return { positions, sampleStarts, samples };
}

/**
 * Groups the segments of coordinate-sorted reads by position. Reads are added in BAM order; a position is emitted
 * (all its reads, in the order they were added) as soon as a read starting after it arrives, or its contig ends.
 * So positions leave in order and memory holds only positions that reads still in flight may cover.
 */
export class PositionSweep {
  private contigIndex = -1;
  private contig = '';
  private lastStart = -1;
  /** Position → its segments so far; every key ≥ flushedBefore. */
  private readonly pending = new Map<number, SignalSegment[]>();
  private flushedBefore = 0;
  private highestPending = -1;

  constructor(
    private readonly condition: Condition,
    /** Names the input in the error about sort order. */
    private readonly source: string,
  ) {}

  /**
   * Adds one read (its contig's index in the header, its alignment start) with its segments, and returns the
   * segments of positions now complete, in order.
   */
  addRead(
    contigIndex: number,
    contig: string,
    referenceStart: number,
    read: string,
    segments: ReadSegments,
    kmers: readonly string[],
  ): SignalSegment[] {
    if (contigIndex < this.contigIndex || (contigIndex === this.contigIndex && referenceStart < this.lastStart)) {
      throw new HtsError(
        `frames need a coordinate-sorted BAM: read ${read} at ${contig}:${referenceStart + 1} comes after ${this.contig}:${this.lastStart + 1} (sort it with samtools sort)`,
        this.source,
      );
    }
    const ready = contigIndex !== this.contigIndex ? this.finish() : this.flushBefore(referenceStart);
    this.contigIndex = contigIndex;
    this.contig = contig;
    this.lastStart = referenceStart;
    for (let i = 0; i < segments.positions.length; i++) {
      const position = segments.positions[i]!;
      if (position < this.flushedBefore)
        throw new Error(`segment of read ${read} at ${contig}:${position} lies before its alignment start`);
      const segment: SignalSegment = {
        contig,
        position,
        kmer: kmers[i]!,
        read,
        condition: this.condition,
        samples: segments.samples.subarray(segments.sampleStarts[i], segments.sampleStarts[i + 1]),
      };
      const list = this.pending.get(position);
      if (list) list.push(segment);
      else this.pending.set(position, [segment]);
      if (position > this.highestPending) this.highestPending = position;
    }
    return ready;
  }

  /** Every position still held, in order (the end of a contig or of the input). */
  finish(): SignalSegment[] {
    const ready = this.flushBefore(this.highestPending + 1);
    this.flushedBefore = 0;
    this.highestPending = -1;
    return ready;
  }

  private flushBefore(end: number): SignalSegment[] {
    const ready: SignalSegment[] = [];
    if (this.pending.size > 0) {
      for (let position = this.flushedBefore; position < end && this.pending.size > 0; position++) {
        const list = this.pending.get(position);
        if (list === undefined) continue;
        for (const segment of list) ready.push(segment);
        this.pending.delete(position);
      }
    }
    if (end > this.flushedBefore) this.flushedBefore = end;
    return ready;
  }
}

/** The frames of a stream header, a segment and the end, as chunks to write (payloads not copied). */
export function segmentStreamHeaderFrame(header: SegmentStreamHeader): Uint8Array[] {
  return encodeFrameChunks(
    { type: SEGMENT_STREAM_HEADER_TYPE, format: SEGMENT_STREAM_FORMAT, version: SEGMENT_STREAM_VERSION, ...header },
    {},
  );
}

export function segmentFrame(segment: SignalSegment): Uint8Array[] {
  return encodeFrameChunks(
    {
      type: SEGMENT_FRAME_TYPE,
      contig: segment.contig,
      position: segment.position,
      kmer: segment.kmer,
      read: segment.read,
      condition: segment.condition,
    },
    { samples: segment.samples },
  );
}

export function segmentStreamEndFrame(end: SegmentStreamEnd): Uint8Array[] {
  return encodeFrameChunks({ type: SEGMENT_STREAM_END_TYPE, ...end }, {});
}

/** A stream of segment frames read back: its header, then its segments in order, then its end frame's counts. */
export interface SegmentStream {
  header: SegmentStreamHeader;
  segments: AsyncGenerator<SignalSegment, SegmentStreamEnd>;
}

const CONDITION_RANK: Readonly<Record<string, number>> = { native: 0, ivt: 1 };

function isCondition(value: unknown): value is Condition {
  return typeof value === 'string' && value in CONDITION_RANK;
}

/**
 * Opens a stream of segment frames (a path, `-` is not special here: pass process.stdin) and checks it as it goes:
 * the header first, each segment's fields, the order (contigs in header order, positions increasing, a position's
 * frames together), and the end frame last (a stream without it was cut short). Errors name `file`.
 */
export async function openSegmentStream(source: string | AsyncIterable<Uint8Array>, file?: string): Promise<SegmentStream> {
  const name = file ?? (typeof source === 'string' ? source : 'stdin');
  const frames = readFrameStream(source, { file: name });
  const first = await frames.next();
  if (first.done) throw new HtsError('no signal segments: the frame stream has no header frame', name);
  const header = parseStreamHeader(first.value, name);
  return { header, segments: segmentsAfterHeader(frames, header, name) };
}

function parseStreamHeader(frame: Frame, file: string): SegmentStreamHeader {
  const h = frame.header;
  if (h.type !== SEGMENT_STREAM_HEADER_TYPE || h.format !== SEGMENT_STREAM_FORMAT)
    throw new HtsError(
      `not a stream of signal segments: its first frame is ${JSON.stringify(h.type)}, expected '${SEGMENT_STREAM_HEADER_TYPE}'`,
      file,
    );
  if (h.version !== SEGMENT_STREAM_VERSION)
    throw new HtsError(`signal segments version ${String(h.version)} is not supported (this reader knows ${SEGMENT_STREAM_VERSION})`, file);
  if (!isCondition(h.condition))
    throw new HtsError(`the stream header's condition is ${JSON.stringify(h.condition)}, expected native or ivt`, file);
  if (!Array.isArray(h.contigs) || !h.contigs.every((contig) => typeof contig === 'string'))
    throw new HtsError("the stream header's contigs are not a list of names", file);
  if (h.samples !== 'pA' && h.samples !== 'scaled')
    throw new HtsError(`the stream header's samples are ${JSON.stringify(h.samples)}, expected pA or scaled`, file);
  return {
    condition: h.condition,
    contigs: h.contigs as string[],
    k: Number(h.k),
    model: String(h.model),
    mode: h.mode === 'dense' ? 'dense' : 'banded',
    samples: h.samples,
  };
}

async function* segmentsAfterHeader(
  frames: AsyncGenerator<Frame>,
  header: SegmentStreamHeader,
  file: string,
): AsyncGenerator<SignalSegment, SegmentStreamEnd> {
  const contigIndex = new Map(header.contigs.map((contig, index) => [contig, index]));
  let lastContig = -1;
  let lastPosition = -1;
  let count = 0;
  for await (const frame of frames) {
    const h = frame.header;
    if (h.type === SEGMENT_STREAM_END_TYPE) {
      const next = await frames.next();
      if (!next.done) throw new HtsError(`a ${JSON.stringify(next.value.header.type)} frame follows the end frame`, file);
      if (h.segments !== count)
        throw new HtsError(`the end frame counts ${JSON.stringify(h.segments)} segments but the stream holds ${count}`, file);
      return { reads: Number(h.reads), segments: count, counts: (h.counts ?? {}) as Record<string, number> };
    }
    if (h.type !== SEGMENT_FRAME_TYPE)
      throw new HtsError(`unexpected ${JSON.stringify(h.type)} frame among signal segments (segment ${count + 1})`, file);
    const where = `segment ${count + 1}`;
    const index = typeof h.contig === 'string' ? contigIndex.get(h.contig) : undefined;
    if (index === undefined) throw new HtsError(`contig ${JSON.stringify(h.contig)} is not in the stream header`, file, where);
    if (typeof h.position !== 'number' || !Number.isInteger(h.position) || h.position < 0)
      throw new HtsError(`position ${JSON.stringify(h.position)} is not a whole number ≥ 0`, file, where);
    if (typeof h.kmer !== 'string' || typeof h.read !== 'string') throw new HtsError('a segment needs a kmer and a read name', file, where);
    if (h.condition !== header.condition)
      throw new HtsError(`condition ${JSON.stringify(h.condition)} differs from the stream header's ${header.condition}`, file, where);
    if (index < lastContig || (index === lastContig && h.position < lastPosition))
      throw new HtsError(
        `segments out of order: ${header.contigs[index]!}:${h.position} after ${header.contigs[lastContig]!}:${lastPosition}`,
        file,
        where,
      );
    const samples = framePayload(frame, 'samples', 'f32');
    // A segment is the samples of one or more events: never empty, never NaN or infinite (no pA value is).
    if (samples.length === 0) throw new HtsError(`read ${h.read} has a segment without samples`, file, where);
    for (let i = 0; i < samples.length; i++)
      if (!Number.isFinite(samples[i]!))
        throw new HtsError(`read ${h.read}: sample ${i + 1} of its segment is ${String(samples[i])}, not a number of pA`, file, where);
    lastContig = index;
    lastPosition = h.position;
    count++;
    yield { contig: h.contig as string, position: h.position, kmer: h.kmer, read: h.read, condition: header.condition, samples };
  }
  throw new HtsError(`the stream ends without its end frame after ${count} segments: it was cut short`, file);
}

/** Every segment of one position, from every stream: native reads first, then IVT, each in its stream's order. */
export interface PositionGroup {
  contig: string;
  position: number;
  kmer: string;
  segments: SignalSegment[];
}

/**
 * Reads one or more segment streams (say a native and an IVT one, for the same reference) as per-position groups,
 * in contig order then position order. Memory: one position group per stream. The streams must list the same
 * contigs (they were aligned to the same reference); at a position, segments come native first, then IVT, and
 * within a condition in stream order, then in each stream's read order.
 */
export async function* readPositionGroups(
  sources: ReadonlyArray<string | { stream: AsyncIterable<Uint8Array>; name: string }>,
): AsyncGenerator<PositionGroup> {
  const streams = await Promise.all(
    sources.map((source) => (typeof source === 'string' ? openSegmentStream(source) : openSegmentStream(source.stream, source.name))),
  );
  const names = sources.map((source) => (typeof source === 'string' ? source : source.name));
  yield* positionGroupsOf(streams, names);
}

/** readPositionGroups over streams already opened (their headers read), `names` naming them in errors. */
export async function* positionGroupsOf(streams: readonly SegmentStream[], names: readonly string[]): AsyncGenerator<PositionGroup> {
  const contigs = streams[0]?.header.contigs ?? [];
  streams.forEach((stream, i) => {
    if (stream.header.contigs.length !== contigs.length || stream.header.contigs.some((contig, j) => contig !== contigs[j]))
      throw new HtsError(`its contigs differ from those of ${names[0]!}: the streams were not aligned to the same reference`, names[i]);
  });
  const contigIndex = new Map(contigs.map((contig, index) => [contig, index]));
  const groupers = streams.map((stream) => groupByPosition(stream.segments));
  const heads = await Promise.all(groupers.map((grouper) => grouper.next()));
  // Stream order, made stable by condition: native streams before IVT streams at every position.
  const order = streams
    .map((_, i) => i)
    .sort((a, b) => CONDITION_RANK[streams[a]!.header.condition]! - CONDITION_RANK[streams[b]!.header.condition]! || a - b);
  for (;;) {
    let best: PositionGroup | undefined;
    for (const head of heads) {
      if (head.done) continue;
      const group = head.value;
      if (
        best === undefined ||
        contigIndex.get(group.contig)! < contigIndex.get(best.contig)! ||
        (group.contig === best.contig && group.position < best.position)
      )
        best = group;
    }
    if (best === undefined) return;
    const merged: PositionGroup = { contig: best.contig, position: best.position, kmer: best.kmer, segments: [] };
    for (const i of order) {
      const head = heads[i]!;
      if (head.done || head.value.contig !== best.contig || head.value.position !== best.position) continue;
      for (const segment of head.value.segments) merged.segments.push(segment);
      heads[i] = await groupers[i]!.next();
    }
    yield merged;
  }
}

/** Consecutive segments of one position as one group (a stream holds a position's segments together). */
async function* groupByPosition(segments: AsyncGenerator<SignalSegment, SegmentStreamEnd>): AsyncGenerator<PositionGroup> {
  let group: PositionGroup | undefined;
  for (;;) {
    const next = await segments.next();
    if (next.done) break;
    const segment = next.value;
    if (group && group.contig === segment.contig && group.position === segment.position) {
      group.segments.push(segment);
      continue;
    }
    if (group) yield group;
    group = { contig: segment.contig, position: segment.position, kmer: segment.kmer, segments: [segment] };
  }
  if (group) yield group;
}
