/**
 * What `shoal mods` decides before any contig runs (baleen run_pipeline_streaming steps 2-4): the inputs checked and
 * indexed, the read-id intersection BAM ∩ FASTQ ∩ BLOW5 of each condition, per-contig statistics over the reads
 * that will produce signal, the depth filter with each contig's reason, and the seeded subsample of each contig's
 * reads. Everything here is a function of the inputs and the parameters only, so a resumed run, a run at another
 * --threads and the Snakemake workflow (which runs `shoal mods --plan-only` first) make the same plan.
 */
import {
  Blow5IndexedReader,
  Flag,
  HtsError,
  IndexedFastaReader,
  indexBam,
  isBedNonRecordLine,
  openAlignments,
  referenceLengthOf,
  describeFsError,
} from '@shoal/hts';
import { readNamesOf } from '@shoal/nanopore';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export type Condition = 'native' | 'ivt';
export const CONDITIONS: readonly Condition[] = ['native', 'ivt'];

export interface ConditionInputs {
  bam: string;
  fastq: string;
  blow5: string;
}

export type DepthMode = 'read_count' | 'mean_coverage';

export interface ReadSelection {
  minMapq: number;
  primaryOnly: boolean;
  readIntersection: boolean;
}

/** Per condition: how many reads each input holds and how many are in all three. */
export interface IntersectionCounts {
  blow5Reads: number;
  fastqReads: number;
  /** Distinct read names of BAM records that pass MAPQ (and primary-only). */
  bamReads: number;
  /** In the BAM (passing), the FASTQ and the BLOW5; equal to bamReads without the intersection. */
  kept: number;
  /** BAM reads left out, and the first of them. */
  notInFastq: number;
  notInBlow5: number;
  firstNotInFastq?: string;
  firstNotInBlow5?: string;
}

/** One contig in one condition: its kept reads and their aligned reference bases (for mean coverage). */
export interface ContigStats {
  reads: string[];
  alignedBases: number;
}

export interface ConditionPlan {
  counts: IntersectionCounts;
  /** Contig name → stats, for contigs with at least one kept read. */
  contigs: Map<string, ContigStats>;
}

/** A file that must exist and be a regular file; the message names it and what it is. */
export function requireInputFile(path: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw new HtsError(`cannot open the ${what}: ${describeFsError(error)}`, path);
  }
  if (!stat.isFile()) throw new HtsError(`the ${what} must be a regular file (it is indexed and read by several processes)`, path);
}

/** The indexes the per-contig tools need: .bai for each BAM, .idx for each BLOW5, .fai for the reference. */
export async function ensureIndexes(
  inputs: Record<Condition, ConditionInputs>,
  reference: string,
  log: (line: string) => void,
): Promise<void> {
  for (const condition of CONDITIONS) {
    const { bam, blow5 } = inputs[condition];
    if (!fs.existsSync(`${bam}.bai`)) {
      log(`indexing ${bam} (no .bai)`);
      await indexBam(bam);
    }
    if (!fs.existsSync(`${blow5}.idx`)) log(`indexing ${blow5} (no .idx)`);
    await (await Blow5IndexedReader.open(blow5, { buildIndex: true })).close();
  }
  IndexedFastaReader.open(reference).close();
}

/**
 * One pass over a condition's BAM: which reads pass the selection, which of them are in the FASTQ and the BLOW5,
 * and per contig the reads kept and their aligned bases. A read is counted on the contig of its first passing record.
 */
export async function planCondition(inputs: ConditionInputs, selection: ReadSelection): Promise<ConditionPlan> {
  let signalIds: Set<string> | undefined;
  let fastqNames: Set<string> | undefined;
  const counts: IntersectionCounts = { blow5Reads: 0, fastqReads: 0, bamReads: 0, kept: 0, notInFastq: 0, notInBlow5: 0 };
  if (selection.readIntersection) {
    const signals = await Blow5IndexedReader.open(inputs.blow5, { buildIndex: true });
    try {
      signalIds = new Set(signals.readIds());
    } finally {
      await signals.close();
    }
    fastqNames = await readNamesOf(inputs.fastq);
    counts.blow5Reads = signalIds.size;
    counts.fastqReads = fastqNames.size;
  }
  const contigs = new Map<string, ContigStats>();
  const seen = new Set<string>();
  const reader = await openAlignments(inputs.bam);
  try {
    const references = reader.header.references;
    const skipFlags = Flag.Unmapped | (selection.primaryOnly ? Flag.Secondary | Flag.Supplementary : 0);
    for await (const batch of reader.batches())
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        if ((record.flag & skipFlags) !== 0 || record.refId < 0 || record.mapq < selection.minMapq) continue;
        const name = record.readName;
        if (seen.has(name)) continue;
        seen.add(name);
        counts.bamReads++;
        if (fastqNames !== undefined && !fastqNames.has(name)) {
          counts.notInFastq++;
          counts.firstNotInFastq ??= name;
          continue;
        }
        if (signalIds !== undefined && !signalIds.has(name)) {
          counts.notInBlow5++;
          counts.firstNotInBlow5 ??= name;
          continue;
        }
        counts.kept++;
        const contig = references[record.refId]!.name;
        let stats = contigs.get(contig);
        if (stats === undefined) contigs.set(contig, (stats = { reads: [], alignedBases: 0 }));
        stats.reads.push(name);
        stats.alignedBases += referenceLengthOf(record.cigarOps());
      }
  } finally {
    reader.close();
  }
  return { counts, contigs };
}

