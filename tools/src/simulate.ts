/**
 * A deterministic paired-end simulator: a reference with soft-masked (lower-case) stretches and N
 * runs, and a coordinate-sorted BAM of read pairs with the cases real aligners produce —
 * duplicates, QC failures, secondary and supplementary alignments, chimeric pairs, mates unmapped
 * but placed, unplaced pairs, soft and hard clips, insertions, deletions, N bases, FR/RF/tandem
 * orientations, several read groups — and every tag type. Records stream out in coordinate order
 * through a small heap, so millions of records need little memory.
 */
import { BamWriter, makeHeader, parseCigar, type BamRecord, type Tag } from '@shoal/hts';
import fs from 'node:fs';
import { Random } from './random.js';

export interface SimulatedReference {
  name: string;
  sequence: string;
}

export interface SimulationOptions {
  seed: number;
  /** `reads: false`: a contig with no reads at all (chimeric mates land elsewhere), as unplaced scaffolds often are. */
  references: { name: string; length: number; reads?: false }[];
  pairs: number;
  readLength: number;
  fragmentMean: number;
  fragmentSd: number;
  readGroups: { id: string; sample: string; library: string }[];
  unplacedPairs: number;
  /** Add the special records the format tests need (70,000 CIGAR ops, every tag type, '*' qualities…). */
  edgeCases: boolean;
}

const BASES = 'ACGT';

export function simulateReference(random: Random, name: string, length: number): SimulatedReference {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = BASES.charCodeAt(random.int(0, 3));
  // Soft-masked repeats: 5% of 500 bp tiles in lower case.
  for (let tile = 0; tile < length; tile += 500) {
    if (random.chance(0.05)) for (let i = tile; i < Math.min(length, tile + 500); i++) bytes[i]! |= 0x20;
  }
  // A few assembly gaps.
  for (let gap = 0; gap < Math.max(1, Math.floor(length / 20000)); gap++) {
    const start = random.int(0, Math.max(0, length - 200));
    bytes.fill(78, start, Math.min(length, start + random.int(20, 150)));
  }
  return { name, sequence: Buffer.from(bytes).toString('latin1') };
}

export function writeFasta(path: string, references: SimulatedReference[], lineWidth = 60): void {
  const parts: string[] = [];
  for (const reference of references) {
    parts.push(`>${reference.name} simulated\n`);
    for (let i = 0; i < reference.sequence.length; i += lineWidth) parts.push(`${reference.sequence.slice(i, i + lineWidth)}\n`);
  }
  fs.writeFileSync(path, parts.join(''));
}

interface Pending {
  key: number;
  order: number;
  record: BamRecord;
}

