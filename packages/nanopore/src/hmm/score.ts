/**
 * Per-read modification scores at one position, from its DTW matrix, calibrated against the IVT reads.
 *
 * A raw score says how unlike the IVT reads a read is; calibration turns it into the fraction of IVT reads that
 * score lower (their empirical distribution at this position, ties counted half; an IVT read is scored against the
 * other IVT reads, leave-one-out). Under "no modification" a read's calibrated score is uniform on [0, 1], for native
 * and IVT reads alike; a modified read scores near 1. That calibrated score is the HMM's emission, as baleen's
 * calibrated kNN score is (hmm.ts).
 *
 * Raw scores (`--score`):
 * - `level` (default): |the read's mean level at the position − the median of the IVT reads' mean levels|, from the
 *   levels dtw-gpu writes beside each matrix. A modification that moves the current (m6A does, by a few pA) moves it
 *   in one direction for every modified read, and the mean over a segment's samples averages the noise away, where
 *   DTW over the padded window dilutes a shift of one k-mer among its neighbours (baleen's own notes say so). Measured
 *   on signal-sim (20 transcripts, 100 reads, shifts 2/5/10 pA, stoichiometry 0.1-1.0, seeds 1 and 2; BENCHMARKS.md,
 *   "Modification calls"): better than knn in every bin, most at stoichiometry 0.1-0.25, where knn was at chance
 *   (modified reads are too few there to be each other's nearest neighbours). The simulator's modifications are level
 *   shifts, which favours this score; on real reads compare it with knn, which also sees dwell and shape.
 * - `knn` (baleen's): 1 − the IVT fraction among the read's k nearest reads (k = clip(round(√N), 3, 15)),
 *   distance ties broken by row order. Modified reads find each other, so at a modified site a modified read's
 *   neighbours are native.
 * - `ivt-distance`: the median DTW distance to the IVT reads (excluding itself). Measured worse on signal-sim (shift
 *   2 pA, stoichiometry 0.1-1.0, 100 reads, HMM on: site AUROC 0.895 / AUPRC 0.573 against knn's 0.971 / 0.886 at
 *   stoichiometry ≥ 0.25): the distance to a whole set mixes the read's own noise into the score, where ranks among
 *   neighbours do not. Kept as an option for the comparison (BENCHMARKS.md, "Modification calls").
 */
export type ScoreMethod = 'ivt-distance' | 'knn' | 'level';

export const SCORE_METHODS: readonly ScoreMethod[] = ['level', 'knn', 'ivt-distance'];

export const DEFAULT_SCORE_METHOD: ScoreMethod = 'level';

/** Whether a score needs the per-read levels that dtw-gpu writes beside each matrix. */
export function scoreNeedsLevels(method: ScoreMethod): boolean {
  return method === 'level';
}

/** Fewer IVT reads than this at a position: no calibration, no scores (documented behaviour). */
export const MIN_IVT_READS = 3;

export interface PositionScores {
  /** Raw score per read (row order of the matrix). */
  raw: Float64Array;
  /** Calibrated score per read, in [0, 1]; NaN for every read when the position has too few IVT reads. */
  calibrated: Float64Array;
}

/**
 * Scores of every read at one position: `distances` is the n × n matrix, rows 0..nNative-1 native, then IVT;
 * `levels` each read's mean level in the same order (needed by `level`, see scoreNeedsLevels).
 */
export function scorePosition(
  distances: Float32Array,
  nNative: number,
  nIvt: number,
  method: ScoreMethod,
  levels?: Float32Array,
): PositionScores {
  const n = nNative + nIvt;
  let raw: Float64Array;
  if (method === 'level') {
    if (levels === undefined) throw new RangeError("the level score needs the reads' levels");
    raw = levelScores(levels, nNative);
  } else raw = method === 'knn' ? knnScores(distances, n, nNative) : ivtDistanceScores(distances, n, nNative);
  const calibrated = new Float64Array(n).fill(Number.NaN);
  if (nIvt >= MIN_IVT_READS) {
    const ivt = Array.from(raw.subarray(nNative)).sort((a, b) => a - b);
    for (let r = 0; r < n; r++) calibrated[r] = nullFraction(ivt, raw[r]!, r >= nNative);
  }
  return { raw, calibrated };
}

/**
 * The fraction of the IVT reference scores below `score`, ties counted half (a mid-rank). For an IVT read its own
 * score is in the reference: it is taken out, so the read is calibrated against the others.
 */
function nullFraction(sortedIvt: readonly number[], score: number, isIvt: boolean): number {
  let below = lowerBound(sortedIvt, score);
  let equal = upperBound(sortedIvt, score) - below;
  let total = sortedIvt.length;
  if (isIvt) {
    equal--;
    total--;
  }
  if (total <= 0) return Number.NaN;
  below += equal / 2;
  return below / total;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * |level − median IVT level| per read. The median is over every IVT read: calibration leaves each IVT read out of
 * the reference distribution, not out of the median.
 */
function levelScores(levels: Float32Array, nNative: number): Float64Array {
  const ivtMedian = median(Array.from(levels.subarray(nNative)));
  const raw = new Float64Array(levels.length);
  for (let r = 0; r < levels.length; r++) raw[r] = Math.abs(levels[r]! - ivtMedian);
  return raw;
}

function ivtDistanceScores(distances: Float32Array, n: number, nNative: number): Float64Array {
  const raw = new Float64Array(n);
  const row: number[] = [];
  for (let r = 0; r < n; r++) {
    row.length = 0;
    for (let c = nNative; c < n; c++) if (c !== r) row.push(distances[r * n + c]!);
    raw[r] = median(row);
  }
  return raw;
}

function knnScores(distances: Float32Array, n: number, nNative: number): Float64Array {
  const raw = new Float64Array(n);
  const k = Math.min(n - 1, Math.max(3, Math.min(15, Math.round(Math.sqrt(n)))));
  const order: number[] = [];
  for (let r = 0; r < n; r++) {
    order.length = 0;
    for (let c = 0; c < n; c++) if (c !== r) order.push(c);
    order.sort((a, b) => distances[r * n + a]! - distances[r * n + b]! || a - b);
    let ivt = 0;
    for (let i = 0; i < k && i < order.length; i++) if (order[i]! >= nNative) ivt++;
    raw[r] = k > 0 ? 1 - ivt / k : Number.NaN;
  }
  return raw;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
