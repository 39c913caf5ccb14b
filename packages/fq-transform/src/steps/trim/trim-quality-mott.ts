/**
 * TrimQualityMott (ours): seqtk trimfq's quality trimming (`seqtk trimfq -q error_rate -l
 * min_length`, the modified Mott algorithm), equal to seqtk 1.3 read for read. The kept range is
 * the stretch that maximises the sum of (error_rate - P(error)) over its bases (so it may cut both
 * ends); a read no longer than min_length is left alone, and when the best stretch is shorter than
 * min_length, the min_length window with the highest quality sum is kept instead.
 */
import { qualOf } from '@shoal/hts';
import { segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { keepRanges, segmentsOf } from './ranges.js';

interface Config {
  segment: number;
  errorRate: number;
  minLength: number;
}

/**
 * P(error) of quality bytes 36..127 as seqtk computes them, `pow(10., -(q - 33) / 10.)` with
 * glibc's pow, printed with %.17g (so they read back exactly). V8's Math.pow differs from glibc in
 * the last bit for 8 of these 92 values, which can move a trim by a base on a near tie.
 */
// prettier-ignore
const ERROR_PROBABILITY_FROM_36 = [
  0.50118723362727224, 0.3981071705534972, 0.31622776601683794, 0.25118864315095801,
  0.19952623149688797, 0.15848931924611134, 0.12589254117941673, 0.10000000000000001,
  0.079432823472428138, 0.063095734448019331, 0.05011872336272722, 0.039810717055349734,
  0.031622776601683791, 0.025118864315095794, 0.019952623149688799, 0.015848931924611134,
  0.012589254117941675, 0.01, 0.0079432823472428138, 0.0063095734448019303,
  0.0050118723362727246, 0.0039810717055349734, 0.0031622776601683794, 0.0025118864315095794,
  0.0019952623149688789, 0.0015848931924611141, 0.0012589254117941675, 0.001,
  0.00079432823472428131, 0.00063095734448019298, 0.00050118723362727253, 0.00039810717055349735,
  0.00031622776601683794, 0.00025118864315095795, 0.00019952623149688788, 0.00015848931924611142,
  0.00012589254117941674, 0.0001, 7.9432823472428221e-05, 6.3095734448019293e-05,
  5.0118723362727251e-05, 3.9810717055349695e-05, 3.1622776601683795e-05, 2.5118864315095822e-05,
  1.9952623149688786e-05, 1.5848931924611141e-05, 1.2589254117941661e-05, 1.0000000000000001e-05,
  7.9432823472428217e-06, 6.3095734448019296e-06, 5.011872336272725e-06, 3.9810717055349691e-06,
  3.1622776601683792e-06, 2.5118864315095823e-06, 1.9952623149688787e-06, 1.5848931924611141e-06,
  1.2589254117941661e-06, 9.9999999999999995e-07, 7.943282347242822e-07, 6.3095734448019296e-07,
  5.011872336272725e-07, 3.9810717055349692e-07, 3.1622776601683792e-07, 2.5118864315095823e-07,
  1.9952623149688787e-07, 1.5848931924611141e-07, 1.2589254117941662e-07, 9.9999999999999995e-08,
  7.943282347242822e-08, 6.3095734448019296e-08, 5.011872336272725e-08, 3.981071705534969e-08,
  3.1622776601683792e-08, 2.5118864315095821e-08, 1.9952623149688786e-08, 1.5848931924611143e-08,
  1.2589254117941661e-08, 1e-08, 7.943282347242822e-09, 6.3095734448019429e-09,
  5.0118723362727147e-09, 3.981071705534969e-09, 3.1622776601683795e-09, 2.511886431509582e-09,
  1.9952623149688828e-09, 1.5848931924611109e-09, 1.2589254117941663e-09, 1.0000000000000001e-09,
  7.9432823472428218e-10, 6.3095734448019425e-10, 5.0118723362727143e-10, 3.9810717055349694e-10,
];

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
    sum += errorRate - ERROR_PROBABILITY_FROM_36[q - 36]!;
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
