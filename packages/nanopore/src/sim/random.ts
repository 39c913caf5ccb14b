/**
 * The simulator's seeded random numbers: xoshiro128** (Blackman & Vigna, 2018), 32-bit arithmetic only, so a stream
 * costs no BigInt and gives the same numbers on every platform.
 *
 * Streams: every part of a run that draws numbers has its own stream, derived from `--seed` and labels (which part,
 * which condition, which read) by hashing, never by advancing a shared generator. A read's numbers therefore depend
 * only on the seed and the read's own labels, not on which thread simulated it or in which order: output is the same
 * for every `--threads`. Inside a read, the plan, the dwell times, the current levels, the basecalls and the digitiser
 * each have a stream of their own, so that changing one setting (the level shift, say) leaves every other draw of
 * that read as it was: two runs that differ in `--shift` differ only in the levels of modified k-mers.
 */

/** Stream labels: one per part of the simulation that draws numbers. */
export const Stream = {
  transcriptome: 1,
  sites: 2,
  plan: 3,
  dwell: 4,
  level: 5,
  basecall: 6,
  digitiser: 7,
  leader: 8,
} as const;

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a whole number of up to 53 bits into its low and high 32-bit words. */
function words(value: number): [number, number] {
  return [value >>> 0, Math.floor(value / 0x1_0000_0000) >>> 0];
}

/** 2^-53: turns 53 random bits into a double in [0, 1). */
const UNIT_53 = 1 / 0x20_0000_0000_0000;
/** 2^-31: a signed 32-bit integer to [-1, 1). */
const UNIT_31 = 1 / 0x8000_0000;

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Normals come in pairs; the second waits here. */
  private spareNormal = 0;
  private hasSpareNormal = false;

  /**
   * The stream for `seed` (a whole number, 0 to 2^53-1) and `labels` (whole numbers of up to 53 bits: a Stream
   * label, a condition, a read index). Equal seeds and labels give equal streams; any difference gives an unrelated one.
   */
  static stream(seed: number, ...labels: number[]): Random {
    let hash = 0x9e3779b9;
    for (const part of [seed, labels.length, ...labels]) {
      if (!Number.isSafeInteger(part) || part < 0) throw new RangeError(`stream labels are whole numbers ≥ 0, got ${part}`);
      for (const word of words(part)) hash = mix32(hash ^ mix32(word + 0x7f4a7c15));
    }
    return new Random(hash);
  }

  /** A generator in the given state (four 32-bit words, not all zero): for checks against the reference code. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    const random = new Random(0);
    random.s0 = s0 >>> 0;
    random.s1 = s1 >>> 0;
    random.s2 = s2 >>> 0;
    random.s3 = s3 >>> 0;
    return random;
  }

  /** State from splitmix32 steps of `hash`, as xoshiro's authors advise (never all zero). */
  private constructor(hash: number) {
    let x = hash;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** 32 random bits as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 0x400_0000 + low) * UNIT_53;
  }

  /** A double in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** A whole number in [0, n), n ≤ 2^32, without modulo bias (Lemire's method). */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /** A whole number in [min, max] (inclusive). */
  integerBetween(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** true with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.uniform() < p;
  }

  /**
   * A standard normal deviate: Marsaglia's polar method (pairs from a point drawn uniformly in the unit disc; the second
   * of the pair is kept for the next call). No trigonometry, so about 3x faster than Box-Muller in V8, and the signal
   * draws one of these per sample. 32-bit coordinates suffice: they bound the tails near 6.3 sd.
   */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    let x: number;
    let y: number;
    let radiusSquared: number;
    do {
      x = (this.nextUint32() | 0) * UNIT_31;
      y = (this.nextUint32() | 0) * UNIT_31;
      radiusSquared = x * x + y * y;
    } while (radiusSquared >= 1 || radiusSquared === 0);
    const scale = Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
    this.spareNormal = y * scale;
    this.hasSpareNormal = true;
    return x * scale;
  }

  /** A normal deviate with this mean and standard deviation. */
  gaussian(mean: number, standardDeviation: number): number {
    return mean + standardDeviation * this.normal();
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
