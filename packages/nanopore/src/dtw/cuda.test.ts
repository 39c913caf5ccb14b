/**
 * The CUDA path (cuda.ts, src/native/dtw-cuda.cu) against the plain reference. The comparisons need a CUDA device and
 * are skipped, with the reason in the title, where there is none; the build script's optional paths and the binding's
 * reason are checked everywhere.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cudaDtw, type CudaDtw } from './cuda.js';
import { dtwReference } from './reference.js';

const availability = cudaDtw();
const cuda: CudaDtw | undefined = availability.cuda;
const reason = availability.cuda === undefined ? availability.reason : '';
const buildScript = fileURLToPath(new URL('../native/build-cuda.mjs', import.meta.url));
const libraryPath = fileURLToPath(new URL('../../dist/native/libshoal-dtw-cuda.so', import.meta.url));

function findNvcc(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/local/cuda/bin'].map((d) =>
    join(d, 'nvcc'),
  );
  if (process.env.NVCC) candidates.unshift(process.env.NVCC);
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'shoal-cuda-test-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the build script in a scratch package (src/native/), so that its output goes to the scratch dist/. */
function scratchPackage(name: string, cudaSource?: string): { script: string; library: string } {
  const root = join(scratch, name);
  mkdirSync(join(root, 'src', 'native'), { recursive: true });
  const script = join(root, 'src', 'native', 'build-cuda.mjs');
  copyFileSync(buildScript, script);
  if (cudaSource !== undefined) writeFileSync(join(root, 'src', 'native', 'dtw-cuda.cu'), cudaSource);
  return { script, library: join(root, 'dist', 'native', 'libshoal-dtw-cuda.so') };
}

