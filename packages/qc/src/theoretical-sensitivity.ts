/**
 * Picard's HET_SNP_SENSITIVITY (TheoreticalSensitivity.hetSNPSensitivity, 2.27.5), bit for bit.
 *
 * Picard estimates the sensitivity by sampling: sums of base qualities drawn from the run's base-quality distribution
 * by a roulette wheel over java.util.Random seeded with 51, SAMPLE_SIZE sums per depth. The seed is fixed, so the
 * estimate is deterministic; reproducing java.util.Random's 48-bit linear congruential generator and the wheel's exact
 * sequence of draws gives Picard's double, not an approximation of it.
 */
import type { CollectorOption } from './collector.js';

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

/** java.util.Random's multiplier and addend, and 2^48 - 1, for the jumps below. */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK_48 = (1n << 48n) - 1n;
/** k steps of the generator as one: seed × a^k + c (a^(k-1) + … + 1), mod 2^48, as [a^k high, low, sum high, low]. */
function jump(steps: number): [number, number, number, number] {
  let multiplier = 1n;
  let addend = 0n;
  for (let i = 0; i < steps; i++) {
    multiplier = (multiplier * MULTIPLIER) & MASK_48;
    addend = (addend * MULTIPLIER + ADDEND) & MASK_48;
  }
  const half = (value: bigint): [number, number] => [Number(value >> 24n), Number(value & 0xffffffn)];
  return [...half(multiplier), ...half(addend)];
}
const [STEP_HIGH, STEP_LOW, ADDEND_HIGH, ADDEND_LOW] = jump(1);
const [JUMP_4, JUMP_8, JUMP_12, JUMP_16] = [jump(4), jump(8), jump(12), jump(16)];

/**
 * RouletteWheel: draws an index with probability proportional to its weight, giving up (0) after 600 failed tries.
 *
 * Picard's try is index = (int)(n × nextDouble()), accepted when nextDouble() < weight / max: four steps of the
 * generator, always. On binned qualities (7 of 127 bins with weight) a draw takes ~100 tries, the 2.5 M draws of a
 * default run ~250 M, and the sampling was a quarter of collect-wgs' time on real data. So the loop keeps the seed of
 * each try's first step, computes four tries' first seeds at a time by jumps (4, 8, 12 and 16 steps from one seed), and
 * where a seed alone decides that the index falls in a bin without weight (`rejected`, by its top 16 bits) takes no
 * other step; only the other tries take the steps one by one.
 * Same seeds, same draws, bit for bit (the tests draw Picard's wheel literally beside it).
 */
class RouletteWheel {
  private readonly probabilities: Float64Array;
  /** By the top 16 bits of a try's next(26): 1 where the try is rejected whatever the next three seeds (constructor). */
  private readonly rejected = new Uint8Array(0x10000);
  /** The seed after the first step of the next try, in 24-bit halves. */
  private high: number;
  private low: number;
  private count = 0;

  constructor(weights: Float64Array) {
    // indexOfMax: the first strictly greater value wins, so an all-NaN distribution keeps NaN.
    let max = weights[0]!;
    for (let i = 1; i < weights.length; i++) if (weights[i]! > max) max = weights[i]!;
    if (max === 0) throw new Error('Quality score distribution is empty.');
    const probabilities = (this.probabilities = weights.map((w) => w / max));
    // The index is (int)(n × (a × 2^27 + b) / 2^53), a the first step's next(26), b any 27 bits: a block of 1024 values
    // of a (the seed's high half >>> 8) whose lowest and highest index are one bin without weight is always rejected.
    const n = probabilities.length;
    for (let block = 0; block < 0x10000; block++) {
      const lowest = Math.trunc(n * (block * 1024 * TWO_TO_MINUS_26));
      const highest = Math.trunc(n * (((block * 1024 + 1023) * 0x8000000 + 0x7ffffff) * TWO_TO_MINUS_53));
      if (lowest === highest && !(probabilities[lowest]! > 0)) this.rejected[block] = 1;
    }
    const random = new JavaRandom(51);
    random.next26();
    [this.high, this.low] = random.seed();
  }

