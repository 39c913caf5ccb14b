/**
 * Region queries through the BAI on the demo data equal a brute-force overlap filter; an index
 * that is not its BAM's, and a FIFO, are named as the problem.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Random } from '@shoal/tools/dist/random.js';
import { demoData } from '@shoal/tools/dist/test-data.js';
import { describe, expect, it } from 'vitest';
import { makeHeader } from '../header.js';
import { BamReader } from '../reader.js';
import { parseCigar } from '../record/cigar.js';
import { encodeRecord } from '../record/owned.js';
import { indexBam } from '../writer.js';
import { errorOf, testDirectory } from '../../test-support/index.js';
import { bamBytes, patched, readRecordSummaries, rejection } from '../../test-support/bam.js';
import { parseBai } from './index.js';
import { loadBaiFor, queryRegion } from './query.js';

describe('BAI region queries', () => {
  it('answers random regions through the BAI exactly as a brute-force overlap filter', async () => {
    const demo = await demoData();
    const records = await readRecordSummaries(demo.bam);
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
});

describe('an index that does not belong to its BAM is named as the problem', () => {
  const dir = testDirectory('shoal-bai-');
  const header = makeHeader('', [
    { name: 'chr1', length: 100000 },
    { name: 'chr2', length: 100000 },
  ]);
  /** 1,500 reads on each reference, 40 bp apart, with a Z tag of `tagLength` characters (so offsets differ between two such BAMs). */
  const records = (tagLength: number): Uint8Array[] =>
    [0, 1].flatMap((refId) =>
      Array.from({ length: 1500 }, (_, i) =>
        encodeRecord({
          readName: `r${refId}_${i}`,
          flag: 0,
          refId,
          pos: 40 * i,
          mapq: 60,
          cigar: parseCigar('50M')!,
          mateRefId: -1,
          matePos: -1,
          templateLength: 0,
          sequence: 'ACGT'.repeat(12) + 'AC',
          qualities: null,
          tags: [{ name: 'XZ', type: 'Z', value: 'x'.repeat(tagLength) }],
        }),
      ),
    );
  async function indexedBam(name: string, bam: Uint8Array): Promise<string> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bam);
    await indexBam(file);
    return file;
  }
  async function count(file: string, refId: number, beg: number, end: number): Promise<number> {
    let n = 0;
    for await (const batch of queryRegion(file, header, loadBaiFor(file), refId, beg, end)) n += batch.count;
    return n;
  }

  it("refuses another BAM's index, one with another reference count, and a stale one, but reads with its own", async () => {
    const a = await indexedBam('a.bam', bamBytes(header, records(10)));
    const b = await indexedBam('b.bam', bamBytes(header, records(300)));
    expect(await count(b, 0, 1000, 2000)).toBe(26); // reads at 960 … 1960
    fs.copyFileSync(`${a}.bai`, `${b}.bai`);
    const error = await rejection(count(b, 1, 1000, 2000));
    expect(error.message).toMatch(
      new RegExp(
        `^${b}: index ${b}\\.bai does not match this BAM: it points to a record at byte offset \\d+ \\+\\d+, where .*; remake it with bam-index$`,
      ),
    );
    // Made older than the BAM (a stale index): said so.
    fs.utimesSync(`${b}.bai`, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect((await rejection(count(b, 1, 1000, 2000))).message).toContain('does not match this BAM (the index is older than the BAM)');
    const three = makeHeader('', [...header.references, { name: 'chr3', length: 10 }]);
    const c = path.join(dir, 'c.bam');
    fs.writeFileSync(c, bamBytes(three, records(10)));
    fs.copyFileSync(`${a}.bai`, `${c}.bai`);
    const belong = await rejection(
      (async () => {
        for await (const batch of queryRegion(c, three, loadBaiFor(c), 0, 0, 100)) expect(batch.count).toBe(0);
      })(),
    );
    expect(belong.message).toBe(
      `${c}: index ${c}.bai does not belong to this BAM: it has 2 references, the BAM's header 3; remake it with bam-index`,
    );
  });

  it('reports damage in the BAM where its own index points correctly as a corrupt record, not as the index', async () => {
    const good = records(10);
    const file = await indexedBam('damaged.bam', bamBytes(header, good, undefined, 0));
    const damaged = good.map((record, i) => (i === 1510 ? patched(record, (view) => view.setInt32(4, 99, true)) : record));
    fs.writeFileSync(file, bamBytes(header, damaged, undefined, 0)); // the same layout: the index still points at records
    const error = await rejection(count(file, 1, 0, 2000));
    expect(error.message).toMatch(
      new RegExp(`^${file} \\(byte offset \\d+, record at \\+\\d+ inside the BGZF block\\): corrupt BAM record "r1_10": reference id 99`),
    );
  });

  it('refuses a FIFO at once, for the index lookup and for the query', async () => {
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const message = `${fifo}: a region query needs a regular BAM file (it is read again at the index offsets), not a pipe, FIFO or device`;
    expect(errorOf(() => loadBaiFor(fifo)).message).toBe(message);
    const index = parseBai(fs.readFileSync(`${path.join(dir, 'a.bam')}.bai`), 'a.bai');
    expect((await rejection(queryRegion(fifo, header, index, 0, 0, 100).next())).message).toBe(message);
  });
});
