/**
 * The transcripts the simulator reads from: random ones from a seed, or a FASTA given by the user; and the DRACH
 * sites on them, some of which carry a planted modification.
 *
 * Positions: a site's position is the 0-based contig coordinate of the modified base itself, the A of DRACH (the
 * centre of the 5-mer); a k-mer's position is the 0-based coordinate of its first base, as nanopolish eventalign's
 * `position` column (docs/formats.md, "Nanopore positions").
 */
import { HtsError, readFastaFileSync } from '@shoal/hts';
import { Random, Stream } from './random.js';

export interface Transcript {
  readonly name: string;
  /** Upper case, U written as T (as basecallers write RNA for minimap2). */
  readonly sequence: string;
}

export interface RandomTranscriptomeOptions {
  readonly count: number;
  readonly minLengthBp: number;
  readonly maxLengthBp: number;
}

/**
 * `count` transcripts of uniform random length in [min, max] and independent uniform bases. DRACH then occurs at
 * its background rate, 3/4 * 1/2 * 1/4 * 1/4 * 3/4 ≈ 1.76% of positions (one site per ~57 bases), which is about the
 * motif's rate in human mRNA; the planted modifications are a chosen fraction of these sites.
 */
export function randomTranscriptome(seed: number, options: RandomTranscriptomeOptions): Transcript[] {
  const random = Random.stream(seed, Stream.transcriptome);
  const width = Math.max(4, String(options.count).length);
  const transcripts: Transcript[] = [];
  const bases = 'ACGT';
  for (let index = 0; index < options.count; index++) {
    const length = random.integerBetween(options.minLengthBp, options.maxLengthBp);
    const codes = new Array<string>(length);
    for (let i = 0; i < length; i++) codes[i] = bases[random.nextUint32() >>> 30]!;
    transcripts.push({ name: `tx${String(index + 1).padStart(width, '0')}`, sequence: codes.join('') });
  }
  return transcripts;
}

/** Upper case, U as T; other letters (N, IUPAC codes) are kept: the simulated molecule gets a random base there. */
export function normaliseSequence(sequence: string): string {
  return sequence.toUpperCase().replaceAll('U', 'T');
}

/** The transcripts of a FASTA file (plain or gzip), normalised; duplicate names and empty files are errors. */
export function loadTranscriptome(path: string): Transcript[] {
  const transcripts: Transcript[] = [];
  const seen = new Set<string>();
  for (const record of readFastaFileSync(path)) {
    if (seen.has(record.name)) throw new HtsError(`transcript '${record.name}' appears twice`, path);
    seen.add(record.name);
    transcripts.push({ name: record.name, sequence: normaliseSequence(record.sequence) });
  }
  if (transcripts.length === 0) throw new HtsError('no transcripts in the FASTA file', path);
  return transcripts;
}

/** Base classes of the DRACH motif (D = A/G/T, R = A/G, H = A/C/T), as bit masks over A=1 C=2 G=4 T=8. */
const BASE_BIT = new Uint8Array(256);
BASE_BIT['A'.charCodeAt(0)] = 1;
BASE_BIT['C'.charCodeAt(0)] = 2;
BASE_BIT['G'.charCodeAt(0)] = 4;
BASE_BIT['T'.charCodeAt(0)] = 8;
const D = 1 | 4 | 8;
const R = 1 | 4;
const H = 1 | 2 | 8;

/** Positions (0-based, the A) of every DRACH motif in `sequence`, ascending. */
export function drachSites(sequence: string): Int32Array {
  const found: number[] = [];
  for (let position = 2; position + 2 < sequence.length; position++) {
    if (sequence.charCodeAt(position) !== 65 /* A */ || sequence.charCodeAt(position + 1) !== 67 /* C */) continue;
    if (
      BASE_BIT[sequence.charCodeAt(position - 2) & 0xff] & D &&
      BASE_BIT[sequence.charCodeAt(position - 1) & 0xff] & R &&
      BASE_BIT[sequence.charCodeAt(position + 2) & 0xff] & H
    )
      found.push(position);
  }
  return Int32Array.from(found);
}

/**
 * Every DRACH site of every transcript, in transcript order then position order, as flat typed arrays: the sites of
 * transcript t are the indices [firstSite[t], firstSite[t+1]). Stoichiometry is the fraction of native molecules
 * modified at the site (0 for unmodified sites); IVT molecules are never modified.
 */
export interface SiteTable {
  readonly firstSite: Int32Array;
  readonly position: Int32Array;
  readonly modified: Uint8Array;
  readonly stoichiometry: Float64Array;
}

export interface ModificationOptions {
  /** Fraction of all DRACH sites that are modified (exactly round(fraction * sites) of them, chosen at random). */
  readonly fractionModifiedSites: number;
  /** A modified site's stoichiometry ~ U(min, max), rounded to 4 decimals (the value written to truth_sites.tsv). */
  readonly stoichiometryMin: number;
  readonly stoichiometryMax: number;
}

export function plantModifications(transcripts: readonly Transcript[], seed: number, options: ModificationOptions): SiteTable {
  const firstSite = new Int32Array(transcripts.length + 1);
  const perTranscript = transcripts.map((transcript) => drachSites(transcript.sequence));
  let total = 0;
  perTranscript.forEach((sites, index) => {
    firstSite[index] = total;
    total += sites.length;
  });
  firstSite[transcripts.length] = total;
  const position = new Int32Array(total);
  perTranscript.forEach((sites, index) => position.set(sites, firstSite[index]));

  // Which sites: a partial Fisher-Yates shuffle of the site indices, then stoichiometries in site order, so that the
  // chosen set depends only on the seed and the fraction.
  const random = Random.stream(seed, Stream.sites);
  const chosenCount = Math.round(options.fractionModifiedSites * total);
  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  for (let i = 0; i < chosenCount; i++) {
    const j = i + random.below(total - i);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const modified = new Uint8Array(total);
  for (let i = 0; i < chosenCount; i++) modified[order[i]] = 1;
  const stoichiometry = new Float64Array(total);
  for (let site = 0; site < total; site++) {
    if (!modified[site]) continue;
    const drawn = random.between(options.stoichiometryMin, options.stoichiometryMax);
    stoichiometry[site] = Math.min(options.stoichiometryMax, Math.round(drawn * 1e4) / 1e4);
  }
  return { firstSite, position, modified, stoichiometry };
}

/** The motif around a site (its 5 bases, DRACH). */
export function siteMotif(transcript: Transcript, position: number): string {
  return transcript.sequence.slice(position - 2, position + 3);
}
