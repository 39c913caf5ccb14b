#!/usr/bin/env node
/**
 * The genome behind bench/make-real-data.sh: a reference assembly with the shapes of GRCh38's
 * analysis set with decoys and HLA (hs38DH), at about 1/36 of its size, and a diploid donor genome
 * derived from it with the variants a real sample carries. Deterministic: the same seed gives the
 * same bytes.
 *
 *   node bench/make-real-genome.mjs --out DIR [--seed 38]
 *
 * Writes, each under a temporary name renamed at the end:
 *   DIR/reference.fa           25 chromosomes (chr1-22, chrX, chrY, chrM) and 500 small contigs in
 *                              hs38DH's order and naming: unlocalized (chr1_KI270706v1_random),
 *                              unplaced (chrUn_KI270302v1), chrEBV, alternate haplotypes
 *                              (chr6_KI270758v1_alt), decoys (chrUn_JTFH01000001v1_decoy) and HLA
 *                              alleles whose names hold '*' and ':' (HLA-A*01:01:01:01). GATK-bundle
 *                              style descriptions (LN, rl, M5, AS), 60 bases a line, repeats
 *                              soft-masked in lower case as UCSC and the GATK bundle ship them.
 *   DIR/donor.fa               the sample: two haplotypes of each autosome, one chrX and one chrY
 *                              (male), chrM at high copy number, the small contigs, a contaminant
 *                              genome that is not in the reference. Input to the read simulator.
 *   DIR/donor-variants.tsv     the structural variants the donor carries (reference coordinates,
 *                              0-based, half-open), so a reader can find them in the alignments.
 *
 * What the reference has, and why (each is a shape that the project's own simulator lacked):
 *   - GC that varies along each chromosome: isochores of 20 kbp-2 Mbp at 35-55% GC, CpG islands,
 *     CpG depletion elsewhere (coverage and GC-bias metrics see real variation);
 *   - interspersed repeat families (SINE, LINE, LTR, DNA transposon) copied with 0.5-30%
 *     divergence, so reads from young copies map with MAPQ 0 and split across copies;
 *   - tandem repeats (microsatellites, minisatellites, alpha-satellite higher-order arrays at the
 *     centromeres, (GGAAT)n blocks on chr1, chr9, chr16), low-complexity runs, telomere repeats;
 *   - segmental duplications (5%, 0.2-3% divergence, some between chromosomes), NUMTs;
 *   - N gaps: 10 kbp at each chromosome end, centromere gaps, acrocentric p arms, assembly gaps of
 *     100 bp to 50 kbp, chrY's PARs and q12 masked as the analysis set masks them; a few IUPAC
 *     ambiguity codes (GRCh38 has some);
 *   - alternate haplotypes and HLA alleles that are near copies of chr6 and other regions.
 * What the donor adds: heterozygous and homozygous SNVs and small indels; deletions of 1-8.5 Mbp
 * and many small ones, inversions, tandem duplications, reciprocal and unbalanced translocations,
 * mobile-element and novel insertions, HLA and alternate-haplotype alleles, chrM copies starting at
 * different offsets (the genome is circular, so reads span its origin). Aligned, these give pairs on
 * different contigs, |TLEN| of megabases, split reads with SA tags, soft clips and MAPQ 0.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Random } from './random.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const outDir = option('--out', undefined);
const seed = Number(option('--seed', '38'));
if (!outDir || !Number.isInteger(seed)) {
  console.error('usage: node bench/make-real-genome.mjs --out DIR [--seed 38]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// ── Bases as ASCII codes; lower case (| 0x20) is the soft mask ─────────────────────────────────
const A = 65;
const C = 67;
const G = 71;
const T = 84;
const N = 78;
const LOWER = 0x20;
const COMPLEMENT = new Uint8Array(256);
for (const [x, y] of ['AT', 'CG', 'NN', 'RY', 'KM', 'SS', 'WW', 'BV', 'DH']) {
  for (const [p, q] of [
    [x, y],
    [y, x],
  ]) {
    COMPLEMENT[p.charCodeAt(0)] = q.charCodeAt(0);
    COMPLEMENT[p.toLowerCase().charCodeAt(0)] = q.toLowerCase().charCodeAt(0);
  }
}
const isBase = (code) => {
  const upper = code & ~LOWER;
  return upper === A || upper === C || upper === G || upper === T;
};
const TRANSITION = { [A]: G, [G]: A, [C]: T, [T]: C };
const TRANSVERSIONS = { [A]: [C, T], [G]: [C, T], [C]: [A, G], [T]: [A, G] };

function reverseComplement(bases) {
  const out = new Uint8Array(bases.length);
  for (let i = 0, j = bases.length - 1; i < bases.length; i++, j--) out[i] = COMPLEMENT[bases[j]];
  return out;
}

/** Another base for `code` (case kept): a transition two times in three, as in real mutation spectra. */
function substitute(code, random) {
  const upper = code & ~LOWER;
  const other = random.float() < 2 / 3 ? TRANSITION[upper] : random.pick(TRANSVERSIONS[upper]);
  return other | (code & LOWER);
}

