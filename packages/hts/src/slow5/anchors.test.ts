/**
 * SLOW5/BLOW5 against the anchor implementations on this machine: files written by Debian's
 * python3-slow5 0.7.0 (committed fixtures, made by tools/goldens/make-slow5-fixtures.py) read by
 * us, our files read by python3-slow5, and nanopolish 0.14.0 indexing our files.
 *
 * Debian's libslow5 0.7.0 cannot read svb-zd signal at all (it crashes on slow5lib's own svb-zd
 * files too: it is linked to the system streamvbyte, whose zigzag_delta_decode writes int32 where
 * slow5lib's vendored copy writes int16), and python3-slow5 carries a copy built without zstd; so
 * those pairs are checked here only for what does not decode the signal (nanopolish's index).
 * tools/goldens/slow5lib-check/check.sh checks every pair against upstream slow5lib.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSlow5 } from './reader.js';
import { encodeSlow5File, type Slow5WriterOptions } from './writer.js';
import { buildSlow5Index } from './idx.js';
import { STANDARD_AUX_FIELDS, type Slow5Header, type Slow5Record } from './types.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtures = path.join(repositoryRoot, 'test', 'fixtures', 'slow5');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-slow5-anchors-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Debian's python3-slow5 lives in the system interpreter, not in a pyenv one earlier on PATH. */
const PYTHON = '/usr/bin/python3';
const hasPyslow5 = spawnSync(PYTHON, ['-c', 'import pyslow5'], { encoding: 'utf8' }).status === 0;
const hasNanopolish = spawnSync('nanopolish', ['--version'], { encoding: 'utf8' }).status === 0;

interface ExpectedRead {
  read_id: string;
  read_group: number;
  digitisation: number;
  offset: number;
  range: number;
  sampling_rate: number;
  signal: number[];
  aux: { channel_number: string; median_before: number; read_number: number; start_mux: number; start_time: number };
}

async function readAll(file: string): Promise<{ header: Slow5Header; records: Slow5Record[] }> {
  const opened = await openSlow5(file);
  const records: Slow5Record[] = [];
  for await (const record of opened.records()) records.push(record);
  await opened.close();
  return { header: opened.header, records };
}

describe('files written by python3-slow5 0.7.0', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'pyslow5-expected.json'), 'utf8')) as {
    readGroups: Record<string, string>[];
    reads: ExpectedRead[];
  };

  for (const name of ['pyslow5-zlib.blow5', 'pyslow5.slow5']) {
    it(`${name} reads back every value the library was given`, async () => {
      const { header, records } = await readAll(path.join(fixtures, name));
      expect(header.readGroups.map((group) => Object.fromEntries(group))).toEqual(expected.readGroups);
      expect(header.auxFields).toEqual(STANDARD_AUX_FIELDS);
      expect(records.map((record) => record.readId)).toEqual(expected.reads.map((read) => read.read_id));
      records.forEach((record, i) => {
        const read = expected.reads[i]!;
        expect([record.readGroup, record.digitisation, record.offset, record.range, record.samplingRate]).toEqual([
          read.read_group,
          read.digitisation,
          read.offset,
          read.range,
          read.sampling_rate,
        ]);
        expect(Array.from(record.rawSignal)).toEqual(read.signal);
        expect(Object.fromEntries(record.aux)).toEqual({ ...read.aux, start_time: BigInt(read.aux.start_time) });
      });
    });
  }
});

const HEADER: Slow5Header = {
  version: [0, 2, 0],
  readGroups: [
    new Map([
      ['run_id', 'run0'],
      ['experiment_type', 'rna'],
    ]),
    new Map([['run_id', 'run1']]),
  ],
  auxFields: [...STANDARD_AUX_FIELDS, { name: 'end_reason', type: 'enum{unknown,partial,mux_change}' }],
};

