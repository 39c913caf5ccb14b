/**
 * DTW distance matrices on the CPU: the C kernel (src/native/dtw-kernels.c, built into dist/native/libshoal-dtw.so
 * by the package build, loaded through koffi once per thread), or, where it was not built or
 * SHOAL_NO_NATIVE_DTW=1, a TypeScript loop with two rolling rows. Both give reference.ts's numbers exactly (cpu.test.ts).
 *
 * A position's series travel as one Float32Array and their lengths (PositionSeries); the matrix is n × n float32,
 * row-major, in the series' order, diagonal 0, symmetric.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The series of one position, end to end: series s is samples[starts[s], starts[s] + lengths[s]). */
export interface PositionSeries {
  samples: Float32Array;
  lengths: Int32Array;
}

export type CpuDtwBackend = 'c' | 'typescript';

interface CKernel {
  matrix(samples: Float32Array, offsets: BigInt64Array, lengths: Int32Array, n: number, out: Float32Array): number;
}

let loaded: CKernel | undefined | null = null;

function cKernel(): CKernel | undefined {
  if (loaded === null) loaded = loadCKernel();
  return loaded;
}

function loadCKernel(): CKernel | undefined {
  if (process.env.SHOAL_NO_NATIVE_DTW === '1') return undefined;
  const path = fileURLToPath(new URL('../../dist/native/libshoal-dtw.so', import.meta.url));
  if (!existsSync(path)) return undefined;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const matrix = koffi
      .load(path)
      .func('int32_t dtw_matrix(const float *series, const int64_t *offsets, const int32_t *lengths, int32_t n, float *out)');
    return { matrix: (...args) => matrix(...args) as number };
  } catch {
    return undefined;
  }
}

/** Which CPU kernel runs on this thread. */
export function cpuDtwBackend(): CpuDtwBackend {
  return cKernel() === undefined ? 'typescript' : 'c';
}

/** Start of each series in `samples`. */
export function seriesStarts(lengths: Int32Array): Float64Array {
  const starts = new Float64Array(lengths.length);
  let at = 0;
  for (let s = 0; s < lengths.length; s++) {
    starts[s] = at;
    at += lengths[s]!;
  }
  return starts;
}

/** The n × n DTW distance matrix of a position's series, on the CPU. Every series must be non-empty. */
export function dtwMatrixCpu(position: PositionSeries, backend: CpuDtwBackend = cpuDtwBackend()): Float32Array {
  const n = position.lengths.length;
  const out = new Float32Array(n * n);
  if (n === 0) return out;
  for (const length of position.lengths) if (length < 1) throw new RangeError('DTW of an empty series');
  const kernel = backend === 'c' ? cKernel() : undefined;
  if (backend === 'c' && kernel === undefined) throw new Error('the C DTW kernel is not available on this thread');
  if (kernel !== undefined) {
    const starts = seriesStarts(position.lengths);
    const offsets = BigInt64Array.from(starts, (start) => BigInt(start));
    if (kernel.matrix(position.samples, offsets, position.lengths, n, out) !== 0) throw new Error('DTW: out of memory');
    return out;
  }
  dtwMatrixTypescript(position, out);
  return out;
}

/**
 * The TypeScript kernel: each pair once with two rolling rows of Float32Array (a store rounds to float32, as the
 * reference's Math.fround does; the running left value is rounded explicitly), mirrored.
 */
function dtwMatrixTypescript(position: PositionSeries, out: Float32Array): void {
  const { samples, lengths } = position;
  const n = lengths.length;
  const starts = seriesStarts(lengths);
  let longest = 1;
  for (const length of lengths) longest = Math.max(longest, length);
  let previous = new Float32Array(longest);
  let current = new Float32Array(longest);
  for (let r = 0; r < n; r++) {
    const aStart = starts[r]!;
    const aLength = lengths[r]!;
    for (let c = r + 1; c < n; c++) {
      const bStart = starts[c]!;
      const m = lengths[c]!;
      // Row 0.
      const a0 = samples[aStart]!;
      let left = 0;
      for (let j = 0; j < m; j++) {
        const difference = Math.fround(a0 - samples[bStart + j]!);
        left = Math.fround(Math.fround(difference * difference) + left);
        current[j] = left;
      }
      for (let i = 1; i < aLength; i++) {
        const swap = previous;
        previous = current;
        current = swap;
        const ai = samples[aStart + i]!;
        let difference = Math.fround(ai - samples[bStart]!);
        left = Math.fround(Math.fround(difference * difference) + previous[0]!);
        current[0] = left;
        for (let j = 1; j < m; j++) {
          difference = Math.fround(ai - samples[bStart + j]!);
          const diagonal = previous[j - 1]!;
          const up = previous[j]!;
          let best = diagonal < up ? diagonal : up;
          if (left < best) best = left;
          left = Math.fround(Math.fround(difference * difference) + best);
          current[j] = left;
        }
      }
      const distance = Math.fround(Math.sqrt(current[m - 1]!));
      out[r * n + c] = distance;
      out[c * n + r] = distance;
    }
  }
}