/** Min-heap of records by (pos, order): releases records in coordinate order. */
class RecordHeap {
  private items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peekKey(): number {
    return this.items.length ? this.items[0]!.key : Infinity;
  }
  push(item: Pending): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (less(a[parent]!, a[i]!)) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): Pending {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
function less(a: Pending, b: Pending): boolean {
  return a.key < b.key || (a.key === b.key && a.order < b.order);
}

interface Alignment {
  pos: number;
  cigar: string;
  sequence: string;
  mismatches: number;
  editBases: number;
}

/** Reads `readLength` bases from the reference at `pos` with sequencing errors, an indel or a soft clip now and then. */
function alignRead(random: Random, reference: string, pos: number, readLength: number, allowClip: boolean): Alignment {
  const ops: [number, string][] = [];
  let sequence = '';
  let refAt = pos;
  let mismatches = 0;
  let editBases = 0;
  const clipStart = allowClip && random.chance(0.04) ? random.int(3, 20) : 0;
  const clipEnd = allowClip && !clipStart && random.chance(0.04) ? random.int(3, 20) : 0;
  if (clipStart) {
    for (let i = 0; i < clipStart; i++) sequence += BASES[random.int(0, 3)];
    ops.push([clipStart, 'S']);
  }
  const aligned = readLength - clipStart - clipEnd;
  let indelAt = random.chance(0.06) ? random.int(10, aligned - 10) : -1;
  const indelIsInsertion = random.chance(0.5);
  const indelLength = random.int(1, 3);
  let matchRun = 0;
  let produced = 0;
  while (produced < aligned) {
    if (produced === indelAt) {
      indelAt = -1;
      if (matchRun) ops.push([matchRun, 'M']);
      matchRun = 0;
      if (indelIsInsertion) {
        const n = Math.min(indelLength, aligned - produced - 1);
        for (let i = 0; i < n; i++) sequence += BASES[random.int(0, 3)];
        ops.push([n, 'I']);
        produced += n;
        editBases += n;
      } else {
        ops.push([indelLength, 'D']);
        refAt += indelLength;
        editBases += indelLength;
      }
      continue;
    }
    let base = (reference[refAt] ?? 'N').toUpperCase();
    if (random.chance(0.002)) base = 'N';
    else if (random.chance(0.01)) base = BASES[(BASES.indexOf(base) + random.int(1, 3)) % 4] ?? 'A';
    if (base !== (reference[refAt] ?? 'N').toUpperCase()) {
      mismatches++;
      editBases++;
    }
    sequence += base;
    refAt++;
    matchRun++;
    produced++;
  }
  if (matchRun) ops.push([matchRun, 'M']);
  if (clipEnd) {
    for (let i = 0; i < clipEnd; i++) sequence += BASES[random.int(0, 3)];
    ops.push([clipEnd, 'S']);
  }
  return { pos, cigar: ops.map(([n, op]) => `${n}${op}`).join(''), sequence, mismatches, editBases };
}

function qualities(random: Random, length: number): Uint8Array {
  const q = new Uint8Array(length);
  let level = random.int(30, 40);
  for (let i = 0; i < length; i++) {
    if (random.chance(0.05)) level = Math.max(2, Math.min(41, level + random.int(-6, 4)));
    q[i] = level;
  }
  return q;
}

function referenceSpan(cigar: string): number {
  let span = 0;
  for (const m of cigar.matchAll(/(\d+)([MDN=X])/g)) span += Number(m[1]);
  return span;
}

function everyTagType(): Tag[] {
  return [
    { name: 'XA', type: 'A', value: 'x' },
    { name: 'Xc', type: 'c', value: -100 },
    { name: 'XC', type: 'C', value: 200 },
    { name: 'Xs', type: 's', value: -30000 },
    { name: 'XS', type: 'S', value: 60000 },
    { name: 'Xi', type: 'i', value: -2000000000 },
    { name: 'XI', type: 'I', value: 4000000000 },
    { name: 'Xf', type: 'f', value: Math.fround(3.14159) },
    { name: 'XZ', type: 'Z', value: 'free text, with "quotes" \\ and spaces' },
    { name: 'XH', type: 'H', value: '1AE301' },
    { name: 'Bc', type: 'B:c', value: [-128, 0, 127] },
    { name: 'BC', type: 'B:C', value: [0, 255] },
    { name: 'Bs', type: 'B:s', value: [-32768, 32767] },
    { name: 'BS', type: 'B:S', value: [0, 65535] },
    { name: 'Bi', type: 'B:i', value: [-2147483648, 2147483647] },
    { name: 'BI', type: 'B:I', value: [0, 4294967295] },
    { name: 'Bf', type: 'B:f', value: [Math.fround(0.5), Math.fround(-1.25e-7), Math.fround(123456.7)] },
    { name: 'Be', type: 'B:c', value: [] },
  ];
}

/** Simulates the reference and writes a coordinate-sorted, indexed BAM. Returns the record count. */
export async function simulatePairedBam(bamPath: string, fastaPath: string | undefined, options: SimulationOptions): Promise<number> {
  const random = new Random(options.seed);
  const references = options.references.map((r) => simulateReference(random, r.name, r.length));
  if (fastaPath) writeFasta(fastaPath, references);
  const rgLines = options.readGroups.map((rg) => `@RG\tID:${rg.id}\tSM:${rg.sample}\tLB:${rg.library}\tPL:ILLUMINA`);
  const text = [
    '@HD\tVN:1.6\tSO:coordinate',
    ...options.references.map((r) => `@SQ\tSN:${r.name}\tLN:${r.length}`),
    ...rgLines,
    '@PG\tID:shoal-simulate\tPN:shoal-simulate\tVN:0.1.0',
    '',
  ].join('\n');
  const header = makeHeader(text, options.references);
  const writer = await BamWriter.open(bamPath, header, { writeIndex: bamPath !== '-' });
  try {
    let order = 0;
    let written = 0;
    const totalLength = options.references.reduce((sum, r) => sum + r.length, 0);
    const laterContigs = new Map<number, BamRecord[]>();
    for (let refId = 0; refId < references.length; refId++) {
      const reference = references[refId]!.sequence;
      const heap = new RecordHeap();
      for (const record of laterContigs.get(refId) ?? []) heap.push({ key: record.pos, order: order++, record });
      if (options.edgeCases && refId === 0) {
        for (const record of edgeCaseRecords(references, 0, 1000)) heap.push({ key: record.pos, order: order++, record });
      }
      const pairsHere = options.references[refId]!.reads === false ? 0 : Math.round((options.pairs * reference.length) / totalLength);
      const usable = reference.length - options.fragmentMean - 4 * options.fragmentSd - options.readLength;
      let start = 0;
      const meanGap = usable / Math.max(1, pairsHere);
      for (let p = 0; p < pairsHere; p++) {
        start += -Math.log(1 - random.next()) * meanGap;
        const fragmentStart = Math.min(Math.floor(start), usable);
        while (heap.size && heap.peekKey() <= fragmentStart) {
          await writer.write(heap.pop().record);
          written++;
        }
        for (const record of simulatePair(random, references, refId, fragmentStart, `p${refId}_${p}`, options)) {
          if (record.refId === refId) heap.push({ key: record.pos, order: order++, record });
          else {
            const list = laterContigs.get(record.refId) ?? [];
            list.push(record);
            laterContigs.set(record.refId, list);
          }
        }
      }
      while (heap.size) {
        await writer.write(heap.pop().record);
        written++;
      }
    }
    for (let p = 0; p < options.unplacedPairs; p++) {
      const rg = random.pick(options.readGroups).id;
      for (const first of [true, false]) {
        await writer.write({
          readName: `unplaced${p}`,
          flag: 1 | 4 | 8 | (first ? 0x40 : 0x80),
          refId: -1,
          pos: -1,
          mapq: 0,
          cigar: new Uint32Array(0),
          mateRefId: -1,
          matePos: -1,
          templateLength: 0,
          sequence: Array.from({ length: options.readLength }, () => BASES[random.int(0, 3)]).join(''),
          qualities: qualities(random, options.readLength),
          tags: [{ name: 'RG', type: 'Z', value: rg }],
        });
        written++;
      }
    }
    await writer.close();
    return written;
  } catch (error) {
    writer.abort();
    throw error;
  }
}

function simulatePair(
  random: Random,
  references: SimulatedReference[],
  refId: number,
  fragmentStart: number,
  name: string,
  options: SimulationOptions,
): BamRecord[] {
  const reference = references[refId]!.sequence;
  const rl = options.readLength;
  const fragment = Math.max(rl, Math.round(random.normal(options.fragmentMean, options.fragmentSd)));
  const rg = random.pick(options.readGroups).id;
  const orientation = random.next();
  // FR most of the time; some RF and tandem pairs, as libraries and aligners produce.
  const [leftReverse, rightReverse] =
    orientation < 0.95 ? [false, true] : orientation < 0.98 ? [true, false] : random.chance(0.5) ? [false, false] : [true, true];
  const leftIsFirst = random.chance(0.5);
  const left = alignRead(random, reference, fragmentStart, rl, true);
  const right = alignRead(random, reference, fragmentStart + fragment - rl, rl, true);
  const duplicate = random.chance(0.04) ? 0x400 : 0;
  const qcFail = random.chance(0.02) ? 0x200 : 0;
  const mateUnmapped = random.chance(0.02);
  // A pair whose mate is unmapped places the mate beside the read, so it is never chimeric.
  const chimericRef =
    !mateUnmapped && refId + 1 < references.length && options.references[refId + 1]!.reads !== false && random.chance(0.01)
      ? refId + 1
      : -1;
  const mapq = (): number => (random.chance(0.03) ? 0 : random.chance(0.05) ? random.int(1, 30) : 60);
  const records: BamRecord[] = [];
  const leftEnd = left.pos + referenceSpan(left.cigar);
  const rightEnd = right.pos + referenceSpan(right.cigar);
  let rightRecordPos = right.pos;
  let rightRefId = refId;
  let rightCigar = right.cigar;
  if (chimericRef >= 0) {
    const other = references[chimericRef]!.sequence;
    rightRefId = chimericRef;
    rightRecordPos = random.int(0, other.length - rl - 10);
    const moved = alignRead(random, other, rightRecordPos, rl, false);
    right.sequence = moved.sequence;
    rightCigar = moved.cigar;
    right.editBases = moved.editBases;
  }
  const proper = !mateUnmapped && chimericRef < 0 && !leftReverse && rightReverse ? 0x2 : 0;
  const tlen = chimericRef >= 0 || mateUnmapped ? 0 : Math.max(leftEnd, rightEnd) - left.pos;
  const base = 0x1 | proper | duplicate | qcFail;
  const leftFlag = base | (leftIsFirst ? 0x40 : 0x80) | (leftReverse ? 0x10 : 0) | (rightReverse ? 0x20 : 0) | (mateUnmapped ? 0x8 : 0);
  const rightFlag = base | (leftIsFirst ? 0x80 : 0x40) | (rightReverse ? 0x10 : 0) | (leftReverse ? 0x20 : 0) | (mateUnmapped ? 0x4 : 0);
  const tags = (editBases: number): Tag[] => [
    { name: 'NM', type: 'C', value: editBases },
    { name: 'AS', type: 'C', value: Math.max(0, rl - 2 * editBases) },
    { name: 'RG', type: 'Z', value: rg },
  ];
  records.push({
    readName: name,
    flag: leftFlag,
    refId,
    pos: left.pos,
    mapq: mapq(),
    cigar: parseCigar(left.cigar)!,
    mateRefId: rightRefId,
    matePos: mateUnmapped ? left.pos : rightRecordPos,
    templateLength: tlen,
    sequence: left.sequence,
    qualities: qualities(random, rl),
    tags: tags(left.editBases),
  });
  if (mateUnmapped) {
    records.push({
      readName: name,
      flag: rightFlag,
      refId,
      pos: left.pos,
      mapq: 0,
      cigar: new Uint32Array(0),
      mateRefId: refId,
      matePos: left.pos,
      templateLength: 0,
      sequence: right.sequence,
      qualities: qualities(random, rl),
      tags: [{ name: 'RG', type: 'Z', value: rg }],
    });
  } else {
    records.push({
      readName: name,
      flag: rightFlag,
      refId: rightRefId,
      pos: rightRecordPos,
      mapq: mapq(),
      cigar: parseCigar(rightCigar)!,
      mateRefId: refId,
      matePos: left.pos,
      templateLength: -tlen,
      sequence: right.sequence,
      qualities: qualities(random, rl),
      tags: tags(right.editBases),
    });
  }
  // Secondary alignment: a second placement ahead on the same contig, without bases (as BWA writes them).
  if (random.chance(0.02)) {
    const pos = Math.min(reference.length - rl - 1, left.pos + random.int(100, 5000));
    records.push({
      readName: name,
      flag: (leftFlag & ~0x2) | 0x100,
      refId,
      pos,
      mapq: 0,
      cigar: parseCigar(`${rl}M`)!,
      mateRefId: rightRefId,
      matePos: rightRecordPos,
      templateLength: 0,
      sequence: '',
      qualities: null,
      tags: [{ name: 'RG', type: 'Z', value: rg }],
    });
  }
  // Supplementary alignment: the read's tail placed elsewhere, hard-clipped, with SA tags on both.
  if (random.chance(0.01)) {
    const clipped = random.int(20, rl - 30);
    const pos = Math.min(reference.length - rl - 1, left.pos + random.int(1000, 8000));
    const part = alignRead(random, reference, pos, rl - clipped, false);
    const primary = records[0]!;
    primary.tags.push({
      name: 'SA',
      type: 'Z',
      value: `${references[refId]!.name},${pos + 1},+,${clipped}H${part.cigar},60,${part.editBases};`,
    });
    records.push({
      readName: name,
      flag: (leftFlag & ~0x2) | 0x800,
      refId,
      pos,
      mapq: 60,
      cigar: parseCigar(`${clipped}H${part.cigar}`)!,
      mateRefId: rightRefId,
      matePos: rightRecordPos,
      templateLength: 0,
      sequence: part.sequence,
      qualities: qualities(random, part.sequence.length),
      tags: [
        ...tags(part.editBases),
        { name: 'SA', type: 'Z', value: `${references[refId]!.name},${left.pos + 1},+,${left.cigar},60,${left.editBases};` },
      ],
    });
  }
  if (options.edgeCases && random.chance(0.01)) records[0]!.tags.push(...everyTagType());
  if (options.edgeCases && random.chance(0.003)) records[1]!.qualities = null;
  return records;
}

/** Records the format tests need that a simulator would not make by chance. */
export function edgeCaseRecords(references: SimulatedReference[], refId: number, pos: number): BamRecord[] {
  const reference = references[refId]!.sequence;
  // More than 65535 CIGAR operations: alternating 1M1I over 35,000 reference bases (stored in CG).
  const pairs = 35000;
  const ops = new Uint32Array(2 * pairs);
  let sequence = '';
  for (let i = 0; i < pairs; i++) {
    ops[2 * i] = (1 << 4) | 0;
    ops[2 * i + 1] = (1 << 4) | 1;
    sequence += (reference[pos + i] ?? 'A').toUpperCase().replace(/[^ACGT]/, 'A') + 'C';
  }
  const everyQuality = Uint8Array.from({ length: 94 }, (_, i) => i);
  return [
    {
      readName: 'long_cigar',
      flag: 0,
      refId,
      pos,
      mapq: 60,
      cigar: ops,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence,
      qualities: Uint8Array.from({ length: sequence.length }, (_, i) => 20 + (i % 20)),
      tags: [{ name: 'NM', type: 'S', value: pairs }],
    },
    {
      readName: 'every_quality',
      flag: 0,
      refId,
      pos: pos + 1,
      mapq: 60,
      cigar: parseCigar('94M')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: reference.slice(pos + 1, pos + 95).toUpperCase(),
      qualities: everyQuality,
      tags: everyTagType(),
    },
    {
      readName: 'no_sequence',
      flag: 0,
      refId,
      pos: pos + 2,
      mapq: 10,
      cigar: parseCigar('50M')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: '',
      qualities: null,
      tags: [],
    },
    {
      readName: 'no_qualities',
      flag: 16,
      refId,
      pos: pos + 3,
      mapq: 10,
      cigar: parseCigar('10M')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: 'ACGTNACGTN',
      qualities: null,
      tags: [{ name: 'Xf', type: 'f', value: Math.fround(-0.1) }],
    },
  ];
}
