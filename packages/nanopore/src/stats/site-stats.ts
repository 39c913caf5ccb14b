/**
 * The statistics of baleen's site table, `site_results.tsv` (shared/research/nanopore-anchors.md 1.5), equal to the
 * scipy calls baleen makes: `fisher_exact(table, alternative='greater')`, `beta.ppf` for the 95% interval of the
 * modified fraction, Benjamini-Hochberg per contig, numpy's median and mean, Python's `%.6f` and `%.6e`.
 *
 * How the two distributions are computed. The Fisher p-value is an upper tail of a hypergeometric distribution, and
 * the regularized incomplete beta with whole shapes is a binomial tail: I_x(a, b) = P(Binomial(a + b - 1, x) >= a).
 * Both are log-concave distributions on a lattice whose successive term ratios are short exact expressions, so a
 * tail is computed as (sum of the tail's terms) / (sum of all terms), every term taken relative to the mode (which
 * is 1). No factorial, no lgamma, no normalising constant: each term carries a few roundings per step from the mode,
 * the sums stop once the rest (bounded by a geometric series, the ratios falling away from the mode) is below 2^-60
 * of what is summed, and a tail far from the mode keeps its own power-of-two exponent so that p-values keep their
 * relative accuracy down to the smallest normal double (2.2e-308; below it, the subnormals' absolute one). The
 * tests measure the results against exact rational arithmetic and against scipy 1.10
 * (test/fixtures/stats/scipy-vectors.json, made by tools/goldens/make-stats-goldens.py).
 *
 * The quantile inverts that binomial tail by Newton's method on the log of the tail (the derivative is the binomial
 * term at the tail's edge), kept inside a bracket with bisection as the fallback, and in closed form where a shape is
 * 1. It is written for whole shapes a, b >= 1, which is all the site table needs (Beta(1 + k, 1 + n - k)).
 */
import { formatFixed } from '../eventalign/printf.js';

/** One row of site_results.tsv; the order of the fields is the order of the columns. */
export interface SiteStats {
  contig: string;
  /** As the caller numbers it (the pipeline pins the convention; see nanopore-anchors.md 1.2). */
  position: number;
  kmer: string;
  /** Native reads with p_mod > threshold, over the native reads with a p_mod. */
  modRatio: number;
  /** 2.5% quantile of Beta(1 + modified, 1 + unmodified). */
  ciLow: number;
  /** 97.5% quantile of the same Beta. */
  ciHigh: number;
  /** One-sided Fisher exact test, native more often modified than IVT; 1 when either group is empty. */
  pvalue: number;
  /** Benjamini-Hochberg over the contig's rows: NaN until {@link applyBenjaminiHochberg} fills it. */
  padj: number;
  /** median(native p_mod) - median(IVT p_mod); NaN without IVT reads. */
  effectSize: number;
  /** Native reads at the site, counting those without a p_mod (NaN), as baleen counts them. */
  nNative: number;
  /** IVT reads at the site, counting those without a p_mod. */
  nIvt: number;
  /** Mean native p_mod (numpy's pairwise summation, so the last bit is numpy's). */
  meanPMod: number;
  /** Fraction of native reads with p_mod > 0.5. */
  stoichiometry: number;
}

export interface SiteInput {
  contig: string;
  position: number;
  kmer: string;
  /** Per-read P(modified) of the native reads; NaN marks a read without a value (left out of every statistic). */
  nativeP: readonly number[];
  /** The same for the IVT (unmodified control) reads. */
  ivtP: readonly number[];
  /** A read counts as modified when its p_mod is strictly above this (baleen's mod_threshold, 0.75 by default). */
  threshold: number;
}

// ------------------------------------------------------------------------------------------------ lattice tails

/** A sum stops once the bound on its remaining terms is below this fraction of it (2^-60, far under an ulp). */
const NEGLIGIBLE = 2 ** -60;
/** A far tail's terms are rescaled by 2^500 whenever they fall below 2^-500, and the exponent is kept apart. */
const RESCALE_EXPONENT = 500;
const RESCALE_BELOW = 2 ** -RESCALE_EXPONENT;
const RESCALE = 2 ** RESCALE_EXPONENT;

/**
 * A log-concave weight sequence w(lo..hi) given by its term ratios. `mode` is (close to) where w is largest;
 * `up(j)` = w(j + 1) / w(j) and `down(j)` = w(j - 1) / w(j), each exact up to one or two roundings.
 */
