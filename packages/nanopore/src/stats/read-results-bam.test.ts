/**
 * read_results.bam: a small input BAM built here (forward and reverse records, soft clips,
 * insertions, deletions and a reference skip at sites, old RG/MM/ML tags), written through
 * writeReadResultsBam, read back with our reader and MM/ML parser, and, where installed, checked by
 * samtools (quickcheck, view through the .bai, mpileup --output-mods, which parses MM/ML with
 * htslib) and by pysam's modified_bases (tools/goldens/check-modbam-pysam.py).
 *
 * The oracle for query positions is a per-base expansion of the CIGAR written here, independent of
 * the writer's walk.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BamReader,
  BamWriter,
  encodeRecord,
  HtsError,
  makeHeader,
  mlToProbability,
  parseCigar,
  parseModifiedBases,
  type BamHeader,
  type BamRecord,
  type BamRecordView,
  type Tag,
} from '@shoal/hts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readResultsHeader,
  writeReadResultsBam,
  type ReadCondition,
  type ReadResult,
  type ReadResultsBamSummary,
  type ReadSite,
} from './read-results-bam.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PYSAM_SCRIPT = path.join(ROOT, 'tools/goldens/check-modbam-pysam.py');

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-read-results-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
const file = (name: string): string => path.join(directory, name);

/** A deterministic reference, rich in A (about one base in three). */
const REFERENCE = (() => {
  let state = 12345;
  let text = '';
  for (let i = 0; i < 300; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += 'AAACGT'[(state >> 16) % 6];
  }
  return text;
})();

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' };

/** The oracle: reference position → query position for M/=/X bases, and the reference positions in D/N. */
function alignedPairs(pos: number, cigar: string): { pairs: Map<number, number>; deleted: Set<number> } {
  const pairs = new Map<number, number>();
  const deleted = new Set<number>();
  let reference = pos;
  let query = 0;
  for (const [, lengthText, op] of cigar.matchAll(/(\d+)([MIDNSHP=X])/g)) {
    const length = Number(lengthText);
    for (let i = 0; i < length; i++) {
      if ('M=X'.includes(op!)) pairs.set(reference++, query++);
      else if ('IS'.includes(op!)) query++;
      else if ('DN'.includes(op!)) deleted.add(reference++);
    }
  }
  return { pairs, deleted };
}

/** A SEQ for a CIGAR: the reference's bases where aligned, fixed bases in insertions and clips. */
function sequenceFor(pos: number, cigar: string): string {
  let reference = pos;
  let sequence = '';
  for (const [, lengthText, op] of cigar.matchAll(/(\d+)([MIDNSHP=X])/g)) {
    const length = Number(lengthText);
    if ('M=X'.includes(op!)) sequence += REFERENCE.slice(reference, (reference += length));
    else if (op === 'I') sequence += 'GA'.repeat(length).slice(0, length);
    else if (op === 'S') sequence += 'CT'.repeat(length).slice(0, length);
    else if ('DN'.includes(op!)) reference += length;
  }
  return sequence;
}

interface TestRead {
  name: string;
  condition: ReadCondition;
  reverse: boolean;
  pos: number;
  cigar: string;
  tags: Tag[];
  sites: ReadSite[];
}

const READS: TestRead[] = [
  {
    name: 'fwd-clips-indels',
    condition: 'native',
    reverse: false,
    pos: 100,
    cigar: '3S10M2I5M3D10M2S',
    tags: [],
    // 115 and 116 are deleted; 99 and 50 are before the alignment, 128 after it (its end is 128).
    sites: [100, 105, 109, 110, 112, 114, 115, 116, 118, 120, 127, 128, 99, 50].map((referencePosition, i) => ({
      referencePosition,
      probability: [0, 0.5, 0.999, 1, 0.123, 0.25, 0.75, 0.01, 0.9, 0.33, 0.66, 0.2, 0.4, 0.6][i]!,
    })),
  },
  {
    name: 'rev-clips-indels',
    condition: 'native',
    reverse: true,
    pos: 40,
    cigar: '2S8M1D6M1I4M3S',
    tags: [{ name: 'NM', type: 'C', value: 2 }],
    // 48 is deleted; sites given out of order.
    sites: [58, 40, 47, 48, 49, 44, 55, 52, 41, 57].map((referencePosition, i) => ({ referencePosition, probability: (i + 1) / 11 })),
  },
  {
    name: 'ivt-old-tags',
    condition: 'ivt',
    reverse: false,
    pos: 10,
    cigar: '20M',
    tags: [
      { name: 'RG', type: 'Z', value: 'old-group' },
      { name: 'MM', type: 'Z', value: 'C+m?,0;' },
      { name: 'NM', type: 'C', value: 0 },
      { name: 'ML', type: 'B:C', value: [200] },
      { name: 'XF', type: 'B:f', value: [1.5, -2] },
      { name: 'MN', type: 'C', value: 20 },
    ],
    sites: Array.from({ length: 20 }, (_, i) => ({ referencePosition: 10 + i, probability: i / 19 })),
  },
  {
    name: 'ivt-rev-skip',
    condition: 'ivt',
    reverse: true,
    pos: 60,
    cigar: '5M2N5M',
    tags: [],
    // 65 and 66 are in the reference skip.
    sites: [60, 62, 64, 65, 66, 67, 71].map((referencePosition, i) => ({ referencePosition, probability: 1 - i / 7 })),
  },
  { name: 'ivt-no-sites', condition: 'ivt', reverse: false, pos: 0, cigar: '8M', tags: [], sites: [] },
];

