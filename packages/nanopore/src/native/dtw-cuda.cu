/*
 * dtw-gpu's CUDA path: the DTW distance matrices of many positions at once, built into dist/native/libshoal-dtw-cuda.so
 * by build-cuda.mjs and called from src/dtw/cuda.ts through koffi.
 *
 * UNTESTED ON A GPU. It was written, compiled and loaded on a machine without one (where every entry point reports
 * "no device" cleanly); cuda.test.ts compares it with the reference bit for bit wherever a device is present, and that
 * run is the first real test of the kernel and of the stream/batch code below.
 *
 * Arithmetic (the specification is src/dtw/reference.ts): local cost (a_i − b_j)², D(i, j) = cost + min(D(i−1, j−1),
 * D(i−1, j), D(i, j−1)), cells outside the matrix +∞, all float32 with one rounding per subtraction, square and
 * addition, distance sqrt(D(n−1, m−1)). The kernel spells every operation with a round-to-nearest intrinsic
 * (__fsub_rn, __fmul_rn, __fadd_rn, __fsqrt_rn), which the compiler never contracts into a fused multiply-add, so the
 * results equal the CPU's bit for bit whatever the flags; the build's --fmad=false -prec-sqrt=true say the same for
 * any code added later. min propagates NaN as the reference's Math.min does (inputs are never NaN in practice).
 *
 * Kernel (baleen's design): one thread block per pair. The shorter series is on the rows (the recurrence is
 * symmetric, so the distance is the same bits either way); thread t owns rows t and t + blockDim.x (blockDim is the
 * row count rounded up to a warp, at most 1024, so two rows per thread cover 2048 samples). The block sweeps the
 * anti-diagonals d = i + j: every cell of a diagonal depends only on the two diagonals before it, which are kept in
 * shared memory indexed by row (three rolling buffers), with one __syncthreads per diagonal. The column series is
 * staged in shared memory; a thread keeps its rows' samples in registers.
 *
 * Host side, and the concurrency model: one call runs on the calling host thread and owns everything it creates
 * (streams, buffers), so concurrent calls from several threads are independent. The pairs (i < j) of all positions,
 * in position order and row by row, are cut into batches: a batch holds whole rows of pairs of one or more positions,
 * the series of each position it touches (copied once per batch), and must fit its stream's share of the memory
 * limit. Batch b goes to stream b mod S; each stream has its own pinned host buffer and device buffer, so while one
 * stream's kernels run, the host packs the next batch of another and scatters the results of a finished one. A stream
 * does, in order: one host→device copy (pairs, series table, samples), one kernel launch per block size (pairs sorted
 * by their row count so that a launch's blocks are alike), one device→host copy of the distances; the host waits on
 * it only when it needs that stream for its next batch, then writes each distance to (i, j) and (j, i) of the output.
 */
#include <cuda_runtime.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

/* The longest series the kernel takes: two rows per thread at 1024 threads a block (ROWS_PER_THREAD). */
constexpr int32_t MAX_LENGTH = 2048;
constexpr int ROWS_PER_THREAD = 2;
constexpr int WARP = 32;
constexpr int MAX_BLOCK = 1024;
/* Launch groups by block size: 32, 64, …, 1024 threads. */
constexpr int BLOCK_SIZES = MAX_BLOCK / WARP;
constexpr int MAX_STREAMS = 64;
/* The oldest architecture build-cuda.mjs compiles for (sm_75); an older device has no kernel image. */
constexpr int MIN_COMPUTE_CAPABILITY = 75;
/*
 * A batch's device bytes are capped here whatever the memory limit: past a few thousand pairs a launch already fills
 * every SM, so a bigger batch only pins more host memory (each stream pins as much as its largest batch). Not measured
 * on a GPU yet; 256 MiB holds about 20 million pairs of short series.
 */
constexpr uint64_t MAX_BATCH_BYTES = 256ull << 20;
/*
 * The work is spread over the streams (total pairs / streams a batch) but no batch is made smaller than this for
 * that reason: an H100 runs about 132 SMs × 16 blocks of 128 threads at once, so smaller launches leave SMs idle.
 */
