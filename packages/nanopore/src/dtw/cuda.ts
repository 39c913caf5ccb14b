/**
 * dtw-gpu's CUDA path: src/native/dtw-cuda.cu, built into dist/native/libshoal-dtw-cuda.so by the package build when
 * nvcc is present (build-cuda.mjs; found from src/ and dist/ alike, both two levels below the package), called
 * through koffi and loaded once per thread. The library links the CUDA runtime statically, so it loads on any
 * machine; without a driver or a device it says so, and cudaDtw() returns the reason instead of a binding
 * (SHOAL_NO_CUDA=1 does the same on purpose). The arithmetic equals reference.ts bit for bit (no fused multiply-add,
 * IEEE square root): see the .cu file, whose kernel has not yet run on a GPU where this was written.
 *
 * matrices() blocks its thread until every batch is done (the library spreads the work over CUDA streams itself).
 * koffi passes typed arrays as raw pointers without checking their element type or length, so matrices() checks
 * both, and every index the library will follow, before the call: a wrong argument is a RangeError here, never a
 * write outside `out`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface CudaMatricesOptions {
  /** CUDA device ordinal, 0 .. deviceCount − 1. */
  device: number;
  /** CUDA streams to spread the batches over (dtw-gpu passes 16); fewer are used when the memory limit is small. */
  streams: number;
  /** Device memory the call may use, in bytes; 0: 90% of the device's free memory. */
  memoryLimitBytes: number;
  /** The samples of every series, concatenated. */
  series: Float32Array;
  /** Series s starts at series[offsets[s]]… */
  offsets: BigInt64Array;
  /** …and has lengths[s] samples, 1 .. maxLength. */
  lengths: Int32Array;
  /** Position p owns series positionFirst[p] .. positionFirst[p + 1] − 1 (positions + 1 entries, non-decreasing). */
  positionFirst: Int32Array;
  /** Position p's n × n matrix (row-major float32) goes to out[matrixOffsets[p] ..]. */
  matrixOffsets: BigInt64Array;
  out: Float32Array;
}

export interface CudaDtw {
  /** CUDA devices on this machine (> 0). */
  deviceCount: number;
  /** The longest series the kernel takes; the caller resamples longer ones first. */
  maxLength: number;
  /** A device's free and total memory, in bytes. */
  memory(device: number): { free: number; total: number };
  /** The DTW matrices of all positions (diagonal 0, symmetric); throws Error(the library's message) on failure. */
  matrices(options: CudaMatricesOptions): void;
}

export type CudaDtwAvailability = { cuda: CudaDtw } | { cuda: undefined; reason: string };

/** Bytes for the library's one-line error message. */
const ERROR_CAPACITY = 1024;

let loaded: CudaDtwAvailability | undefined;

/**
 * The CUDA path, or why it is not available ('the CUDA library was not built (no nvcc at install)', 'no CUDA device:
 * <cuda error string>', 'SHOAL_NO_CUDA=1', 'cannot load …'). Loaded once per thread.
 */
export function cudaDtw(): CudaDtwAvailability {
  loaded ??= load();
  return loaded;
}

