/**
 * The external sort: records pushed one by one (BamSorter) or read from a file (sortBamFile) come
 * out in samtools' coordinate order with input order kept on ties, whether everything fits in
 * memory, spills a few runs, or spills more runs than one merge takes (merged in several passes);
 * the runs are gone after success, failure and abort; the index and threads change no record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBai } from '../bai/index.js';
import { makeHeader, type BamHeader } from '../header.js';
import { BamReader } from '../reader.js';
import { encodeRecord } from '../record/owned.js';
import { BamWriter, indexBam } from '../writer.js';
import { testDirectory } from '../../test-support/index.js';
import { rejection, testRecord } from '../../test-support/bam.js';
import { compareCoordinates } from './order.js';
import { BamSorter, MAX_MERGE_WIDTH, sortBamFile, type BamSortOptions, type BamSortSummary } from './sorter.js';

const directory = testDirectory('shoal-bam-sort-');
let folderNumber = 0;
/** A fresh folder per test, so "nothing left behind" looks at that test's files only. */
const folder = (): string => {
  const made = path.join(directory, `t${folderNumber++}`);
  fs.mkdirSync(made);
  return made;
};

const HEADER: BamHeader = makeHeader('@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:100000\n@SQ\tSN:chr2\tLN:50000\n@CO\tkept\n', [
  { name: 'chr1', length: 100000 },
  { name: 'chr2', length: 50000 },
]);

/** A deterministic generator (xorshift32). */
function randomNumbers(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * `count` records named by their input position (`r000012`), on two references and unplaced, over
 * few positions so that full ties are common, with placed unmapped mates among them.
 */
function shuffledRecords(count: number, seed: number): Uint8Array[] {
  const random = randomNumbers(seed);
  const records: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random() % 10;
    const readName = `r${String(i).padStart(6, '0')}`;
    const pos = random() % 40;
    const strand = random() & 1 ? 0x10 : 0;
    if (kind === 0) records.push(encodeRecord(testRecord({ readName, refId: -1, pos: -1, flag: 0x4, cigar: new Uint32Array(0) })));
    else if (kind === 1)
      // An unmapped mate placed at its mate's position (SAM spec §2.4), reverse or not.
      records.push(encodeRecord(testRecord({ readName, refId: 1, pos, flag: 0x1 | 0x4 | 0x80 | strand, cigar: new Uint32Array(0) })));
    else records.push(encodeRecord(testRecord({ readName, refId: kind % 2, pos, flag: strand, mapq: random() % 61 })));
  }
  return records;
}

/** What samtools sort writes: a stable sort by the coordinate order (input order on ties). */
function expectedOrder(records: readonly Uint8Array[]): string[] {
  return records
    .map((bytes, index) => ({ bytes, index }))
    .sort((a, b) => compareCoordinates(a.bytes, b.bytes) || a.index - b.index)
    .map(({ bytes }) => Buffer.from(bytes).toString('hex'));
}

async function readAll(file: string): Promise<{ header: BamHeader; records: string[] }> {
  const reader = await BamReader.open(file);
  const records: string[] = [];
  try {
    for await (const batch of reader.batches())
      for (let i = 0; i < batch.count; i++) records.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
  } finally {
    reader.close();
  }
  return { header: reader.header, records };
}

async function pushAll(output: string, records: readonly Uint8Array[], options: BamSortOptions = {}): Promise<BamSortSummary> {
  const sorter = await BamSorter.open(output, HEADER, options);
  for (const record of records) await sorter.add(record);
  return sorter.finish();
}

