/**
 * Input makers of the fault suite: a small valid BAM built record by record (so a single field of
 * one record can be corrupted), its NDJSON and SAM, FASTQ, partial-state files, and BGZF from raw
 * bytes (for corrupt headers). Everything is made once per suite run in a shared folder; each case
 * copies what it needs into its own folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import {
  BamWriter,
  BgzfWriter,
  buildSlow5Index,
  encodeBamHeader,
  encodeRecord,
  encodeSlow5File,
  encodeStreamPreamble,
  makeHeader,
  openOutput,
  parseCigar,
  type BamRecord,
  type Slow5Record,
} from '@shoal/hts';
import { segmentFrame, segmentStreamEndFrame, segmentStreamHeaderFrame, type SignalSegment } from '@shoal/nanopore';

export const HEADER_TEXT = '@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:100000\n@SQ\tSN:chr2\tLN:50000\n@RG\tID:rg1\tSM:s1\n';
export const header = makeHeader(HEADER_TEXT, [
  { name: 'chr1', length: 100000 },
  { name: 'chr2', length: 50000 },
]);

const BASES = 'ACGT';

/** Deterministic pairs on chr1 and chr2, coordinate-sorted, 50 bp reads with tags. */
export function validRecords(count = 40): BamRecord[] {
  const records: BamRecord[] = [];
  for (let i = 0; i < count; i++) {
    const refId = i < count / 2 ? 0 : 1;
    const pos = 100 + (i % (count / 2)) * 37;
    let sequence = '';
    for (let k = 0; k < 50; k++) sequence += BASES[(i * 7 + k * 3) % 4];
    records.push({
      readName: `read${String(i).padStart(3, '0')}`,
      flag: 0x1 | 0x2 | (i % 2 ? 0x80 | 0x10 : 0x40 | 0x20),
      refId,
      pos,
      mapq: 60,
      cigar: parseCigar('50M')!,
      mateRefId: refId,
      matePos: pos + 150,
      templateLength: i % 2 ? -200 : 200,
      sequence,
      qualities: Uint8Array.from({ length: 50 }, (_, k) => 20 + ((i + k) % 20)),
      tags: [
        { name: 'NM', type: 'C', value: i % 3 },
        { name: 'RG', type: 'Z', value: 'rg1' },
      ],
    });
  }
  return records;
}

/** A BAM of `records` (already encoded, so a test may have patched their bytes). */
export async function writeBam(file: string, records: Uint8Array[], headerText = HEADER_TEXT): Promise<void> {
  const writer = await BamWriter.open(file, makeHeader(headerText, header.references));
  for (const record of records) await writer.writeRecordBytes(record);
  await writer.close();
}

let validBamBytes: Buffer | undefined;
/** The bytes of a valid BAM of `validRecords()`, made once per suite run. */
export async function validBam(): Promise<Buffer> {
  if (!validBamBytes) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-faults-bam-'));
    await writeBam(path.join(folder, 'valid.bam'), validRecords().map(encodeRecord));
    validBamBytes = fs.readFileSync(path.join(folder, 'valid.bam'));
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return validBamBytes;
}

let partial: Promise<Buffer> | undefined;
/** A partial-state file (`collect-multi --partial`) of the valid BAM, made once by a run of the built tool. */
export function partialState(): Promise<Buffer> {
  partial ??= (async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-faults-partial-'));
    try {
      fs.writeFileSync(path.join(folder, 'in.bam'), await validBam());
      const bin = path.resolve(import.meta.dirname, '..', '..', 'packages', 'collect', 'bin', 'collect-multi.js');
      await promisify(execFile)(process.execPath, [bin, '-i', 'in.bam', '--partial', 'p.json', '-q', '-t', '1'], { cwd: folder });
      return fs.readFileSync(path.join(folder, 'p.json'));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  })();
  return partial;
}

/** BGZF of raw bytes (a BAM whose header itself is corrupt). */
export async function writeBgzf(file: string, bytes: Uint8Array): Promise<void> {
  const writer = new BgzfWriter(openOutput(file));
  await writer.write(bytes);
  await writer.close();
}

/** The encoded valid records, the 11th (index 10) changed by `patch` (a view of its bytes; offsets as in SAM spec §4.2). */
export function patchedRecords(patch: (bytes: Uint8Array, view: DataView) => Uint8Array | void): Uint8Array[] {
  return validRecords().map((record, i) => {
    const bytes = encodeRecord(record);
    if (i !== 10) return bytes;
    return patch(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) ?? bytes;
  });
}

/** Offset of the first optional field in an encoded record. */
export function tagsOffset(bytes: Uint8Array, view: DataView): number {
  const nameLength = bytes[12]!;
  const cigarOps = view.getUint16(16, true);
  const seqLength = view.getInt32(20, true);
  return 36 + nameLength + 4 * cigarOps + ((seqLength + 1) >> 1) + seqLength;
}

/** A record with extra raw optional-field bytes appended (block_size updated). */
export function withExtraTagBytes(bytes: Uint8Array, extra: number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  new DataView(out.buffer).setUint32(0, out.length - 4, true);
  return out;
}