constexpr int64_t MIN_BATCH_PAIRS = 4096;
/* Every section of a batch buffer starts on this boundary (cudaMalloc's alignment). */
constexpr uint64_t SECTION_ALIGNMENT = 256;

__device__ __forceinline__ float min_nan(float x, float y) {
  /* Math.min: NaN if either is NaN (x != x), else the smaller. */
  return (x < y || x != x) ? x : y;
}

/*
 * One block per pair: pairs[first_pair + blockIdx.x] = (row series, column series), local indices into the batch's
 * series table. Dynamic shared memory: (longest column + 3 × most rows) floats of the launch's pairs.
 */
__global__ void __launch_bounds__(MAX_BLOCK) dtw_pairs_kernel(const float *__restrict__ samples,
                                                              const int32_t *__restrict__ series_offsets,
                                                              const int32_t *__restrict__ series_lengths,
                                                              const int2 *__restrict__ pairs, int32_t first_pair,
                                                              float *__restrict__ distances) {
  extern __shared__ float shared[];
  const int32_t pair_index = first_pair + (int32_t)blockIdx.x;
  const int2 pair = pairs[pair_index];
  const int n = series_lengths[pair.x]; /* rows */
  const int m = series_lengths[pair.y]; /* columns */
  const float *rows = samples + series_offsets[pair.x];
  const float *columns = samples + series_offsets[pair.y];
  const float infinity = __int_as_float(0x7f800000);

  float *column = shared;       /* m floats */
  float *older = shared + m;    /* diagonal d − 2, by row */
  float *previous = older + n;  /* diagonal d − 1 */
  float *current = previous + n; /* diagonal d */

  for (int j = threadIdx.x; j < m; j += blockDim.x) column[j] = columns[j];
  float row_sample[ROWS_PER_THREAD];
#pragma unroll
  for (int k = 0; k < ROWS_PER_THREAD; ++k) {
    const int i = threadIdx.x + k * blockDim.x;
    row_sample[k] = i < n ? rows[i] : 0.0f;
  }
  __syncthreads();

  const int diagonals = n + m - 1;
  for (int d = 0; d < diagonals; ++d) {
#pragma unroll
    for (int k = 0; k < ROWS_PER_THREAD; ++k) {
      const int i = threadIdx.x + k * blockDim.x;
      const int j = d - i;
      if (i < n && j >= 0 && j < m) {
        /*
         * Every neighbour read here is a cell inside the matrix, written on its diagonal by its row's thread (row i−1
         * on diagonal d−1 has column j, row i on d−1 has column j−1, row i−1 on d−2 has column j−1), so the buffers
         * need no +∞ padding and no initialisation.
         */
        float best;
        if (i == 0 && j == 0) {
          best = 0.0f;
        } else {
          const float diagonal = (i > 0 && j > 0) ? older[i - 1] : infinity;
          const float up = i > 0 ? previous[i - 1] : infinity;
          const float left = j > 0 ? previous[i] : infinity;
          best = min_nan(min_nan(diagonal, up), left);
        }
        const float difference = __fsub_rn(row_sample[k], column[j]);
        current[i] = __fadd_rn(__fmul_rn(difference, difference), best);
      }
    }
    __syncthreads();
    float *const reused = older;
    older = previous;
    previous = current;
    current = reused;
  }
  /* The last diagonal (n + m − 2) holds only D(n−1, m−1); after the rotation it is `previous`. */
  if (threadIdx.x == 0) distances[pair_index] = __fsqrt_rn(previous[n - 1]);
}

/* The one-line message of the first failure, into the caller's buffer. */
struct ErrorText {
  char *text;
  int32_t capacity;

  int32_t fail(const char *format, ...) __attribute__((format(printf, 2, 3))) {
    if (text != nullptr && capacity > 0) {
      va_list arguments;
      va_start(arguments, format);
      vsnprintf(text, (size_t)capacity, format, arguments);
      va_end(arguments);
    }
    return 1;
  }

  int32_t cuda(cudaError_t status, const char *what) {
    return fail("CUDA error in %s: %s (%s, code %d)", what, cudaGetErrorString(status), cudaGetErrorName(status),
                (int)status);
  }
};

