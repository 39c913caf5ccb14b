/*
 * dtw-gpu's CPU kernel: the DTW distance matrix of one position's series, several pairs at once in SIMD lanes,
 * loaded through koffi (src/dtw/cpu.ts) where the package build could compile it (build-native.mjs). The numbers are
 * src/dtw/reference.ts's exactly (a test compares every kernel with it): float32 throughout, one rounding per
 * subtraction, square and addition (-ffp-contract=off: no fused multiply-add), min exact.
 *
 * Layout: one lane per pair. The series are sorted by length; row series r is compared with the series after it in
 * that order, DTW_LANES at a time, so the lanes of a group have nearly the same length and few cells are wasted. A
 * group walks the rows of r once; column j of all lanes is one vector (the lanes' samples interleaved), and
 * D(i, j) = cost + min(D(i-1, j-1), D(i-1, j), D(i, j-1)) is one vector expression per column. The dependency along
 * a row (D(i, j) needs D(i, j-1)) is as long as an add plus a min; 64 lanes are eight independent AVX2 vectors, enough
 * to keep the units busy (measured on 600 series of 90-150 samples, one core: 8 lanes 2.1 GCUPS, 16 2.1, 32 7.9,
 * 64 9.9, 128 6.1). Lanes past a series' end compute harmless numbers that nothing reads.
 *
 * Why lanes and not anti-diagonals: the series are short (~40 samples a position, ~120 with padding 1) and there
 * are tens of thousands of pairs a position, so pairs are the parallelism that is free.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define DTW_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DTW_TARGET_CLONES
#endif

#define DTW_LANES 64

static inline float dtw_min(float x, float y) { return x < y ? x : y; }

/*
 * One group: row series `a` (length n) against up to DTW_LANES column series, given interleaved in `columns`
 * (column j of lane l at columns[j * DTW_LANES + l], width `width` = the longest); lane l's distance is read at
 * column lengths[l] - 1 of the last row. `previous` and `current` hold width * DTW_LANES floats each.
 */
DTW_TARGET_CLONES
static void dtw_group(const float *a, int32_t n, const float *columns, int32_t width, const int32_t *lengths,
                      float *previous, float *current, float *distances) {
    float left[DTW_LANES];
    /* Row 0: D(0, 0) = cost; D(0, j) = cost + D(0, j-1). */
    for (int32_t l = 0; l < DTW_LANES; l++) {
        float d = a[0] - columns[l];
        current[l] = d * d;
        left[l] = current[l];
    }
    for (int32_t j = 1; j < width; j++) {
        const float *b = columns + (int64_t)j * DTW_LANES;
        float *out = current + (int64_t)j * DTW_LANES;
        for (int32_t l = 0; l < DTW_LANES; l++) {
            float d = a[0] - b[l];
            float v = d * d + left[l];
            out[l] = v;
            left[l] = v;
        }
    }
    for (int32_t i = 1; i < n; i++) {
        float *swap = previous;
        previous = current;
        current = swap;
        const float ai = a[i];
        /* Column 0: D(i, 0) = cost + D(i-1, 0). */
        for (int32_t l = 0; l < DTW_LANES; l++) {
            float d = ai - columns[l];
            float v = d * d + previous[l];
            current[l] = v;
            left[l] = v;
        }
        for (int32_t j = 1; j < width; j++) {
            const float *b = columns + (int64_t)j * DTW_LANES;
            const float *up = previous + (int64_t)j * DTW_LANES;
            const float *diagonal = up - DTW_LANES;
            float *out = current + (int64_t)j * DTW_LANES;
            for (int32_t l = 0; l < DTW_LANES; l++) {
                float d = ai - b[l];
                float best = dtw_min(dtw_min(diagonal[l], up[l]), left[l]);
                float v = d * d + best;
                out[l] = v;
                left[l] = v;
            }
        }
    }
    for (int32_t l = 0; l < DTW_LANES; l++) distances[l] = sqrtf(current[(int64_t)(lengths[l] - 1) * DTW_LANES + l]);
}

struct dtw_sorted {
    int32_t index;
    int32_t length;
};

static int dtw_by_length(const void *x, const void *y) {
    const struct dtw_sorted *p = x, *q = y;
    if (p->length != q->length) return p->length < q->length ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/*
 * The n x n matrix (row-major, into `out`) of the series series[offsets[s] .. offsets[s] + lengths[s]), every
 * length >= 1: each pair once, mirrored, diagonal 0. Returns 0, or -1 when memory is short.
 */
int32_t dtw_matrix(const float *series, const int64_t *offsets, const int32_t *lengths, int32_t n, float *out) {
    struct dtw_sorted *order = malloc(sizeof *order * (size_t)(n > 0 ? n : 1));
    if (order == NULL) return -1;
    int32_t longest = 1;
    for (int32_t s = 0; s < n; s++) {
        order[s].index = s;
        order[s].length = lengths[s];
        if (lengths[s] > longest) longest = lengths[s];
    }
    qsort(order, (size_t)n, sizeof *order, dtw_by_length);
    float *columns = malloc(sizeof(float) * (size_t)longest * DTW_LANES);
    float *rows = malloc(sizeof(float) * (size_t)longest * DTW_LANES * 2);
    if (columns == NULL || rows == NULL) {
        free(order);
        free(columns);
        free(rows);
        return -1;
    }
    float distances[DTW_LANES];
    int32_t laneLengths[DTW_LANES];
    for (int32_t r = 0; r < n; r++) {
        const int32_t rowIndex = order[r].index;
        const float *a = series + offsets[rowIndex];
        out[(int64_t)rowIndex * n + rowIndex] = 0.0f;
        for (int32_t first = r + 1; first < n; first += DTW_LANES) {
            const int32_t count = n - first < DTW_LANES ? n - first : DTW_LANES;
            const int32_t width = order[first + count - 1].length;
            for (int32_t l = 0; l < DTW_LANES; l++) {
                if (l < count) {
                    const int32_t length = order[first + l].length;
                    const float *b = series + offsets[order[first + l].index];
                    laneLengths[l] = length;
                    for (int32_t j = 0; j < length; j++) columns[(int64_t)j * DTW_LANES + l] = b[j];
                    for (int32_t j = length; j < width; j++) columns[(int64_t)j * DTW_LANES + l] = 0.0f;
                } else {
                    laneLengths[l] = 1;
                    for (int32_t j = 0; j < width; j++) columns[(int64_t)j * DTW_LANES + l] = 0.0f;
                }
            }
            dtw_group(a, order[r].length, columns, width, laneLengths, rows, rows + (int64_t)longest * DTW_LANES, distances);
            for (int32_t l = 0; l < count; l++) {
                const int32_t columnIndex = order[first + l].index;
                out[(int64_t)rowIndex * n + columnIndex] = distances[l];
                out[(int64_t)columnIndex * n + rowIndex] = distances[l];
            }
        }
    }
    free(order);
    free(columns);
    free(rows);
    return 0;
}
