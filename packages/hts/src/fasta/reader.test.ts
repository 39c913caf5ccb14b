import { writeFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HtsError } from '../errors.js';
import { parseFasta, readFastaFileSync, readFastaRecords, type FastaRecord } from './reader.js';
import { testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-fasta-reader-');

let fileCounter = 0;
function file(contents: string | Buffer): string {
  const path = join(directory, `in${fileCounter++}.fa`);
  writeFileSync(path, contents);
  return path;
}

async function collect(iterable: AsyncIterable<FastaRecord>): Promise<FastaRecord[]> {
  const records: FastaRecord[] = [];
  for await (const record of iterable) records.push(record);
  return records;
}

const TEXT = '>chr1 first contig  \nACGTac\ngtNN\n\n>chr2\nTT\n>empty\tdesc here\n';
const EXPECTED: FastaRecord[] = [
  { name: 'chr1', description: 'first contig', sequence: 'ACGTacgtNN' },
  { name: 'chr2', description: '', sequence: 'TT' },
  { name: 'empty', description: 'desc here', sequence: '' },
];

describe('FASTA record reader', () => {
  it('parses text held in memory, keeping case', () => {
    expect(parseFasta(TEXT)).toEqual(EXPECTED);
  });

  it('handles \\r\\n and a missing final newline', () => {
    expect(parseFasta('>a x\r\nAC\r\ngt')).toEqual([{ name: 'a', description: 'x', sequence: 'ACgt' }]);
  });

  it('streams from a path, a Readable cut at every byte, and reads synchronously', async () => {
    const path = file(TEXT);
    expect(await collect(readFastaRecords(path))).toEqual(EXPECTED);
    expect(await collect(readFastaRecords(createReadStream(path, { highWaterMark: 1 })))).toEqual(EXPECTED);
    const bytes = Buffer.from(TEXT);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await collect(readFastaRecords(Readable.from(pieces)))).toEqual(EXPECTED);
    }
    expect([...readFastaFileSync(path)]).toEqual(EXPECTED);
  });

  it('decompresses gzip input when reading sequentially', async () => {
    const path = file(gzipSync(TEXT));
    expect(await collect(readFastaRecords(path))).toEqual(EXPECTED);
    expect([...readFastaFileSync(path)]).toEqual(EXPECTED);
  });

  it('keeps multi-byte UTF-8 descriptions intact across chunk boundaries', async () => {
    const text = '>s café ü\nAC\n';
    const stream = createReadStream(file(text), { highWaterMark: 1 });
    expect(await collect(readFastaRecords(stream))).toEqual([{ name: 's', description: 'café ü', sequence: 'AC' }]);
  });

  it('reports sequence before the first header with file and line', async () => {
    const path = file('\nACGT\n>a\nAC\n');
    await expect(collect(readFastaRecords(path))).rejects.toThrow(`${path} (line 2): sequence data before`);
    expect(() => parseFasta('>\nAC\n', 'x.fa')).toThrow(HtsError);
  });

  it('reports a missing file as an HtsError', async () => {
    await expect(collect(readFastaRecords(join(directory, 'absent.fa')))).rejects.toThrow('file not found');
  });

  it('reads nothing from an empty input', async () => {
    expect(await collect(readFastaRecords(file('')))).toEqual([]);
  });
});
