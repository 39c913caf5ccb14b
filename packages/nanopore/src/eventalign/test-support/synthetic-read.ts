/**
 * Synthetic direct-RNA reads with known truth, for the eventalign tests and the nanopolish comparison script
 * (tools/src/eventalign-compare.ts): squigulator's method (hasindu2008/squigulator src/gensig.c) on a random
 * reference. Per k-mer a dwell of round(N(mean, sd)) samples (reflected to 1 - n when below 1) at level
 * N(scale x level_mean + shift, level_stdv x noise); a leader (adaptor-like levels, then poly(A)) before the molecule;
 * RNA: the signal is acquired 3'->5', so the molecule's samples are reversed. Basecalls are the reference with
 * substitutions, insertions and deletions at set rates, and the CIGAR that aligns them to it.
 */
import { kmerRank, type PoreModel } from '../../pore-model.js';
import type { ReadToAlign } from '../types.js';

/** A small seeded generator (mulberry32) with normal deviates (Box-Muller). */
export class Random {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(mean = 0, stdv = 1): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return mean + stdv * value;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return mean + stdv * radius * Math.cos(2 * Math.PI * v);
  }
  base(): string {
    return 'ACGT'[Math.floor(this.next() * 4)];
  }
}

export interface SyntheticReadOptions {
  seed: number;
  /** Bases of the molecule (the reference). */
  referenceLength: number;
  /** Default: a random sequence of referenceLength bases. */
  reference?: string;
  samplingRate?: number;
  /** squigulator's rna-r9-min profile: dwell N(43, 35) samples per k-mer. */
  dwellMeanSamples?: number;
  dwellStdvSamples?: number;
  /** Uniform dwell in [min, max] samples instead of the normal one. */
  dwellRangeSamples?: readonly [number, number];
  shiftPa?: number;
  scale?: number;
  /** Multiplies each k-mer's level_stdv for the sample noise. */
  noise?: number;
  /** Samples of adaptor-like levels and of poly(A) before the molecule (acquisition order). */
  adaptorSamples?: number;
  polyASamples?: number;
  substitutionRate?: number;
  insertionRate?: number;
  deletionRate?: number;
  rna?: boolean;
}

export interface SyntheticRead {
  read: ReadToAlign;
  /** Per raw sample (acquisition order): the reference k-mer (0-based first base) that made it, -1 in the leader. */
  truthKmerOfSample: Int32Array;
  /** Samples before the molecule's first sample in acquisition order. */
  leaderSamples: number;
}

const OP_MATCH = 0;
const OP_INSERTION = 1;
const OP_DELETION = 2;

export function syntheticRead(model: PoreModel, options: SyntheticReadOptions): SyntheticRead {
  const random = new Random(options.seed);
  const k = model.k;
  const rna = options.rna ?? true;
  const samplingRate = options.samplingRate ?? 3012;
  const dwellMean = options.dwellMeanSamples ?? 43;
  const dwellStdv = options.dwellStdvSamples ?? 35;
  const shift = options.shiftPa ?? 0;
  const scale = options.scale ?? 1;
  const noise = options.noise ?? 1;
  let reference = options.reference ?? '';
  if (reference === '') for (let i = 0; i < options.referenceLength; i++) reference += random.base();
  const kmerCount = reference.length - k + 1;

  // The molecule's samples 5'->3', with their k-mer.
  const moleculeSamples: number[] = [];
  const moleculeKmers: number[] = [];
  for (let kmer = 0; kmer < kmerCount; kmer++) {
    const rank = kmerRank(reference, kmer, k);
    let dwell: number;
    if (options.dwellRangeSamples !== undefined) {
      const [low, high] = options.dwellRangeSamples;
      dwell = low + Math.floor(random.next() * (high - low + 1));
    } else {
      dwell = Math.round(random.normal(dwellMean, dwellStdv));
      if (dwell < 1) dwell = 1 - dwell;
    }
    const level = scale * model.levelMean[rank] + shift;
    const stdv = model.levelStdv[rank] * noise;
    for (let i = 0; i < dwell; i++) {
      moleculeSamples.push(random.normal(level, stdv));
      moleculeKmers.push(kmer);
    }
  }
  // The leader in acquisition order: adaptor-like steps, then poly(A) at the AAAAA level.
  const leader: number[] = [];
  const adaptorSamples = options.adaptorSamples ?? 1500;
  while (leader.length < adaptorSamples) {
    const rank = Math.floor(random.next() * model.levelMean.length);
    const dwell = Math.max(1, Math.round(random.normal(dwellMean, dwellStdv / 2)));
    for (let i = 0; i < dwell && leader.length < adaptorSamples; i++)
      leader.push(random.normal(scale * model.levelMean[rank] + shift, model.levelStdv[rank] * noise));
  }
  const polyARank = kmerRank('AAAAA'.slice(0, k).padEnd(k, 'A'), 0, k);
  for (let i = 0; i < (options.polyASamples ?? 1000); i++)
    leader.push(random.normal(scale * model.levelMean[polyARank] + shift, model.levelStdv[polyARank] * noise));

  const total = leader.length + moleculeSamples.length;
  const signalPa = new Float32Array(total);
  const truthKmerOfSample = new Int32Array(total).fill(-1);
  // DNA reads are acquired 5'->3' with the leader first as well; RNA reads 3'->5'.
  signalPa.set(leader, 0);
  for (let i = 0; i < moleculeSamples.length; i++) {
    const source = rna ? moleculeSamples.length - 1 - i : i;
    signalPa[leader.length + i] = moleculeSamples[source];
    truthKmerOfSample[leader.length + i] = moleculeKmers[source];
  }

  // Basecalls: no errors in the first and last 5 bases, so the alignment starts and ends on a match.
  let readSequence = '';
  const ops: number[] = [];
  const push = (op: number): void => {
    const last = ops.length - 1;
    if (last >= 0 && (ops[last] & 0xf) === op) ops[last] += 16;
    else ops.push((1 << 4) | op);
  };
  for (let position = 0; position < reference.length; position++) {
    const interior = position >= 5 && position < reference.length - 5;
    if (interior && random.next() < (options.insertionRate ?? 0)) {
      readSequence += random.base();
      push(OP_INSERTION);
    }
    if (interior && random.next() < (options.deletionRate ?? 0)) {
      push(OP_DELETION);
      continue;
    }
    let base = reference[position];
    if (interior && random.next() < (options.substitutionRate ?? 0)) while (base === reference[position]) base = random.base();
    readSequence += base;
    push(OP_MATCH);
  }
  return {
    read: {
      readName: `synthetic-${options.seed}`,
      signalPa,
      samplingRate,
      readSequence,
      referenceName: 'synthetic',
      referenceStart: 0,
      cigar: Uint32Array.from(ops),
      referenceSequence: reference,
      rna,
    },
    truthKmerOfSample,
    leaderSamples: leader.length,
  };
}

/**
 * The fraction of the molecule's samples (leader excluded) that `assigned` puts on their true k-mer. `assigned` maps
 * raw sample -> reference k-mer position (-1: unassigned, which counts as wrong).
 */
export function sampleAccuracy(truth: Int32Array, assigned: Int32Array): number {
  let molecule = 0;
  let right = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    molecule++;
    if (assigned[i] === truth[i]) right++;
  }
  return right / molecule;
}