/** The names in `dir`, sorted. */
const filesIn = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('BamSorter', () => {
  it('sorts in memory when everything fits: no run, the records in order, the header with SO:coordinate', async () => {
    const dir = folder();
    const records = shuffledRecords(2000, 1);
    const summary = await pushAll(path.join(dir, 'out.bam'), records);
    expect(summary).toEqual({ records: 2000, runs: 0 });
    const out = await readAll(path.join(dir, 'out.bam'));
    expect(out.records).toEqual(expectedOrder(records));
    expect(out.header.text).toBe('@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:100000\n@SQ\tSN:chr2\tLN:50000\n@CO\tkept\n');
    expect(filesIn(dir)).toEqual(['out.bam']);
  });

  it('spills runs under a small memory limit and merges them to the same records, ties in input order', async () => {
    const dir = folder();
    const records = shuffledRecords(3000, 2);
    const summary = await pushAll(path.join(dir, 'out.bam'), records, { memoryBytes: 20_000 });
    expect(summary.runs).toBeGreaterThan(5);
    expect(summary.runs).toBeLessThan(MAX_MERGE_WIDTH);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder(records));
    expect(filesIn(dir)).toEqual(['out.bam']);
  });

  it('merges runs in tiers as they come, so files stay few, and keeps input order on ties', async () => {
    const dir = folder();
    const temporary = path.join(dir, 'tmp');
    const records = shuffledRecords(4000, 3);
    // ~80 bytes a record with its overhead: 1,000 bytes hold about 12, so about 330 runs.
    const sorter = await BamSorter.open(path.join(dir, 'out.bam'), HEADER, { memoryBytes: 1000, temporaryFolder: temporary });
    for (const record of records) await sorter.add(record);
    // 330 runs are 5 merged runs of 64 and 10 of their own at most.
    expect(filesIn(temporary).length).toBeLessThan(MAX_MERGE_WIDTH);
    const summary = await sorter.finish();
    expect(summary.runs).toBeGreaterThan(3 * MAX_MERGE_WIDTH);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder(records));
    expect(filesIn(dir)).toEqual(['out.bam', 'tmp']);
    expect(filesIn(temporary)).toEqual([]);
  });

  it("merges down to one merge's width at the end, over several tiers", async () => {
    const dir = folder();
    // A record a run: 4,223 runs (64² + 64 + 63) end as one of level 2, one of level 1 and 63 of
    // level 0, which with the record in memory is more than one merge takes.
    const records = shuffledRecords(4224, 13);
    const summary = await pushAll(path.join(dir, 'out.bam'), records, { memoryBytes: 150 });
    expect(summary.runs).toBe(4223);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder(records));
    expect(filesIn(dir)).toEqual(['out.bam']);
  });

  it('holds a record larger than the memory limit as a run of its own', async () => {
    const dir = folder();
    const long = encodeRecord(testRecord({ readName: 'long', pos: 5, cigar: new Uint32Array([5000 << 4]), sequence: 'A'.repeat(5000) }));
    const records = [...shuffledRecords(50, 4), long, ...shuffledRecords(50, 5)];
    const summary = await pushAll(path.join(dir, 'out.bam'), records, { memoryBytes: 600 });
    expect(summary.runs).toBeGreaterThan(10);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder(records));
  });

  it('writes the same bytes at any thread count, and an index equal to one made afterwards', async () => {
    const dir = folder();
    const records = shuffledRecords(3000, 6);
    await pushAll(path.join(dir, 'one.bam'), records, { memoryBytes: 50_000, writeIndex: true });
    await pushAll(path.join(dir, 'three.bam'), records, { memoryBytes: 50_000, threads: 3, writeIndex: true });
    expect(fs.readFileSync(path.join(dir, 'three.bam')).equals(fs.readFileSync(path.join(dir, 'one.bam')))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'three.bam.bai')).equals(fs.readFileSync(path.join(dir, 'one.bam.bai')))).toBe(true);
    fs.copyFileSync(path.join(dir, 'one.bam'), path.join(dir, 'copy.bam'));
    await indexBam(path.join(dir, 'copy.bam'));
    expect(parseBai(fs.readFileSync(path.join(dir, 'one.bam.bai')), 'one.bam.bai')).toEqual(
      parseBai(fs.readFileSync(path.join(dir, 'copy.bam.bai')), 'copy.bam.bai'),
    );
  });

  it('writes a header-only BAM when no record was added', async () => {
    const dir = folder();
    expect(await pushAll(path.join(dir, 'empty.bam'), [])).toEqual({ records: 0, runs: 0 });
    expect((await readAll(path.join(dir, 'empty.bam'))).records).toEqual([]);
  });

  it('abort removes the runs and leaves no output', async () => {
    const dir = folder();
    const sorter = await BamSorter.open(path.join(dir, 'out.bam'), HEADER, { memoryBytes: 2000 });
    for (const record of shuffledRecords(500, 7)) await sorter.add(record);
    expect(filesIn(dir).filter((name) => name.includes('.sort-run-')).length).toBeGreaterThan(3);
    await sorter.abort();
    expect(filesIn(dir)).toEqual([]);
    await expect(sorter.add(shuffledRecords(1, 8)[0]!)).rejects.toThrow(/after abort/);
  });

  it('refuses an add while a run is being written, rather than lose the record', async () => {
    const dir = folder();
    const sorter = await BamSorter.open(path.join(dir, 'out.bam'), HEADER, { memoryBytes: 200 });
    const [a, b, c, d] = shuffledRecords(4, 14);
    await sorter.add(a!);
    await sorter.add(b!);
    const spilling = sorter.add(c!); // the buffer is full: this add writes a run first
    await expect(sorter.add(d!)).rejects.toThrow(/while a run is being written/);
    await spilling;
    await sorter.add(d!);
    expect((await sorter.finish()).records).toBe(4);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder([a!, b!, c!, d!]));
  });

  it('refuses a record whose block_size or reference id is wrong, naming it', async () => {
    const dir = folder();
    const sorter = await BamSorter.open(path.join(dir, 'out.bam'), HEADER);
    await sorter.add(shuffledRecords(1, 9)[0]!);
    const outside = encodeRecord(testRecord({ refId: 2 }));
    expect((await rejection(sorter.add(outside))).message).toMatch(/reference id 2 is outside -1\.\.1.*\(record 2 added to the sort\)/);
    expect((await rejection(sorter.add(outside.subarray(0, 30)))).message).toMatch(/block_size/);
    await sorter.abort();
  });

  it('refuses an index for stdout, and a folder where the output goes, before any record', async () => {
    await expect(BamSorter.open('-', HEADER, { writeIndex: true })).rejects.toThrow(/index.*stdout/);
    const dir = folder();
    fs.mkdirSync(path.join(dir, 'out.bam'));
    expect((await rejection(BamSorter.open(path.join(dir, 'out.bam'), HEADER))).message).toMatch(/is a directory/);
  });
});

