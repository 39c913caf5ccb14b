/** mbf's Hits: the value of a location tag, a list of sequences each with its place in a read while that is known. */
import { seqOf, type ReadsBlock } from '@shoal/hts';
import type { FastqBlock, Hit, TagValue } from '../block.js';
import { bytesToLatin1 } from './byte-strings.js';

/** A deep copy of hits (locations are edited in place by later steps, so hits are never shared). */
export function cloneHits(hits: Hit[]): Hit[] {
  return hits.map((hit) => ({ location: hit.location ? { ...hit.location } : null, sequence: hit.sequence }));
}

/** mbf's Hits::covered_len: the summed length of hits that still have a location. */
export function coveredLength(hits: Hit[]): number {
  let total = 0;
  for (const hit of hits) if (hit.location) total += hit.location.len;
  return total;
}

/** A single located hit (mbf's Hits::new). */
export function singleHit(start: number, len: number, segment: number, sequence: string): Hit[] {
  return [{ location: { start, len, segment }, sequence }];
}

/**
 * Sets location tag `label` from one search per read of `segment`: `find` gives the [start, end)
 * of the read's hit, or undefined for none; the hit's sequence is the read's bases there. The
 * shape of every Extract* step that finds at most one place per read.
 */
export function setOneHitPerRead(
  block: FastqBlock,
  label: string,
  segment: number,
  find: (reads: ReadsBlock, i: number) => readonly [start: number, end: number] | undefined,
): void {
  const reads = block.segments[segment]!;
  const out: TagValue[] = new Array<TagValue>(block.count);
  for (let i = 0; i < block.count; i++) {
    const found = find(reads, i);
    out[i] = found ? singleHit(found[0], found[1] - found[0], segment, bytesToLatin1(seqOf(reads, i).subarray(found[0], found[1]))) : null;
  }
  block.setTag(label, out);
}

/**
 * mbf's filter_tag_locations_all_targets with Remove for the molecules where `remove[i]`: every location of every tag of such a
 * molecule goes.
 */
export function dropLocationsOf(block: FastqBlock, remove: ArrayLike<boolean | number>): void {
  for (const values of Object.values(block.tags)) {
    for (let i = 0; i < values.length; i++) {
      const value: TagValue = values[i] ?? null;
      if (!Array.isArray(value) || !remove[i]) continue;
      if (value.some((hit) => hit.location)) for (const hit of value) hit.location = null;
    }
  }
}