export type FilterReason =
  | 'passed'
  | 'not in the reference'
  | 'no native reads'
  | 'no ivt reads'
  | 'native depth below --min-depth'
  | 'ivt depth below --min-depth'
  | 'not in --target-contigs'
  | 'name reads as a BED comment or track line (use --motif any)';

export interface ContigFilterResult {
  contig: string;
  passed: boolean;
  reason: FilterReason;
  /** The depth the filter compared, per condition (reads, or mean coverage). */
  nativeDepth: number;
  ivtDepth: number;
  nativeReads: number;
  ivtReads: number;
}

/**
 * baleen's filter_contigs: a contig passes when both conditions reach --min-depth (kept reads, or mean coverage:
 * aligned bases over the contig's length). Contigs are those with a kept read in either condition, in the BAM
 * header's order; the first failing test gives the reason.
 */
export function filterContigs(
  order: readonly { name: string; length: number }[],
  native: Map<string, ContigStats>,
  ivt: Map<string, ContigStats>,
  options: {
    minDepth: number;
    depthMode: DepthMode;
    reference: IndexedFastaReader;
    targets?: readonly string[];
    /** Candidate sites go to dtw-gpu as BED: a name a BED reader skips (`#…`, `track`, `browser`) cannot be run. */
    sitesAsBed?: boolean;
  },
): ContigFilterResult[] {
  const targets = options.targets === undefined ? undefined : new Set(options.targets);
  const results: ContigFilterResult[] = [];
  for (const { name, length } of order) {
    const n = native.get(name);
    const i = ivt.get(name);
    if (n === undefined && i === undefined) continue;
    const depth = (stats: ContigStats | undefined): number =>
      stats === undefined ? 0 : options.depthMode === 'read_count' ? stats.reads.length : stats.alignedBases / Math.max(1, length);
    const result: ContigFilterResult = {
      contig: name,
      passed: false,
      reason: 'passed',
      nativeDepth: depth(n),
      ivtDepth: depth(i),
      nativeReads: n?.reads.length ?? 0,
      ivtReads: i?.reads.length ?? 0,
    };
    if (!options.reference.hasSequence(name)) result.reason = 'not in the reference';
    else if (n === undefined) result.reason = 'no native reads';
    else if (i === undefined) result.reason = 'no ivt reads';
    else if (result.nativeDepth < options.minDepth) result.reason = 'native depth below --min-depth';
    else if (result.ivtDepth < options.minDepth) result.reason = 'ivt depth below --min-depth';
    else if (targets !== undefined && !targets.has(name)) result.reason = 'not in --target-contigs';
    else if (options.sitesAsBed === true && isBedNonRecordLine(`${name}\t0\t1`))
      result.reason = 'name reads as a BED comment or track line (use --motif any)';
    result.passed = result.reason === 'passed';
    results.push(result);
  }
  return results;
}

/**
 * The reads of a contig to align: all of them, or with a subsample the `n` whose SHA-1 of (seed, read id) is
 * smallest. That choice depends on the read ids and the seed only, not on BAM order or thread count. The list comes
 * back sorted, so the file it goes into is the same however the reads were found.
 */
export function subsampleReads(reads: readonly string[], n: number | undefined, seed: number): string[] {
  if (n === undefined || reads.length <= n) return [...reads].sort();
  const keyed = reads.map((read) => ({ read, key: createHash('sha1').update(`${seed}\t${read}`).digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed
    .slice(0, n)
    .map((entry) => entry.read)
    .sort();
}

/** IUPAC codes → the bases they stand for (U read as T). */
const IUPAC: Record<string, string> = {
  A: 'A',
  C: 'C',
  G: 'G',
  T: 'T',
  U: 'T',
  R: 'AG',
  Y: 'CT',
  S: 'CG',
  W: 'AT',
  K: 'GT',
  M: 'AC',
  B: 'CGT',
  D: 'AGT',
  H: 'ACT',
  V: 'ACG',
  N: 'ACGT',
};

/**
 * Candidate sites: BED intervals (0-based, half-open) of the sites within `flank` bases of the centre of every match
 * of `motif` on the contig's forward strand (DRACH's A for DRACH). dtw-gpu --positions keeps the k-mers centred
 * there: the site's own k-mer and, with flank 2, the five 5-mers that cover it, whose evidence the HMM joins.
 */
export function motifSitesBed(contig: string, sequence: string, motif: string, flank: number): string {
  const sets = Array.from(motif.toUpperCase(), (code) => IUPAC[code] ?? 'ACGT');
  const centre = Math.floor(motif.length / 2);
  const upper = sequence.toUpperCase().replace(/U/g, 'T');
  const lines: string[] = [];
  let lastEnd = -1;
  for (let start = 0; start + motif.length <= upper.length; start++) {
    let match = true;
    for (let k = 0; k < sets.length && match; k++) match = sets[k]!.includes(upper[start + k]!);
    if (!match) continue;
    const site = start + centre;
    const from = Math.max(0, site - flank);
    const to = Math.min(upper.length, site + flank + 1);
    // Overlapping windows of nearby sites join into one interval.
    if (lines.length > 0 && from <= lastEnd) {
      const previous = lines.pop()!.split('\t');
      lines.push(`${contig}\t${previous[1]}\t${to}`);
    } else lines.push(`${contig}\t${from}\t${to}`);
    lastEnd = to;
  }
  return lines.map((line) => `${line}\n`).join('');
}