interface LatticeWeights {
  lo: number;
  hi: number;
  mode: number;
  up: (j: number) => number;
  down: (j: number) => number;
}

/** Both tails around `start` as fractions of the whole: lower = sum j < start, upper = sum j >= start. */
interface TailSplit {
  lower: number;
  upper: number;
  /** w(start) / sum w: the probability of `start` itself. */
  atStart: number;
}

/** value · 2^exponent for exponent <= 0 (a rounding in each factor only where the result is subnormal). */
function timesPowerOfTwo(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

/**
 * For start > mode: near = sum of w(j) for j < start, far = sum for j >= start in units of 2^exponent, and
 * edge = w(start) in the same units, with w(mode) = 1.
 */
function sumsAroundFarStart(
  mode: number,
  lo: number,
  hi: number,
  start: number,
  up: (j: number) => number,
  down: (j: number) => number,
): { near: number; far: number; exponent: number; edge: number } {
  let near = 1;
  // Below the mode: the ratios fall as j falls (log-concavity), so once the ratio is below 1 the rest is at most
  // term · ratio / (1 - ratio).
  let term = 1;
  for (let j = mode; j > lo; j--) {
    const ratio = down(j);
    term *= ratio;
    near += term;
    if (ratio < 1 && term * ratio <= near * NEGLIGIBLE * (1 - ratio)) break;
  }
  // From the mode up to start, rescaling so that a tail 1e-300 (or 1e-3000) below the mode keeps its digits.
  term = 1;
  let exponent = 0;
  for (let j = mode; j < start; j++) {
    term *= up(j);
    if (j + 1 < start && exponent === 0) near += term;
    if (term < RESCALE_BELOW && term > 0) {
      term *= RESCALE;
      exponent -= RESCALE_EXPONENT;
    }
  }
  const edge = term;
  let far = term;
  for (let j = start; j < hi; j++) {
    const ratio = up(j);
    term *= ratio;
    far += term;
    if (ratio < 1 && term * ratio <= far * NEGLIGIBLE * (1 - ratio)) break;
  }
  return { near, far, exponent, edge };
}

/** Both tails of `weights` around `start`, for lo < start <= hi (each tail has at least one term). */
function splitTails(weights: LatticeWeights, start: number): TailSplit {
  const { lo, hi, up, down } = weights;
  const mode = Math.min(Math.max(weights.mode, lo), hi);
  // The tail away from the mode is the one that can be tiny; the other one holds the mode. For start <= mode the
  // lower tail is the far one: mirror the lattice (j -> -j) so that one routine serves both.
  const upperIsFar = start > mode;
  const sums = upperIsFar
    ? sumsAroundFarStart(mode, lo, hi, start, up, down)
    : sumsAroundFarStart(
        -mode,
        -hi,
        -lo,
        -(start - 1),
        (j) => down(-j),
        (j) => up(-j),
      );
  const { near, far, exponent, edge } = sums;
  let nearFraction: number;
  let farFraction: number;
  let edgeFraction: number;
  if (exponent === 0) {
    const total = near + far;
    nearFraction = near / total;
    farFraction = far / total;
    edgeFraction = edge / total;
  } else {
    // far · 2^exponent is below 2^-500 · (number of terms): the total is `near` to the last bit.
    nearFraction = 1;
    farFraction = timesPowerOfTwo(far / near, exponent);
    edgeFraction = timesPowerOfTwo(edge / near, exponent);
  }
  if (upperIsFar) return { lower: nearFraction, upper: farFraction, atStart: edgeFraction };
  // Mirrored: the edge is w(start - 1); w(start) = w(start - 1) · up(start - 1).
  return { lower: farFraction, upper: nearFraction, atStart: edgeFraction * up(start - 1) };
}

// --------------------------------------------------------------------------------------------------- Fisher

/** The largest table total we accept: products of two counts stay exact in a double (2^26 · 2^26 < 2^53). */
const MAX_TABLE_TOTAL = 2 ** 26;

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
}

/**
 * scipy's `fisher_exact([[a, b], [c, d]], alternative='greater')[1]`: the probability, with all margins fixed, of a
 * top-left cell of a or more (hypergeometric upper tail). As scipy, 1 when a row or a column of the table is empty.
 */