uint64_t align_up(uint64_t bytes) { return (bytes + SECTION_ALIGNMENT - 1) / SECTION_ALIGNMENT * SECTION_ALIGNMENT; }

/*
 * A batch buffer, host and device alike: pairs (int2), series offsets (int32, in floats from `samples`), series
 * lengths (int32), samples (float) — these four are one host→device copy — then the distances (float), one
 * device→host copy.
 */
struct Layout {
  uint64_t pairs, offsets, lengths, samples, upload_bytes, distances, bytes;

  Layout(int64_t pair_count, int64_t series_count, int64_t sample_count) {
    pairs = 0;
    offsets = align_up(pairs + 8 * (uint64_t)pair_count);
    lengths = align_up(offsets + 4 * (uint64_t)series_count);
    samples = align_up(lengths + 4 * (uint64_t)series_count);
    upload_bytes = samples + 4 * (uint64_t)sample_count;
    distances = align_up(upload_bytes);
    bytes = align_up(distances + 4 * (uint64_t)pair_count);
  }
};

/* Rows [row_begin, row_end) of position `position`'s pairs: (i, j) for i in the range and i < j < n. */
struct Segment {
  int32_t position, row_begin, row_end;
};

struct Batch {
  size_t first_segment, segment_count;
  int64_t pairs, series, samples;
};

struct Input {
  const float *series;
  const int64_t *offsets;
  const int32_t *lengths;
  int32_t positions;
  const int32_t *position_first;
  const int64_t *matrix_offsets;
  float *out;

  int32_t count(int32_t position) const { return position_first[position + 1] - position_first[position]; }
};

/* A growable plain array of trivially copyable values (this file avoids the C++ library: one less runtime to ship). */
template <typename T> struct Array {
  T *data = nullptr;
  size_t size = 0, capacity = 0;

  ~Array() { free(data); }
  bool push(const T &value) {
    if (size == capacity) {
      const size_t grown = capacity == 0 ? 64 : capacity * 2;
      T *moved = (T *)realloc(data, grown * sizeof(T));
      if (moved == nullptr) return false;
      data = moved;
      capacity = grown;
    }
    data[size++] = value;
    return true;
  }
};

/* One stream's resources and the batch it has in flight (-1: none). */
struct Lane {
  cudaStream_t stream = nullptr;
  unsigned char *host = nullptr; /* pinned where cudaHostAlloc allows, else malloc (copies are then synchronous) */
  bool host_pinned = false;
  unsigned char *device = nullptr;
  uint64_t bytes = 0;
  int64_t *targets = nullptr; /* per pair: the two indices of `out` that receive its distance */
  int64_t target_capacity = 0;
  int64_t batch = -1;
  int64_t pairs_in_flight = 0;
  uint64_t distances_offset = 0;
};

struct Run {
  Lane lanes[MAX_STREAMS];
  int lane_count = 0;

  ~Run() {
    /* Reached on success and on every failure: wait for whatever is still queued before freeing its memory. */
    for (int l = 0; l < lane_count; ++l)
      if (lanes[l].stream != nullptr) cudaStreamSynchronize(lanes[l].stream);
    for (int l = 0; l < lane_count; ++l) {
      Lane &lane = lanes[l];
      if (lane.device != nullptr) cudaFree(lane.device);
      if (lane.host != nullptr) {
        if (lane.host_pinned)
          cudaFreeHost(lane.host);
        else
          free(lane.host);
      }
      free(lane.targets);
      if (lane.stream != nullptr) cudaStreamDestroy(lane.stream);
    }
    /* Leave no error behind for the next call on this thread (a sticky one cannot be cleared, and says so again). */
    cudaGetLastError();
  }
};

int block_size_index(int32_t rows) {
  const int index = (rows - 1) / WARP;
  return index < BLOCK_SIZES - 1 ? index : BLOCK_SIZES - 1;
}

