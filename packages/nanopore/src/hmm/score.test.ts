import { describe, expect, it } from 'vitest';
import { scorePosition } from './score.js';

/** A matrix from points on a line: distance |x_r − x_c| (rows: natives first). */
function lineMatrix(points: number[]): Float32Array {
  const n = points.length;
  const out = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[r * n + c] = Math.abs(points[r]! - points[c]!);
  return out;
}

describe('scores calibrated against the IVT reads', () => {
  // 6 native reads: two like the IVT reads (near 0), four modified (near 10); 6 IVT reads near 0.
  const native = [0.1, -0.2, 10, 10.3, 10.1, 9.9];
  const ivt = [0, 0.3, -0.3, 0.15, -0.1, 0.05];
  const matrix = lineMatrix([...native, ...ivt]);

  it('ivt-distance: modified reads score 1, the others like the IVT reads; IVT reads are scored leave-one-out', () => {
    const { raw, calibrated } = scorePosition(matrix, 6, 6, 'ivt-distance');
    expect(raw[2]!).toBeGreaterThan(9.5);
    expect([2, 3, 4, 5].map((r) => calibrated[r])).toEqual([1, 1, 1, 1]);
    expect(calibrated[0]!).toBeLessThan(1);
    // Each IVT read against the 5 others. Their medians are 0.15 (three reads: 0, 0.15, 0.05), 0.2, 0.3, 0.35: a tied
    // read has the two others equal (half each: 1/5), then 3/5, 4/5, 5/5.
    expect([...calibrated.subarray(6)].sort((a, b) => a - b)).toEqual([0.2, 0.2, 0.2, 0.6, 0.8, 1]);
  });

  it('knn: 1 − the IVT fraction of the k nearest reads (k = 3 for 12 reads), ties by row, calibrated the same way', () => {
    const { raw, calibrated } = scorePosition(matrix, 6, 6, 'knn');
    // Read 2 (10): nearest 10.1, 9.9, 10.3, all native.
    expect(raw[2]).toBe(1);
    // IVT read 0 (at 0): 0.05 (IVT), then 0.1 native (row 0) and -0.1 IVT (row 10) at the same distance: row order.
    expect(raw[6]).toBe(1 - 2 / 3);
    expect(calibrated[2]).toBe(1);
  });

  it('level: |level − median IVT level|, calibrated: shifted reads score 1 in either direction, IVT reads leave-one-out', () => {
    // Native: two like the IVT reads, two 5 pA up, two 5 pA down; IVT levels 100 ± 0.4 (median 100.05).
    const levels = Float32Array.from([100.1, 99.8, 105, 105.2, 95, 94.9, 100, 100.3, 99.7, 100.2, 99.9, 100.1]);
    const { raw, calibrated } = scorePosition(matrix, 6, 6, 'level', levels);
    expect(raw[2]!).toBeCloseTo(4.95, 4);
    expect(raw[4]!).toBeCloseTo(5.05, 4);
    expect([2, 3, 4, 5].map((r) => calibrated[r])).toEqual([1, 1, 1, 1]);
    // Native read 0 (|100.1 − 100.05| = 0.05) ties IVT reads 100 and 100.1 (0.05 each): half each, of 6.
    expect(calibrated[0]!).toBeCloseTo(1 / 6, 6);
    // IVT deviations 0.05, 0.25, 0.35, 0.15, 0.15, 0.05 (floats): each against the five others.
    expect(Math.max(...calibrated.subarray(6))).toBe(1);
    expect(() => scorePosition(matrix, 6, 6, 'level')).toThrow(/needs the reads' levels/);
  });

  it('leaves a position with fewer than 3 IVT reads unscored', () => {
    const { calibrated } = scorePosition(lineMatrix([0, 5, 0.2, 0.1]), 2, 2, 'ivt-distance');
    expect([...calibrated].every(Number.isNaN)).toBe(true);
  });
});
