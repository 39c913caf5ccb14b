/**
 * Every CPU kernel gives the plain reference's numbers exactly (reference.ts: full float32 matrix, one rounding per
 * operation): the C kernel (skipped, with the reason, where the package build could not compile it) and the
 * TypeScript loop, on random series and on the edge cases: length 1, unequal lengths, constant series, values whose
 * squares overflow float32, tiny values, ties everywhere.
 */
import { xorshift } from './test-support/xorshift.js';
import { describe, expect, it } from 'vitest';
import { cpuDtwBackend, dtwMatrixCpu, type CpuDtwBackend, type PositionSeries } from './cpu.js';
import { dtwReference } from './reference.js';

function position(series: number[][]): PositionSeries {
  return { samples: Float32Array.from(series.flat()), lengths: Int32Array.from(series, (s) => s.length) };
}

function referenceMatrix(series: number[][]): Float32Array {
  const n = series.length;
  const arrays = series.map((s) => Float32Array.from(s));
  const out = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[r * n + c] = r === c ? 0 : dtwReference(arrays[r]!, arrays[c]!);
  return out;
}

function randomSeries(seed: number, count: number, minLength: number, maxLength: number, level: number, spread: number): number[][] {
  const next = xorshift(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: minLength + Math.floor(next() * (maxLength - minLength + 1)) }, () => level + spread * (next() * 2 - 1)),
  );
}

const EDGE_CASES: Record<string, number[][]> = {
  'length 1 against everything': [[5], [5], [7], [1, 2, 3, 4, 5, 6, 7, 8], [3]],
  'unequal lengths': [
    [1, 2, 3],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    [20, 19, 18],
    Array.from({ length: 150 }, (_, i) => Math.sin(i / 7) * 10),
  ],
  'constant series (ties on every step)': [Array(40).fill(80), Array(33).fill(80), Array(40).fill(81), Array(1).fill(80)],
  // 3e19² overflows float32 to +inf: every kernel must carry the infinity the same way.
  'squares that overflow float32': [
    [3e19, -3e19, 1],
    [-3e19, 3e19],
    [0, 0, 0, 0],
  ],
  'tiny and negative values': [
    [1e-30, -1e-30, 2e-38, 0],
    [-0, 0, 1e-45],
    [-5, -6, -7],
  ],
};

const backends: CpuDtwBackend[] = ['typescript', ...(cpuDtwBackend() === 'c' ? (['c'] as const) : [])];

describe.each(backends)(
  `the %s DTW kernel${cpuDtwBackend() === 'c' ? '' : ' (the C kernel was not built here: only TypeScript is checked)'}`,
  (backend) => {
    it('equals the reference exactly on random pA-like series of baleen-like lengths', () => {
      const series = randomSeries(11, 70, 20, 140, 85, 15); // 70 series: more than one group of SIMD lanes
      expect(dtwMatrixCpu(position(series), backend)).toEqual(referenceMatrix(series));
    });

    it('equals the reference exactly on scaled (unit) series', () => {
      const series = randomSeries(12, 9, 1, 60, 0, 2);
      expect(dtwMatrixCpu(position(series), backend)).toEqual(referenceMatrix(series));
    });

    it.each(Object.entries(EDGE_CASES))('equals the reference exactly: %s', (_name, series) => {
      expect(dtwMatrixCpu(position(series), backend)).toEqual(referenceMatrix(series));
    });

    it('is symmetric with a zero diagonal, and handles 0 and 1 series', () => {
      const series = randomSeries(13, 5, 3, 30, 90, 5);
      const matrix = dtwMatrixCpu(position(series), backend);
      for (let r = 0; r < 5; r++) {
        expect(matrix[r * 5 + r]).toBe(0);
        for (let c = 0; c < 5; c++) expect(matrix[r * 5 + c]).toBe(matrix[c * 5 + r]);
      }
      expect(dtwMatrixCpu(position([]), backend)).toEqual(new Float32Array(0));
      expect(dtwMatrixCpu(position([[1, 2]]), backend)).toEqual(new Float32Array([0]));
    });

    it('refuses an empty series', () => {
      expect(() => dtwMatrixCpu(position([[1], []]), backend)).toThrow(/empty series/);
    });
  },
);

describe('the reference', () => {
  it('is DTW: a warped copy is at distance 0, a shifted one at sqrt of the summed squares along the best path', () => {
    const a = Float32Array.from([1, 2, 3]);
    expect(dtwReference(a, Float32Array.from([1, 1, 2, 2, 2, 3]))).toBe(0);
    // [1,2,3] vs [2,3,4]: the best path pairs 1-2, 2-2, 3-3, 3-4: 1 + 0 + 0 + 1 = 2.
    expect(dtwReference(a, Float32Array.from([2, 3, 4]))).toBe(Math.fround(Math.sqrt(2)));
    expect(dtwReference(Float32Array.from([0]), Float32Array.from([3, 4]))).toBe(5);
  });
});
