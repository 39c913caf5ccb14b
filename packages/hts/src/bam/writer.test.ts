/**
 * Indexing while writing and afterwards: `indexBam` on an existing BAM gives the same region
 * answers as the index the writer made; unsorted records are refused, naming the first out of
 * order and where it is, without leaving files; a FIFO is refused at once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoData } from '@shoal/tools/dist/test-data.js';
import { describe, expect, it } from 'vitest';
import { parseBai } from './bai/index.js';
import { queryRegion } from './bai/query.js';
import { encodeBamHeader, makeHeader } from './header.js';
import { BamReader } from './reader.js';
import { parseCigar } from './record/cigar.js';
import { encodeRecord, type BamRecord } from './record/owned.js';
import { BamWriter, indexBam } from './writer.js';
import { testDirectory } from '../test-support/index.js';
import { bamBytes, rejection, testRecord } from '../test-support/bam.js';

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
    await expect(writer.write(record(100))).rejects.toThrow(
      `cannot index: not sorted by coordinate at record 2 (read "r100" at chr1:101 comes after chr1:501); sort it with samtools sort`,
    );
    writer.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('bam-index on an unsorted BAM or a FIFO', () => {
  const header = makeHeader('', [{ name: 'chr1', length: 1000 }]);
  const record = (name: string, pos: number): Uint8Array => encodeRecord(testRecord({ readName: name, pos, mapq: 60 }));

  it('indexes a sorted BAM, and names the first record out of order (and its offset) in an unsorted one', async () => {
    const sorted = path.join(directory, 'sorted.bam');
    fs.writeFileSync(sorted, bamBytes(header, [record('a', 10), record('b', 20)]));
    await indexBam(sorted);
    expect(fs.existsSync(`${sorted}.bai`)).toBe(true);
    const unsorted = path.join(directory, 'unsorted-records.bam');
    const first = record('a', 500);
    fs.writeFileSync(unsorted, bamBytes(header, [first, record('b', 600), record('c', 100)]));
    const at = encodeBamHeader(header).length + 2 * first.length;
    expect((await rejection(indexBam(unsorted))).message).toBe(
      `${unsorted} (byte offset 0, record at +${at} inside the BGZF block): cannot index: not sorted by coordinate at record 3 (read "c" at chr1:101 comes after chr1:601); sort it with samtools sort`,
    );
    expect(fs.existsSync(`${unsorted}.bai`)).toBe(false);
  });

  it('refuses a FIFO at once (the index needs offsets into a file)', async () => {
    const fifo = path.join(directory, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await rejection(indexBam(fifo))).message).toBe(
      `${fifo}: indexing needs a regular BAM file (the index holds offsets into it), not a pipe, FIFO or device`,
    );
  });
});
