/**
 * One simulated read, from plan to signal, basecalls and alignment, following squigulator's method
 * (hasindu2008/squigulator `src/gensig.c`, `src/genread.c`) with planted modifications and a full truth.
 *
 * The molecule is the transcript's [start, end) (0-based, half-open; `end` is always the transcript's 3' end, since
 * direct RNA enters the pore 3' end first and a read cut short loses its 5' part). The strand that passes the pore
 * is, 5'→3', molecule + poly(A) + adaptor + stall (squigulator's RNA prefix); its k-mers pass 3'→5', so in
 * acquisition order the signal is: the leader (stall, adaptor 30 pA lower, poly(A), the k-mers that straddle the
 * molecule's 3' end), then the molecule's k-mers from position end-k down to start. Each k-mer dwells
 * round(N(dwell mean, sd)) samples (reflected to -n+1 when below 1) and each sample is N(level mean, level sd * noise)
 * pA; a k-mer that contains a base modified in this read has its level mean shifted by `shiftPicoamps` (once, however
 * many modified bases it holds) and its dwell multiplied by `dwellFactor`. Raw = round(pA * digitisation / range -
 * offset) with a per-read offset (squigulator truncates toward zero; rounding keeps decoded pA unbiased).
 */
import { CigarOp, encodeRecord, type BamRecord } from '@shoal/hts';
import { BASE_RANK, type PoreModel } from '../pore-model.js';
import type { SimulationOptions } from './options.js';
import type { SignalProfile } from './profile.js';
import { Random, Stream } from './random.js';
import type { SiteTable, Transcript } from './transcriptome.js';