const RECORDS: Slow5Record[] = [0, 1, 2].map((i) => ({
  readId: `read-${i}`,
  readGroup: i % 2,
  digitisation: 8192,
  offset: 10 + i,
  range: 1467.61,
  samplingRate: 3012,
  // The empty signal, a short one and a longer one, with both int16 extremes.
  rawSignal: Int16Array.from({ length: [0, 5, 3000][i]! }, (_, k) => (k === 1 ? -32768 : k === 2 ? 32767 : 300 + ((k * 7919 + i) % 301))),
  aux: new Map<string, number | bigint | string>([
    ['channel_number', String(100 + i)],
    ['median_before', 200.5 + i],
    ['read_number', i],
    ['start_mux', 1 + i],
    ['start_time', BigInt(1000 * i + 1)],
    ['end_reason', i],
  ]),
}));

/** What python3-slow5 reads from `file`, as JSON (signals as lists, 64-bit integers as numbers). */
function readWithPyslow5(file: string): Record<string, unknown>[] {
  const script = `
import json, os, sys, pyslow5
s5 = pyslow5.Open(sys.argv[1], 'r')
out = []
for read in s5.seq_reads(aux='all'):
    out.append({k: (v.tolist() if hasattr(v, 'tolist') else v) for k, v in read.items()})
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
`;
  const run = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

describe.skipIf(!hasPyslow5)('python3-slow5 reads our files', () => {
  const cases: [string, Slow5WriterOptions][] = [
    ['ours-none-none.blow5', { recordCompression: 'none', signalCompression: 'none' }],
    ['ours-zlib-none.blow5', { recordCompression: 'zlib', signalCompression: 'none' }],
    ['ours.slow5', { format: 'slow5' }],
  ];
  for (const [name, options] of cases) {
    it(name, () => {
      const file = path.join(folder, name);
      fs.writeFileSync(file, encodeSlow5File(HEADER, RECORDS, options));
      const reads = readWithPyslow5(file);
      expect(reads.length).toBe(RECORDS.length);
      reads.forEach((read, i) => {
        const record = RECORDS[i]!;
        expect(read).toMatchObject({
          read_id: record.readId,
          read_group: record.readGroup,
          digitisation: record.digitisation,
          offset: record.offset,
          range: record.range,
          sampling_rate: record.samplingRate,
          len_raw_signal: record.rawSignal.length,
          channel_number: record.aux.get('channel_number'),
          median_before: record.aux.get('median_before'),
          read_number: record.aux.get('read_number'),
          start_mux: record.aux.get('start_mux'),
          start_time: Number(record.aux.get('start_time')),
          end_reason: record.aux.get('end_reason'),
        });
        expect(read.signal).toEqual(Array.from(record.rawSignal));
      });
    });
  }
});

describe.skipIf(!hasNanopolish)('nanopolish index --slow5', () => {
  const pairs: Slow5WriterOptions[] = [];
  for (const recordCompression of ['none', 'zlib', 'zstd'] as const) {
    for (const signalCompression of ['none', 'svb-zd'] as const) pairs.push({ recordCompression, signalCompression });
  }
  for (const options of pairs) {
    it(`indexes our BLOW5 with ${options.recordCompression} records and ${options.signalCompression} signal, writing the .idx we write`, async () => {
      const base = path.join(folder, `np-${options.recordCompression}-${options.signalCompression}`);
      const blow5 = `${base}.blow5`;
      const fastq = `${base}.fastq`;
      fs.writeFileSync(blow5, encodeSlow5File(HEADER, RECORDS, options));
      fs.writeFileSync(fastq, RECORDS.map((record) => `@${record.readId}\nACGU\n+\nIIII\n`).join(''));
      const run = spawnSync('nanopolish', ['index', '--slow5', blow5, fastq], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const theirs = fs.readFileSync(`${blow5}.idx`);
      fs.copyFileSync(blow5, `${base}-ours.blow5`);
      await buildSlow5Index(`${base}-ours.blow5`);
      expect(Buffer.compare(fs.readFileSync(`${base}-ours.blow5.idx`), theirs)).toBe(0);
      // In --slow5 mode nanopolish's read database names one BLOW5 for all reads (`*`).
      expect(fs.readFileSync(`${fastq}.index.readdb`, 'utf8')).toBe(`*\t${blow5}\n`);
    });
  }
});