/** Random bases at `gc` GC from `start` to `end`; CpG kept with probability `cpgKeep` (0.25: the genome-wide depletion). */
function fillBackground(seq, start, end, gc, random, cpgKeep = 0.25) {
  let previous = 0;
  for (let i = start; i < end; i++) {
    const r = random.float();
    let base = r < gc ? (r < gc / 2 ? G : C) : r < (1 + gc) / 2 ? A : T;
    // CpG decays to TpG or (on the other strand) CpA alike, which keeps C and G in balance.
    if (base === G && previous === C && random.float() >= cpgKeep) {
      if (random.float() < 0.5) seq[i - 1] = T;
      else base = A;
    }
    seq[i] = base;
    previous = base;
  }
}

function randomBases(length, gc, random) {
  const out = new Uint8Array(length);
  fillBackground(out, 0, length, gc, random, 1);
  return out;
}

/**
 * A copy of `source` with substitutions at rate `divergence` and small indels (1-4 bp) at
 * `indelShare` times it: how copies of a repeat or a duplication drift apart.
 */
function diverge(source, divergence, random, indelShare = 0.1) {
  const out = new Uint8Array(source.length * 2 + 64);
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    let base = source[i];
    const r = random.float();
    if (r < divergence) {
      if (isBase(base)) base = substitute(base, random);
    } else if (r < divergence * (1 + indelShare)) {
      const length = 1 + random.int(4);
      if (random.chance(0.5)) {
        i += length - 1;
        continue;
      }
      for (let k = 0; k < length; k++) out[n++] = random.pick([A, C, G, T]) | (base & LOWER);
    }
    out[n++] = base;
  }
  return out.slice(0, n);
}

/** Writes `copy` into `seq` at `start` (clipped at `seq`'s end), in lower case when `mask`. */
function place(seq, start, copy, mask) {
  const end = Math.min(seq.length, start + copy.length);
  for (let i = start, k = 0; i < end; i++, k++) seq[i] = mask ? copy[k] | LOWER : copy[k];
}

function tandem(unit, length, divergence, random) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = unit[i % unit.length];
  return divergence > 0 ? diverge(out, divergence, random, 0.05) : out;
}

const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));

// ── The assembly's contig set ────────────────────────────────────────────────────────────────
// Chromosome lengths keep GRCh38's order of sizes, roughly; chr1 and chr2 are larger than 1/36
// scale so that they can carry deletions and inversions of several megabases.
const CHROMOSOMES = [
  ['chr1', 14_000_000],
  ['chr2', 12_000_000],
  ['chr3', 5_600_000],
  ['chr4', 4_400_000],
  ['chr5', 3_600_000],
  ['chr6', 3_000_000],
  ['chr7', 2_600_000],
  ['chr8', 2_300_000],
  ['chr9', 2_100_000],
  ['chr10', 1_900_000],
  ['chr11', 1_850_000],
  ['chr12', 1_800_000],
  ['chr13', 1_500_000],
  ['chr14', 1_400_000],
  ['chr15', 1_350_000],
  ['chr16', 1_250_000],
  ['chr17', 1_150_000],
  ['chr18', 1_100_000],
  ['chr19', 850_000],
  ['chr20', 900_000],
  ['chr21', 650_000],
  ['chr22', 700_000],
  ['chrX', 2_700_000],
  ['chrY', 1_000_000],
  ['chrM', 16_569],
];
const ACROCENTRIC = new Set(['chr13', 'chr14', 'chr15', 'chr21', 'chr22']);
const HETEROCHROMATIN = new Set(['chr1', 'chr9', 'chr16']);
const HLA_ALLELES = [
  ['HLA-A', ['01:01:01:01', '02:01:01:01', '03:01:01:01', '24:02:01:01']],
  ['HLA-B', ['07:02:01', '08:01:01', '44:02:01:01', '35:01:01:01']],
  ['HLA-C', ['07:01:01:01', '07:02:01:01', '04:01:01:01']],
  ['HLA-DRB1', ['15:01:01:01', '03:01:01:01']],
  ['HLA-DQA1', ['01:02:01:01', '05:01:01:01']],
  ['HLA-DQB1', ['06:02:01', '02:01:01']],
  ['HLA-DPB1', ['04:01:01:01', '02:01:02']],
  ['HLA-DPA1', ['01:03:01:01']],
];
const SMALL_COUNTS = { unlocalized: 42, unplaced: 127, alt: 60, decoy: 250 };

const random = new Random(seed);
/** @type {{name: string, role: string, seq: Uint8Array}[]} */
const contigs = [];
const byName = new Map();
function addContig(name, role, seq) {
  const contig = { name, role, seq, index: contigs.length };
  contigs.push(contig);
  byName.set(name, contig);
  return contig;
}

