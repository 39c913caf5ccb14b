/*
 * The two hot loops of the eventalign core in C, loaded through koffi (src/eventalign/native.ts) when the build could
 * compile them (src/native/build-native.mjs); the TypeScript in event-detection.ts and banded-alignment.ts is the
 * reference and the fallback, and a test checks that both give identical results.
 *
 * Why: on 1 kb direct-RNA reads (bench/eventalign-core.mjs) the TypeScript spends ~2 ms in event detection and
 * ~4 ms in the adaptive banded alignment to the basecalls per read; the band fill vectorises with AVX2 (cells of one
 * band are independent), 2.4x faster than scalar code, which TypeScript cannot express.
 *
 * Arithmetic: exactly the TypeScript's (and, for event detection, scrappie's: float where scrappie stores floats,
 * double where it keeps doubles). Built with -ffp-contract=off (no fused multiply-add) and without -ffast-math, so
 * vectorisation does not change a single result.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stddef.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define EA_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EA_TARGET_CLONES
#endif

/* One value of scrappie's compute_tstat: the windows before i (sums from i - w, or 0 at i = w) and from i. */
static inline __attribute__((always_inline)) float tstat_at(const double *sums, const double *sumsq, int64_t i, int64_t w,
                                                            int64_t before, float wf) {
    const double sum1 = sums[i] - sums[before];
    const double sumsq1 = sumsq[i] - sumsq[before];
    const float sum2 = (float)(sums[i + w] - sums[i]);
    const float sumsq2 = (float)(sumsq[i + w] - sumsq[i]);
    const float mean1 = (float)(sum1 / wf);
    const float mean2 = sum2 / wf;
    float combined = (float)(sumsq1 / wf - (float)(mean1 * mean1) + (float)(sumsq2 / wf) - (float)(mean2 * mean2));
    combined = combined < FLT_MIN ? FLT_MIN : combined;
    const float delta = mean2 - mean1;
    return (float)(fabs((double)delta) / sqrt((double)(combined / wf)));
}

/*
 * scrappie's compute_tstat over the cumulative sums (sums[0] = 0, so the first window's "sum[i] - sum[i - w]" is
 * sum[i] - sum[0], the same value; the loop then has no branch and vectorises).
 */
static inline __attribute__((always_inline)) void tstat(const double *sums, const double *sumsq, int64_t n, int64_t w,
                                                        float *out) {
    for (int64_t i = 0; i < n; i++) out[i] = 0.0f;
    if (n < 2 * w || w < 2) return;
    const float wf = (float)w;
    for (int64_t i = w; i <= n - w; i++) out[i] = tstat_at(sums, sumsq, i, w, i - w, wf);
}

/*
 * Event detection (event-detection.ts detectEvents) over signal[0, n). Scratch: sums and sumsq of n + 1 doubles,
 * shortStat, longStat of n floats, peaks of n int32. Outputs of up to n events. Returns the event count.
 */
EA_TARGET_CLONES
int32_t ea_detect_events(const float *signal, int64_t n, int32_t shortWindow, int32_t longWindow, double shortThreshold,
                         double longThreshold, double peakHeight, double *sums, double *sumsq, float *shortStat,
                         float *longStat, int32_t *peaks, int32_t *start, int32_t *length, float *mean, float *stdv) {
    if (n <= 0) return 0;
    double sum = 0, squares = 0;
    sums[0] = 0;
    sumsq[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        const float value = signal[i];
        sum += value;
        squares += (float)(value * value);
        sums[i + 1] = sum;
        sumsq[i + 1] = squares;
    }
    tstat(sums, sumsq, n, shortWindow, shortStat);
    tstat(sums, sumsq, n, longWindow, longStat);

    const float height = (float)peakHeight;
    const float sThreshold = (float)shortThreshold;
    const float lThreshold = (float)longThreshold;
    const int64_t sHalf = shortWindow / 2;
    const int64_t lHalf = longWindow / 2;
    int64_t lMaskedTo = 0;
    int64_t sPos = -1, lPos = -1;
    float sPeak = FLT_MAX, lPeak = FLT_MAX;
    int sValid = 0, lValid = 0;
    int32_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0) {
            const float current = shortStat[i];
            if (sPos == -1) {
                if (current < sPeak) sPeak = current;
                else if (current - sPeak > height) {
                    sPeak = current;
                    sPos = i;
                }
            } else {
                if (current > sPeak) {
                    sPeak = current;
                    sPos = i;
                }
                if (sPeak > sThreshold) {
                    lMaskedTo = sPos + shortWindow;
                    lPos = -1;
                    lPeak = FLT_MAX;
                    lValid = 0;
                }
                if (sPeak - current > height && sPeak > sThreshold) sValid = 1;
                if (sValid && i - sPos > sHalf) {
                    peaks[count++] = (int32_t)sPos;
                    sPos = -1;
                    sPeak = current;
                    sValid = 0;
                }
            }
        }
        if (lMaskedTo < i) {
            const float current = longStat[i];
            if (lPos == -1) {
                if (current < lPeak) lPeak = current;
                else if (current - lPeak > height) {
                    lPeak = current;
                    lPos = i;
                }
            } else {
                if (current > lPeak) {
                    lPeak = current;
                    lPos = i;
                }
                if (lPeak - current > height && lPeak > lThreshold) lValid = 1;
                if (lValid && i - lPos > lHalf) {
                    peaks[count++] = (int32_t)lPos;
                    lPos = -1;
                    lPeak = current;
                    lValid = 0;
                }
            }
        }
    }
    int32_t boundaries = 0;
    for (int32_t p = 0; p < count; p++)
        if (peaks[p] > 0 && peaks[p] < n) boundaries++;
    const int32_t events = boundaries + 1;
    int64_t from = 0;
    for (int32_t e = 0; e < events; e++) {
        const int64_t to = e < events - 1 ? peaks[e] : n;
        const float len = (float)(to - from);
        const float m = (float)(sums[to] - sums[from]) / len;
        const float sq = (float)(sumsq[to] - sumsq[from]);
        const float variance = sq / len - m * m;
        start[e] = (int32_t)from;
        length[e] = (int32_t)(to - from);
        mean[e] = m;
        stdv[e] = sqrtf(variance > 0.0f ? variance : 0.0f);
        from = to;
    }
    return events;
}