  draw(): number {
    const [j4High, j4Low, k4High, k4Low] = JUMP_4;
    const [j8High, j8Low, k8High, k8Low] = JUMP_8;
    const [j12High, j12Low, k12High, k12Low] = JUMP_12;
    const [j16High, j16Low, k16High, k16Low] = JUMP_16;
    const below24 = TWO_TO_MINUS_24;
    for (;;) {
      // The first seeds of this try and the next three, each jumped from this one: four independent computations the
      // CPU overlaps (one generator step after another is a chain of dependent multiplications, ~11 ns each).
      const h0 = this.high;
      const l0 = this.low;
      const n1 = l0 * j4Low + k4Low;
      const n2 = l0 * j8Low + k8Low;
      const n3 = l0 * j12Low + k12Low;
      const n4 = l0 * j16Low + k16Low;
      const c1 = Math.floor(n1 * below24);
      const c2 = Math.floor(n2 * below24);
      const c3 = Math.floor(n3 * below24);
      const c4 = Math.floor(n4 * below24);
      const t1 = h0 * j4Low + l0 * j4High + k4High + c1;
      const t2 = h0 * j8Low + l0 * j8High + k8High + c2;
      const t3 = h0 * j12Low + l0 * j12High + k12High + c3;
      const t4 = h0 * j16Low + l0 * j16High + k16High + c4;
      const h1 = t1 - Math.floor(t1 * below24) * 0x1000000;
      const h2 = t2 - Math.floor(t2 * below24) * 0x1000000;
      const h3 = t3 - Math.floor(t3 * below24) * 0x1000000;
      const h4 = t4 - Math.floor(t4 * below24) * 0x1000000;
      const l1 = n1 - c1 * 0x1000000;
      const l2 = n2 - c2 * 0x1000000;
      const l3 = n3 - c3 * 0x1000000;
      const l4 = n4 - c4 * 0x1000000;
      let drawn = this.attempt(h0, l0);
      if (drawn < 0) {
        drawn = this.attempt(h1, l1);
        if (drawn < 0) {
          drawn = this.attempt(h2, l2);
          if (drawn < 0) {
            drawn = this.attempt(h3, l3);
            if (drawn < 0) {
              this.high = h4;
              this.low = l4;
              continue;
            }
            [this.high, this.low] = [h4, l4];
          } else [this.high, this.low] = [h3, l3];
        } else [this.high, this.low] = [h2, l2];
      } else [this.high, this.low] = [h1, l1];
      return drawn;
    }
  }

  /**
   * One try from its first seed: the drawn value (the index, or 0 after the 600th failed try) when the draw ends
   * here, else -1.
   */
  private attempt(high: number, low: number): number {
    this.count++;
    if (this.rejected[high >>> 8] !== 1) {
      // Step 2: next(27), the index's low bits; steps 3 and 4: nextDouble() for the acceptance.
      const a = high * 4 + (low >>> 22);
      let b = 0;
      let c = 0;
      let d = 0;
      for (let step = 2; step <= 4; step++) {
        const next = low * STEP_LOW + ADDEND_LOW;
        const carry = Math.floor(next * TWO_TO_MINUS_24);
        const top = high * STEP_LOW + low * STEP_HIGH + ADDEND_HIGH + carry;
        high = top - Math.floor(top * TWO_TO_MINUS_24) * 0x1000000;
        low = next - carry * 0x1000000;
        if (step === 2) b = high * 8 + (low >>> 21);
        else if (step === 3) c = high * 4 + (low >>> 22);
        else d = high * 8 + (low >>> 21);
      }
      const index = Math.trunc(this.probabilities.length * ((a * 0x8000000 + b) * TWO_TO_MINUS_53));
      if ((c * 0x8000000 + d) * TWO_TO_MINUS_53 < this.probabilities[index]!) {
        this.count = 0;
        return index;
      }
    }
    if (this.count >= 600) {
      this.count = 0;
      return 0;
    }
    return -1;
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