// ── Repeat families: one consensus each, copies drift from it ─────────────────────────────────
const polyATail = (r) => tandem(ascii('A'), r.range(8, 36), 0.1, r);
const FAMILIES = [
  // Oldest first, so younger families are written over them as they were inserted over them.
  {
    name: 'DNA',
    consensus: randomBases(1200, 0.4, random),
    bpPerCopy: 9000,
    divergence: [0.12, 0.3],
    copyLength: (r) => r.range(150, 1200),
  },
  { name: 'LTR', consensus: randomBases(450, 0.47, random), bpPerCopy: 9000, divergence: [0.05, 0.2], copyLength: () => 450 },
  {
    name: 'LINE',
    consensus: randomBases(6100, 0.4, random),
    bpPerCopy: 6000,
    divergence: [0.03, 0.25],
    // 5'-truncated: most copies keep only the 3' kilobase or so.
    copyLength: (r) => Math.min(6100, 100 + Math.round(-1000 * Math.log(1 - r.float()))),
    tail: polyATail,
  },
  {
    name: 'SINE',
    consensus: randomBases(282, 0.58, random),
    bpPerCopy: 2800,
    // One copy in eight is young (AluY-like): near-identical copies are what gives MAPQ 0.
    divergence: [0.02, 0.18],
    young: [0.005, 0.03],
    copyLength: () => 282,
    tail: polyATail,
  },
];
const ALPHA_MONOMER = randomBases(171, 0.38, random);
const TELOMERE_FORWARD = ascii('TTAGGG');
const HSAT_UNIT = ascii('ATTCC');

function repeatCopy(family, r) {
  const length = family.copyLength(r);
  const [low, high] = family.young && r.chance(1 / 8) ? family.young : family.divergence;
  const source = family.consensus.subarray(family.consensus.length - length);
  let copy = diverge(source, low + r.float() * (high - low), r);
  if (family.tail) {
    const tail = family.tail(r);
    const joined = new Uint8Array(copy.length + tail.length);
    joined.set(copy);
    joined.set(tail, copy.length);
    copy = joined;
  }
  return r.chance(0.5) ? reverseComplement(copy) : copy;
}

/** Everything but gaps and segmental duplications: background, CpG islands, repeats, tandem and low-complexity runs. */
function buildSequence(length, r, { gcShift = 0, repeats = true } = {}) {
  const seq = new Uint8Array(length);
  // Isochores: GC classes L1, L2, H1, H2, H3 in roughly their genome shares.
  for (let start = 0; start < length;) {
    const end = Math.min(length, start + Math.max(20_000, Math.min(2_000_000, Math.round(-300_000 * Math.log(1 - r.float())))));
    const draw = r.float();
    const centre = draw < 0.3 ? 0.37 : draw < 0.6 ? 0.4 : draw < 0.8 ? 0.44 : draw < 0.92 ? 0.48 : 0.53;
    fillBackground(seq, start, end, Math.min(0.65, Math.max(0.3, centre + gcShift + (r.float() - 0.5) * 0.03)), r);
    start = end;
  }
  for (let k = Math.round(length / 80_000); k > 0; k--) {
    const start = r.int(length);
    fillBackground(seq, start, Math.min(length, start + r.range(500, 2000)), 0.66, r, 0.8);
  }
  if (!repeats) return seq;
  for (const family of FAMILIES) {
    for (let k = Math.round(length / family.bpPerCopy); k > 0; k--) place(seq, r.int(length), repeatCopy(family, r), true);
  }
  // Microsatellites (mono- to hexanucleotide), minisatellites, low-complexity runs.
  for (let k = Math.round(length / 8000); k > 0; k--) {
    const draw = r.float();
    const unitLength = draw < 0.25 ? 1 : draw < 0.55 ? 2 : draw < 0.65 ? 3 : draw < 0.9 ? 4 : r.range(5, 7);
    const unit = randomBases(unitLength, 0.4, r);
    place(seq, r.int(length), tandem(unit, r.logUniform(15, 150), r.float() * 0.08, r), true);
  }
  for (let k = Math.round(length / 150_000); k > 0; k--) {
    const unit = randomBases(r.range(10, 65), 0.5, r);
    place(seq, r.int(length), tandem(unit, r.logUniform(300, 5000), 0.02 + r.float() * 0.08, r), true);
  }
  for (let k = Math.round(length / 25_000); k > 0; k--) {
    const kind = r.int(3);
    const run =
      kind === 0
        ? tandem(ascii('A'), r.range(20, 80), 0.1, r)
        : kind === 1
          ? randomBases(r.range(50, 400), 0, r)
          : Uint8Array.from({ length: r.range(40, 200) }, () => (r.chance(0.5) ? G : A));
    place(seq, r.int(length), r.chance(0.5) ? reverseComplement(run) : run, true);
  }
  return seq;
}

/** An alpha-satellite array of `length`: a chromosome-specific higher-order repeat of k monomers, copied at ~1%. */
function alphaArray(length, r) {
  const monomers = r.range(4, 17);
  const parts = [];
  for (let k = 0; k < monomers; k++) parts.push(diverge(ALPHA_MONOMER, 0.2, r, 0.02));
  const hor = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    hor.set(p, at);
    at += p.length;
  }
  const out = new Uint8Array(length);
  for (at = 0; at < length;) {
    const copy = diverge(hor, 0.005 + r.float() * 0.015, r, 0.02);
    out.set(copy.subarray(0, Math.min(copy.length, length - at)), at);
    at += copy.length;
  }
  return out;
}