export const CONDITIONS = ['native', 'ivt'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** squigulator's RNA adaptor (`adaptor_rna`, genread.c), ligated after the poly(A); read first. */
export const RNA_ADAPTOR = 'TGATGATGAGGGATAGACGATGGTTGTTTCTGTTGGTGCTGATATTGCTTTTTTTTTTTTTATGATGCAAGATACGCAC';
/** squigulator's stall sequence, the first thing the pore sees (gen_prefix_rna). */
export const RNA_STALL = 'AAAAAGAAAAAACCCCCCCCCCCCCCCCCC';
/** The adaptor's current is this much below its k-mers' model levels (squigulator lowers it by 30 pA). */
export const ADAPTOR_SHIFT_PICOAMPS = 30;
/** Insertions are 1 base, plus one more with this probability each time (geometric lengths, mean 1.33). */
const INSERTION_EXTEND_PROBABILITY = 0.25;
/** Base qualities (Phred): right bases ~ N(12, 3), wrong or inserted ones ~ N(6, 2), as RNA002 basecalls look. */
const QUALITY_RIGHT = { mean: 12, sd: 3 };
const QUALITY_WRONG = { mean: 6, sd: 2 };
const QUALITY_MAX = 40;

/** Everything a read needs that is the same for every read of a run. */
export interface SimulationContext {
  readonly options: SimulationOptions;
  readonly model: PoreModel;
  readonly profile: SignalProfile;
  readonly transcripts: readonly Transcript[];
  readonly sites: SiteTable;
  /** Transcripts that reads come from (long enough to hold a k-mer twice over), in transcript order. */
  readonly eligible: Int32Array;
  /** Cumulative relative abundances over `eligible` (last = 1), or undefined: every transcript gets exactly the depth. */
  readonly cumulativeWeights?: Float64Array;
}

/** Reads of each condition in a run. */
export function readsPerConditionTotal(context: SimulationContext): number {
  return context.options.readsPerCondition * context.eligible.length;
}

export interface ReadPlan {
  readonly condition: Condition;
  /** 0-based, within the condition. */
  readonly readIndex: number;
  readonly readId: string;
  readonly transcriptIndex: number;
  /** The molecule on the transcript, 0-based half-open. */
  readonly start: number;
  readonly end: number;
  /** DRACH sites on the molecule: site indices [firstSite, endSite) of the site table. */
  readonly firstSite: number;
  readonly endSite: number;
  /** Site indices modified in this read (native only), ascending. */
  readonly modifiedSites: Int32Array;
  /** The molecule, 5'→3', ACGT only (other letters of the transcript drawn at random). */
  readonly molecule: string;
}

/** A UUID-shaped read id (version 4 layout) from four draws, as ONT's read ids look. */
function readIdFrom(random: Random): string {
  const words = [random.nextUint32(), random.nextUint32(), random.nextUint32(), random.nextUint32()];
  words[1] = ((words[1] & 0xffff0fff) | 0x4000) >>> 0;
  words[2] = ((words[2] & 0x3fffffff) | 0x80000000) >>> 0;
  const hex = words.map((word) => word.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** First index in `values[from, to)` whose value is >= `target`. */
function lowerBound(values: Int32Array, from: number, to: number, target: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Which transcript, which part of it, and which sites are modified: all from the read's plan stream. Every DRACH site
 * on the molecule draws one number whether or not it is modified, so runs that differ only in stoichiometry or in
 * the fraction of modified sites agree on everything else, and a higher stoichiometry only adds modified reads.
 */
export function planRead(context: SimulationContext, condition: Condition, readIndex: number): ReadPlan {
  const { options, transcripts, sites, eligible } = context;
  const random = Random.stream(options.seed, Stream.plan, CONDITIONS.indexOf(condition), readIndex);
  const readId = readIdFrom(random);
  let slot: number;
  if (context.cumulativeWeights === undefined) {
    slot = readIndex % eligible.length;
  } else {
    // The first slot whose cumulative weight exceeds the draw (binary search: transcriptomes hold 10^5 transcripts).
    const draw = random.uniform();
    const weights = context.cumulativeWeights;
    let low = 0;
    let high = weights.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (weights[middle] <= draw) low = middle + 1;
      else high = middle;
    }
    slot = low;
  }
  const transcriptIndex = eligible[slot];
  const sequence = transcripts[transcriptIndex].sequence;
  const length = sequence.length;
  const partial = random.uniform() < options.partialFraction;
  const shortest = Math.min(options.minReadLengthBp, length);
  const readLength = partial && shortest < length ? random.integerBetween(shortest, length - 1) : length;
  const start = length - readLength;
  const end = length;
  const transcriptFirst = sites.firstSite[transcriptIndex];
  const transcriptEnd = sites.firstSite[transcriptIndex + 1];
  const firstSite = lowerBound(sites.position, transcriptFirst, transcriptEnd, start);
  const endSite = lowerBound(sites.position, firstSite, transcriptEnd, end);
  const modified: number[] = [];
  for (let site = firstSite; site < endSite; site++) {
    const draw = random.uniform();
    if (condition === 'native' && sites.modified[site] && draw < sites.stoichiometry[site]) modified.push(site);
  }
  let molecule = sequence.slice(start, end);
  if (!/^[ACGT]*$/.test(molecule)) molecule = molecule.replace(/[^ACGT]/g, () => 'ACGT'[random.below(4)]);
  return {
    condition,
    readIndex,
    readId,
    transcriptIndex,
    start,
    end,
    firstSite,
    endSite,
    modifiedSites: Int32Array.from(modified),
    molecule,
  };
}

export interface ReadSignal {
  /** Raw ADC values in acquisition order. */
  readonly rawSignal: Int16Array;
  /** The SLOW5 offset: pA = (raw + offset) * range / digitisation. */
  readonly offset: number;
  readonly medianBefore: number;
  /** Samples before the molecule's first k-mer (the leader). */
  readonly leaderSamples: number;
  readonly polyALengthBp: number;
  /**
   * Sample boundaries of the molecule's k-mers in acquisition order: k-mer i (position end-k-i) has samples
   * [boundaries[i], boundaries[i+1]); boundaries[0] = leaderSamples, the last = the signal's length.
   */
  readonly kmerBoundaries: Int32Array;
}

/** The signal of a planned read. */
export function simulateSignal(context: SimulationContext, plan: ReadPlan): ReadSignal {
  const { options, model, profile } = context;
  const k = model.k;
  const conditionLabel = CONDITIONS.indexOf(plan.condition);
  const streams = (label: number): Random => Random.stream(options.seed, label, conditionLabel, plan.readIndex);
  const leaderRandom = streams(Stream.leader);
  const polyALengthBp = options.leader ? leaderRandom.integerBetween(options.polyAMinLengthBp, options.polyAMaxLengthBp) : 0;
  const moleculeLength = plan.molecule.length;
  const strand = options.leader ? plan.molecule + 'A'.repeat(polyALengthBp) + RNA_ADAPTOR + RNA_STALL : plan.molecule;
  const kmerCount = strand.length - k + 1;
  const moleculeKmers = moleculeLength - k + 1;
  if (moleculeKmers < 1) throw new Error(`a molecule of ${moleculeLength} bases holds no ${k}-mer`);

  // Per strand k-mer (index j = its first base on the strand): rank, level shift, and whether it is modified.
  const ranks = new Int32Array(kmerCount);
  let rank = 0;
  const mask = 4 ** k;
  for (let i = 0; i < strand.length; i++) {
    rank = (rank * 4 + BASE_RANK[strand.charCodeAt(i)]) % mask;
    if (i >= k - 1) ranks[i - k + 1] = rank;
  }
  const modifiedKmer = new Uint8Array(kmerCount);
  for (const site of plan.modifiedSites) {
    const local = context.sites.position[site] - plan.start;
    for (let j = Math.max(0, local - k + 1); j <= Math.min(local, kmerCount - 1); j++) modifiedKmer[j] = 1;
  }
  const adaptorFirst = moleculeLength + polyALengthBp;
  const adaptorEnd = adaptorFirst + (options.leader ? RNA_ADAPTOR.length : 0);

  // Dwell per k-mer in acquisition order (strand k-mer j = kmerCount-1-a).
  const dwellRandom = streams(Stream.dwell);
  const dwells = new Int32Array(kmerCount);
  let totalSamples = 0;
  for (let a = 0; a < kmerCount; a++) {
    let samples = Math.round(dwellRandom.gaussian(options.dwellMeanSamples, options.dwellStandardDeviationSamples));
    if (samples < 1) samples = -samples + 1;
    if (modifiedKmer[kmerCount - 1 - a] && options.dwellFactor !== 1) samples = Math.max(1, Math.round(samples * options.dwellFactor));
    dwells[a] = samples;
    totalSamples += samples;
  }

  const digitiserRandom = streams(Stream.digitiser);
  const offset = digitiserRandom.gaussian(profile.offsetMean, profile.offsetStandardDeviation);
  const medianBefore = digitiserRandom.gaussian(profile.medianBeforeMean, profile.medianBeforeStandardDeviation);
  const rawPerPicoamp = profile.digitisation / profile.rangePicoamps;

  const levelRandom = streams(Stream.level);
  const rawSignal = new Int16Array(totalSamples);
  const kmerBoundaries = new Int32Array(moleculeKmers + 1);
  const leaderKmers = kmerCount - moleculeKmers;
  let sample = 0;
  for (let a = 0; a < kmerCount; a++) {
    const j = kmerCount - 1 - a;
    if (a >= leaderKmers) kmerBoundaries[a - leaderKmers] = sample;
    let mean = model.levelMean[ranks[j]];
    if (modifiedKmer[j]) mean += options.shiftPicoamps;
    if (j >= adaptorFirst && j < adaptorEnd) mean -= ADAPTOR_SHIFT_PICOAMPS;
    const standardDeviation = model.levelStdv[ranks[j]] * options.noise;
    for (let end = sample + dwells[a]; sample < end; sample++) {
      const raw = Math.round(levelRandom.gaussian(mean, standardDeviation) * rawPerPicoamp - offset);
      rawSignal[sample] = raw > 32767 ? 32767 : raw < -32768 ? -32768 : raw;
    }
  }
  kmerBoundaries[moleculeKmers] = sample;
  return { rawSignal, offset, medianBefore, leaderSamples: kmerBoundaries[0], polyALengthBp, kmerBoundaries };
}

export interface Basecalls {
  /** The called bases, 5'→3', T for U. */
  readonly sequence: string;
  /** Phred values. */
  readonly qualities: Uint8Array;
  /** The alignment of the calls to the transcript, packed BAM CIGAR ops (M, I, D), starting at the molecule's start. */
  readonly cigar: Uint32Array;
  /** Edit distance to the molecule (SAM's NM): substituted, inserted and deleted bases. */
  readonly editDistance: number;
}

const OTHER_BASES: Record<string, string> = { A: 'CGT', C: 'AGT', G: 'ACT', T: 'ACG' };

function quality(random: Random, shape: { mean: number; sd: number }): number {
  const value = Math.round(random.gaussian(shape.mean, shape.sd));
  return value < 1 ? 1 : value > QUALITY_MAX ? QUALITY_MAX : value;
}

/**
 * Basecalls of the molecule with errors: each base is deleted (rate d) or substituted (rate s), and an insertion
 * (rate i, 1+ random bases) may follow a base that was called. The first and last bases are never deleted and
 * nothing is inserted after the last, so the alignment starts and ends with a match, as an aligner would report it.
 */
export function simulateBasecalls(context: SimulationContext, plan: ReadPlan): Basecalls {
  const { options } = context;
  const random = Random.stream(options.seed, Stream.basecall, CONDITIONS.indexOf(plan.condition), plan.readIndex);
  const molecule = plan.molecule;
  const bases: string[] = [];
  const qualities: number[] = [];
  const ops: number[] = [];
  let editDistance = 0;
  const push = (op: number): void => {
    const last = ops.length - 1;
    if (last >= 0 && (ops[last] & 15) === op) ops[last] += 16;
    else ops.push((1 << 4) | op);
  };
  for (let i = 0; i < molecule.length; i++) {
    const edge = i === 0 || i === molecule.length - 1;
    const draw = random.uniform();
    const base = molecule[i];
    if (!edge && draw < options.deletionRate) {
      push(CigarOp.Deletion);
      editDistance++;
      continue;
    }
    if (draw < options.deletionRate + options.substitutionRate) {
      bases.push(OTHER_BASES[base][random.below(3)]);
      qualities.push(quality(random, QUALITY_WRONG));
      editDistance++;
    } else {
      bases.push(base);
      qualities.push(quality(random, QUALITY_RIGHT));
    }
    push(CigarOp.Match);
    if (i < molecule.length - 1 && random.uniform() < options.insertionRate) {
      do {
        bases.push('ACGT'[random.below(4)]);
        qualities.push(quality(random, QUALITY_WRONG));
        push(CigarOp.Insertion);
        editDistance++;
      } while (random.uniform() < INSERTION_EXTEND_PROBABILITY);
    }
  }
  return { sequence: bases.join(''), qualities: Uint8Array.from(qualities), cigar: Uint32Array.from(ops), editDistance };
}

/** The BAM record of a read: forward strand, MAPQ 60, the known alignment, SEQ and QUAL of the basecalls, NM, RG (the condition). */
export function alignmentRecord(plan: ReadPlan, calls: Basecalls): Uint8Array {
  const record: BamRecord = {
    readName: plan.readId,
    flag: 0,
    refId: plan.transcriptIndex,
    pos: plan.start,
    mapq: 60,
    cigar: calls.cigar,
    mateRefId: -1,
    matePos: -1,
    templateLength: 0,
    sequence: calls.sequence,
    qualities: calls.qualities,
    tags: [
      { name: 'NM', type: 'i', value: calls.editDistance },
      { name: 'RG', type: 'Z', value: plan.condition },
    ],
  };
  return encodeRecord(record);
}

/** The FASTQ entry of a read (Phred+33). */
export function fastqEntry(plan: ReadPlan, calls: Basecalls): string {
  let qualityText = '';
  for (let i = 0; i < calls.qualities.length; i++) qualityText += String.fromCharCode(calls.qualities[i] + 33);
  return `@${plan.readId}\n${calls.sequence}\n+\n${qualityText}\n`;
}

/** The per-read truth line (docs/formats.md, "Simulator truth"): NDJSON, one object, with its `\n`. */
export function truthLine(context: SimulationContext, plan: ReadPlan, signal: ReadSignal): string {
  const k = context.model.k;
  const modifiedPositions = Array.from(plan.modifiedSites, (site) => context.sites.position[site]);
  return (
    `{"read_id":"${plan.readId}","condition":"${plan.condition}","read_index":${plan.readIndex},` +
    `"contig":${JSON.stringify(context.transcripts[plan.transcriptIndex].name)},"start":${plan.start},"end":${plan.end},` +
    `"strand":"+","signal_length":${signal.rawSignal.length},"leader_samples":${signal.leaderSamples},` +
    `"polya_length":${signal.polyALengthBp},"modified_sites":[${modifiedPositions.join(',')}],` +
    `"kmer_first_position":${plan.end - k},"kmer_last_position":${plan.start},` +
    `"kmer_sample_boundaries":[${signal.kmerBoundaries.join(',')}]}\n`
  );
}