function runScript(script: string, environment: Record<string, string>): string {
  // nvcc's own diagnostics (stderr) are not the script's one line: keep them out of the test log.
  return execFileSync(process.execPath, [script], {
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('CUDA availability and the optional build', () => {
  it('is a binding with devices, or says why not', () => {
    if (cuda === undefined) {
      expect(reason).toMatch(/\S/);
    } else {
      expect(cuda.deviceCount).toBeGreaterThan(0);
      expect(cuda.maxLength).toBe(2048);
    }
  });

  it.skipIf(cuda !== undefined || !existsSync(libraryPath) || process.env.SHOAL_NO_CUDA === '1')(
    'loads the built library without a device and names the CUDA error',
    () => {
      expect(reason).toMatch(/^no CUDA device: \S/);
    },
  );

  it('SHOAL_NO_CUDA=1 turns the CUDA path off', async () => {
    vi.resetModules();
    vi.stubEnv('SHOAL_NO_CUDA', '1');
    try {
      const fresh = (await import('./cuda.js')).cudaDtw();
      expect(fresh).toEqual({ cuda: undefined, reason: 'SHOAL_NO_CUDA=1' });
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('the build script skips with one line and exit 0 when told to (SHOAL_NO_CUDA_BUILD=1)', () => {
    const { script, library } = scratchPackage('skip');
    expect(runScript(script, { SHOAL_NO_CUDA_BUILD: '1' })).toBe(
      "nanopore: nvcc not found: dtw-gpu's CUDA library is not built (the CPU path runs)\n",
    );
    expect(existsSync(library)).toBe(false);
  });

  it.skipIf(findNvcc() === undefined)('the build script survives a compile failure: one line, exit 0, no library', () => {
    const { script, library } = scratchPackage('broken', 'this is not CUDA\n');
    const output = runScript(script, {});
    expect(output).toMatch(/could not compile dtw-gpu's CUDA library .*; the CPU path runs\n$/);
    expect(existsSync(library)).toBe(false);
  });
});

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Random positions: 2..maxSeries series of 1..maxLength samples, N(0, 1) (scaled) or pA-like (80 ± 10). */
function randomPositions(seed: number, positions: number, maxSeries: number, maxLength: number): Float32Array[][] {
  const random = generator(seed);
  const result: Float32Array[][] = [];
  for (let p = 0; p < positions; p++) {
    const pA = p % 2 === 1;
    const count = 2 + Math.floor(random() * (maxSeries - 1));
    const position: Float32Array[] = [];
    for (let s = 0; s < count; s++) {
      const length = 1 + Math.floor(random() * maxLength);
      const series = new Float32Array(length);
      for (let i = 0; i < length; i++) series[i] = pA ? 80 + 10 * normal(random) : normal(random);
      position.push(series);
    }
    result.push(position);
  }
  return result;
}

/** The positions through cuda.matrices (series laid out in reverse to show offsets are followed), one matrix each. */
function cudaMatrices(positions: Float32Array[][], streams: number, memoryLimitBytes: number): Float32Array[] {
  const all = positions.flat();
  const total = all.reduce((sum, series) => sum + series.length, 0);
  const series = new Float32Array(total);
  const offsets = new BigInt64Array(all.length);
  const lengths = new Int32Array(all.length);
  let at = total;
  all.forEach((samples, s) => {
    at -= samples.length;
    series.set(samples, at);
    offsets[s] = BigInt(at);
    lengths[s] = samples.length;
  });
  const positionFirst = new Int32Array(positions.length + 1);
  const matrixOffsets = new BigInt64Array(positions.length);
  let cells = 0;
  positions.forEach((position, p) => {
    positionFirst[p + 1] = positionFirst[p]! + position.length;
    matrixOffsets[p] = BigInt(cells);
    cells += position.length ** 2;
  });
  const out = new Float32Array(cells).fill(Number.NaN);
  cuda!.matrices({ device: 0, streams, memoryLimitBytes, series, offsets, lengths, positionFirst, matrixOffsets, out });
  return positions.map((position, p) => out.subarray(Number(matrixOffsets[p]), Number(matrixOffsets[p]) + position.length ** 2));
}

function referenceMatrices(positions: Float32Array[][]): Float32Array[] {
  return positions.map((position) => {
    const n = position.length;
    const matrix = new Float32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) matrix[i * n + j] = matrix[j * n + i] = dtwReference(position[i]!, position[j]!);
    return matrix;
  });
}

/** The issue's tolerance (relative difference ≤ 1e-5; equal where not finite), symmetry and a zero diagonal. */
function expectClose(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((matrix, p) => {
    const n = Math.round(Math.sqrt(matrix.length));
    for (let i = 0; i < n; i++) {
      expect(matrix[i * n + i], `position ${p} diagonal ${i}`).toBe(0);
      for (let j = 0; j < n; j++) {
        const got = matrix[i * n + j]!;
        const want = expected[p]![i * n + j]!;
        expect(Object.is(got, matrix[j * n + i]), `position ${p} (${i}, ${j}) symmetric`).toBe(true);
        if (Number.isFinite(want)) expect(Math.abs(got - want), `position ${p} (${i}, ${j})`).toBeLessThanOrEqual(1e-5 * Math.abs(want));
        else expect(got, `position ${p} (${i}, ${j})`).toBe(want);
      }
    }
  });
}

/** What the library needs at least for the largest position (its first row of pairs), an upper bound of its layout. */
function leastBytes(positions: Float32Array[][]): number {
  return Math.max(
    ...positions.map((position) => {
      const n = position.length;
      const samples = position.reduce((sum, series) => sum + series.length, 0);
      return 12 * (n - 1) + 8 * n + 4 * samples + 6 * 256;
    }),
  );
}

function lazy<T>(compute: () => T): () => T {
  let value: { computed: T } | undefined;
  return () => (value ??= { computed: compute() }).computed;
}

function constant(length: number, value: number): Float32Array {
  return new Float32Array(length).fill(value);
}

function ramp(length: number, from: number, step: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => from + i * step);
}

describe.skipIf(cuda === undefined)(`CUDA DTW matrices${cuda === undefined ? ` (skipped: ${reason})` : ''}`, () => {
  // The references are computed on first use, so that a skipped run does not pay for them.
  const random = randomPositions(7, 6, 16, 300);
  const randomExpected = lazy(() => referenceMatrices(random));
  const edge: Float32Array[][] = [
    [ramp(1, 3, 0), ramp(1, -2, 0), ramp(5, 0, 1), ramp(300, 80, 0.01)],
    [constant(40, 1), constant(40, 1), constant(17, 1), constant(64, -1), ramp(33, 0, 0)],
    [ramp(50, 1e15, 1e13), ramp(70, -1e15, 3e13), ramp(20, 3e18, 1e17)],
    [ramp(50, 1e-20, 1e-21), ramp(65, 0, 2e-21), ramp(1, 1e-38, 0)],
    [randomPositions(11, 1, 2, 1)[0]![0]!, ...randomPositions(12, 1, 2, 2048)[0]!, ramp(2047, 80, 0.001), ramp(2048, 85, -0.002)],
    [ramp(1024, 0, 0.01), ramp(1025, 0, 0.01), ramp(1056, 1, 0.01), ramp(32, 0, 1), ramp(33, 0, 1)],
    [],
    [ramp(3, 1, 1)],
  ];
  const edgeExpected = lazy(() => referenceMatrices(edge));

  it('reports its device', () => {
    const { free, total } = cuda!.memory(0);
    expect(total).toBeGreaterThan(0);
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThanOrEqual(total);
  });

  it('random series (N(0, 1) and pA-like) match the reference', () => {
    expectClose(cudaMatrices(random, 16, 0), randomExpected());
  });

  it('is bit-identical to the reference (no fused multiply-add, IEEE square root)', () => {
    expect(cudaMatrices(random, 16, 0)).toEqual(randomExpected());
    expect(cudaMatrices(edge, 16, 0)).toEqual(edgeExpected());
  });

  it('edge cases: length 1, unequal and constant series, large and tiny magnitudes, 2047 and 2048 samples', () => {
    expectClose(cudaMatrices(edge, 16, 0), edgeExpected());
  });

  it('gives the same matrices when a small memory limit forces many batches, on 1 stream and on several', () => {
    const positions = [...random, ...edge.slice(0, 4)];
    const expected = [...randomExpected(), ...edgeExpected().slice(0, 4)];
    const small = leastBytes(positions) + 12 * 50;
    const oneStream = cudaMatrices(positions, 1, small);
    expectClose(oneStream, expected);
    expect(cudaMatrices(positions, 16, 4 * small)).toEqual(oneStream);
    expect(cudaMatrices(positions, 16, 0)).toEqual(oneStream);
  });

  it('spreads a large position over several streams (more pairs than one batch takes)', () => {
    // 130 series: 8385 pairs, so three batches of at most 4096 (dtw-cuda.cu's MIN_BATCH_PAIRS) on three streams.
    const positions = [...randomPositions(21, 2, 8, 60), randomPositions(31, 130, 2, 40).map((position) => position[0]!)];
    const expected = referenceMatrices(positions);
    expectClose(cudaMatrices(positions, 16, 0), expected);
    expectClose(cudaMatrices(positions, 1, 0), expected);
  });

  it('refuses a memory limit below what the largest position needs, with a message', () => {
    expect(() => cudaMatrices(random, 16, 1024)).toThrow(/memory limit of 1024 bytes is too small/);
  });

  it('checks its arguments before the call', () => {
    const options = {
      device: 0,
      streams: 16,
      memoryLimitBytes: 0,
      series: new Float32Array(4),
      offsets: new BigInt64Array([0n, 2n]),
      lengths: new Int32Array([2, 2]),
      positionFirst: new Int32Array([0, 2]),
      matrixOffsets: new BigInt64Array([0n]),
      out: new Float32Array(4),
    };
    expect(() => {
      cuda!.matrices(options);
    }).not.toThrow();
    expect(() => {
      cuda!.matrices({ ...options, out: new Float32Array(3) });
    }).toThrow(RangeError);
    expect(() => {
      cuda!.matrices({ ...options, lengths: new Int32Array([2, 3]) });
    }).toThrow(RangeError);
    expect(() => {
      cuda!.matrices({ ...options, device: cuda!.deviceCount });
    }).toThrow(RangeError);
  });
});
