/*
 * The two hot loops of the eventalign core in C, and the TSV row writer, loaded through koffi (src/eventalign/native.ts) when the build could
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The TSV rows of one read, as src/eventalign/tsv.ts writeEventalignRows writes them (that is the reference; a test
 * compares the bytes). Why in C: the rows are a third of an eventalign run's CPU in TypeScript (seven numbers a row,
 * every one a C format), and glibc's digits are one rint away here.
 *
 * %.Nf: a float32 times 10^N (N <= 9) is an exact double (24-bit mantissa times 5^N < 2^21), so rint (ties to even,
 * the default rounding mode) gives printf's digits; anything larger, or not finite, goes through snprintf (nan
 * unsigned, as the TypeScript prints it). %g (the samples) is snprintf's.
 *
 * `out` must hold the bound tsv.ts computes; returns the bytes written, or -1 (a k-mer before the reference start, or no
 * memory) for the TypeScript to write the rows instead.
 */
static const double EA_POW10[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const uint64_t EA_IPOW10[10] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
                                        100000000ull, 1000000000ull};

static inline uint8_t *ea_put_uint(uint8_t *p, uint64_t value, int width) {
    uint8_t digits[24];
    int n = 0;
    do {
        digits[n++] = (uint8_t)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (n < width) digits[n++] = '0';
    while (n > 0) *p++ = digits[--n];
    return p;
}

static inline uint8_t *ea_put_int(uint8_t *p, int64_t value) {
    if (value < 0) {
        *p++ = '-';
        return ea_put_uint(p, (uint64_t)(-(value + 1)) + 1, 1);
    }
    return ea_put_uint(p, (uint64_t)value, 1);
}

static inline uint8_t *ea_put_fixed(uint8_t *p, float value, int decimals) {
    double v = (double)value;
    if (isnan(v)) {
        memcpy(p, "nan", 3);
        return p + 3;
    }
    double scaled = fabs(v) * EA_POW10[decimals];
    if (!isinf(v) && scaled < 9007199254740992.0) {
        uint64_t units = (uint64_t)rint(scaled);
        if (signbit(v)) *p++ = '-';
        p = ea_put_uint(p, units / EA_IPOW10[decimals], 1);
        *p++ = '.';
        return ea_put_uint(p, units % EA_IPOW10[decimals], decimals);
    }
    return p + snprintf((char *)p, 64, "%.*f", decimals, v);
}

int64_t ea_format_rows(uint8_t *out, int32_t count, const int32_t *referencePosition, const int32_t *eventIndex,
                       const float *levelMean, const float *levelStdv, const float *lengthSeconds,
                       const int32_t *modelKmerRank, const float *modelMean, const float *modelStdv,
                       const float *standardizedLevel, const int32_t *startSample, const int32_t *endSample,
                       const uint8_t *contig, int32_t contigLength, const uint8_t *readColumn, int32_t readColumnLength,
                       const uint8_t *kmerBases, int32_t kmerBasesLength, int32_t referenceStart, int32_t k,
                       int32_t signalIndex, int32_t samples, const float *signal, double shift, double scale,
                       double drift, double rate) {
    uint8_t *p = out;
    int32_t kmerPosition = -1;
    /* A k-mer's events are consecutive rows: its first columns are built once. */
    int64_t prefixCapacity = (int64_t)contigLength + readColumnLength + k + 11 + 6;
    uint8_t *prefix = malloc((size_t)prefixCapacity);
    if (prefix == NULL) return -1;
    int64_t prefixLength = 0;
    for (int32_t e = 0; e < count; e++) {
        if (e == 0 || referencePosition[e] != kmerPosition) {
            kmerPosition = referencePosition[e];
            int64_t offset = (int64_t)kmerPosition - referenceStart;
            if (offset < 0) {
                free(prefix);
                return -1;
            }
            int64_t end = offset + k < kmerBasesLength ? offset + k : kmerBasesLength;
            int64_t kmerLength = end > offset ? end - offset : 0;
            uint8_t *q = prefix;
            memcpy(q, contig, (size_t)contigLength);
            q += contigLength;
            *q++ = '\t';
            q = ea_put_int(q, kmerPosition);
            *q++ = '\t';
            if (kmerLength > 0) memcpy(q, kmerBases + offset, (size_t)kmerLength);
            q += kmerLength;
            *q++ = '\t';
            memcpy(q, readColumn, (size_t)readColumnLength);
            q += readColumnLength;
            *q++ = '\t';
            *q++ = 't';
            *q++ = '\t';
            prefixLength = q - prefix;
        }
        memcpy(p, prefix, (size_t)prefixLength);
        p += prefixLength;
        p = ea_put_int(p, eventIndex[e]);
        *p++ = '\t';
        p = ea_put_fixed(p, levelMean[e], 2);
        *p++ = '\t';
        p = ea_put_fixed(p, levelStdv[e], 3);
        *p++ = '\t';
        p = ea_put_fixed(p, lengthSeconds[e], 5);
        *p++ = '\t';
        int32_t rank = modelKmerRank[e];
        for (int32_t i = k - 1; i >= 0; i--) *p++ = rank < 0 ? 'N' : "ACGT"[((uint64_t)rank >> (2 * i)) & 3];
        *p++ = '\t';
        p = ea_put_fixed(p, modelMean[e], 2);
        *p++ = '\t';
        p = ea_put_fixed(p, modelStdv[e], 2);
        *p++ = '\t';
        p = ea_put_fixed(p, standardizedLevel[e], 2);
        if (signalIndex) {
            *p++ = '\t';
            p = ea_put_int(p, startSample[e]);
            *p++ = '\t';
            p = ea_put_int(p, endSample[e]);
        }
        if (samples) {
            *p++ = '\t';
            for (int32_t i = startSample[e]; i < endSample[e]; i++) {
                if (i > startSample[e]) *p++ = ',';
                float value = (float)(((double)signal[i] - shift - ((double)i / rate) * drift) / scale);
                if (isnan(value)) {
                    memcpy(p, "nan", 3);
                    p += 3;
                } else {
                    p += snprintf((char *)p, 16, "%g", (double)value);
                }
            }
        }
        *p++ = '\n';
    }
    free(prefix);
    return p - out;
}
