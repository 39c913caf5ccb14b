/**
 * The plumbing of eventalign (filters and their counts, missing reads, --contig/--region, threads, the TSV, frames
 * and summary outputs, errors), run with a test double of the alignment core (testing/test-double-aligner.ts) and
 * signals served from memory: what is tested here is everything around the aligner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BamWriter,
  buildSlow5Index,
  encodeSlow5File,
  HtsError,
  makeHeader,
  parseCigar,
  type BamRecord,
  type Slow5Header,
  type Slow5Record,
} from '@shoal/hts';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { openSegmentStream, readPositionGroups } from './segments.js';
import { runEventalign, type EventalignRunOptions } from './run.js';
import { signalPicoamps, type SignalReader, type SignalRecord } from './signal-source.js';
import { formatEventalignRows, type TsvColumns } from './tsv.js';
import { testDoubleEventalignRead } from './testing/test-double-aligner.js';

// The engine loads stage modules by URL on worker threads, so the test double's module is the built one.
const TEST_DOUBLE_MODULE = new URL('../../dist/eventalign/testing/test-double-aligner.js', import.meta.url).href;

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-eventalign-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

let seed = 99;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}
const randomBases = (length: number): string => Array.from({ length }, () => 'ACGT'[Math.floor(random() * 4)]!).join('');

const contigs = { tx1: randomBases(300), tx2: randomBases(200) };
const genome = path.join(directory, 'ref.fa');
fs.writeFileSync(
  genome,
  Object.entries(contigs)
    .map(([name, bases]) => `>${name}\n${bases.replace(/(.{60})/g, '$1\n')}\n`)
    .join(''),
);

interface Placement {
  name: string;
  contig?: keyof typeof contigs;
  pos?: number;
  cigar?: string;
  flag?: number;
  mapq?: number;
}

// Coordinate order, unmapped last. What each record is for is in its name.
const placements: Placement[] = [
  { name: 'a', contig: 'tx1', pos: 5, cigar: '100M' },
  { name: 'b', contig: 'tx1', pos: 20, cigar: '80M' },
  { name: 'secondary', contig: 'tx1', pos: 25, cigar: '50M', flag: 0x100 },
  { name: 'reverse', contig: 'tx1', pos: 30, cigar: '50M', flag: 0x10 },
  { name: 'lowmapq', contig: 'tx1', pos: 40, cigar: '50M', mapq: 10 },
  { name: 'supplementary', contig: 'tx1', pos: 45, cigar: '50M', flag: 0x800 },
  { name: 'hardclipped', contig: 'tx1', pos: 50, cigar: '5H60M' },
  { name: 'notinfastq', contig: 'tx1', pos: 55, cigar: '60M' },
  { name: 'notinblow5', contig: 'tx1', pos: 60, cigar: '60M' },
  { name: 'unalignable', contig: 'tx1', pos: 70, cigar: '60M' },
  { name: 'd', contig: 'tx1', pos: 100, cigar: '50M2D40M10I30M' },
  { name: 'e', contig: 'tx2', pos: 0, cigar: '120M' },
  { name: 'f', contig: 'tx2', pos: 30, cigar: '100M' },
  { name: 'unmapped', flag: 0x4 },
];
const ALIGNED = ['a', 'b', 'd', 'e', 'f'];

function bamRecord(placement: Placement): BamRecord {
  const cigar = placement.contig ? parseCigar(placement.cigar!)! : new Uint32Array(0);
  let queryLength = 0;
  for (const op of cigar) if ([0, 1, 4, 7, 8].includes(op & 0xf)) queryLength += op >>> 4;
  const sequence = placement.contig ? randomBases(queryLength) : randomBases(50);
  return {
    readName: placement.name,
    flag: placement.flag ?? 0,
    refId: placement.contig === undefined ? -1 : Object.keys(contigs).indexOf(placement.contig),
    pos: placement.pos ?? -1,
    mapq: placement.mapq ?? 60,
    cigar,
    mateRefId: -1,
    matePos: -1,
    templateLength: 0,
    sequence,
    qualities: null,
    tags: [],
  };
}

const bam = path.join(directory, 'reads.bam');
const reads = path.join(directory, 'reads.fastq');
const signalRecords = new Map<string, SignalRecord>();

async function writeInputs(): Promise<void> {
  const header = makeHeader(
    `@HD\tVN:1.6\tSO:coordinate\n${Object.entries(contigs)
      .map(([name, bases]) => `@SQ\tSN:${name}\tLN:${bases.length}\n`)
      .join('')}`,
    Object.entries(contigs).map(([name, bases]) => ({ name, length: bases.length })),
  );
  const writer = await BamWriter.open(bam, header, { writeIndex: true });
  const fastq: string[] = [];
  for (const placement of placements) {
    const record = bamRecord(placement);
    await writer.write(record);
    if (placement.name !== 'notinfastq')
      fastq.push(`@${placement.name} runid=x\n${record.sequence}\n+\n${'I'.repeat(record.sequence.length)}\n`);
    if (placement.name === 'notinblow5') continue;
    const length = 600 + Math.floor(random() * 900);
    signalRecords.set(placement.name, {
      readId: placement.name,
      readGroup: 0,
      digitisation: 8192,
      offset: 10,
      range: 1126.47,
      samplingRate: 3012,
      rawSignal: Int16Array.from({ length }, () => 500 + Math.floor(random() * 300)),
    });
  }
  await writer.close();
  fs.writeFileSync(reads, fastq.join(''));
}
const inputsWritten = writeInputs();

/** A test double of the BLOW5 reader: records from memory, as Blow5IndexedReader serves them from a file. */
function memorySignals(records: ReadonlyMap<string, SignalRecord>): SignalReader {
  return {
    header: { readGroups: [new Map([['experiment_type', 'rna']])] },
    get: (readId) => Promise.resolve(records.get(readId)),
    close: () => Promise.resolve(),
  };
}