const INPUT_HEADER_TEXT = [
  '@HD\tVN:1.6\tSO:unsorted',
  '@SQ\tSN:chr1\tLN:300',
  '@RG\tID:native\tSM:native-sample',
  '@PG\tID:minimap2\tPN:minimap2\tVN:2.26\tCL:minimap2 -ax map-ont',
  '@PG\tID:samtools\tPN:samtools\tPP:minimap2\tCL:samtools view',
  '',
].join('\n');

function recordOf(read: TestRead): BamRecord {
  const sequence = sequenceFor(read.pos, read.cigar);
  return {
    readName: read.name,
    flag: read.reverse ? 16 : 0,
    refId: 0,
    pos: read.pos,
    mapq: 60,
    cigar: parseCigar(read.cigar)!,
    mateRefId: -1,
    matePos: -1,
    templateLength: 0,
    sequence,
    qualities: Uint8Array.from(sequence, (_, i) => 10 + (i % 30)),
    tags: read.tags,
  };
}

interface ExpectedCall {
  queryPosition: number;
  base: string;
  code: string;
  ml: number;
  probability: number;
}

/** What each read's MM/ML must say, and the counts, from the oracle. */
function expectedOf(read: TestRead): { calls: ExpectedCall[]; inDeletion: number; outside: number } {
  const sequence = sequenceFor(read.pos, read.cigar);
  const { pairs, deleted } = alignedPairs(read.pos, read.cigar);
  const calls: ExpectedCall[] = [];
  let inDeletion = 0;
  let outside = 0;
  for (const site of read.sites) {
    const q = pairs.get(site.referencePosition);
    if (q === undefined) {
      if (deleted.has(site.referencePosition)) inDeletion++;
      else outside++;
      continue;
    }
    const originalBase = read.reverse ? COMPLEMENT[sequence[q]!]! : sequence[q]!;
    const onA = originalBase === 'A';
    calls.push({
      queryPosition: q,
      base: onA ? 'A' : 'N',
      code: onA ? 'a' : 'N',
      ml: Math.min(255, Math.floor(site.probability * 256)),
      probability: site.probability,
    });
  }
  calls.sort((a, b) => a.queryPosition - b.queryPosition);
  return { calls, inDeletion, outside };
}

async function* viewsOf(bamPath: string): AsyncGenerator<ReadResult> {
  const reader = await BamReader.open(bamPath);
  try {
    for await (const batch of reader.batches()) {
      for (let i = 0; i < batch.count; i++) {
        const record: BamRecordView = batch.record(i);
        const read = READS.find((r) => r.name === record.readName)!;
        yield { record, condition: read.condition, sites: read.sites };
      }
    }
  } finally {
    reader.close();
  }
}

interface OutputRecord {
  name: string;
  pos: number;
  flag: number;
  sequence: string;
  cigar: string;
  qualities: number[];
  tags: Tag[];
}

async function readOutput(bamPath: string): Promise<{ header: BamHeader; records: OutputRecord[] }> {
  const reader = await BamReader.open(bamPath);
  const records: OutputRecord[] = [];
  try {
    for await (const batch of reader.batches())
      for (let i = 0; i < batch.count; i++) {
        const view = batch.record(i);
        records.push({
          name: view.readName,
          pos: view.pos,
          flag: view.flag,
          sequence: view.sequence(),
          cigar: view.cigarString(),
          qualities: Array.from(view.qualities()),
          tags: view.tags(),
        });
      }
    return { header: reader.header, records };
  } finally {
    reader.close();
  }
}

