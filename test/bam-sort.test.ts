/**
 * bam-sort end to end: the demo data set (tools/src/test-data.ts: paired reads, unmapped mates
 * placed at their mate, unplaced pairs, secondary and supplementary records, long CIGARs) plus
 * records that tie on every key, shuffled, then sorted with many runs on disk. The output must be
 * samtools sort's, record for record (checked live where samtools is installed, and against a
 * stable sort by samtools' keys everywhere), the same at every thread count and from SAM input; a
 * pipe, `| head` and a truncated input behave as every shoal tool does (signals: cli-signals.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BamReader, BamWriter, compareCoordinates, encodeRecord, parseCigar, samHeaderText, samLine, type BamHeader } from '@shoal/hts';
import { demoData, hasTool, runShell, runTool, tempDir, toolPath } from './helpers.js';

const dir = tempDir('shoal-bam-sort-');
const shuffled = path.join(dir, 'shuffled.bam');
let header: BamHeader;
/** The shuffled input's records, in input order. */
let input: Uint8Array[] = [];

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

/** Records that tie on reference, position and strand and differ in name (input order must decide), and two with no position on chr1. */
function tyingRecords(): Uint8Array[] {
  const record = (readName: string, flag: number, refId: number, pos: number, cigar: string): Uint8Array =>
    encodeRecord({
      readName,
      flag,
      refId,
      pos,
      mapq: 20,
      cigar: parseCigar(cigar)!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: 'ACGTACGTAC',
      qualities: null,
      tags: [],
    });
  const out: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) out.push(record(`tie-${i}`, i % 2 ? 0x10 : 0, 0, 1000, i % 3 ? '10M' : '5M5S'));
  for (let i = 0; i < 10; i++) out.push(record(`unplaced-tie-${i}`, 0x4, -1, -1, '*'));
  out.push(record('no-position-a', 0x4, 0, -1, '*'), record('no-position-b', 0x4, 0, -1, '*'));
  return out;
}

