/**
 * TrimQualityMott (ours): seqtk trimfq's quality trimming (`seqtk trimfq -q error_rate -l
 * min_length`, the modified Mott algorithm), equal to seqtk 1.3 read for read. The kept range is
 * the stretch that maximises the sum of (error_rate - P(error)) over its bases (so it may cut both
 * ends); a read no longer than min_length is left alone, and when the best stretch is shorter than
 * min_length, the min_length window with the highest quality sum is kept instead.
 */
import { qualOf } from '@shoal/hts';
import { segmentOrAllKey } from '../../config-keys.js';
import { ERROR_PROBABILITY } from '../phred-error.js';
import { defineStep } from '../types.js';
import { keepRanges, segmentsOf } from './ranges.js';

interface Config {
  segment: number;
  errorRate: number;
  minLength: number;
}

/** seqtk trimfq's [beg, end) for one read's qualities. */
export function mottRange(qual: Uint8Array, errorRate: number, minLength: number): [number, number] {
  const length = qual.length;
  if (length <= minLength) return [0, length];
  let sum = 0;
  let max = 0;
  let beg = 0;
  let end = length;
  let start = 0;
  for (let i = 0; i < length; i++) {
    const q = Math.min(127, Math.max(36, qual[i]!));
    // seqtk's P(error): glibc's pow, the same table as mbf's (phred-error.ts)
    sum += errorRate - ERROR_PROBABILITY[q]!;
    if (sum > max) {
      max = sum;
      beg = start;
      end = i + 1;
    }
    if (sum < 0) {
      sum = 0;
      start = i + 1;
    }
  }
  // no stretch scored above zero: seqtk then keeps the first min_length bases (before the window rule)
  if (max === 0) {
    beg = 0;
    end = minLength;
  }
  if (end - beg < minLength) {
    let windowSum = 0;
    let i = 0;
    for (; i < minLength; i++) windowSum += qual[i]! - 33;
    let best = windowSum;
    beg = 0;
    for (; i < length; i++) {
      windowSum += qual[i]! - qual[i - minLength]!;
      if (best < windowSum) {
        best = windowSum;
        beg = i - minLength + 1;
      }
    }
    end = beg + minLength;
  }
  return [beg, end];
}

export const trimQualityMott = defineStep<Config>({
  action: 'TrimQualityMott',
  parse(table, env) {
    const segment = segmentOrAllKey(table, env);
    const errorRate = table.number('error_rate', { default: 0.05, min: 0 });
    const minLength = table.integer('min_length', { default: 30, min: 0 });
    return { segment, errorRate, minLength };
  },
  apply(block, config) {
    for (const segment of segmentsOf(config.segment, block.segments.length)) {
      const reads = block.segments[segment]!;
      const from = new Int32Array(block.count);
      const to = new Int32Array(block.count);
      for (let i = 0; i < block.count; i++) {
        const [beg, end] = mottRange(qualOf(reads, i), config.errorRate, config.minLength);
        from[i] = beg;
        to[i] = end;
      }
      keepRanges(block, segment, from, to);
    }
  },
});
