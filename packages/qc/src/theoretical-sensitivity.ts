/**
 * Picard's HET_SNP_SENSITIVITY (TheoreticalSensitivity.hetSNPSensitivity, 2.27.5), bit for bit.
 *
 * Picard estimates the sensitivity by sampling: sums of base qualities drawn from the run's base-quality distribution
 * by a roulette wheel over java.util.Random seeded with 51, SAMPLE_SIZE sums per depth. The seed is fixed, so the
 * estimate is deterministic; reproducing java.util.Random's 48-bit linear congruential generator and the wheel's exact
 * sequence of draws gives Picard's double, not an approximation of it.
 */
import type { CollectorOption } from './collector.js';
import { RouletteWheelKernel } from './wasm/roulette-wheel-kernel.js';

const TWO_TO_MINUS_24 = 1 / 0x1000000;
const TWO_TO_MINUS_53 = 1 / 0x20000000000000;
const TWO_TO_MINUS_26 = 1 / 0x4000000;

/** java.util.Random: seed = (seed × 0x5DEECE66D + 0xB) mod 2^48, kept as two 24-bit halves so every product is exact. */
export class JavaRandom {
  private high: number;
  private low: number;

  constructor(seed: number) {
    // Initial scramble: (seed ^ 0x5DEECE66D) & (2^48 - 1); seeds here are small non-negative integers.
    const low = (seed & 0xffffff) ^ 0xece66d;
    const high = (Math.floor(seed / 0x1000000) & 0xffffff) ^ 0x5de;
    this.low = low;
    this.high = high;
  }

  // Divisions by powers of two are exact, and floor-and-subtract replaces `%` (5x faster on doubles, measured).
  private step(): void {
    const low = this.low * 0xece66d + 0xb;
    const carry = Math.floor(low * TWO_TO_MINUS_24);
    const high = this.high * 0xece66d + this.low * 0x5de + carry;
    this.high = high - Math.floor(high * TWO_TO_MINUS_24) * 0x1000000;
    this.low = low - carry * 0x1000000;
  }

  /** nextDouble(): ((next(26) << 27) + next(27)) × 2^-53. */
  nextDouble(): number {
    const a = this.next26();
    return (a * 0x8000000 + this.next27()) * TWO_TO_MINUS_53;
  }

  /** next(26): the high 26 bits of the next seed. */
  next26(): number {
    this.step();
    return this.high * 4 + (this.low >>> 22); // seed >>> 22
  }

  /** next(27). */
  next27(): number {
    this.step();
    return this.high * 8 + (this.low >>> 21); // seed >>> 21
  }

  /** The seed as [high, low] 24-bit halves. */
  seed(): [number, number] {
    return [this.high, this.low];
  }
}

/**
 * RouletteWheel: draws an index with probability proportional to its weight, giving up (0) after 600 failed tries.
 *
 * Picard's try is index = (int)(n × nextDouble()), accepted when nextDouble() < weight / max: four steps of the
 * generator, always. On binned qualities (7 of 127 bins with weight) a draw takes ~100 tries, the 2.5 M draws of a
 * default run ~250 M, which took 2 s as JavaScript doubles. The tries run in a WebAssembly kernel
 * (roulette-wheel-kernel.ts) on 64-bit integers, where a seed alone, by its top 16 bits, rejects most tries (the index
 * falls in a bin without weight whatever the next three seeds: `rejected`, built here).
 * Same seeds, same draws, bit for bit (the tests draw Picard's wheel literally beside it).
 */
export class RouletteWheel {
  private readonly kernel: RouletteWheelKernel;
  private readonly draws: Int32Array;
  private next = 0;

  constructor(weights: Float64Array) {
    // indexOfMax: the first strictly greater value wins, so an all-NaN distribution keeps NaN.
    let max = weights[0]!;
    for (let i = 1; i < weights.length; i++) if (weights[i]! > max) max = weights[i]!;
    if (max === 0) throw new Error('Quality score distribution is empty.');
    const probabilities = weights.map((w) => w / max);
    // The index is (int)(n × (a × 2^27 + b) / 2^53), a the first step's next(26), b any 27 bits: a block of 1024 values
    // of a (the seed's top 16 bits) whose lowest and highest index are one bin without weight is always rejected.
    const n = probabilities.length;
    const rejected = new Uint8Array(0x10000);
    for (let block = 0; block < 0x10000; block++) {
      const lowest = Math.trunc(n * (block * 1024 * TWO_TO_MINUS_26));
      const highest = Math.trunc(n * (((block * 1024 + 1023) * 0x8000000 + 0x7ffffff) * TWO_TO_MINUS_53));
      if (lowest === highest && !(probabilities[lowest]! > 0)) rejected[block] = 1;
    }
    const random = new JavaRandom(51);
    random.next26();
    const [high, low] = random.seed();
    this.kernel = new RouletteWheelKernel(probabilities, rejected, BigInt(high) * 0x1000000n + BigInt(low));
    this.draws = this.kernel.draws;
    this.next = this.draws.length;
  }