const ALL_COLUMNS: TsvColumns = { printReadNames: true, signalIndex: true, samples: true };

async function run(options: Partial<EventalignRunOptions> = {}, records: ReadonlyMap<string, SignalRecord> = signalRecords) {
  await inputsWritten;
  const output = path.join(directory, `out-${Math.floor(random() * 1e9)}`);
  const summary = `${output}.summary`;
  const counts = await runEventalign({
    bam,
    genome,
    slow5: 'reads.blow5',
    reads,
    output,
    summary,
    format: 'tsv',
    columns: ALL_COLUMNS,
    model: 'rna002',
    mode: 'banded',
    scaleEvents: false,
    minMappingQuality: 20,
    threads: 1,
    readsPerBlock: 2,
    openSignals: () => Promise.resolve(memorySignals(records)),
    stageModule: TEST_DOUBLE_MODULE,
    ...options,
  });
  return { counts, output, text: () => fs.readFileSync(output, 'utf8'), summary: () => fs.readFileSync(summary, 'utf8') };
}

const model = loadPoreModel('rna002');

/** What the double gives for one read, computed here without the run (the oracle for the plumbing). */
function expectedEvents(name: string, scaleEvents = false) {
  const placement = placements.find((p) => p.name === name)!;
  const record = bamRecord(placement); // only its CIGAR is used below
  const cigar = parseCigar(placement.cigar!)!;
  let referenceLength = 0;
  for (const op of cigar) if ([0, 2, 3, 7, 8].includes(op & 0xf)) referenceLength += op >>> 4;
  const reference = contigs[placement.contig!].slice(placement.pos, placement.pos! + referenceLength);
  const signal = signalRecords.get(name)!;
  const outcome = testDoubleEventalignRead(
    {
      readName: name,
      signalPa: signalPicoamps(signal),
      samplingRate: signal.samplingRate,
      readSequence: record.sequence,
      referenceName: placement.contig!,
      referenceStart: placement.pos!,
      cigar,
      referenceSequence: reference,
      rna: true,
    },
    model,
    { mode: 'banded', scaleEvents },
  );
  if (!outcome.ok) throw new Error(outcome.reason);
  return { placement, reference, signal: signalPicoamps(signal), result: outcome.result };
}