export function fisherExactGreater(a: number, b: number, c: number, d: number): number {
  checkCount('a', a);
  checkCount('b', b);
  checkCount('c', c);
  checkCount('d', d);
  const successes = a + b; // row 1: the native reads
  const draws = a + c; // column 1: the modified reads
  const total = a + b + c + d;
  if (total > MAX_TABLE_TOTAL) throw new RangeError(`Fisher table total ${total} is above ${MAX_TABLE_TOTAL}`);
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) return 1;
  const failures = total - successes;
  const lo = Math.max(0, draws - failures);
  if (a <= lo) return 1;
  const hi = Math.min(successes, draws);
  const offset = failures - draws; // N - K - n
  const weights: LatticeWeights = {
    lo,
    hi,
    mode: Math.floor(((draws + 1) * (successes + 1)) / (total + 2)),
    up: (x) => ((successes - x) * (draws - x)) / ((x + 1) * (offset + x + 1)),
    down: (x) => (x * (offset + x)) / ((successes - x + 1) * (draws - x + 1)),
  };
  return Math.min(splitTails(weights, a).upper, 1);
}

// ------------------------------------------------------------------------------------------- Benjamini-Hochberg

/**
 * Benjamini-Hochberg adjusted p-values, in the input order: p · m / rank, then the running minimum from the largest
 * p down (step-up), capped at 1. The arithmetic is baleen's, (p · m) / rank; scipy's false_discovery_control
 * computes p · (m / rank) and can differ from it in the last bit. Ties get equal values whatever their order.
 */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  for (const value of p) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`a p-value must be in [0, 1], got ${value}`);
  }
  const order = Array.from({ length: m }, (_, index) => index).sort((i, j) => p[i] - p[j] || i - j);
  const adjusted = new Array<number>(m);
  let running = Infinity;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1];
    running = Math.min(running, (p[index] * m) / rank);
    adjusted[index] = Math.min(running, 1);
  }
  return adjusted;
}

/** Sets `padj` of every row, Benjamini-Hochberg within each contig (rows of several contigs may be interleaved). */
export function applyBenjaminiHochberg(rows: SiteStats[]): void {
  const byContig = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const members = byContig.get(row.contig);
    if (members) members.push(index);
    else byContig.set(row.contig, [index]);
  });
  for (const members of byContig.values()) {
    const adjusted = benjaminiHochberg(members.map((index) => rows[index].pvalue));
    members.forEach((index, k) => {
      rows[index].padj = adjusted[k];
    });
  }
}

// ------------------------------------------------------------------------------------------------------ Beta

/** The largest a + b we accept (the same bound as for Fisher tables: exact products of counts). */
const MAX_BETA_SHAPE_SUM = 2 ** 26;
/**
 * Newton stops after a step below this relative size: what it leaves is of the order of the step's square (times
 * x·g''/g', at most a few hundred here), far below an ulp. A tighter bound would chase the tail's rounding noise.
 */
const QUANTILE_STEP_TOLERANCE = 2 ** -40;
const QUANTILE_MAX_ITERATIONS = 300;

/** A starting point only (Abramowitz & Stegun 26.2.23, error < 4.5e-4): Newton does the rest. */
function roughNormalQuantile(q: number): number {
  const tail = Math.min(q, 1 - q);
  const t = Math.sqrt(-2 * Math.log(tail));
  const z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return q < 0.5 ? -z : z;
}

/**
 * scipy's `beta.ppf(q, a, b)`: the x with I_x(a, b) = q, for whole shapes a, b >= 1 (the site table's Beta(1 + k,
 * 1 + n - k)). I_x(a, b) = P(Binomial(a + b - 1, x) >= a), whose tails are summed as described at the top of this
 * file; for q > 1/2 the lower tail is matched to 1 - q (exact for q >= 1/2) so that neither side loses digits.
 */