const fillN = (seq, start, end) => seq.fill(N, Math.max(0, start), Math.min(seq.length, end));

// ── Chromosomes ──────────────────────────────────────────────────────────────────────────────
console.error('make-real-genome: chromosomes…');
for (const [name, length] of CHROMOSOMES) {
  if (name === 'chrM') {
    addContig(name, 'Chromosome', buildSequence(length, random, { repeats: false, gcShift: 0.04 }));
    continue;
  }
  addContig(name, 'Chromosome', buildSequence(length, random));
}
const nuclear = contigs.filter((c) => c.name !== 'chrM');
const totalNuclear = nuclear.reduce((sum, c) => sum + c.seq.length, 0);
const pickByLength = (r, list = nuclear) => {
  let x = r.float() * list.reduce((sum, c) => sum + c.seq.length, 0);
  for (const c of list) if ((x -= c.seq.length) < 0) return c;
  return list[list.length - 1];
};

// Segmental duplications: 5% of the genome (as in GRCh38), 5-80 kbp, 0.2-3% diverged, 40% inverted,
// half of them between chromosomes.
for (let copied = 0; copied < totalNuclear * 0.05;) {
  const target = pickByLength(random);
  const source = random.chance(0.5) ? target : pickByLength(random);
  const length = Math.min(random.logUniform(5000, 80_000), Math.floor(source.seq.length / 4), Math.floor(target.seq.length / 4));
  const from = random.int(source.seq.length - length);
  let copy = diverge(source.seq.subarray(from, from + length), 0.002 + random.float() * 0.028, random, 0.05);
  if (random.chance(0.4)) copy = reverseComplement(copy);
  place(target.seq, random.int(target.seq.length - length), copy, false);
  copied += length;
}
// NUMTs: pieces of chrM in the nuclear genome, 2-10% diverged.
const chrM = byName.get('chrM');
for (let k = 0; k < 8; k++) {
  const length = random.range(1000, 6000);
  const from = random.int(chrM.seq.length - length);
  const target = pickByLength(random);
  place(
    target.seq,
    random.int(target.seq.length - length),
    diverge(chrM.seq.subarray(from, from + length), 0.02 + random.float() * 0.08, random),
    false,
  );
}

// Telomeres, centromeres, heterochromatin, gaps: written last, over everything else.
for (const contig of nuclear) {
  const seq = contig.seq;
  const length = seq.length;
  const telomere = (forward) =>
    tandem(forward ? TELOMERE_FORWARD : reverseComplement(TELOMERE_FORWARD), random.range(2000, 6000), 0.02, random);
  const start = telomere(false);
  place(seq, 10_000, start, true);
  const end = telomere(true);
  place(seq, length - 10_000 - end.length, end, true);
  fillN(seq, 0, 10_000);
  fillN(seq, length - 10_000, length);
  // Even sizes, so that the halves below are whole positions.
  const arrayLength = 2 * Math.max(10_000, Math.min(175_000, Math.round(length * 0.015)));
  const gapLength = 2 * Math.max(2500, Math.min(25_000, Math.round(length * 0.0075)));
  let centre;
  if (ACROCENTRIC.has(contig.name)) {
    fillN(seq, 0, Math.round(length * 0.1)); // the p arm: rDNA and satellites, unassembled
    centre = Math.round(length * 0.12) + arrayLength / 2;
  } else if (contig.name === 'chrY') {
    centre = Math.round(length * 0.2);
  } else {
    centre = Math.round(length * (0.3 + random.float() * 0.2));
  }
  place(seq, centre - gapLength / 2 - arrayLength / 2, alphaArray(arrayLength / 2, random), true);
  place(seq, centre + gapLength / 2, alphaArray(arrayLength / 2, random), true);
  fillN(seq, centre - gapLength / 2, centre + gapLength / 2);
  if (HETEROCHROMATIN.has(contig.name)) {
    const blockLength = Math.max(20_000, Math.min(250_000, Math.round(length * 0.02)));
    place(seq, centre + gapLength / 2 + arrayLength / 2, tandem(HSAT_UNIT, blockLength, 0.08, random), true);
  }
  if (contig.name === 'chrY') {
    // The analysis set masks chrY's pseudo-autosomal regions (their reads go to chrX) and q12.
    fillN(seq, 10_000, Math.round(length * 0.047));
    fillN(seq, Math.round(length * 0.47), Math.round(length * 0.99));
    fillN(seq, Math.round(length * 0.9943), length);
  }
  // Assembly gaps: a third of unknown size (100 N), some clone gaps, the rest sized.
  for (let k = Math.max(1, Math.round(length / 1_500_000)); k > 0; k--) {
    const draw = random.float();
    const size = draw < 0.35 ? 100 : draw < 0.6 ? Math.min(50_000, Math.round(length * 0.01)) : random.logUniform(200, 20_000);
    const at = random.range(30_000, length - 30_000 - size);
    fillN(seq, at, at + size);
  }
}
// A few IUPAC ambiguity codes, as GRCh38 has.
for (let k = 0; k < 12; k++) {
  const contig = pickByLength(random);
  for (;;) {
    const at = random.int(contig.seq.length);
    if (!isBase(contig.seq[at])) continue;
    contig.seq[at] = random.pick(ascii('RYMKSW'));
    break;
  }
}