describe('eventalign plumbing (with a test double of the aligner)', () => {
  it('aligns primary forward reads with MAPQ ≥ 20 and counts every other record by its reason', async () => {
    const { counts } = await run();
    expect(counts).toMatchObject({
      records: placements.length,
      unmapped: 1,
      secondary: 1,
      supplementary: 1,
      reverseStrand: 1,
      lowMappingQuality: 1,
      withoutFullSequence: 1,
      missingFromReads: 1,
      firstMissingFromReads: 'notinfastq',
      missingFromSignal: 1,
      firstMissingFromSignal: 'notinblow5',
      aligned: ALIGNED.length,
      notAligned: 1,
      notAlignedReasons: { 'too few events': 1 },
    });
  });

  it('writes each aligned read’s rows in BAM order, read_index counting every record', async () => {
    const { text, counts } = await run({ columns: { printReadNames: false, signalIndex: true, samples: true } });
    const lines = text().split('\n');
    expect(lines[0]).toMatch(/^contig\tposition\treference_kmer\tread_index\t/);
    let expected = '';
    for (const name of ALIGNED) {
      const { placement, reference, signal, result } = expectedEvents(name);
      const read = {
        contig: placement.contig!,
        readIndex: placements.indexOf(placement),
        readName: name,
        referenceStart: placement.pos!,
        referenceSequence: reference,
        k: 5,
        signalPa: signal,
        samplingRate: 3012,
      };
      expected += formatEventalignRows(read, result.events, result.scaling, { printReadNames: false, signalIndex: true, samples: true });
    }
    expect(lines.slice(1).join('\n')).toBe(expected);
    expect(counts.rows).toBe(lines.length - 2);
    // The read_index column: the records' places in the BAM (a = 0, b = 1, d = 10, e = 11, f = 12).
    expect([...new Set(lines.slice(1, -1).map((line) => line.split('\t')[3]))]).toEqual(['0', '1', '10', '11', '12']);
  });

  it('writes one --summary row per aligned read, in BAM order', async () => {
    const { summary } = await run();
    const rows = summary().trimEnd().split('\n');
    expect(rows[0]!.startsWith('read_index\tread_name\tfast5_path')).toBe(true);
    expect(rows.slice(1).map((row) => row.split('\t').slice(0, 2).join(' '))).toEqual(['0 a', '1 b', '10 d', '11 e', '12 f']);
  });

  it('skips reads missing from the FASTQ only when a FASTQ is given', async () => {
    const { counts } = await run({ reads: undefined });
    expect(counts).toMatchObject({ missingFromReads: 0, notAligned: 1, aligned: ALIGNED.length + 1 });
  });

  it('gives the same bytes at 1, 2 and 3 threads, for the TSV, the frames and the summary', async () => {
    for (const format of ['tsv', 'frames'] as const) {
      const outputs = [];
      for (const threads of [1, 2, 3]) {
        const result = await run({ threads, format, condition: 'native', readsPerBlock: 1 });
        outputs.push({ output: fs.readFileSync(result.output), summary: result.summary() });
      }
      expect(outputs[1]!.output.equals(outputs[0]!.output)).toBe(true);
      expect(outputs[2]!.output.equals(outputs[0]!.output)).toBe(true);
      expect(outputs[2]!.summary).toBe(outputs[0]!.summary);
    }
  });

  it('--contig reads one reference sequence through the index', async () => {
    const { counts, text } = await run({ contig: 'tx2' });
    expect(counts).toMatchObject({ records: 2, aligned: 2 });
    const rows = text().trimEnd().split('\n').slice(1);
    expect(new Set(rows.map((row) => row.split('\t')[0]))).toEqual(new Set(['tx2']));
    expect(new Set(rows.map((row) => row.split('\t')[3]))).toEqual(new Set(['e', 'f'])); // read_name (-n)
  });

  it('--region keeps the rows whose k-mer starts inside it, from the records that overlap it', async () => {
    const { counts, text } = await run({ region: 'tx1:130-160', columns: { printReadNames: false, signalIndex: false, samples: false } });
    // Records overlapping tx1:130-160 (0-based 129..159): unalignable (70..130) and d (100..220); a and b end before.
    expect(counts).toMatchObject({ records: 2, aligned: 1, notAligned: 1 });
    const positions = text()
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((row) => Number(row.split('\t')[1]));
    expect(Math.min(...positions)).toBe(129);
    expect(Math.max(...positions)).toBe(159);
    // read_index counts from the region's first record: d is the second.
    expect(
      new Set(
        text()
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((row) => row.split('\t')[3]),
      ),
    ).toEqual(new Set(['1']));
  });

  it('frames: per position the reads that cover it, in BAM order, with the samples of their events in signal order', async () => {
    const { output, counts } = await run({ format: 'frames', condition: 'ivt' });
    const perRead = new Map(ALIGNED.map((name) => [name, expectedEvents(name)]));
    const groups = [];
    for await (const group of readPositionGroups([output])) groups.push(group);
    let segments = 0;
    let previous = { contig: '', position: -1 };
    for (const group of groups) {
      if (group.contig === previous.contig) expect(group.position).toBeGreaterThan(previous.position);
      previous = group;
      const covering = ALIGNED.filter((name) => {
        const { placement, result } = perRead.get(name)!;
        return placement.contig === group.contig && result.events.some((event) => event.referencePosition === group.position);
      });
      expect(group.segments.map((segment) => segment.read)).toEqual(covering);
      for (const segment of group.segments) {
        expect(segment.condition).toBe('ivt');
        const { result, signal } = perRead.get(segment.read)!;
        const ranges = result.events
          .filter((event) => event.referencePosition === group.position)
          .sort((x, y) => x.startSample - y.startSample);
        const samples = ranges.flatMap((event) => [...signal.subarray(event.startSample, event.endSample)]);
        expect([...segment.samples]).toEqual(samples);
        expect(segment.kmer).toBe(contigs[group.contig as keyof typeof contigs].slice(group.position, group.position + 5));
      }
      segments += group.segments.length;
    }
    expect(segments).toBe(counts.segments);
    expect(groups.map((group) => group.contig).filter((contig, i, all) => all.indexOf(contig) === i)).toEqual(['tx1', 'tx2']);
  });

  it('frames with --scale-events carry the samples scaled to the model', async () => {
    const { output } = await run({ format: 'frames', condition: 'native', scaleEvents: true, contig: 'tx2' });
    // The header lists the one contig of a --contig run, and says the samples are scaled.
    expect((await openSegmentStream(output)).header).toMatchObject({ contigs: ['tx2'], samples: 'scaled', condition: 'native', k: 5 });
    const { result, signal } = expectedEvents('e', true);
    const first = result.events.filter((event) => event.referencePosition === 0);
    const { shift, scale } = result.scaling;
    for await (const group of readPositionGroups([output])) {
      const segment = group.segments[0]!;
      expect(segment.read).toBe('e');
      const expected = first.flatMap((event) =>
        [...signal.subarray(event.startSample, event.endSample)].map((pA) => Math.fround((pA - shift) / scale)),
      );
      expect([...segment.samples]).toEqual(expected);
      break;
    }
  });

  it('a corrupt signal record is one error naming the file and the read, and leaves no output', async () => {
    const corrupt = new Map(signalRecords);
    corrupt.set('b', { ...signalRecords.get('b')!, digitisation: 0 });
    const before = fs.readdirSync(directory).length;
    const failure = run({}, corrupt);
    await expect(failure).rejects.toThrow(HtsError);
    await expect(failure).rejects.toThrow('reads.blow5 (read b): corrupt signal record: digitisation is 0, expected a number > 0');
    expect(fs.readdirSync(directory).length).toBe(before);
  });

  it('an unknown contig or region is an error naming the BAM', async () => {
    await expect(run({ contig: 'chrZ' })).rejects.toThrow(/reads\.bam: contig 'chrZ' is not in the BAM header/);
    await expect(run({ region: 'chrZ:1-10' })).rejects.toThrow(/no such reference 'chrZ'/);
  });
});

