/**
 * MergeReads (mbf's, `algorithm = 'Fastp'`, alias FastpSeemsWeird): merges overlapping mates into
 * segment1 and empties segment2, with fastp's overlap search as mbf ports it. segment2 is first
 * reverse-complemented (reverse_complement_segment2). The search tries segment2 starting at
 * offsets 0, 1, … into segment1 (while at least min_overlap bases overlap), then segment1
 * starting inside segment2 (offsets -1, -2, …); the first offset whose overlap has at most
 * min(max_mismatch_count, overlap × max_mismatch_rate) mismatches wins, or, fastp's rule, whose
 * comparison got past the first 50 bases before exceeding it. In the overlap a mismatch takes
 * segment2's base only when its quality is ≥ Q30 and segment1's ≤ Q14. No overlap:
 * `no_overlap_strategy = 'as_is'` leaves both reads, 'concatenate' joins them into segment1 with
 * `concatenate_spacer` (quality `spacer_quality_char`, default '!') between. `out_label`: a bool
 * tag, true where merged. Locations on either segment of a changed molecule are dropped.
 */
import { qualOf, seqOf, setSeqQual } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { byteOrCharKey, enumKey, outLabel, segmentKey } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { COMPLEMENT } from './reverse-complement.js';

interface Config {
  segment1: number;
  segment2: number;
  minOverlap: number;
  maxMismatchRate: number;
  maxMismatchCount: number;
  concatenate: boolean;
  spacer: string;
  spacerQuality: number;
  reverseComplement: boolean;
  label?: string;
}

/** fastp compares at least this many bases before giving an offset up. */
const COMPLETE_COMPARE_REQUIRE = 50;
const GOOD_QUAL = 30 + 33;
const BAD_QUAL = 14 + 33;

/** mbf's find_best_overlap_fastp: [offset, overlap length], or undefined. */
export function findOverlap(
  seq1: Uint8Array,
  seq2: Uint8Array,
  minOverlap: number,
  maxMismatchRate: number,
  maxMismatchCount: number,
): [number, number] | undefined {
  const len1 = seq1.length;
  const len2 = seq2.length;
  const acceptable = (overlap: number, compare: (i: number) => boolean): boolean => {
    const limit = Math.min(maxMismatchCount, Math.trunc(overlap * maxMismatchRate));
    let diff = 0;
    let compared = 0;
    for (let i = 0; i < overlap; i++) {
      if (compare(i)) {
        diff++;
        if (diff > limit && i < COMPLETE_COMPARE_REQUIRE) break;
      }
      compared = i + 1;
    }
    return diff <= limit || compared > COMPLETE_COMPARE_REQUIRE;
  };
  for (let offset = 0; offset < len1 - minOverlap; offset++) {
    const overlap = Math.min(len1 - offset, len2);
    if (acceptable(overlap, (i) => seq1[offset + i] !== seq2[i])) return [offset, overlap];
  }
  for (let offset = 0; offset > -(len2 - minOverlap); offset--) {
    const overlap = Math.min(len1, len2 + offset);
    if (acceptable(overlap, (i) => seq1[i] !== seq2[-offset + i])) return [offset, overlap];
  }
  return undefined;
}

/** mbf's merge_at_offset_fastp. */
export function mergeAt(
  seq1: Uint8Array,
  qual1: Uint8Array,
  seq2: Uint8Array,
  qual2: Uint8Array,
  offset: number,
  overlap: number,
): { seq: Uint8Array; qual: Uint8Array } {
  const seq: number[] = [];
  const qual: number[] = [];
  const start1 = Math.max(0, offset);
  const start2 = Math.max(0, -offset);
  for (let i = 0; i < start1; i++) {
    seq.push(seq1[i]!);
    qual.push(qual1[i]!);
  }
  for (let i = 0; i < overlap; i++) {
    const b1 = seq1[start1 + i]!;
    const b2 = seq2[start2 + i]!;
    const q1 = qual1[start1 + i]!;
    const q2 = qual2[start2 + i]!;
    if (b1 !== b2 && q2 >= GOOD_QUAL && q1 <= BAD_QUAL) {
      seq.push(b2);
      qual.push(q2);
    } else {
      seq.push(b1);
      qual.push(q1);
    }
  }
  // mbf: the rest of segment2 only after a positive offset (offset 0 keeps the overlap alone)
  if (offset > 0 && overlap < seq2.length) {
    for (let i = overlap; i < seq2.length; i++) {
      seq.push(seq2[i]!);
      qual.push(qual2[i]!);
    }
  }
  return { seq: Uint8Array.from(seq), qual: Uint8Array.from(qual) };
}