describe('sortBamFile', () => {
  const writeBam = async (file: string, records: readonly Uint8Array[]): Promise<void> => {
    const writer = await BamWriter.open(file, HEADER);
    for (const record of records) await writer.writeRecordBytes(record);
    await writer.close();
  };

  it('sorts a BAM file through runs into the same records as in memory', async () => {
    const dir = folder();
    const records = shuffledRecords(3000, 10);
    await writeBam(path.join(dir, 'in.bam'), records);
    const summary = await sortBamFile(path.join(dir, 'in.bam'), path.join(dir, 'out.bam'), { memoryBytes: 30_000 });
    expect(summary.records).toBe(3000);
    expect(summary.runs).toBeGreaterThan(3);
    expect((await readAll(path.join(dir, 'out.bam'))).records).toEqual(expectedOrder(records));
  });

  it('sorts a file onto itself (the output replaces the input only at the end)', async () => {
    const dir = folder();
    const records = shuffledRecords(500, 11);
    await writeBam(path.join(dir, 'x.bam'), records);
    await sortBamFile(path.join(dir, 'x.bam'), path.join(dir, 'x.bam'), { memoryBytes: 5000 });
    expect((await readAll(path.join(dir, 'x.bam'))).records).toEqual(expectedOrder(records));
    expect(filesIn(dir)).toEqual(['x.bam']);
  });

  it('fails on a truncated input naming it, leaving no output and no run', async () => {
    const dir = folder();
    await writeBam(path.join(dir, 'in.bam'), shuffledRecords(3000, 12));
    const bytes = fs.readFileSync(path.join(dir, 'in.bam'));
    fs.writeFileSync(path.join(dir, 'cut.bam'), bytes.subarray(0, bytes.length - 28));
    const error = await rejection(
      sortBamFile(path.join(dir, 'cut.bam'), path.join(dir, 'out.bam'), { memoryBytes: 20_000, writeIndex: true }),
    );
    expect(error.message).toMatch(/cut\.bam.*EOF marker/);
    expect(filesIn(dir)).toEqual(['cut.bam', 'in.bam']);
  });
});