// ── Small contigs ────────────────────────────────────────────────────────────────────────────
console.error('make-real-genome: small contigs…');
const usedIds = new Set();
const freshId = (low, high) => {
  for (;;) {
    const id = random.range(low, high);
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
};
/** Sequence for a contig outside the chromosomes: satellite-rich in `satelliteShare` of them, as unplaced contigs are. */
function smallSequence(length, satelliteShare) {
  if (random.chance(satelliteShare)) {
    const seq = buildSequence(length, random);
    const arrayLength = Math.round(length * (0.4 + random.float() * 0.5));
    place(
      seq,
      random.int(length - arrayLength + 1),
      random.chance(0.5) ? alphaArray(arrayLength, random) : tandem(HSAT_UNIT, arrayLength, 0.08, random),
      true,
    );
    return seq;
  }
  return buildSequence(length, random);
}
const autosomes = nuclear.filter((c) => /^chr\d+$/.test(c.name));
const unlocalized = [];
for (let k = 0; k < SMALL_COUNTS.unlocalized; k++) {
  const parent = pickByLength(random, autosomes);
  unlocalized.push([`${parent.name}_KI${freshId(270_700, 270_999)}v1_random`, smallSequence(random.logUniform(2000, 200_000), 0.5)]);
}
const chromosomeOrder = (name) => CHROMOSOMES.findIndex(([n]) => name.startsWith(`${n}_`));
unlocalized.sort((x, y) => chromosomeOrder(x[0]) - chromosomeOrder(y[0]) || (x[0] < y[0] ? -1 : 1));
for (const [name, seq] of unlocalized) addContig(name, 'unlocalized', seq);
for (let k = 0; k < SMALL_COUNTS.unplaced; k++) {
  const name = k < 20 ? `chrUn_GL000${freshId(195, 250)}v1` : `chrUn_KI${freshId(270_300, 270_600)}v1`;
  addContig(name, 'unplaced', smallSequence(random.logUniform(1000, 180_000), 0.4));
}
// chrEBV: 171,823 bp, GC-rich, with its 3 kbp internal repeat IR1 in seven tandem copies.
{
  const seq = buildSequence(171_823, random, { gcShift: 0.17, repeats: false });
  place(seq, 12_000, tandem(randomBases(3072, 0.6, random), 3072 * 7, 0.003, random), false);
  addContig('chrEBV', 'decoy', seq);
}
// Alternate haplotypes: 20-200 kbp near copies (0.5-2%) of chromosome regions, half with novel
// sequence inside; one in three is carried by the donor (below), the rest only attract reads.
const ALT_PARENT_WEIGHT = (c) => (c.name === 'chr6' ? 8 : 1) * c.seq.length;
const altRegions = [];
for (let k = 0; k < SMALL_COUNTS.alt; k++) {
  let x = random.float() * autosomes.reduce((sum, c) => sum + ALT_PARENT_WEIGHT(c), 0);
  const parent = autosomes.find((c) => (x -= ALT_PARENT_WEIGHT(c)) < 0) ?? autosomes[autosomes.length - 1];
  const length = random.logUniform(20_000, 200_000);
  let from;
  for (let tries = 0; ; tries++) {
    from = random.range(50_000, parent.seq.length - length - 50_000);
    if (!parent.seq.subarray(from, from + length).includes(N) || tries > 200) break;
  }
  let seq = diverge(parent.seq.subarray(from, from + length), 0.005 + random.float() * 0.015, random, 0.05);
  if (random.chance(0.5)) {
    const novel = buildSequence(random.range(1000, 10_000), random);
    const cut = random.int(seq.length);
    const joined = new Uint8Array(seq.length + novel.length);
    joined.set(seq.subarray(0, cut));
    joined.set(novel, cut);
    joined.set(seq.subarray(cut), cut + novel.length);
    seq = joined;
  }
  altRegions.push({ parent, from, to: from + length, seq });
}
altRegions.sort((x, y) => x.parent.index - y.parent.index || x.from - y.from);
for (const alt of altRegions) {
  alt.contig = addContig(`${alt.parent.name}_KI${freshId(270_700, 270_999)}v1_alt`, 'alt-scaffold', alt.seq);
}
for (let k = 1; k <= SMALL_COUNTS.decoy; k++) {
  addContig(`chrUn_JTFH01${String(k).padStart(6, '0')}v1_decoy`, 'decoy', smallSequence(random.logUniform(1000, 40_000), 0.5));
}
// HLA: each gene is a 3.2 kbp locus in chr6's MHC region; its first allele is the locus itself,
// the others differ at 1-4%, and the donor carries other alleles than the reference.
const chr6 = byName.get('chr6');
const hlaLoci = [];
{
  let at = Math.round(chr6.seq.length * 0.1);
  for (const [gene, alleles] of HLA_ALLELES) {
    const length = 3200;
    const locus = buildSequence(length, random, { gcShift: 0.08, repeats: false });
    chr6.seq.set(locus, at);
    const sequences = alleles.map((_, k) => (k === 0 ? locus.slice() : diverge(locus, 0.01 + random.float() * 0.03, random, 0.03)));
    hlaLoci.push({ gene, from: at, to: at + length, alleles, sequences });
    at += random.range(20_000, 60_000);
  }
  for (const locus of hlaLoci) locus.alleles.forEach((allele, k) => addContig(`${locus.gene}*${allele}`, 'HLA', locus.sequences[k]));
}

// ── FASTA output ─────────────────────────────────────────────────────────────────────────────
/** Writes FASTA records (60 bases a line) to `file` under a temporary name, then renames it. */
function writeFasta(file, records) {
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w');
  const LINE = 60;
  for (const { header, seq } of records) {
    const out = Buffer.allocUnsafe(seq.length + Math.ceil(seq.length / LINE) + header.length + 2);
    let at = out.write(`>${header}\n`, 0, 'latin1');
    for (let i = 0; i < seq.length; i += LINE) {
      const end = Math.min(seq.length, i + LINE);
      out.set(seq.subarray(i, end), at);
      at += end - i;
      out[at++] = 10;
    }
    fs.writeSync(fd, out, 0, at);
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
}
const md5 = (seq) =>
  crypto
    .createHash('md5')
    .update(seq.map((b) => b & ~LOWER))
    .digest('hex');
console.error('make-real-genome: writing reference.fa…');
writeFasta(
  path.join(outDir, 'reference.fa'),
  contigs.map((c) => ({ header: `${c.name}  LN:${c.seq.length}  rl:${c.role}  M5:${md5(c.seq)}  AS:shoal-sim38`, seq: c.seq })),
);

// ── The donor ────────────────────────────────────────────────────────────────────────────────
// A donor contig is a list of pieces, each a slice of a reference contig (forward or reverse
// complement) or novel sequence; structural variants split and rearrange the pieces, and the
// bases are made once at the end, with small variants.
const hapRandom = new Random(seed ^ 0x5eed);
/** @type {{name: string, pieces: object[]}[]} */
const haplotypes = [];
for (const contig of autosomes)
  for (const hap of ['A', 'B'])
    haplotypes.push({ name: `hap${hap}_${contig.name}`, hap, pieces: [{ contig, start: 0, end: contig.seq.length, reverse: false }] });
for (const name of ['chrX', 'chrY']) {
  const contig = byName.get(name);
  haplotypes.push({ name: `hapA_${name}`, hap: 'A', pieces: [{ contig, start: 0, end: contig.seq.length, reverse: false }] });
}
const variants = [];
const MARGIN = 1000;
const clearOfN = (contig, position) => !contig.seq.subarray(Math.max(0, position - 2000), position + 2000).includes(N);

/** The donor contig and piece index holding [start, end) of `contig` forward, with a margin, on haplotype `hap`. */
function findPiece(hap, contig, start, end) {
  for (const donor of haplotypes) {
    if (donor.hap !== hap) continue;
    const index = donor.pieces.findIndex(
      (p) => p.contig === contig && !p.reverse && p.start + MARGIN <= start && end + MARGIN <= p.end && !p.novel,
    );
    if (index >= 0) return { donor, index };
  }
  return undefined;
}

/** A random [start, start + length) on `contig` whose ends are clear of N and free on `hap`; undefined after 500 tries. */
function locate(hap, contig, length) {
  for (let tries = 0; tries < 500; tries++) {
    const start = hapRandom.range(20_000, contig.seq.length - length - 20_000);
    if (start < 20_000) return undefined;
    const end = start + length;
    if (!clearOfN(contig, start) || !clearOfN(contig, end)) continue;
    const found = findPiece(hap, contig, start, end);
    if (found) return { start, end, ...found };
  }
  return undefined;
}

/** Applies an intra-chromosomal event on haplotype `hap`: DEL, INV, DUP (tandem), INS (novel before start), REPLACE. */
function applyEvent(type, hap, contig, start, end, { novel, note = '' } = {}) {
  const found = findPiece(hap, contig, start, end);
  if (!found) return false;
  const { donor, index } = found;
  const p = donor.pieces[index];
  const left = { ...p, end: start };
  const right = { ...p, start: end };
  const middle = { ...p, start, end };
  const inserted = { novel };
  const replacement = {
    DEL: [left, right],
    INV: [left, { ...middle, reverse: true }, right],
    DUP: [left, middle, middle, right],
    INS: [left, inserted, { ...p, start }],
    REPLACE: [left, inserted, right],
  }[type];
  donor.pieces.splice(index, 1, ...replacement);
  variants.push({ hap, type, contig: contig.name, start, end, length: type === 'INS' ? novel.length : end - start, note });
  return true;
}

function event(type, hap, contigName, length, options = {}) {
  const contig = typeof contigName === 'string' ? byName.get(contigName) : contigName;
  const spot = locate(hap, contig, length);
  if (!spot) return false;
  return applyEvent(type, hap, contig, spot.start, type === 'INS' ? spot.start : spot.end, options);
}

/** Splits donor contig `donor` at reference position `position` of `contig`: [pieces before, pieces after]. */
function splitAt(donor, contig, position) {
  const index = donor.pieces.findIndex(
    (p) => p.contig === contig && !p.reverse && p.start + MARGIN <= position && position + MARGIN <= p.end,
  );
  const p = donor.pieces[index];
  return [
    [...donor.pieces.slice(0, index), { ...p, end: position }],
    [{ ...p, start: position }, ...donor.pieces.slice(index + 1)],
  ];
}

function translocation(hap, nameA, fractionA, nameB, fractionB, balanced) {
  const a = byName.get(nameA);
  const b = byName.get(nameB);
  let pa = Math.round(a.seq.length * fractionA);
  let pb = Math.round(b.seq.length * fractionB);
  while (!clearOfN(a, pa)) pa += 5000;
  while (!clearOfN(b, pb)) pb += 5000;
  const donorA = haplotypes.find((d) => d.name === `hap${hap}_${nameA}`);
  const donorB = haplotypes.find((d) => d.name === `hap${hap}_${nameB}`);
  const [a1, a2] = splitAt(donorA, a, pa);
  const [b1, b2] = splitAt(donorB, b, pb);
  donorA.pieces = [...a1, ...b2];
  if (balanced) donorB.pieces = [...b1, ...a2];
  variants.push({
    hap,
    type: balanced ? 'TRA' : 'TRA-UNBALANCED',
    contig: nameA,
    start: pa,
    end: pa,
    length: 0,
    note: `${nameA}:${pa} joined to ${nameB}:${pb}${balanced ? ', reciprocal' : `; ${nameA} after ${pa} lost, ${nameB} after ${pb} gained`}`,
  });
}

console.error('make-real-genome: donor variants…');
translocation('A', 'chr9', 0.62, 'chr22', 0.4, true);
translocation('B', 'chr6', 0.7, 'chr20', 0.35, true);
translocation('B', 'chr3', 0.85, 'chr17', 0.6, false);
// Large events: deletions of 1-8.5 Mbp, inversions, duplications.
for (const [type, hap, name, length] of [
  ['DEL', 'A', 'chr1', 8_500_000],
  ['DEL', 'B', 'chr2', 3_000_000],
  ['DEL', 'A', 'chr3', 1_200_000],
  ['DEL', 'B', 'chr5', 1_000_000],
  ['INV', 'A', 'chr2', 2_000_000],
  ['INV', 'A', 'chr4', 700_000],
  ['INV', 'B', 'chr7', 300_000],
  ['DUP', 'A', 'chr8', 500_000],
  ['DUP', 'B', 'chr11', 150_000],
  ['DUP', 'A', 'chr12', 60_000],
  ['DUP', 'A', 'chr10', 1_000_000],
]) {
  if (!event(type, hap, name, length)) throw new Error(`make-real-genome: no room for the ${type} of ${length} bp on ${name}`);
}
// HLA: hapA carries each gene's second allele, hapB its third (or the first), by replacement.
for (const locus of hlaLoci) {
  for (const [hap, k] of [
    ['A', 1],
    ['B', 2],
  ]) {
    const allele = k < locus.sequences.length ? k : 0;
    if (allele === 0) continue;
    applyEvent('REPLACE', hap, chr6, locus.from, locus.to, {
      novel: locus.sequences[allele],
      note: `${locus.gene}*${locus.alleles[allele]}`,
    });
  }
}
// One alternate haplotype in three is carried on hapB.
altRegions.forEach((alt, k) => {
  if (k % 3 === 0) applyEvent('REPLACE', 'B', alt.parent, alt.from, alt.to, { novel: alt.seq, note: alt.contig.name });
});
// Small events, on either haplotype.
const sine = FAMILIES.find((f) => f.name === 'SINE');
const line = FAMILIES.find((f) => f.name === 'LINE');
const smallEvents = [
  [150, 'DEL', () => ({ length: hapRandom.logUniform(50, 100_000) })],
  [20, 'INV', () => ({ length: hapRandom.logUniform(500, 50_000) })],
  [20, 'DUP', () => ({ length: hapRandom.logUniform(300, 50_000) })],
  [60, 'INS', () => ({ novel: diverge(sine.consensus, 0.01, hapRandom), note: 'SINE insertion' })],
  [10, 'INS', () => ({ novel: line.consensus.slice(line.consensus.length - hapRandom.range(1000, 6100)), note: 'LINE insertion' })],
  [30, 'INS', () => ({ novel: randomBases(hapRandom.logUniform(50, 2000), 0.42, hapRandom), note: 'novel sequence' })],
];
for (const [count, type, make] of smallEvents) {
  for (let k = 0; k < count; k++) {
    const { length = 0, novel, note } = make();
    const contig = pickByLength(hapRandom, autosomes);
    event(type, hapRandom.chance(0.5) ? 'A' : 'B', contig, type === 'INS' ? 1 : length, { novel, note });
  }
}

/**
 * A donor contig's bases: its pieces in upper case (IUPAC codes resolved to a base), with
 * heterozygous SNVs and small indels from `r`, and homozygous SNVs decided by a hash of the
 * reference position so that both haplotypes carry them.
 */
function donorBases(pieces, r) {
  const total = pieces.reduce((sum, p) => sum + (p.novel ? p.novel.length : p.end - p.start), 0);
  const out = new Uint8Array(Math.ceil(total * 1.01) + 1024);
  let n = 0;
  const HET_SNV = 0.0007;
  const INDEL = 0.00008;
  const HOM_SNV = 0.0004;
  const emit = (base, refPosition, contigIndex, reverse) => {
    let b = base & ~LOWER;
    if (b !== N && !isBase(b)) b = r.pick([A, C, G, T]);
    if (b !== N && refPosition >= 0) {
      const h = Math.imul(contigIndex * 0x9e3779b1 + refPosition, 0x85ebca6b) ^ Math.imul(refPosition ^ (refPosition >>> 15), 0xc2b2ae35);
      if ((h >>> 0) / 4294967296 < HOM_SNV) {
        // Decided on the forward strand, so a reverse-complemented piece carries the complement.
        const forward = reverse ? COMPLEMENT[b] : b;
        const alt = (h & 0x3) === 0 ? TRANSVERSIONS[forward][(h >>> 2) & 1] : TRANSITION[forward];
        b = reverse ? COMPLEMENT[alt] : alt;
      }
    }
    const x = r.float();
    if (b !== N && x < HET_SNV) b = substitute(b, r);
    else if (b !== N && x < HET_SNV + INDEL) {
      let length = 1;
      while (length < 20 && r.chance(0.6)) length++;
      if (r.chance(0.5)) return length - 1; // deletion: skip this and the next length-1 bases
      for (let k = 0; k < length; k++) out[n++] = r.pick([A, C, G, T]);
    }
    out[n++] = b;
    return 0;
  };
  for (const p of pieces) {
    if (p.novel) {
      for (let i = 0; i < p.novel.length; i++) i += emit(p.novel[i], -1, 0, false);
      continue;
    }
    const seq = p.contig.seq;
    if (p.reverse) for (let i = p.end - 1; i >= p.start; i--) i -= emit(COMPLEMENT[seq[i]], i, p.contig.index, true);
    else for (let i = p.start; i < p.end; i++) i += emit(seq[i], i, p.contig.index, false);
  }
  return out.subarray(0, n);
}

function* donorRecords() {
  const r = new Random(seed ^ 0xd0d0);
  for (const donor of haplotypes) yield { header: donor.name, seq: donorBases(donor.pieces, r) };
  // chrM: many copies (a cell holds hundreds), each starting at another offset of the circle.
  for (let k = 0; k < 60; k++) {
    const offset = r.int(chrM.seq.length);
    const rotated = new Uint8Array(chrM.seq.length);
    rotated.set(chrM.seq.subarray(offset));
    rotated.set(chrM.seq.subarray(0, offset), chrM.seq.length - offset);
    yield { header: `chrM_copy${k}_from${offset}`, seq: donorBases([{ novel: rotated }], r) };
  }
  for (const contig of contigs) {
    if (!['unlocalized', 'unplaced', 'decoy'].includes(contig.role)) continue;
    const copies = contig.name === 'chrEBV' ? 3 : 2;
    for (let k = 0; k < copies; k++)
      yield { header: `${contig.name}_copy${k}`, seq: donorBases([{ contig, start: 0, end: contig.seq.length, reverse: false }], r) };
  }
  // A contaminant genome (5,386 bp, PhiX-sized) that is not in the reference: its reads stay
  // unmapped, as reads from contamination and from sequence missing in the assembly do.
  const contaminant = randomBases(5386, 0.447, r);
  for (let k = 0; k < 120; k++) yield { header: `contaminant_copy${k}`, seq: contaminant };
}
console.error('make-real-genome: writing donor.fa…');
writeFasta(path.join(outDir, 'donor.fa'), donorRecords());

const variantsFile = path.join(outDir, 'donor-variants.tsv');
fs.writeFileSync(
  `${variantsFile}.partial`,
  [
    'haplotype\ttype\tcontig\tstart\tend\tlength\tnote',
    ...variants.map((v) => [v.hap, v.type, v.contig, v.start, v.end, v.length, v.note].join('\t')),
  ].join('\n') + '\n',
);
fs.renameSync(`${variantsFile}.partial`, variantsFile);
const referenceLength = contigs.reduce((sum, c) => sum + c.seq.length, 0);
let nCount = 0;
for (const c of contigs) for (const b of c.seq) if (b === N) nCount++;
console.error(
  `make-real-genome: reference ${contigs.length} contigs, ${referenceLength.toLocaleString('en-US')} bp (${((100 * nCount) / referenceLength).toFixed(1)}% N); ` +
    `${variants.length} structural variants in the donor`,
);