  draw(): number {
    if (this.next === this.draws.length) {
      this.kernel.drawMore();
      this.next = 0;
    }
    return this.draws[this.next++]!;
  }
}

/**
 * hetSNPSensitivity(depthDistribution, qualityDistribution, sampleSize, logOddsThreshold): both distributions are
 * normalised histograms (depth 0..cap, quality 0..126).
 */
export function hetSnpSensitivity(depth: Float64Array, quality: Float64Array, sampleSize: number, logOdds = 3.0): number {
  const maxDepth = Math.min(depth.length, 1001);
  if (!quality.some((weight) => weight > 0)) {
    // No base qualities (no bases passed, so the distribution is 0/0): Picard's wheel then spins 600 times per draw and
    // always returns 0, every quality sum is 0 and below every threshold, so every proportion is 0. The result is
    // Σ depth × 0: NaN when the depth distribution is (an all-N genome), else 0, which this gives without the spins.
    let result = 0;
    for (let n = 0; n < maxDepth; n++) result += depth[n]! * 0;
    return result;
  }
  const wheel = new RouletteWheel(quality);
  // sampleCumulativeSums: for every sample, the running sum of maxDepth draws (the last draw is unused but consumed).
  const sums = Array.from({ length: maxDepth }, () => new Int32Array(sampleSize));
  for (let sample = 0; sample < sampleSize; sample++) {
    let cumulative = 0;
    for (let m = 0; m < maxDepth; m++) {
      sums[m]![sample] = cumulative;
      cumulative += wheel.draw();
    }
  }
  // proportionsAboveThresholds: probability[m][n], the fraction of m-allele quality sums reaching depth n's threshold.
  const thresholds = Float64Array.from({ length: maxDepth }, (_, n) => 10 * (n * Math.log10(2) + logOdds));
  const probability = Array.from({ length: maxDepth }, () => new Float64Array(maxDepth));
  for (let m = 0; m < maxDepth; m++) {
    const sorted = sums[m]!.sort();
    let n = 0;
    let j = 0;
    while (n < maxDepth && j < sampleSize) {
      if (thresholds[n]! > sorted[j]!) j++;
      else {
        probability[m]![n] = (sampleSize - j) / sampleSize;
        n++;
      }
    }
  }
  // hetAltDepthDistribution: binomial(n, 0.5) probabilities, row by row, as Picard builds them.
  let result = 0;
  let previous = new Float64Array(0);
  for (let n = 0; n < maxDepth; n++) {
    const row = new Float64Array(n + 1);
    row[0] = Math.pow(0.5, n);
    for (let m = 1; m < n; m++) row[m] = ((n * 0.5) / m) * previous[m - 1]!;
    if (n > 0) row[n] = row[0]!;
    for (let m = 0; m <= n; m++) result += depth[n]! * row[m]! * probability[m]![n]!;
    previous = row;
  }
  return result;
}

/** A histogram as fractions of its total (TheoreticalSensitivity.normalizeHistogram). */
export function normalised(counts: Float64Array): Float64Array {
  let sum = 0;
  for (const count of counts) sum += count;
  return counts.map((count) => count / sum);
}

/** QualityUtil.getPhredScoreFromErrorProbability, rounded and cast as Picard does (1.0 gives -1, NaN gives 0). */
export function phredOfError(sensitivity: number): number {
  const q = Math.round(-10 * Math.log10(1 - sensitivity) + 0) || 0;
  if (q === Number.POSITIVE_INFINITY) return -1;
  return q;
}

/** Picard SAMPLE_SIZE, shared by the collectors that estimate HET_SNP_SENSITIVITY (wgs, hybcap). */
export const SAMPLE_SIZE_OPTION = {
  key: 'sampleSize',
  flag: 'sample-size',
  description: 'samples per depth for the HET_SNP_SENSITIVITY estimate (Picard SAMPLE_SIZE)',
  type: 'number',
  defaultValue: 10_000,
  min: 1,
  // 201 depths x this many 4-byte sums: 1,000,000 is 800 MB.
  max: 1_000_000,
  integer: true,
} as const satisfies CollectorOption<'sampleSize'>;
