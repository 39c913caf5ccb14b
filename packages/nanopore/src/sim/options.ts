/**
 * Every setting of a simulation, with the defaults of the "default difficulty" (docs/tools/signal-sim.md): a 5 pA
 * shift, no dwell change, stoichiometry 0.5-1.0 on 10% of DRACH sites, 50 reads per transcript per condition,
 * basecalls about 93% identical to the molecule. params.json records these, all of them, for every run.
 */

export interface SimulationOptions {
  /** Seed of every random stream (a whole number, 0 to 2^53-1). */
  seed: number;
  /** Pore model: a preset name (`rna002`) or a model file in nanopolish's format. */
  pore: string;

  /** Random transcriptome: how many transcripts and their length range (ignored when a FASTA is given). */
  transcripts: number;
  transcriptMinLengthBp: number;
  transcriptMaxLengthBp: number;

  /** Reads of each condition per transcript (the depth); with weights, the total is drawn by weight instead. */
  readsPerCondition: number;
  /** Fraction of reads that lose their 5' end (RNA is read 3'→5', so a read cut short misses the 5' part). */
  partialFraction: number;
  /** Shortest partial read (bases); transcripts no longer than this give full-length reads only. */
  minReadLengthBp: number;

  /** Current shift (pA) of every k-mer covering a modified site, in reads where the site is modified. */
  shiftPicoamps: number;
  /** Dwell time multiplier of those k-mers. */
  dwellFactor: number;
  /** A modified site's stoichiometry is drawn uniformly from [min, max] (equal values: one stoichiometry). */
  stoichiometryMin: number;
  stoichiometryMax: number;
  /** Fraction of DRACH sites that are modified. */
  fractionModifiedSites: number;

  /** Multiplies the pore model's level standard deviation (squigulator's amplitude noise); 0 gives ideal levels. */
  noise: number;
  /** Samples per k-mer ~ round(N(mean, sd)); defaults from the pore's device profile. */
  dwellMeanSamples: number;
  dwellStandardDeviationSamples: number;

  /** The leader before the molecule in acquisition order: adaptor and poly(A) (squigulator's --prefix=yes). */
  leader: boolean;
  polyAMinLengthBp: number;
  polyAMaxLengthBp: number;

  /** Basecall errors, per base of the molecule: substitution, deletion, and an insertion after it. */
  substitutionRate: number;
  insertionRate: number;
  deletionRate: number;
}

export const DEFAULT_SIMULATION_OPTIONS: Readonly<SimulationOptions> = {
  seed: 1,
  pore: 'rna002',
  transcripts: 20,
  transcriptMinLengthBp: 500,
  transcriptMaxLengthBp: 2000,
  readsPerCondition: 50,
  partialFraction: 0.3,
  minReadLengthBp: 200,
  shiftPicoamps: 5,
  dwellFactor: 1,
  stoichiometryMin: 0.5,
  stoichiometryMax: 1,
  fractionModifiedSites: 0.1,
  noise: 1,
  dwellMeanSamples: 43,
  dwellStandardDeviationSamples: 35,
  leader: true,
  polyAMinLengthBp: 30,
  polyAMaxLengthBp: 120,
  substitutionRate: 0.03,
  insertionRate: 0.015,
  deletionRate: 0.025,
};

/** A description of what is wrong with `options`, or undefined (the CLI turns it into a usage error). */
export function simulationOptionsProblem(options: SimulationOptions): string | undefined {
  const checks: [boolean, string][] = [
    [Number.isSafeInteger(options.seed) && options.seed >= 0, 'the seed must be a whole number from 0 to 2^53-1'],
    [Number.isInteger(options.transcripts) && options.transcripts >= 1, 'at least one transcript'],
    [
      Number.isInteger(options.transcriptMinLengthBp) &&
        options.transcriptMinLengthBp >= 20 &&
        options.transcriptMaxLengthBp >= options.transcriptMinLengthBp,
      'transcript lengths: a range min-max with 20 <= min <= max',
    ],
    [Number.isInteger(options.readsPerCondition) && options.readsPerCondition >= 1, 'at least one read per condition'],
    [options.partialFraction >= 0 && options.partialFraction <= 1, 'the partial-read fraction is from 0 to 1'],
    [Number.isInteger(options.minReadLengthBp) && options.minReadLengthBp >= 20, 'the shortest read is at least 20 bases'],
    [Number.isFinite(options.shiftPicoamps), 'the shift is a number of pA'],
    [options.dwellFactor > 0, 'the dwell factor is above 0'],
    [
      options.stoichiometryMin >= 0 && options.stoichiometryMax <= 1 && options.stoichiometryMin <= options.stoichiometryMax,
      'stoichiometry: one value or a range min-max within 0-1',
    ],
    [options.fractionModifiedSites >= 0 && options.fractionModifiedSites <= 1, 'the fraction of modified sites is from 0 to 1'],
    [options.noise >= 0, 'noise is 0 or more'],
    [options.dwellMeanSamples > 0 && options.dwellStandardDeviationSamples >= 0, 'dwell: a mean above 0 and a deviation of 0 or more'],
    [
      Number.isInteger(options.polyAMinLengthBp) && options.polyAMinLengthBp >= 0 && options.polyAMaxLengthBp >= options.polyAMinLengthBp,
      'poly(A) lengths: a range min-max with 0 <= min <= max',
    ],
    [
      [options.substitutionRate, options.insertionRate, options.deletionRate].every((rate) => rate >= 0 && rate < 1) &&
        options.substitutionRate + options.deletionRate < 1,
      'basecall error rates are from 0 to below 1 (substitution + deletion below 1)',
    ],
  ];
  return checks.find(([ok]) => !ok)?.[1];
}