/* Pack batch `batch` into the lane's host buffer, then queue its copies and kernels on the lane's stream. */
int32_t launch_batch(const Input &input, const Batch &batch, const Segment *segments, Lane &lane, int64_t batch_index,
                     ErrorText &error) {
  const Layout layout(batch.pairs, batch.series, batch.samples);
  int2 *pairs = (int2 *)(lane.host + layout.pairs);
  int32_t *offsets = (int32_t *)(lane.host + layout.offsets);
  int32_t *lengths = (int32_t *)(lane.host + layout.lengths);
  float *samples = (float *)(lane.host + layout.samples);

  /* The series of every position in the batch, once; local series index = base of its segment + index in position. */
  int64_t series_count = 0, sample_count = 0;
  for (size_t s = 0; s < batch.segment_count; ++s) {
    const Segment &segment = segments[batch.first_segment + s];
    const int32_t first = input.position_first[segment.position];
    const int32_t n = input.count(segment.position);
    for (int32_t k = 0; k < n; ++k) {
      const int32_t length = input.lengths[first + k];
      offsets[series_count] = (int32_t)sample_count;
      lengths[series_count] = length;
      memcpy(samples + sample_count, input.series + input.offsets[first + k], (size_t)length * sizeof(float));
      series_count += 1;
      sample_count += length;
    }
  }

  /*
   * Pairs in order of block size (a counting sort: one pass to count, one to place), the shorter series on the rows.
   * For each block size: how many pairs, and the most rows and columns among them (the launch's shared memory).
   */
  int64_t group_count[BLOCK_SIZES] = {0};
  int32_t group_rows[BLOCK_SIZES] = {0}, group_columns[BLOCK_SIZES] = {0};
  for (int pass = 0; pass < 2; ++pass) {
    int64_t next[BLOCK_SIZES];
    if (pass == 1) {
      int64_t start = 0;
      for (int g = 0; g < BLOCK_SIZES; ++g) {
        next[g] = start;
        start += group_count[g];
      }
    }
    int32_t base = 0;
    for (size_t s = 0; s < batch.segment_count; ++s) {
      const Segment &segment = segments[batch.first_segment + s];
      const int32_t n = input.count(segment.position);
      const int64_t matrix = input.matrix_offsets[segment.position];
      for (int32_t i = segment.row_begin; i < segment.row_end; ++i) {
        for (int32_t j = i + 1; j < n; ++j) {
          const int32_t length_i = lengths[base + i], length_j = lengths[base + j];
          const bool i_on_rows = length_i <= length_j;
          const int32_t rows = i_on_rows ? length_i : length_j;
          const int32_t columns = i_on_rows ? length_j : length_i;
          const int g = block_size_index(rows);
          if (pass == 0) {
            group_count[g] += 1;
            if (rows > group_rows[g]) group_rows[g] = rows;
            if (columns > group_columns[g]) group_columns[g] = columns;
          } else {
            const int64_t slot = next[g]++;
            pairs[slot] = i_on_rows ? make_int2(base + i, base + j) : make_int2(base + j, base + i);
            lane.targets[2 * slot] = matrix + (int64_t)i * n + j;
            lane.targets[2 * slot + 1] = matrix + (int64_t)j * n + i;
          }
        }
      }
      base += n;
    }
  }

  cudaError_t status = cudaMemcpyAsync(lane.device, lane.host, layout.upload_bytes, cudaMemcpyHostToDevice, lane.stream);
  if (status != cudaSuccess) return error.cuda(status, "cudaMemcpyAsync (series to the device)");
  const float *device_samples = (const float *)(lane.device + layout.samples);
  const int32_t *device_offsets = (const int32_t *)(lane.device + layout.offsets);
  const int32_t *device_lengths = (const int32_t *)(lane.device + layout.lengths);
  const int2 *device_pairs = (const int2 *)(lane.device + layout.pairs);
  float *device_distances = (float *)(lane.device + layout.distances);
  int64_t first_pair = 0;
  for (int g = 0; g < BLOCK_SIZES; ++g) {
    if (group_count[g] == 0) continue;
    const int threads = (g + 1) * WARP;
    const size_t shared_bytes = ((size_t)group_columns[g] + 3 * (size_t)group_rows[g]) * sizeof(float);
    /* cudaLaunchKernel is what <<<…>>> expands to; spelled out, this file is also plain C++ to a host-only compiler. */
    int32_t first = (int32_t)first_pair;
    void *arguments[] = {(void *)&device_samples, (void *)&device_offsets, (void *)&device_lengths,
                         (void *)&device_pairs, (void *)&first, (void *)&device_distances};
    status = cudaLaunchKernel((const void *)dtw_pairs_kernel, dim3((unsigned)group_count[g]), dim3((unsigned)threads),
                              arguments, shared_bytes, lane.stream);
    if (status == cudaSuccess) status = cudaGetLastError();
    if (status != cudaSuccess) return error.cuda(status, "the DTW kernel launch");
    first_pair += group_count[g];
  }
  status = cudaMemcpyAsync(lane.host + layout.distances, device_distances, 4 * (size_t)batch.pairs,
                           cudaMemcpyDeviceToHost, lane.stream);
  if (status != cudaSuccess) return error.cuda(status, "cudaMemcpyAsync (distances to the host)");
  lane.batch = batch_index;
  lane.pairs_in_flight = batch.pairs;
  lane.distances_offset = layout.distances;
  return 0;
}

