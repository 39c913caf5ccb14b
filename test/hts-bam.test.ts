/**
 * The BAM layer on the demo data: records read in tiny chunks (cut at every possible place)
 * equal records read in one go; virtual offsets point at the records; region queries through the
 * BAI equal a brute-force overlap filter; the index built while writing and the one built by
 * `indexBam` answer alike; the zlib fallback gives the same output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BamReader,
  BamWriter,
  Flag,
  compressedChunks,
  encodeRecord,
  indexBam,
  inflateChunk,
  makeHeader,
  openByteSource,
  parseBai,
  parseCigar,
  queryRegion,
  type BamRecord,
} from '@shoal/hts';
import { Random } from '../tools/dist/random.js';
import { demoData, runTool, tempDir } from './helpers.js';

interface Summary {
  hex: string;
  refId: number;
  pos: number;
  end: number;
  virtualOffset: number;
}

async function readAll(file: string, readChunkBytes?: number): Promise<Summary[]> {
  const reader = await BamReader.open(file, readChunkBytes ? { readChunkBytes } : {});
  const out: Summary[] = [];
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const r = batch.record(i);
      out.push({ hex: Buffer.from(r.toBytes()).toString('hex'), refId: r.refId, pos: r.pos, end: r.alignmentEnd, virtualOffset: batch.virtualOffsetAt(batch.offsets[i]!) });
    }
  }
  reader.close();
  return out;
}

describe('BAM reading', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  let records: Summary[];
  beforeAll(async () => {
    demo = await demoData();
    records = await readAll(demo.bam);
  });

  it('gives the same records whatever the read chunk size (records cut across chunks are stitched)', async () => {
    for (const size of [1000, 4096, 65536 + 17, 300_000]) {
      const small = await readAll(demo.bam, size);
      expect(small.map((r) => r.hex)).toEqual(records.map((r) => r.hex));
    }
  });

  it('reports virtual offsets that point at each record', async () => {
    const random = new Random(11);
    const source = openByteSource(demo.bam);
    for (let k = 0; k < 40; k++) {
      const record = records[random.int(0, records.length - 1)]!;
      if (record.hex.length > 200_000) continue; // the stitched long record has no block-exact offset
      const compressed = Math.floor(record.virtualOffset / 65536);
      const within = record.virtualOffset % 65536;
      const first = await compressedChunks(source, { startFileOffset: compressed, readChunkBytes: 1 << 17 }).next();
      const chunk = inflateChunk({ bytes: first.value!.bytes, fileOffset: compressed, file: demo.bam });
      const length = record.hex.length / 2;
      expect(Buffer.from(chunk.data.subarray(within, within + length)).toString('hex')).toBe(record.hex);
    }
    source.close();
  });

  it('answers random regions through the BAI exactly as a brute-force overlap filter', async () => {
    const reader = await BamReader.open(demo.bam);
    const header = reader.header;
    reader.close();
    const index = parseBai(fs.readFileSync(`${demo.bam}.bai`), 'demo.bai');
    const random = new Random(5);
    for (let k = 0; k < 150; k++) {
      const refId = random.int(0, header.references.length - 1);
      const length = header.references[refId]!.length;
      const beg = random.int(0, length - 1);
      const end = Math.min(length, beg + random.pick([1, 10, 300, 5000, 20000]));
      const expected = records.filter((r) => r.refId === refId && r.pos < end && r.end > beg).map((r) => r.hex);
      const got: string[] = [];
      for await (const batch of queryRegion(demo.bam, header, index, refId, beg, end)) {
        for (let i = 0; i < batch.count; i++) got.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
      }
      expect(got.length, `${refId}:${beg}-${end}`).toBe(expected.length);
      expect(got).toEqual(expected);
    }
  });

  it('indexes an existing BAM (bam-index) to the same region answers as the index made while writing', async () => {
    const dir = tempDir();
    const copy = path.join(dir, 'copy.bam');
    fs.copyFileSync(demo.bam, copy);
    await indexBam(copy);
    const ours = parseBai(fs.readFileSync(`${copy}.bai`), 'copy.bai');
    const whileWriting = parseBai(fs.readFileSync(`${demo.bam}.bai`), 'demo.bai');
    expect(ours.references.map((r) => r.metadata?.mapped)).toEqual(whileWriting.references.map((r) => r.metadata?.mapped));
    expect(ours.unplacedUnmapped).toBe(whileWriting.unplacedUnmapped);
    const reader = await BamReader.open(copy);
    for (const [refId, beg, end] of [[0, 0, 40000], [0, 995, 1005], [1, 16000, 17000], [2, 5900, 6000]] as const) {
      const collect = async (index: typeof ours): Promise<number> => {
        let n = 0;
        for await (const batch of queryRegion(copy, reader.header, index, refId, beg, end)) n += batch.count;
        return n;
      };
      expect(await collect(ours)).toBe(await collect(whileWriting));
    }
    reader.close();
  });

  it('refuses to index unsorted records, leaving no files', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'unsorted.bam');
    const header = makeHeader('', [{ name: 'chr1', length: 1000 }]);
    const record = (pos: number): BamRecord => ({ readName: `r${pos}`, flag: 0, refId: 0, pos, mapq: 60, cigar: parseCigar('10M')!, mateRefId: -1, matePos: -1, templateLength: 0, sequence: 'ACGTACGTAC', qualities: null, tags: [] });
    const writer = await BamWriter.open(file, header, { writeIndex: true });
    await writer.write(record(500));
    await expect(writer.write(record(100))).rejects.toThrow(/not sorted by coordinate \(read r100\)/);
    writer.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('gives identical NDJSON with the zlib fallback as with libdeflate', () => {
    const withLibdeflate = runTool('bam2ndjson', [demo.bam]);
    const withZlib = runTool('bam2ndjson', [demo.bam], { env: { SHOAL_NO_LIBDEFLATE: '1' } });
    expect(withZlib.status).toBe(0);
    expect(withZlib.stdout).toBe(withLibdeflate.stdout);
  });

  it('writes BAM with the zlib fallback that reads back identically', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'zlib.bam');
    const result = runTool('ndjson2bam', ['-o', out], { input: runTool('bam2ndjson', [demo.bam]).stdout, env: { SHOAL_NO_LIBDEFLATE: '1' } });
    expect(result.status, result.stderr).toBe(0);
    expect((await readAll(out)).map((r) => r.hex)).toEqual(records.map((r) => r.hex));
  });
});

describe('BAM records', () => {
  it('keeps a CIGAR of more than 65535 operations in CG, and shows the real one', async () => {
    const ops = new Uint32Array(70_001);
    for (let i = 0; i < ops.length; i++) ops[i] = (1 << 4) | (i % 2 ? 1 : 0);
    const sequence = 'A'.repeat(70_001);
    const bytes = encodeRecord({ readName: 'long', flag: 0, refId: 0, pos: 9, mapq: 60, cigar: ops, mateRefId: -1, matePos: -1, templateLength: 0, sequence, qualities: null, tags: [{ name: 'NM', type: 'C', value: 0 }] });
    const { BamRecordView } = await import('@shoal/hts');
    const view = new BamRecordView().setPosition(bytes, 0);
    expect(view.storedCigarCount).toBe(2);
    expect(view.cigarLength).toBe(70_001);
    expect(view.cigarOps()).toEqual(ops);
    expect(view.referenceLength).toBe(35_001);
    expect(view.tags().map((t) => t.name)).toEqual(['NM']);
    expect(view.alignmentEnd).toBe(9 + 35_001);
    expect(view.flag & Flag.Unmapped).toBe(0);
  });

  it('rejects tag values that do not fit their type', () => {
    const base = { readName: 'r', flag: 4, refId: -1, pos: -1, mapq: 0, cigar: new Uint32Array(0), mateRefId: -1, matePos: -1, templateLength: 0, sequence: '', qualities: null };
    expect(() => encodeRecord({ ...base, tags: [{ name: 'XC', type: 'C', value: 256 }] })).toThrow(/does not fit type C/);
    expect(() => encodeRecord({ ...base, tags: [{ name: 'X', type: 'Z', value: 'a' }] })).toThrow(/bad tag name/);
    expect(() => encodeRecord({ ...base, tags: [{ name: 'XH', type: 'H', value: 'ABC' }] })).toThrow(/even number of hex digits/);
  });
});