beforeAll(async () => {
  const demo = await demoData();
  const reader = await BamReader.open(demo.bam);
  header = reader.header;
  const records: Uint8Array[] = [];
  for await (const batch of reader.batches()) for (let i = 0; i < batch.count; i++) records.push(batch.record(i).toBytes());
  reader.close();
  records.push(...tyingRecords());
  // Fisher-Yates with a fixed seed: the same shuffle on every run.
  const random = randomNumbers(20261206);
  for (let i = records.length - 1; i > 0; i--) {
    const j = random() % (i + 1);
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  input = records;
  const writer = await BamWriter.open(shuffled, header);
  for (const record of records) await writer.writeRecordBytes(record);
  await writer.close();
});

async function recordsOf(file: string): Promise<{ header: BamHeader; records: string[] }> {
  const reader = await BamReader.open(file);
  const records: string[] = [];
  for await (const batch of reader.batches())
    for (let i = 0; i < batch.count; i++) records.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
  reader.close();
  return { header: reader.header, records };
}

/** samtools sort's output: a stable sort by its coordinate keys (input order on ties). */
function stableSort(records: readonly Uint8Array[]): string[] {
  return records
    .map((bytes, index) => ({ bytes, index }))
    .sort((a, b) => compareCoordinates(a.bytes, b.bytes) || a.index - b.index)
    .map(({ bytes }) => Buffer.from(bytes).toString('hex'));
}

/** Files left in `folder` besides `expected` (hidden run files included). */
const leftovers = (folder: string, expected: string[]): string[] => fs.readdirSync(folder).filter((name) => !expected.includes(name));

describe('bam-sort', () => {
  it('sorts the shuffled demo BAM through many runs into a stable sort by samtools keys, the header with SO:coordinate', async () => {
    const out = path.join(dir, 'many-runs.bam');
    const result = runTool('bam-sort', [shuffled, '-o', out, '-m', '8K', '-t', '1', '--write-index']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const sorted = await recordsOf(out);
    expect(sorted.records).toEqual(stableSort(input));
    expect(sorted.header.text.split('\n')[0]).toMatch(/^@HD\tVN:[\d.]+\tSO:coordinate$/);
    expect(fs.existsSync(`${out}.bai`)).toBe(true);
    expect(leftovers(dir, ['shuffled.bam', 'many-runs.bam', 'many-runs.bam.bai'])).toEqual([]);
  });

  it.skipIf(!hasTool('samtools'))('writes what samtools sort writes, record for record (live, where samtools is installed)', () => {
    const ours = path.join(dir, 'ours.bam');
    const theirs = path.join(dir, 'samtools.bam');
    expect(runTool('bam-sort', [shuffled, '-o', ours, '-m', '20K', '-t', '2']).status).toBe(0);
    const samtools = runShell(`samtools sort -o ${theirs} ${shuffled}`);
    expect(samtools.status, samtools.stderr).toBe(0);
    const view = (file: string): string => runShell(`samtools view ${file}`).stdout;
    const oursText = view(ours);
    expect(oursText.split('\n').length).toBe(input.length + 1);
    expect(oursText).toBe(view(theirs));
    // The headers differ only in samtools' @PG lines (its sort's, and its view's).
    const headerOf = (file: string): string =>
      runShell(`samtools view -H ${file}`)
        .stdout.split('\n')
        .filter((line) => !line.startsWith('@PG\tID:samtools'))
        .join('\n');
    expect(headerOf(ours)).toBe(headerOf(theirs));
    fs.rmSync(ours);
    fs.rmSync(theirs);
  });

  it('writes the same bytes at 1 and 3 threads, in memory or through runs, and from SAM input', async () => {
    const outputs = {
      memory: path.join(dir, 'memory.bam'),
      runs1: path.join(dir, 'runs1.bam'),
      runs3: path.join(dir, 'runs3.bam'),
      sam: path.join(dir, 'from-sam.bam'),
      samAsBam: path.join(dir, 'from-sam-as-bam.bam'),
    };
    const sam = path.join(dir, 'shuffled.sam');
    const samAsBam = path.join(dir, 'shuffled-sam.bam');
    const reader = await BamReader.open(shuffled);
    let text = samHeaderText(reader.header);
    for await (const batch of reader.batches())
      for (let i = 0; i < batch.count; i++) text += `${samLine(batch.record(i), reader.header)}\n`;
    reader.close();
    fs.writeFileSync(sam, text);
    // SAM text is re-encoded on reading (a record on chr1 with no position becomes unplaced, as
    // htslib reads it), so the SAM run is held to the sort of the same SAM read into a BAM.
    expect(runTool('ndjson2bam', [sam, '-o', samAsBam, '-t', '1']).status).toBe(0);
    for (const [args, out] of [
      [[shuffled, '-t', '1'], outputs.memory],
      [[shuffled, '-m', '16K', '-t', '1'], outputs.runs1],
      [[shuffled, '-m', '16K', '-t', '3'], outputs.runs3],
      [[sam, '-m', '16K', '-t', '1'], outputs.sam],
      [[samAsBam, '-t', '1'], outputs.samAsBam],
    ] as const) {
      const result = runTool('bam-sort', [...args, '-o', out]);
      expect(result.status, result.stderr).toBe(0);
    }
    const memory = fs.readFileSync(outputs.memory);
    expect(fs.readFileSync(outputs.runs1).equals(memory)).toBe(true);
    expect(fs.readFileSync(outputs.runs3).equals(memory)).toBe(true);
    expect(fs.readFileSync(outputs.sam).equals(fs.readFileSync(outputs.samAsBam))).toBe(true);
    for (const file of [...Object.values(outputs), sam, samAsBam]) fs.rmSync(file);
  });

  it('reads stdin and writes stdout in a pipe, and ends quietly when the reader stops (| head)', () => {
    const piped = runShell(`cat ${shuffled} | node ${toolPath('bam-sort')} - -m 16K -t 2 | node ${toolPath('bam2ndjson')} - | wc -l`);
    expect(piped.status, piped.stderr).toBe(0);
    expect(Number(piped.stdout.trim())).toBe(input.length + 1);
    const head = runShell(`node ${toolPath('bam-sort')} ${shuffled} -o - | head -c 100 | wc -c`);
    expect(head.status, head.stderr).toBe(0);
    expect(head.stderr).toBe('');
    expect(head.stdout.trim()).toBe('100');
  });

  it('fails on a truncated input with one line naming it, leaving no output, no index and no run', () => {
    const folder = tempDir('shoal-bam-sort-cut-');
    const bytes = fs.readFileSync(shuffled);
    fs.writeFileSync(path.join(folder, 'cut.bam'), bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const result = runTool('bam-sort', [path.join(folder, 'cut.bam'), '-o', path.join(folder, 'out.bam'), '-m', '8K', '--write-index']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^bam-sort: error: \S*cut\.bam \(byte offset \d+\): truncated BGZF block/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(leftovers(folder, ['cut.bam'])).toEqual([]);
  });

  it('refuses a bad --memory and an index on stdout as usage errors', () => {
    const memory = runTool('bam-sort', [shuffled, '-m', '12X']);
    expect(memory.status).toBe(2);
    expect(memory.stderr).toMatch(/--memory takes a size in bytes with an optional K, M or G suffix/);
    const index = runTool('bam-sort', [shuffled, '-o', '-', '--write-index']);
    expect(index.status).toBe(1);
    expect(index.stderr).toMatch(/cannot write an index for BAM on stdout/);
  });
});