/* Wait for the lane's batch, then write its distances into both halves of their matrices. */
int32_t finish_batch(const Input &input, Lane &lane, ErrorText &error) {
  if (lane.batch < 0) return 0;
  const cudaError_t status = cudaStreamSynchronize(lane.stream);
  if (status != cudaSuccess) return error.cuda(status, "the DTW kernel (cudaStreamSynchronize)");
  const float *distances = (const float *)(lane.host + lane.distances_offset);
  for (int64_t k = 0; k < lane.pairs_in_flight; ++k) {
    input.out[lane.targets[2 * k]] = distances[k];
    input.out[lane.targets[2 * k + 1]] = distances[k];
  }
  lane.batch = -1;
  lane.pairs_in_flight = 0;
  return 0;
}

int32_t select_device(int32_t device, ErrorText &error) {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) return error.cuda(status, "cudaGetDeviceCount");
  if (device < 0 || device >= count)
    return error.fail("CUDA device %d does not exist (this machine has %d)", (int)device, count);
  status = cudaSetDevice(device);
  if (status != cudaSuccess) return error.cuda(status, "cudaSetDevice");
  int major = 0, minor = 0;
  status = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
  if (status == cudaSuccess) status = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
  if (status != cudaSuccess) return error.cuda(status, "cudaDeviceGetAttribute");
  if (major * 10 + minor < MIN_COMPUTE_CAPABILITY)
    return error.fail("CUDA device %d has compute capability %d.%d; the DTW library was built for %d.%d and newer",
                      (int)device, major, minor, MIN_COMPUTE_CAPABILITY / 10, MIN_COMPUTE_CAPABILITY % 10);
  return 0;
}

} // namespace

extern "C" {

/*
 * Usable CUDA devices (>= 0), or -(cudaError_t) when there is no driver/runtime/device. All devices the driver lists
 * are counted (looking at each one's compute capability here would not need a context, but its ordinal must stay the
 * CUDA ordinal); dtw_cuda_matrices refuses, with a message, one older than MIN_COMPUTE_CAPABILITY.
 */
int32_t dtw_cuda_device_count(void) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return -(int32_t)status;
  }
  return count;
}

/* The text of a CUDA error code (as returned negated by the functions above), for messages. */
const char *dtw_cuda_error_string(int32_t code) { return cudaGetErrorString((cudaError_t)code); }

/* Free and total memory of a device in bytes; 0 or -(cudaError_t). */
int32_t dtw_cuda_memory(int32_t device, uint64_t *free_bytes, uint64_t *total_bytes) {
  cudaError_t status = cudaSetDevice(device);
  size_t free_memory = 0, total_memory = 0;
  if (status == cudaSuccess) status = cudaMemGetInfo(&free_memory, &total_memory);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return -(int32_t)status;
  }
  *free_bytes = free_memory;
  *total_bytes = total_memory;
  return 0;
}

/* Longest series the kernel takes (the TS caller resamples longer ones first). */
int32_t dtw_cuda_max_length(void) { return MAX_LENGTH; }

