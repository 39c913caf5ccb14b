/**
 * DTW as baleen computes it, written plainly: the specification every kernel (TypeScript, C, CUDA) must reproduce
 * exactly, and the naive implementation the benchmark compares against.
 *
 * Full matrix, no band; local cost (a_i − b_j)²; D(i, j) = cost(i, j) + min(D(i−1, j−1), D(i−1, j), D(i, j−1)) with
 * cells outside the matrix at +∞ (so D(0, 0) = cost(0, 0)); every operation in float32 (one rounding per
 * subtraction, square and addition; min is exact); the distance is the float32 square root of D(n−1, m−1), as
 * baleen reports it. The diagonal is preferred on ties: that choice shapes the warping path, never the distance,
 * which is all this tool reports.
 *
 * Consequences the kernels rely on: the distance is symmetric bit for bit (cost(i, j) is the same number both ways
 * and min is commutative), and a series against itself is 0.
 */

/** The DTW distance of two non-empty series, with a full (n × m) float32 cost matrix: the plain reference. */
export function dtwReference(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('DTW of an empty series');
  const cost = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const difference = Math.fround(a[i]! - b[j]!);
      const local = Math.fround(difference * difference);
      let best: number;
      if (i === 0 && j === 0) best = 0;
      else {
        const diagonal = i > 0 && j > 0 ? cost[(i - 1) * m + j - 1]! : Infinity;
        const up = i > 0 ? cost[(i - 1) * m + j]! : Infinity;
        const left = j > 0 ? cost[i * m + j - 1]! : Infinity;
        best = Math.min(diagonal, up, left);
      }
      cost[i * m + j] = Math.fround(local + best);
    }
  }
  return Math.fround(Math.sqrt(cost[n * m - 1]!));
}
