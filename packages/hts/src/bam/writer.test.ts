/**
 * Indexing while writing and afterwards: `indexBam` on an existing BAM gives the same region
 * answers as the index the writer made, and unsorted records are refused without leaving files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { demoData } from '@shoal/tools/dist/test-data.js';
import { describe, expect, it } from 'vitest';
import { parseBai } from './bai/index.js';
import { queryRegion } from './bai/query.js';
import { makeHeader } from './header.js';
import { BamReader } from './reader.js';
import { parseCigar } from './record/cigar.js';
import type { BamRecord } from './record/owned.js';
import { BamWriter, indexBam } from './writer.js';
import { testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-bam-writer-');

describe('BAM indexing', () => {
  it('indexes an existing BAM (bam-index) to the same region answers as the index made while writing', async () => {
    const demo = await demoData();
    const copy = path.join(directory, 'copy.bam');
    fs.copyFileSync(demo.bam, copy);
    await indexBam(copy);
    const ours = parseBai(fs.readFileSync(`${copy}.bai`), 'copy.bai');
    const whileWriting = parseBai(fs.readFileSync(`${demo.bam}.bai`), 'demo.bai');
    expect(ours.references.map((r) => r.metadata?.mapped)).toEqual(whileWriting.references.map((r) => r.metadata?.mapped));
    expect(ours.unplacedUnmapped).toBe(whileWriting.unplacedUnmapped);
    const reader = await BamReader.open(copy);
    for (const [refId, beg, end] of [
      [0, 0, 40000],
      [0, 995, 1005],
      [1, 16000, 17000],
      [2, 5900, 6000],
    ] as const) {
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
    const dir = fs.mkdtempSync(path.join(directory, 'unsorted-'));
    const file = path.join(dir, 'unsorted.bam');
    const header = makeHeader('', [{ name: 'chr1', length: 1000 }]);
    const record = (pos: number): BamRecord => ({
      readName: `r${pos}`,
      flag: 0,
      refId: 0,
      pos,
      mapq: 60,
      cigar: parseCigar('10M')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: 'ACGTACGTAC',
      qualities: null,
      tags: [],
    });
    const writer = await BamWriter.open(file, header, { writeIndex: true });
    await writer.write(record(500));
    await expect(writer.write(record(100))).rejects.toThrow(/not sorted by coordinate \(read r100\)/);
    writer.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