export function betaQuantile(q: number, a: number, b: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`a quantile's probability must be in [0, 1], got ${q}`);
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 1 || b < 1 || a + b > MAX_BETA_SHAPE_SUM) {
    throw new RangeError(`betaQuantile takes whole shapes a, b >= 1 (a + b <= ${MAX_BETA_SHAPE_SUM}), got a = ${a}, b = ${b}`);
  }
  if (q === 0) return 0;
  if (q === 1) return 1;
  if (a === 1 && b === 1) return q;
  // One shape 1: I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a invert in closed form (as Boost, which scipy calls,
  // does too; these agree with mpmath to 2.1e-16 where Newton below gives 3.3e-16).
  if (a === 1) return -Math.expm1(Math.log1p(-q) / b);
  if (b === 1) return Math.exp(Math.log(q) / a);
  const trials = a + b - 1;
  const useUpper = q <= 0.5;
  const target = useUpper ? q : 1 - q;
  /**
   * g(x) = log(I_x(a, b) / q), or log((1 - q) / (1 - I_x(a, b))) above the median, and its derivative: increasing in
   * x and concave, resp. convex (a Beta CDF and its complement are log-concave for a, b >= 1), so Newton overshoots
   * the root at most once and then closes in from one side.
   */
  const evaluate = (x: number): { value: number; slope: number } => {
    const y = 1 - x;
    const split = splitTails(
      {
        lo: 0,
        hi: trials,
        mode: Math.floor((trials + 1) * x),
        up: (j) => ((trials - j) * x) / ((j + 1) * y),
        down: (j) => (j * y) / ((trials - j + 1) * x),
      },
      a,
    );
    // d/dx P(Binomial(m, x) >= a) = (a / x) · P(Binomial(m, x) = a).
    const density = (a / x) * split.atStart;
    return useUpper
      ? { value: Math.log(split.upper / target), slope: density / split.upper }
      : { value: Math.log(target / split.lower), slope: density / split.lower };
  };
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  let x = mean + roughNormalQuantile(q) * sd;
  if (!(x > 0 && x < 1)) x = mean;
  let lo = 0;
  let hi = 1;
  for (let iteration = 0; iteration < QUANTILE_MAX_ITERATIONS; iteration++) {
    const { value, slope } = evaluate(x);
    if (value === 0) return x;
    if (value < 0) lo = x;
    else hi = x;
    const step = value / slope;
    let next = x - step;
    // A Newton step this small leaves an error of the order of its square: done. (Its end may round onto x.)
    if (Math.abs(step) <= QUANTILE_STEP_TOLERANCE * x) return next >= lo && next <= hi ? next : x;
    if (!(next > lo && next < hi)) {
      // Outside the bracket (or a zero slope far out in a tail): bisect instead.
      next = lo + (hi - lo) / 2;
      if (next === lo || next === hi) return next;
    }
    x = next;
  }
  return x;
}

/** The 95% interval of baleen's modified fraction: Beta(1 + k, 1 + n - k) at 2.5% and 97.5%. */
export function betaInterval(k: number, n: number): [number, number] {
  if (!Number.isSafeInteger(k) || !Number.isSafeInteger(n) || k < 0 || k > n) {
    throw new RangeError(`betaInterval takes whole numbers 0 <= k <= n, got k = ${k}, n = ${n}`);
  }
  return [betaQuantile(0.025, 1 + k, 1 + n - k), betaQuantile(0.975, 1 + k, 1 + n - k)];
}

// ------------------------------------------------------------------------------------------ numpy's reductions

/** numpy's median: NaN for no values or any NaN; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[n - 1])) return NaN; // a typed array sorts NaN last
  const half = n >> 1;
  return n % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/** numpy's pairwise summation of float64 (numpy/core/src/umath/loops_utils.h: blocks of 128, eight accumulators). */