const hasSamtools = spawnSync('samtools', ['--version']).status === 0;
/** A Python that has pysam: Debian's (python3-pysam) first, then the one on PATH. */
const pysamPython = ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import pysam']).status === 0);

const INPUT = file('input.bam');
const OUTPUT = file('out/read_results.bam');
const COMMAND_LINE = 'hmm-smooth --native n.bam\t--ivt i.bam -o out';
let summary: ReadResultsBamSummary;
let output: { header: BamHeader; records: OutputRecord[] };

beforeAll(async () => {
  const header = makeHeader(INPUT_HEADER_TEXT, [{ name: 'chr1', length: 300 }]);
  // Input order is not coordinate order: the output must be sorted.
  const writer = await BamWriter.open(INPUT, header);
  for (const read of READS) await writer.write(recordOf(read));
  await writer.close();
  const reader = await BamReader.open(INPUT);
  const inputHeader = reader.header;
  reader.close();
  summary = await writeReadResultsBam({
    output: OUTPUT,
    header: inputHeader,
    records: viewsOf(INPUT),
    programCommandLine: COMMAND_LINE,
    writeIndex: true,
  });
  output = await readOutput(OUTPUT);
});

describe('writeReadResultsBam', () => {
  it('returns the counts', () => {
    const expected = READS.map(expectedOf);
    const written = expected.reduce((n, e) => n + e.calls.length, 0);
    expect(summary).toEqual({
      records: 5,
      nativeRecords: 2,
      ivtRecords: 3,
      recordsWithModifications: 4,
      recordsWithReplacedModifications: 1,
      sitesWritten: written,
      sitesNotOnA: expected.reduce((n, e) => n + e.calls.filter((c) => c.code === 'N').length, 0),
      sitesInDeletion: 5,
      sitesOutsideAlignment: 3,
      sitesWithoutSequence: 0,
    });
    expect(expected.reduce((n, e) => n + e.inDeletion, 0)).toBe(5);
    expect(expected.reduce((n, e) => n + e.outside, 0)).toBe(3);
    // The test covers both codes.
    expect(summary.sitesNotOnA).toBeGreaterThan(0);
    expect(summary.sitesNotOnA).toBeLessThan(written);
  });

  it('writes the records coordinate-sorted, with the .bai, and nothing else left in the folder', () => {
    expect(output.records.map((r) => r.pos)).toEqual([0, 10, 40, 60, 100]);
    expect(fs.readdirSync(path.dirname(OUTPUT)).sort()).toEqual(['read_results.bam', 'read_results.bam.bai']);
  });

  it('writes the header: SO:coordinate, both read groups (an existing one kept), @PG chained to the last', () => {
    expect(output.header.text).toBe(
      [
        '@HD\tVN:1.6\tSO:coordinate',
        '@SQ\tSN:chr1\tLN:300',
        '@RG\tID:native\tSM:native-sample',
        '@RG\tID:ivt\tSM:ivt',
        '@PG\tID:minimap2\tPN:minimap2\tVN:2.26\tCL:minimap2 -ax map-ont',
        '@PG\tID:samtools\tPN:samtools\tPP:minimap2\tCL:samtools view',
        '@PG\tID:hmm-smooth\tPN:hmm-smooth\tPP:samtools\tCL:hmm-smooth --native n.bam --ivt i.bam -o out',
        '',
      ].join('\n'),
    );
  });

  it('copies each record, with RG replaced and MM/ML/MN (only) added', () => {
    for (const record of output.records) {
      const read = READS.find((r) => r.name === record.name)!;
      const input = recordOf(read);
      expect(record.flag).toBe(input.flag);
      expect(record.sequence).toBe(input.sequence);
      expect(record.cigar).toBe(read.cigar);
      expect(record.qualities).toEqual(Array.from(input.qualities!));
      const kept = read.tags.filter((tag) => !['RG', 'MM', 'ML', 'MN'].includes(tag.name));
      const names = record.tags.map((tag) => tag.name);
      const hasCalls = expectedOf(read).calls.length > 0;
      expect(names).toEqual([...kept.map((tag) => tag.name), 'RG', ...(hasCalls ? ['MM', 'ML', 'MN'] : [])]);
      for (const tag of kept) expect(record.tags.find((t) => t.name === tag.name)).toEqual(tag);
      expect(record.tags.find((tag) => tag.name === 'RG')!.value).toBe(read.condition);
      if (hasCalls) expect(record.tags.find((tag) => tag.name === 'MN')!.value).toBe(record.sequence.length);
    }
  });

  it('writes MM/ML that parse back to the sites: positions through the CIGAR, codes by base, probabilities within 1/256', () => {
    for (const record of output.records) {
      const read = READS.find((r) => r.name === record.name)!;
      const tag = (name: string): Tag['value'] | undefined => record.tags.find((t) => t.name === name)?.value;
      const mm = tag('MM') as string | undefined;
      const expected = expectedOf(read).calls;
      if (expected.length === 0) {
        expect(mm).toBeUndefined();
        continue;
      }
      // Every mode is '?': unlisted bases were not scored.
      expect(mm).toMatch(/^(A\+a\?(,\d+)+;)?(N\+N\?(,\d+)+;)?$/);
      const calls = parseModifiedBases(mm!, tag('ML') as number[], record.sequence, read.reverse, tag('MN') as number);
      const got = calls
        .map((call) => ({ queryPosition: call.queryPosition, base: call.base, code: call.code, ml: call.probability! }))
        .sort((a, b) => a.queryPosition - b.queryPosition);
      expect(got).toEqual(expected.map(({ queryPosition, base, code, ml }) => ({ queryPosition, base, code, ml })));
      for (const [i, call] of got.entries()) {
        expect(call.ml).toBe(Math.min(255, Math.floor(expected[i]!.probability * 256)));
        expect(Math.abs(mlToProbability(call.ml) - expected[i]!.probability)).toBeLessThanOrEqual(1 / 256);
      }
    }
  });

  it.skipIf(!hasSamtools)('passes samtools quickcheck, view through the .bai, and mpileup --output-mods (samtools installed)', () => {
    expect(spawnSync('samtools', ['quickcheck', '-v', OUTPUT], { encoding: 'utf8' }).status).toBe(0);
    const count = spawnSync('samtools', ['view', '-c', OUTPUT], { encoding: 'utf8' });
    expect(count.status).toBe(0);
    expect(count.stdout.trim()).toBe('5');
    // A region query reads the .bai: the forward read at 100-127 (1-based 101-128) and the reverse one at 60-71 overlap these.
    const region = spawnSync('samtools', ['view', OUTPUT, 'chr1:70-101'], { encoding: 'utf8' });
    expect(region.status).toBe(0);
    expect(
      region.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(['ivt-rev-skip', 'fwd-clips-indels']);
    const sam = spawnSync('samtools', ['view', OUTPUT, 'chr1:101-101'], { encoding: 'utf8' }).stdout;
    expect(sam).toMatch(/\tRG:Z:native\tMM:Z:[^\t]+\tML:B:C,[0-9,]+\tMN:i:32\n$/);
    // mpileup reads MM/ML with htslib and prints each call after its base, `A[+a200]`: the calls it
    // shows must be ours (samtools 1.16 prints nothing, and exits 0, for a tag it cannot follow).
    const pileup = spawnSync('samtools', ['mpileup', '--output-mods', '--no-BAQ', '-Q', '0', OUTPUT], { encoding: 'utf8' });
    expect(pileup.status).toBe(0);
    expect(pileup.stderr).not.toMatch(/MM|ML|modif|error|warn/i);
    const shown = [...pileup.stdout.matchAll(/\[([^\]]*)\]/g)].flatMap((m) =>
      [...m[1]!.matchAll(/([+-])([A-Za-z]+|\d+)(\d{1,3})/g)].map((c) => `${c[1]}${c[2]}${c[3]}`),
    );
    const written = READS.flatMap((read) => expectedOf(read).calls.map((call) => `+${call.code}${call.ml}`));
    expect(shown.sort()).toEqual(written.sort());
  });

  it.skipIf(pysamPython === undefined)('gives the calls pysam reads with modified_bases (python3-pysam installed)', () => {
    const result = spawnSync(pysamPython!, [PYSAM_SCRIPT, OUTPUT], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const calls = JSON.parse(result.stdout) as {
      read: string;
      reverse: boolean;
      readGroup: string;
      mn: number;
      queryPosition: number;
      base: string;
      strand: string;
      code: string;
      ml: number;
    }[];
    const expected = output.records.flatMap((record) => {
      const read = READS.find((r) => r.name === record.name)!;
      return expectedOf(read).calls.map((call) => ({
        read: read.name,
        reverse: read.reverse,
        readGroup: read.condition,
        mn: record.sequence.length,
        queryPosition: call.queryPosition,
        base: call.base,
        strand: '+',
        code: call.code,
        ml: call.ml,
      }));
    });
    expect(
      calls.map(({ read, reverse, readGroup, mn, queryPosition, base, strand, code, ml }) => ({
        read,
        reverse,
        readGroup,
        mn,
        queryPosition,
        base,
        strand,
        code,
        ml,
      })),
    ).toEqual(expected);
  });
});

describe('writeReadResultsBam with threads', () => {
  it('writes the same records with the output compressed on the engine (threads: 2)', async () => {
    const threaded = file('threads/read_results.bam');
    await writeReadResultsBam({
      output: threaded,
      header: (await readOutput(INPUT)).header,
      records: viewsOf(INPUT),
      programCommandLine: COMMAND_LINE,
      threads: 2,
      writeIndex: true,
    });
    expect(await readOutput(threaded)).toEqual(output);
    expect(fs.existsSync(`${threaded}.bai`)).toBe(true);
  });
});

describe('writeReadResultsBam failures', () => {
  it('leaves no output, index or temporary file when the records fail part way', async () => {
    const folder = file('failing');
    fs.mkdirSync(folder);
    async function* failing(): AsyncGenerator<ReadResult> {
      yield* viewsOf(INPUT);
      throw new Error('the smoother failed');
    }
    await expect(
      writeReadResultsBam({
        output: path.join(folder, 'read_results.bam'),
        header: output.header,
        records: failing(),
        programCommandLine: 'x',
        writeIndex: true,
        memoryBytes: 1, // a run per record: the runs must go too
      }),
    ).rejects.toThrow('the smoother failed');
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('refuses two sites at one reference position and probabilities outside 0-1, naming the read', async () => {
    const record = encodeRecord(recordOf(READS[0]!));
    const attempt = (sites: ReadSite[]): Promise<ReadResultsBamSummary> =>
      writeReadResultsBam({
        output: file('refused.bam'),
        header: output.header,
        records: [{ record, condition: 'native', sites }],
        programCommandLine: 'x',
        writeIndex: false,
      });
    await expect(
      attempt([
        { referencePosition: 101, probability: 0.5 },
        { referencePosition: 101, probability: 0.2 },
      ]),
    ).rejects.toThrow(/read fwd-clips-indels: reference position 101 has two sites/);
    await expect(attempt([{ referencePosition: 101, probability: 1.5 }])).rejects.toThrow(HtsError);
    await expect(attempt([{ referencePosition: 101, probability: Number.NaN }])).rejects.toThrow(/outside 0-1/);
    expect(fs.existsSync(file('refused.bam'))).toBe(false);
  });

  it('takes owned records and records without SEQ (their sites counted, no MM)', async () => {
    const noSequence: BamRecord = { ...recordOf(READS[4]!), sequence: '*', qualities: null };
    const result = await writeReadResultsBam({
      output: file('owned.bam'),
      header: output.header,
      records: [
        { record: recordOf(READS[0]!), condition: 'ivt', sites: READS[0]!.sites },
        { record: noSequence, condition: 'native', sites: [{ referencePosition: 2, probability: 0.5 }] },
      ],
      programCommandLine: 'x',
      writeIndex: false,
    });
    expect(result).toMatchObject({ records: 2, recordsWithModifications: 1, sitesWithoutSequence: 1 });
    const back = await readOutput(file('owned.bam'));
    expect(back.records.map((r) => r.tags.map((t) => t.name))).toEqual([['RG'], ['RG', 'MM', 'ML', 'MN']]);
  });
});

describe('readResultsHeader', () => {
  it('adds both read groups after the @SQ lines and a @PG without PP when the input has none', () => {
    const header = readResultsHeader(makeHeader('@HD\tVN:1.6\n@SQ\tSN:c\tLN:5\n@CO\tnote\n', [{ name: 'c', length: 5 }]), 'cmd');
    expect(header.text).toBe(
      '@HD\tVN:1.6\n@SQ\tSN:c\tLN:5\n@RG\tID:native\tSM:native\n@RG\tID:ivt\tSM:ivt\n@CO\tnote\n@PG\tID:hmm-smooth\tPN:hmm-smooth\tCL:cmd\n',
    );
  });

  it('names a second hmm-smooth run hmm-smooth.1, chained to the first', () => {
    const first = readResultsHeader(makeHeader('', []), 'one');
    const second = readResultsHeader(first, 'two');
    expect(second.text.split('\n').filter((line) => line.startsWith('@PG'))).toEqual([
      '@PG\tID:hmm-smooth\tPN:hmm-smooth\tCL:one',
      '@PG\tID:hmm-smooth.1\tPN:hmm-smooth\tPP:hmm-smooth\tCL:two',
    ]);
    expect(second.text.match(/^@RG/gm)).toHaveLength(2);
  });
});