describe('eventalign plumbing with a BLOW5 file (the indexed reader of @shoal/hts)', () => {
  const header: Slow5Header = { version: [0, 2, 0], readGroups: [new Map([['experiment_type', 'rna']])], auxFields: [] };
  const blow5Records = (): Slow5Record[] => [...signalRecords.values()].map((record) => ({ ...record, aux: new Map() }));

  it('gives the same output as the same records served from memory, and builds the index', async () => {
    await inputsWritten;
    const blow5 = path.join(directory, 'reads.blow5');
    fs.writeFileSync(blow5, encodeSlow5File(header, blow5Records()));
    const fromMemory = await run({ slow5: blow5 });
    const fromFile = await run({ slow5: blow5, openSignals: undefined });
    expect(fromFile.counts).toEqual(fromMemory.counts);
    expect(fromFile.text()).toBe(fromMemory.text());
    expect(fs.existsSync(`${blow5}.idx`)).toBe(true);
  });

  it('a corrupt record is one error naming the file and the record, and leaves no output', async () => {
    await inputsWritten;
    const records = blow5Records();
    const blow5 = path.join(directory, 'corrupt.blow5');
    const bytes = encodeSlow5File(header, records);
    // Record b starts where a file of the records before it would have its 5-byte end marker.
    const before = records.slice(
      0,
      records.findIndex((record) => record.readId === 'b'),
    );
    const offset = encodeSlow5File(header, before).length - 5;
    // Indexed while whole (the index only holds offsets and sizes), then damaged inside b's zlib stream.
    fs.writeFileSync(blow5, bytes);
    await buildSlow5Index(blow5);
    for (let i = 40; i < 60; i++) bytes[offset + i] ^= 0x5a;
    fs.writeFileSync(blow5, bytes);
    const files = fs.readdirSync(directory).length;
    const failure = run({ slow5: blow5, openSignals: undefined });
    await expect(failure).rejects.toThrow(HtsError);
    await expect(failure).rejects.toThrow(/corrupt\.blow5 \(record "b" at byte offset \d+\)/);
    expect(fs.readdirSync(directory).length).toBe(files);
  });
});