function pairwiseSum(values: readonly number[], start: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let i = start; i < start + count; i++) sum += values[i];
    return sum;
  }
  if (count <= 128) {
    const r = values.slice(start, start + 8);
    const whole = count - (count % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      for (let lane = 0; lane < 8; lane++) r[lane] += values[start + i + lane];
    }
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/** numpy's mean of float64: the pairwise sum over the count (NaN for no values). */
function numpyMean(values: readonly number[]): number {
  return values.length === 0 ? NaN : pairwiseSum(values, 0, values.length) / values.length;
}

function countAbove(values: readonly number[], threshold: number): number {
  let count = 0;
  for (const value of values) if (value > threshold) count++;
  return count;
}

// ------------------------------------------------------------------------------------------------------ rows

/**
 * One site's statistics from the per-read p_mod of its native and IVT reads; `padj` is left NaN for
 * {@link applyBenjaminiHochberg}. Reads whose p_mod is NaN are left out of every statistic but counted in nNative
 * and nIvt, as baleen counts them. A site without a single native p_mod has no row (baleen skips it): a RangeError.
 */
export function siteRow(input: SiteInput): SiteStats {
  const native = input.nativeP.filter((value) => !Number.isNaN(value));
  const ivt = input.ivtP.filter((value) => !Number.isNaN(value));
  const n = native.length;
  if (n === 0) throw new RangeError(`site ${input.contig}:${input.position} has no native read with a p_mod`);
  const nativeModified = countAbove(native, input.threshold);
  const ivtModified = countAbove(ivt, input.threshold);
  const [ciLow, ciHigh] = betaInterval(nativeModified, n);
  return {
    contig: input.contig,
    position: input.position,
    kmer: input.kmer,
    modRatio: nativeModified / n,
    ciLow,
    ciHigh,
    pvalue: ivt.length === 0 ? 1 : fisherExactGreater(nativeModified, n - nativeModified, ivtModified, ivt.length - ivtModified),
    padj: NaN,
    effectSize: ivt.length === 0 ? NaN : median(native) - median(ivt),
    nNative: input.nativeP.length,
    nIvt: input.ivtP.length,
    meanPMod: numpyMean(native),
    stoichiometry: countAbove(native, 0.5) / n,
  };
}

// ------------------------------------------------------------------------------------------------ formatting

const float64 = new Float64Array(1);
const float64Bits = new BigUint64Array(float64.buffer);

/** Whether |value| · 10^shift lies exactly halfway between two integers (BigInt arithmetic on the double's bits). */
function isExactTie(magnitude: number, shift: number, decimals: number): boolean {
  // A tie is T / 2 · 10^-shift with T odd and below 2 · 10^(decimals + 1); as a double that needs 5^shift to divide T
  // (shift > 0) or T · 5^-shift to fit 53 bits (shift < 0). Anything else is no tie, whatever the digits say.
  if (shift > 0 && shift > ((decimals + 1) * Math.log2(10)) / Math.log2(5) + 1) return false;
  if (shift < -22) return false;
  if (Math.abs(shift) <= 22 && decimals <= 14) {
    // Exact for every tie here: 10^|shift| is exact, and so is the product or quotient (a half-integer below 2^52).
    const scaled = shift >= 0 ? magnitude * 10 ** shift : magnitude / 10 ** -shift;
    const twice = scaled * 2;
    if (!Number.isInteger(twice) || twice % 2 === 0) return false;
  }
  float64[0] = magnitude;
  const bits = float64Bits[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  let numerator = 2n * mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  return numerator % denominator === 0n && (numerator / denominator) % 2n === 1n;
}

/**
 * C's `%.<decimals>e` as glibc (and Python's `%` operator) prints it: correctly rounded from the exact binary value,
 * exact ties to even, an exponent of at least two digits, `nan`, `inf`, `-inf`, and the sign of a negative zero.
 * JavaScript's toExponential rounds correctly too except on an exact tie, which it rounds up; those are detected
 * exactly and rounded down to the even digit.
 */
export function formatExponential(value: number, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 100) {
    throw new RangeError(`decimals must be a whole number in [0, 100], got ${decimals}`);
  }
  if (Number.isNaN(value)) return 'nan';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) return `${sign}inf`;
  const magnitude = Math.abs(value);
  const text = magnitude.toExponential(decimals);
  const e = text.indexOf('e');
  let digits = text.slice(0, e);
  const exponent = Number(text.slice(e + 1));
  const last = digits.charCodeAt(digits.length - 1);
  // A tie rounded up has an odd last digit (rounding up to an even digit, or with a carry into a new exponent,
  // is what round-half-even does too); the odd digit never borrows when lowered.
  if (magnitude !== 0 && (last & 1) === 1 && isExactTie(magnitude, decimals - exponent, decimals)) {
    digits = digits.slice(0, -1) + String.fromCharCode(last - 1);
  }
  const exponentText = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${digits}e${exponent < 0 ? '-' : '+'}${exponentText}`;
}

/** The header line of site_results.tsv. */
export const SITE_TSV_HEADER =
  'contig\tposition\tkmer\tmod_ratio\tci_low\tci_high\tpvalue\tpadj\teffect_size\tn_native\tn_ivt\tmean_p_mod\tstoichiometry\n';

/** One line of site_results.tsv: floats `%.6f`, p-values `%.6e`, counts as integers (baleen's writer). */
export function formatSiteRow(row: SiteStats): string {
  return (
    `${row.contig}\t${String(row.position)}\t${row.kmer}\t${formatFixed(row.modRatio, 6)}\t${formatFixed(row.ciLow, 6)}\t` +
    `${formatFixed(row.ciHigh, 6)}\t${formatExponential(row.pvalue, 6)}\t${formatExponential(row.padj, 6)}\t` +
    `${formatFixed(row.effectSize, 6)}\t${String(row.nNative)}\t${String(row.nIvt)}\t${formatFixed(row.meanPMod, 6)}\t` +
    `${formatFixed(row.stoichiometry, 6)}\n`
  );
}