/** The header bytes of a BAM (magic, text, references) for corrupting. */
export function headerBytes(): Uint8Array {
  return encodeBamHeader(header);
}

export function samText(records = validRecords()): string {
  const lines = [HEADER_TEXT.trimEnd()];
  for (const r of records) {
    const names = ['chr1', 'chr2'];
    const qual = r.qualities ? String.fromCharCode(...Array.from(r.qualities, (q) => q + 33)) : '*';
    lines.push(
      [
        r.readName,
        r.flag,
        names[r.refId] ?? '*',
        r.pos + 1,
        r.mapq,
        '50M',
        r.mateRefId === r.refId ? '=' : '*',
        r.matePos + 1,
        r.templateLength,
        r.sequence,
        qual,
        `NM:i:${r.tags[0]!.value as number}`,
        'RG:Z:rg1',
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** SAM with the record line of read010 replaced by `edit(fields)`. */
export function samWithEdit(edit: (fields: string[]) => string[]): string {
  return samText()
    .split('\n')
    .map((line) => (line.startsWith('read010\t') ? edit(line.split('\t')).join('\t') : line))
    .join('\n');
}

export function fastq(count: number, seed: number, mate: number): string {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) >>> 0);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let seq = '';
    let qual = '';
    for (let k = 0; k < 60; k++) {
      seq += BASES[next() % 4];
      qual += String.fromCharCode(35 + (next() % 38));
    }
    lines.push(`@r${i} ${mate}:N:0:ACGT`, seq, '+', qual);
  }
  return `${lines.join('\n')}\n`;
}

export function gzip(text: string): Buffer {
  return zlib.gzipSync(text);
}

export function write(dir: string, name: string, data: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

/** Pseudo-random bytes (no NUL-free guarantee), the same every run. */
export function garbage(length: number, seed = 7919): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * seed + (i >> 3)) & 0xff;
  return out;
}

/** The reference of `validRecords()` as FASTA (chr1, chr2 at their header lengths), for eventalign. */
export function referenceFasta(): string {
  return header.references
    .map(
      ({ name, length }) =>
        `>${name}\n${Array.from({ length: Math.ceil(length / 60) }, (_, line) => 'ACGTTGCA'.repeat(8).slice(0, Math.min(60, length - line * 60))).join('\n')}\n`,
    )
    .join('');
}

/**
 * A BLOW5 (zlib records, svb-zd signal) with a record for each of `readIds`, and its index; with `corrupt`, that
 * record's bytes are then damaged in place (the index, built first, still points at it).
 */
export async function writeBlow5(file: string, readIds: readonly string[], corrupt?: string): Promise<void> {
  const slow5Header = { version: [0, 2, 0] as const, readGroups: [new Map([['experiment_type', 'rna']])], auxFields: [] };
  const records: Slow5Record[] = readIds.map((readId, i) => ({
    readId,
    readGroup: 0,
    digitisation: 8192,
    offset: 10,
    range: 1126.47,
    samplingRate: 3012,
    rawSignal: Int16Array.from({ length: 2000 }, (_, k) => 500 + ((k * 37 + i * 11) % 300)),
    aux: new Map(),
  }));
  const bytes = encodeSlow5File(slow5Header, records);
  fs.writeFileSync(file, bytes);
  await buildSlow5Index(file);
  if (corrupt === undefined) return;
  // A record starts where a file of the records before it has its 5-byte end marker.
  const offset = encodeSlow5File(slow5Header, records.slice(0, readIds.indexOf(corrupt))).length - 5;
  for (let i = 40; i < 60; i++) bytes[offset + i]! ^= 0x5a;
  fs.writeFileSync(file, bytes);
}

/**
 * A signal-segment stream (eventalign --format frames) of `reads` reads at positions 0..positions-1 of chr1, 30
 * samples each; `patch` may change the segments before they are written.
 */
export function segmentStream(
  condition: 'native' | 'ivt',
  options: { reads?: number; positions?: number; patch?: (segments: SignalSegment[]) => void; withoutEnd?: boolean } = {},
): Buffer {
  const { reads = 4, positions = 6 } = options;
  const segments: SignalSegment[] = [];
  for (let position = 0; position < positions; position++)
    for (let r = 0; r < reads; r++)
      segments.push({
        contig: 'chr1',
        position,
        kmer: 'GGACT',
        read: `${condition}-${r}`,
        condition,
        samples: Float32Array.from({ length: 30 }, (_, k) => 80 + ((k * 7 + r * 3 + position) % 11)),
      });
  options.patch?.(segments);
  const chunks: Uint8Array[] = [encodeStreamPreamble()];
  chunks.push(
    ...segmentStreamHeaderFrame({ condition, contigs: ['chr1', 'chr2'], k: 5, model: 'preset:rna002', mode: 'banded', samples: 'pA' }),
  );
  for (const segment of segments) chunks.push(...segmentFrame(segment));
  if (!options.withoutEnd) chunks.push(...segmentStreamEndFrame({ reads, segments: segments.length, counts: {} }));
  return Buffer.concat(chunks);
}
