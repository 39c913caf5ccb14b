/**
 * Device profiles: how a flow cell turns current into numbers and how fast the strand moves. The values are
 * squigulator's (hasindu2008/squigulator `src/sim.c`, `docs/profile.md`), measured there on real data.
 */

export interface SignalProfile {
  /** The profile's name in squigulator (`rna-r9-min`). */
  readonly name: string;
  /** ADC levels over the range: raw = pA * digitisation / range - offset. */
  readonly digitisation: number;
  /** Samples per second (Hz). */
  readonly samplingRateHz: number;
  /** Current range of the ADC (pA). */
  readonly rangePicoamps: number;
  /** Per-read offset ~ N(mean, sd), in raw units. */
  readonly offsetMean: number;
  readonly offsetStandardDeviation: number;
  /** The `median_before` aux field (open-pore current, pA) ~ N(mean, sd). */
  readonly medianBeforeMean: number;
  readonly medianBeforeStandardDeviation: number;
  /** Samples per k-mer ~ round(N(mean, sd)), reflected to -n + 1 when below 1 (squigulator's gensig.c). */
  readonly dwellMeanSamples: number;
  readonly dwellStandardDeviationSamples: number;
  /** SLOW5 header: `experiment_type` and `sequencing_kit` (nanopolish reads these to treat a read as RNA). */
  readonly experimentType: string;
  readonly sequencingKit: string;
}

/** squigulator's `rna-r9-min` (R9.4.1 RNA002 on a MinION or GridION). */
export const RNA_R9_MINION: SignalProfile = {
  name: 'rna-r9-min',
  digitisation: 8192,
  samplingRateHz: 3012,
  rangePicoamps: 1126.47,
  offsetMean: 4.65491888,
  offsetStandardDeviation: 4.115262472,
  medianBeforeMean: 242.6584118,
  medianBeforeStandardDeviation: 10.60230888,
  dwellMeanSamples: 43,
  dwellStandardDeviationSamples: 35,
  experimentType: 'rna',
  sequencingKit: 'sqk-rna002',
};

/** The device profile of each pore preset; a model given by path uses the default preset's profile. */
export const PROFILE_OF_PORE: Readonly<Record<string, SignalProfile>> = {
  rna002: RNA_R9_MINION,
};

/** The device profile for a pore preset or model file. */
export function profileOf(pore: string): SignalProfile {
  return PROFILE_OF_PORE[pore] ?? RNA_R9_MINION;
}
