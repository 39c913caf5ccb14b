/**
 * The trimming steps (TrimQualityMott, TrimQualityWindow, TrimAdapter) each keep one range of a
 * read, chosen per read. Keeping [from, to) moves offsets (no copy); location tags on the segment
 * shift by `from`, and those that reach outside the kept range lose their location, as after
 * CutStart and CutEnd.
 */
import { sliceRead } from '@shoal/hts';
import type { FastqBlock } from '../../block.js';

/** Keeps bases [from[i], to[i]) of read i of `segment` and moves the segment's tag locations with them. */
export function keepRanges(block: FastqBlock, segment: number, from: Int32Array, to: Int32Array): void {
  const reads = block.segments[segment]!;
  for (let i = 0; i < block.count; i++) sliceRead(reads, i, from[i]!, to[i]!);
  block.updateLocations(segment, (region, i) => {
    if (region.start < from[i]! || region.start + region.len > to[i]!) return 'remove';
    return from[i] === 0 ? 'keep' : { ...region, start: region.start - from[i]! };
  });
}

/** The segments a `segment` key names: one, or every segment for All (-1). */
export function segmentsOf(segment: number, count: number): number[] {
  return segment < 0 ? Array.from({ length: count }, (_, s) => s) : [segment];
}