function load(): CudaDtwAvailability {
  if (process.env.SHOAL_NO_CUDA === '1') return { cuda: undefined, reason: 'SHOAL_NO_CUDA=1' };
  const path = fileURLToPath(new URL('../../dist/native/libshoal-dtw-cuda.so', import.meta.url));
  if (!existsSync(path)) return { cuda: undefined, reason: 'the CUDA library was not built (no nvcc at install)' };
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const library = koffi.load(path);
    const deviceCount = library.func('int32_t dtw_cuda_device_count(void)');
    const errorString = library.func('const char *dtw_cuda_error_string(int32_t code)');
    const maxLength = library.func('int32_t dtw_cuda_max_length(void)');
    const memory = library.func('int32_t dtw_cuda_memory(int32_t device, uint64_t *free_bytes, uint64_t *total_bytes)');
    const matrices = library.func(
      'int32_t dtw_cuda_matrices(int32_t device, int32_t streams, uint64_t memory_limit_bytes, const float *series, const int64_t *offsets, const int32_t *lengths, int32_t positions, const int32_t *position_first, const int64_t *matrix_offsets, float *out, char *error, int32_t error_capacity)',
    );
    const count = deviceCount() as number;
    if (count < 0) return { cuda: undefined, reason: `no CUDA device: ${errorString(-count) as string}` };
    if (count === 0) return { cuda: undefined, reason: 'no CUDA device: the driver found none' };
    const longest = maxLength() as number;
    return {
      cuda: {
        deviceCount: count,
        maxLength: longest,
        memory(device) {
          checkDevice(device, count);
          const free = new BigUint64Array(1);
          const total = new BigUint64Array(1);
          const status = memory(device, free, total) as number;
          if (status !== 0) throw new Error(`CUDA device ${device}: ${errorString(-status) as string}`);
          return { free: Number(free[0]), total: Number(total[0]) };
        },
        matrices(options) {
          checkDevice(options.device, count);
          checkMatricesArguments(options, longest);
          const error = new Uint8Array(ERROR_CAPACITY);
          const status = matrices(
            options.device,
            options.streams,
            BigInt(options.memoryLimitBytes),
            options.series,
            options.offsets,
            options.lengths,
            options.positionFirst.length - 1,
            options.positionFirst,
            options.matrixOffsets,
            options.out,
            error,
            ERROR_CAPACITY,
          ) as number;
          if (status !== 0) {
            const end = error.indexOf(0);
            throw new Error(new TextDecoder().decode(error.subarray(0, end < 0 ? ERROR_CAPACITY : end)) || 'dtw_cuda_matrices failed');
          }
        },
      },
    };
  } catch (error) {
    return { cuda: undefined, reason: `cannot load ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function checkDevice(device: number, count: number): void {
  if (!Number.isInteger(device) || device < 0 || device >= count)
    throw new RangeError(`CUDA device ${device} does not exist (${count} found)`);
}

/** Everything the library will index, checked against the arrays' real lengths and types (koffi checks neither). */
function checkMatricesArguments(options: CudaMatricesOptions, maxLength: number): void {
  const { series, offsets, lengths, positionFirst, matrixOffsets, out } = options;
  if (
    !(series instanceof Float32Array) ||
    !(offsets instanceof BigInt64Array) ||
    !(lengths instanceof Int32Array) ||
    !(positionFirst instanceof Int32Array) ||
    !(matrixOffsets instanceof BigInt64Array) ||
    !(out instanceof Float32Array)
  )
    throw new RangeError('cuda.matrices: an array has the wrong type');
  if (!Number.isInteger(options.streams) || options.streams < 1) throw new RangeError(`cuda.matrices: ${options.streams} streams`);
  if (!Number.isSafeInteger(options.memoryLimitBytes) || options.memoryLimitBytes < 0)
    throw new RangeError(`cuda.matrices: memory limit ${options.memoryLimitBytes}`);
  const positions = positionFirst.length - 1;
  if (positions < 0 || matrixOffsets.length !== positions)
    throw new RangeError('cuda.matrices: positionFirst needs one entry more than matrixOffsets');
  if (offsets.length !== lengths.length) throw new RangeError('cuda.matrices: offsets and lengths differ in length');
  for (let s = 0; s < lengths.length; s++) {
    const length = lengths[s]!;
    const offset = Number(offsets[s]!);
    if (length < 1 || length > maxLength) throw new RangeError(`cuda.matrices: series ${s} has ${length} samples (1 to ${maxLength})`);
    if (offset < 0 || offset + length > series.length) throw new RangeError(`cuda.matrices: series ${s} runs past the samples`);
  }
  for (let p = 0; p < positions; p++) {
    const first = positionFirst[p]!;
    const end = positionFirst[p + 1]!;
    if (first < 0 || end < first || end > lengths.length)
      throw new RangeError(`cuda.matrices: position ${p} owns series ${first} .. ${end - 1}`);
    const n = end - first;
    const at = Number(matrixOffsets[p]!);
    if (at < 0 || at + n * n > out.length) throw new RangeError(`cuda.matrices: position ${p}'s matrix runs past out`);
  }
}