/*
 * The DTW matrices of many positions at once. All series of all positions are concatenated in `series`
 * (series s is series[offsets[s] .. offsets[s]+lengths[s]), every length 1..dtw_cuda_max_length()).
 * Position p owns series position_first[p] .. position_first[p+1]-1 (position_first has positions+1 entries);
 * its n_p x n_p matrix goes to out + matrix_offsets[p] (in floats). Pairs of all positions are batched together,
 * batches sized to memory_limit_bytes (0 = 90% of the device's free memory) and spread over `streams` CUDA streams
 * (default the caller passes 16); on any CUDA error returns nonzero and writes a one-line message (with
 * cudaGetErrorString) into error (NUL-terminated, at most error_capacity bytes). 0 on success.
 */
int32_t dtw_cuda_matrices(int32_t device, int32_t streams, uint64_t memory_limit_bytes, const float *series,
                          const int64_t *offsets, const int32_t *lengths, int32_t positions,
                          const int32_t *position_first, const int64_t *matrix_offsets, float *out, char *error_text,
                          int32_t error_capacity) {
  ErrorText error{error_text, error_capacity};
  if (error_text != nullptr && error_capacity > 0) error_text[0] = '\0';
  if (positions < 0) return error.fail("dtw_cuda_matrices: %d positions", (int)positions);
  if (streams < 1) streams = 1;
  if (streams > MAX_STREAMS) streams = MAX_STREAMS;
  const Input input{series, offsets, lengths, positions, position_first, matrix_offsets, out};

  /* Check the input, write the diagonals, and find what the largest position needs at the least (its first row). */
  int64_t total_pairs = 0;
  uint64_t least_bytes = 0;
  int32_t least_position = -1;
  for (int32_t p = 0; p < positions; ++p) {
    const int32_t n = input.count(p);
    if (n < 0) return error.fail("dtw_cuda_matrices: position %d has %d series", (int)p, (int)n);
    int64_t samples = 0;
    for (int32_t k = 0; k < n; ++k) {
      const int32_t length = lengths[position_first[p] + k];
      if (length < 1 || length > MAX_LENGTH)
        return error.fail("dtw_cuda_matrices: series %d of position %d has %d samples; the CUDA kernel takes 1 to %d",
                          (int)k, (int)p, (int)length, (int)MAX_LENGTH);
      samples += length;
    }
    /* A batch addresses its samples with int32 offsets (see Layout). */
    if (samples > INT32_MAX) return error.fail("dtw_cuda_matrices: position %d has %lld samples", (int)p, (long long)samples);
    for (int32_t i = 0; i < n; ++i) out[matrix_offsets[p] + (int64_t)i * n + i] = 0.0f;
    if (n < 2) continue;
    total_pairs += (int64_t)n * (n - 1) / 2;
    const uint64_t least = Layout(n - 1, n, samples).bytes;
    if (least > least_bytes) {
      least_bytes = least;
      least_position = p;
    }
  }

  if (select_device(device, error) != 0) return 1;
  if (total_pairs == 0) return 0;

  if (memory_limit_bytes == 0) {
    size_t free_memory = 0, total_memory = 0;
    const cudaError_t status = cudaMemGetInfo(&free_memory, &total_memory);
    if (status != cudaSuccess) return error.cuda(status, "cudaMemGetInfo");
    memory_limit_bytes = (uint64_t)((double)free_memory * 0.9);
  }
  if (memory_limit_bytes < least_bytes)
    return error.fail("dtw_cuda_matrices: a memory limit of %llu bytes is too small: position %d needs at least %llu",
                      (unsigned long long)memory_limit_bytes, (int)least_position, (unsigned long long)least_bytes);
  /* Fewer streams where the limit cannot give each one the largest position. */
  if ((uint64_t)streams > memory_limit_bytes / least_bytes) streams = (int32_t)(memory_limit_bytes / least_bytes);
  uint64_t budget = memory_limit_bytes / (uint64_t)streams;
  const uint64_t cap = least_bytes > MAX_BATCH_BYTES ? least_bytes : MAX_BATCH_BYTES;
  if (budget > cap) budget = cap;
  int64_t target_pairs = (total_pairs + streams - 1) / streams;
  if (target_pairs < MIN_BATCH_PAIRS) target_pairs = MIN_BATCH_PAIRS;

  /* Plan the batches: greedy, in position order, whole rows of pairs, each position's series once per batch. */
  Array<Segment> segments;
  Array<Batch> batches;
  Batch open{0, 0, 0, 0, 0};
  const auto close = [&]() -> bool {
    if (open.segment_count == 0) return true;
    if (!batches.push(open)) return false;
    open = Batch{segments.size, 0, 0, 0, 0};
    return true;
  };
  for (int32_t p = 0; p < positions; ++p) {
    const int32_t n = input.count(p);
    if (n < 2) continue;
    int64_t samples = 0;
    for (int32_t k = 0; k < n; ++k) samples += lengths[position_first[p] + k];
    int32_t row = 0;
    while (row < n - 1) {
      /* Take the position's series into the open batch, or into a new one if it is full. */
      if (open.pairs + (n - 1 - row) > target_pairs ||
          Layout(open.pairs + (n - 1 - row), open.series + n, open.samples + samples).bytes > budget)
        if (!close()) return error.fail("dtw_cuda_matrices: out of host memory");
      open.series += n;
      open.samples += samples;
      int32_t end = row;
      while (end < n - 1 && (end == row || (open.pairs + (n - 1 - end) <= target_pairs &&
                                            Layout(open.pairs + (n - 1 - end), open.series, open.samples).bytes <= budget))) {
        open.pairs += n - 1 - end;
        end += 1;
      }
      if (!segments.push(Segment{p, row, end})) return error.fail("dtw_cuda_matrices: out of host memory");
      open.segment_count += 1;
      row = end;
      if (row < n - 1 && !close()) return error.fail("dtw_cuda_matrices: out of host memory");
    }
  }
  if (!close()) return error.fail("dtw_cuda_matrices: out of host memory");

  /* One lane per stream, its buffers as large as its largest batch. */
  Run run;
  run.lane_count = (int)((size_t)streams < batches.size ? (size_t)streams : batches.size);
  for (size_t b = 0; b < batches.size; ++b) {
    Lane &lane = run.lanes[b % (size_t)run.lane_count];
    const Layout layout(batches.data[b].pairs, batches.data[b].series, batches.data[b].samples);
    if (layout.bytes > lane.bytes) lane.bytes = layout.bytes;
    if (batches.data[b].pairs > lane.target_capacity) lane.target_capacity = batches.data[b].pairs;
  }
  for (int l = 0; l < run.lane_count; ++l) {
    Lane &lane = run.lanes[l];
    cudaError_t status = cudaStreamCreateWithFlags(&lane.stream, cudaStreamNonBlocking);
    if (status != cudaSuccess) return error.cuda(status, "cudaStreamCreateWithFlags");
    status = cudaMalloc((void **)&lane.device, lane.bytes);
    if (status != cudaSuccess) return error.cuda(status, "cudaMalloc");
    status = cudaHostAlloc((void **)&lane.host, lane.bytes, cudaHostAllocDefault);
    if (status == cudaSuccess) {
      lane.host_pinned = true;
    } else {
      /* Pinned memory is limited (locked-memory limits, containers): pageable memory works, without the overlap. */
      cudaGetLastError();
      lane.host = (unsigned char *)malloc(lane.bytes);
      if (lane.host == nullptr) return error.fail("dtw_cuda_matrices: out of host memory (%llu bytes)", (unsigned long long)lane.bytes);
    }
    lane.targets = (int64_t *)malloc(2 * sizeof(int64_t) * (size_t)lane.target_capacity);
    if (lane.targets == nullptr) return error.fail("dtw_cuda_matrices: out of host memory");
  }

  for (size_t b = 0; b < batches.size; ++b) {
    Lane &lane = run.lanes[b % (size_t)run.lane_count];
    if (finish_batch(input, lane, error) != 0) return 1;
    if (launch_batch(input, batches.data[b], segments.data, lane, (int64_t)b, error) != 0) return 1;
  }
  for (int l = 0; l < run.lane_count; ++l)
    if (finish_batch(input, run.lanes[l], error) != 0) return 1;
  return 0;
}

} // extern "C"