/*
 * The band fill of banded-alignment.ts alignEventsBanded, bands 2.. (bands 0 and 1 and the -inf fill are done by the
 * caller). Bands are stored with stride bandwidth + 2, cell offset o at band * stride + 1 + o.
 */
EA_TARGET_CLONES
void ea_fill_bands(const float *levels, int32_t eventFrom, int32_t eventCount, const double *kmerMean,
                   const double *kmerInverseStdv, const double *kmerLogNorm, int32_t kmerFrom, int32_t kmerCount,
                   int32_t bandwidth, double logStep, double logStay, double logSkip, double logTrim,
                   double logBadEvent, float *scores, uint8_t *trace, int32_t *llEvent, int32_t *llKmer) {
    const int64_t stride = bandwidth + 2;
    const int64_t bandCount = (int64_t)eventCount + 1 + kmerCount + 1;
    for (int64_t band = 2; band < bandCount; band++) {
        const int64_t previous = (band - 1) * stride + 1;
        const float lowerLeft = scores[previous];
        const float upperRight = scores[previous + bandwidth - 1];
        const int right = (lowerLeft == -INFINITY && upperRight == -INFINITY) ? (band % 2 == 1) : (lowerLeft < upperRight);
        if (right) {
            llEvent[band] = llEvent[band - 1];
            llKmer[band] = llKmer[band - 1] + 1;
        } else {
            llEvent[band] = llEvent[band - 1] + 1;
            llKmer[band] = llKmer[band - 1];
        }
        const int32_t bandEvent = llEvent[band];
        const int32_t bandKmer = llKmer[band];
        const int64_t base = band * stride + 1;
        const int32_t trimOffset = -1 - bandKmer;
        if (trimOffset >= 0 && trimOffset < bandwidth) {
            const int32_t event = bandEvent - trimOffset;
            if (event >= 0 && event < eventCount) {
                scores[base + trimOffset] = (float)(logTrim * (event + 1));
                trace[base + trimOffset] = 1;
            }
        }
        int32_t minOffset = -bandKmer;
        if (bandEvent - (eventCount - 1) > minOffset) minOffset = bandEvent - (eventCount - 1);
        if (minOffset < 0) minOffset = 0;
        int32_t maxOffset = kmerCount - bandKmer;
        if (bandEvent + 1 < maxOffset) maxOffset = bandEvent + 1;
        if (bandwidth < maxOffset) maxOffset = bandwidth;
        const float *up = scores + previous + llEvent[band - 1] - bandEvent + 1;
        const float *left = scores + previous + bandKmer - llKmer[band - 1] - 1;
        const float *diag = scores + (band - 2) * stride + 1 + bandKmer - llKmer[band - 2] - 1;
        float *out = scores + base;
        uint8_t *from = trace + base;
        /* Cell at offset o: event bandEvent - o, k-mer bandKmer + o. */
        const float *level = levels + eventFrom + bandEvent;
        const double *mean = kmerMean + kmerFrom + bandKmer;
        const double *inverseStdv = kmerInverseStdv + kmerFrom + bandKmer;
        const double *logNorm = kmerLogNorm + kmerFrom + bandKmer;
        for (int32_t o = minOffset; o < maxOffset; o++) {
            const double z = ((double)level[-o] - mean[o]) * inverseStdv[o];
            double emission = logNorm[o] - 0.5 * z * z;
            uint8_t bad = 0;
            if (emission < logBadEvent) {
                emission = logBadEvent;
                bad = 4;
            }
            const double scoreDiag = (double)diag[o] + logStep + emission;
            const double scoreUp = (double)up[o] + logStay + emission;
            const double scoreLeft = (double)left[o] + logSkip;
            double best = scoreDiag;
            uint8_t move = (uint8_t)(0 | bad);
            if (scoreUp >= best) {
                best = scoreUp;
                move = (uint8_t)(1 | bad);
            }
            if (scoreLeft >= best) {
                best = scoreLeft;
                move = 2;
            }
            out[o] = (float)best;
            from[o] = move;
        }
    }
}