export const mergeReads = defineStep<Config>({
  action: 'MergeReads',
  parse(table, env) {
    enumKey(table, 'algorithm', { Fastp: 'Fastp', FastpSeemsWeird: 'Fastp' });
    const minOverlap = table.integer('min_overlap', { min: 5 });
    const maxMismatchRate = table.number('max_mismatch_rate', { min: 0 });
    if (maxMismatchRate >= 1) throw table.error(`Invalid value. Must be in [0.0..1.0), found ${maxMismatchRate}`, 'max_mismatch_rate');
    const maxMismatchCount = table.integer('max_mismatch_count', { min: 0 });
    const strategy = enumKey(table, 'no_overlap_strategy', { AsIs: 'as_is', as_is: 'as_is', Concatenate: 'concatenate' });
    const concatenate = strategy === 'concatenate';
    let spacer = '';
    if (table.has('concatenate_spacer')) spacer = table.string('concatenate_spacer');
    else if (concatenate)
      throw table.error("Missing key: 'concatenate_spacer' (required when no_overlap_strategy = 'concatenate', e.g. 'NNNN')");
    const spacerQuality = byteOrCharKey(table, 'spacer_quality_char', 33);
    if (spacerQuality < 33 || spacerQuality > 126) throw table.error('Invalid value. Must be in [33..126]', 'spacer_quality_char');
    const reverseComplement = table.boolean('reverse_complement_segment2');
    const segment1 = segmentKey(table, env, 'segment1');
    const segment2 = segmentKey(table, env, 'segment2');
    if (segment1 === segment2) throw table.error('segment1 and segment2 must be different segments', 'segment2');
    const label = table.has('out_label') ? outLabel(table, env) : (table.optional(() => 0, 'out_label'), undefined);
    return {
      segment1,
      segment2,
      minOverlap,
      maxMismatchRate,
      maxMismatchCount,
      concatenate,
      spacer,
      spacerQuality,
      reverseComplement,
      label,
    };
  },
  declares: (config) => (config.label ? [{ label: config.label, kind: 'bool' }] : []),
  apply(block, config) {
    const reads1 = block.segments[config.segment1]!;
    const reads2 = block.segments[config.segment2]!;
    const merged: TagValue[] = new Array<TagValue>(block.count);
    const changed = new Uint8Array(block.count);
    const spacer = latin1ToBytes(config.spacer);
    const spacerQual = new Uint8Array(spacer.length).fill(config.spacerQuality);
    const empty = new Uint8Array(0);
    for (let i = 0; i < block.count; i++) {
      const seq1 = seqOf(reads1, i);
      const qual1 = qualOf(reads1, i);
      let seq2 = seqOf(reads2, i);
      let qual2 = qualOf(reads2, i);
      if (config.reverseComplement) {
        seq2 = seq2
          .slice()
          .reverse()
          .map((b) => COMPLEMENT[b]!);
        qual2 = qual2.slice().reverse();
      }
      const overlap = findOverlap(seq1, seq2, config.minOverlap, config.maxMismatchRate, config.maxMismatchCount);
      merged[i] = overlap !== undefined;
      if (overlap) {
        const result = mergeAt(seq1, qual1, seq2, qual2, overlap[0], overlap[1]);
        setSeqQual(reads1, i, result.seq, result.qual);
        setSeqQual(reads2, i, empty, empty);
        changed[i] = 1;
      } else if (config.concatenate) {
        const seq = new Uint8Array(seq1.length + spacer.length + seq2.length);
        const qual = new Uint8Array(seq.length);
        seq.set(seq1);
        seq.set(spacer, seq1.length);
        seq.set(seq2, seq1.length + spacer.length);
        qual.set(qual1);
        qual.set(spacerQual, qual1.length);
        qual.set(qual2, qual1.length + spacer.length);
        setSeqQual(reads1, i, seq, qual);
        setSeqQual(reads2, i, empty, empty);
        changed[i] = 1;
      }
    }
    for (const segment of [config.segment1, config.segment2]) block.updateLocations(segment, () => 'remove', changed);
    if (config.label) block.setTag(config.label, merged);
  },
});
