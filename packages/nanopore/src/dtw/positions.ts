/**
 * From per-position signal segments (readPositionGroups: native reads first, then IVT) to the DTW input of each
 * position: one series per read, its samples at positions t − p .. t + p joined (`--padding p`), as baleen builds
 * them: neighbours in increasing position order, each segment in signal order, missing neighbours skipped (no
 * zero-fill). The reads of position t are those with a segment at t; a read without one is not in t's matrix even
 * where its neighbours are.
 *
 * Memory: the groups of one window of 2p + 1 positions of one contig (positions arrive in order; a position is ready
 * once a group past t + p, or the contig's end, has been seen).
 *
 * Series longer than `maxLength` samples (a read that stalled in the pore) are resampled to `maxLength` by linear
 * interpolation (sample k of the result is the input at k·(L − 1)/(maxLength − 1)); baleen's GPU kernel does the
 * same above 2047 samples, and the cost of a pair stays bounded whatever one read did.
 */
import { HtsError } from '@shoal/hts';
import type { Condition } from '../sim/read.js';
import type { PositionGroup, SignalSegment } from '../eventalign/segments.js';
import type { PositionSeries } from './cpu.js';
import type { PositionReads } from './matrices.js';

/** One position's DTW input. */
export interface DtwPosition extends PositionSeries, PositionReads {
  /** Series that were longer than maxLength and were resampled. */
  resampled: number;
  /** Each read's mean level at this position (its own segment, without the padding), in the segments' unit. */
  levels: Float32Array;
}

export interface PositionFilter {
  /** Keep this k-mer position? (--positions, --motif) */
  (contig: string, position: number, kmer: string): boolean;
}

/** Joins each read's segments over the padding window, position by position. */
export async function* paddedPositions(
  groups: AsyncIterable<PositionGroup>,
  options: { padding: number; maxLength: number; keep?: PositionFilter },
): AsyncGenerator<DtwPosition> {
  const { padding, maxLength, keep } = options;
  let window: IndexedGroup[] = [];
  let ready = 0;
  for await (const group of groups) {
    if (window.length > 0 && window[0]!.group.contig !== group.contig) {
      for (; ready < window.length; ready++) yield* emit(window, ready);
      window = [];
      ready = 0;
    }
    window.push(indexGroup(group));
    // Positions up to group.position - padding - 1 have every neighbour they will ever have.
    while (ready < window.length - 1 && window[ready]!.group.position + padding < group.position) yield* emit(window, ready++);
    // Groups that no later position can reach.
    let drop = 0;
    while (drop < ready && window[drop]!.group.position + padding < window[ready]!.group.position) drop++;
    if (drop > 0) {
      window = window.slice(drop);
      ready -= drop;
    }
  }
  for (; ready < window.length; ready++) yield* emit(window, ready);

  function* emit(groupsInWindow: IndexedGroup[], at: number): Generator<DtwPosition> {
    const centre = groupsInWindow[at]!.group;
    if (keep !== undefined && !keep(centre.contig, centre.position, centre.kmer)) return;
    const neighbours = groupsInWindow.filter((candidate) => Math.abs(candidate.group.position - centre.position) <= padding);
    yield joinSeries(centre, neighbours, maxLength);
  }
}

interface IndexedGroup {
  group: PositionGroup;
  /** condition + read name → segment */
  byRead: Map<string, SignalSegment>;
}

function readKey(condition: Condition, read: string): string {
  return `${condition}\t${read}`;
}

function indexGroup(group: PositionGroup): IndexedGroup {
  const byRead = new Map<string, SignalSegment>();
  for (const segment of group.segments) {
    const key = readKey(segment.condition, segment.read);
    if (byRead.has(key))
      throw new HtsError(
        `read ${segment.read} (${segment.condition}) has two segments at ${group.contig}:${group.position}: a stream was given twice?`,
      );
    byRead.set(key, segment);
  }
  return { group, byRead };
}

function joinSeries(centre: PositionGroup, neighbours: IndexedGroup[], maxLength: number): DtwPosition {
  const n = centre.segments.length;
  const lengths = new Int32Array(n);
  const parts: Float32Array[][] = [];
  let total = 0;
  for (let s = 0; s < n; s++) {
    const segment = centre.segments[s]!;
    const key = readKey(segment.condition, segment.read);
    const own: Float32Array[] = [];
    let length = 0;
    for (const neighbour of neighbours) {
      const found = neighbour.byRead.get(key);
      if (found === undefined) continue;
      own.push(found.samples);
      length += found.samples.length;
    }
    parts.push(own);
    lengths[s] = Math.min(length, maxLength);
    total += lengths[s]!;
  }
  const samples = new Float32Array(total);
  let at = 0;
  let resampled = 0;
  for (let s = 0; s < n; s++) {
    const own = parts[s]!;
    const joinedLength = own.reduce((sum, part) => sum + part.length, 0);
    if (joinedLength <= maxLength) {
      for (const part of own) {
        samples.set(part, at);
        at += part.length;
      }
      continue;
    }
    const joined = new Float32Array(joinedLength);
    let offset = 0;
    for (const part of own) {
      joined.set(part, offset);
      offset += part.length;
    }
    samples.set(resample(joined, maxLength), at);
    at += maxLength;
    resampled++;
  }
  let nNative = 0;
  for (const segment of centre.segments) if (segment.condition === 'native') nNative++;
  const levels = new Float32Array(n);
  centre.segments.forEach((segment, s) => {
    let sum = 0;
    for (const sample of segment.samples) sum += sample;
    levels[s] = sum / segment.samples.length;
  });
  return {
    contig: centre.contig,
    position: centre.position,
    kmer: centre.kmer,
    reads: centre.segments.map((segment) => segment.read),
    nNative,
    nIvt: n - nNative,
    samples,
    lengths,
    resampled,
    levels,
  };
}

/** `series` resampled to `length` samples by linear interpolation (first and last samples kept). */
export function resample(series: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  if (length === 1) {
    out[0] = series[0]!;
    return out;
  }
  const step = (series.length - 1) / (length - 1);
  for (let k = 0; k < length; k++) {
    const x = k * step;
    const i = Math.min(Math.floor(x), series.length - 2);
    const fraction = x - i;
    out[k] = series[i]! + (series[i + 1]! - series[i]!) * fraction;
  }
  return out;
}
