/**
 * The plumbing of eventalign (filters and their counts, missing reads, --contig/--region, threads, the TSV, frames
 * and summary outputs, errors), on signal-sim reads with the core. The oracle for the rows is the core called
 * directly on inputs built here from the files (eventalignRead, then the formatter): what is tested is that the run
 * hands the core the right signal, sequence, alignment and reference, keeps and counts the right records, and
 * writes what the core returns, in order, for every thread count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BamReader, BamWriter, Blow5IndexedReader, encodeRecord, HtsError, parseCigar, type BamHeader } from '@shoal/hts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { DEFAULT_SIMULATION_OPTIONS } from '../sim/options.js';
import { runSimulation } from '../sim/run.js';
import { eventalignRead } from './eventalign-read.js';
import { openSegmentStream, readPositionGroups } from './segments.js';
import { runEventalign, type EventalignRunOptions } from './run.js';
import { signalPicoamps, type SignalReader, type SignalRecord } from './signal-source.js';
import { formatEventalignRows, type TsvColumns } from './tsv.js';
import type { ReadEventalignResult } from './types.js';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-eventalign-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
const sim = path.join(directory, 'sim');
const file = (name: string): string => path.join(directory, name);

/** A read of the test BAM: its record, and what the run must do with it. */
interface TestRead {
  name: string;
  contig: string;
  pos: number;
  cigar: Uint32Array;
  sequence: string;
  role: 'aligned' | 'secondary' | 'supplementary' | 'reverse' | 'lowmapq' | 'hardclipped' | 'notinfastq' | 'notinblow5' | 'unmapped';
}
const reads: TestRead[] = [];
let header: BamHeader;
const contigs = new Map<string, string>();
const ROLES: TestRead['role'][] = [
  'aligned',
  'secondary',
  'aligned',
  'supplementary',
  'reverse',
  'aligned',
  'lowmapq',
  'notinfastq',
  'notinblow5',
];

/**
 * signal-sim's native reads (2 transcripts, 5 reads each: all primary, forward, MAPQ 60), turned into the cases of
 * the filter: some records get a flag or a low MAPQ, one a name the BLOW5 lacks, one is left out of the FASTQ; a
 * hard-clipped record and an unmapped one are added.
 */
beforeAll(async () => {
  await runSimulation({
    outputDir: sim,
    options: {
      ...DEFAULT_SIMULATION_OPTIONS,
      seed: 11,
      transcripts: 2,
      transcriptMinLengthBp: 300,
      transcriptMaxLengthBp: 500,
      readsPerCondition: 5,
    },
    threads: 1,
  });
  for (const entry of fs.readFileSync(path.join(sim, 'transcripts.fa'), 'utf8').split('>').slice(1)) {
    const [name, ...lines] = entry.trimEnd().split('\n');
    contigs.set(name!, lines.join(''));
  }
  const reader = await BamReader.open(path.join(sim, 'native.bam'));
  header = reader.header;
  const records: Uint8Array[] = [];
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const record = batch.record(i);
      const role = ROLES[records.length % ROLES.length]!;
      const bytes = Uint8Array.from(record.toBytes());
      const view = new DataView(bytes.buffer);
      let name = record.readName;
      // Fixed fields (SAM spec §4.2): MAPQ at byte 13, FLAG at 18 (uint16), the read name from byte 36.
      if (role === 'secondary') view.setUint16(18, 0x100, true);
      if (role === 'supplementary') view.setUint16(18, 0x800, true);
      if (role === 'reverse') view.setUint16(18, 0x10, true);
      if (role === 'lowmapq') bytes[13] = 19;
      if (role === 'notinblow5') {
        bytes[36] = 'z'.charCodeAt(0);
        name = `z${name.slice(1)}`;
      }
      records.push(bytes);
      reads.push({
        name,
        contig: header.references[record.refId]!.name,
        pos: record.pos,
        cigar: record.cigarOps(),
        sequence: record.sequence(),
        role,
      });
    }
  }
  reader.close();
  const first = reads[0]!;
  const clipped = {
    ...first,
    name: 'hardclipped',
    cigar: parseCigar('5H60M')!,
    sequence: first.sequence.slice(0, 60),
    role: 'hardclipped' as const,
  };
  const writer = await BamWriter.open(file('reads.bam'), header, { writeIndex: true });
  for (let i = 0; i < records.length; i++) {
    await writer.writeRecordBytes(records[i]!);
    if (i === 0) {
      reads.splice(1, 0, clipped);
      await writer.write({ ...bamFields(clipped), refId: header.referenceIds.get(clipped.contig)! });
    }
  }
  const unmapped: TestRead = { name: 'unmapped', contig: '*', pos: -1, cigar: new Uint32Array(0), sequence: 'ACGT', role: 'unmapped' };
  reads.push(unmapped);
  await writer.write({ ...bamFields(unmapped), refId: -1, flag: 4 });
  await writer.close();
  // The FASTQ of the basecalls, without one read.
  const fastq = fs.readFileSync(path.join(sim, 'native.fastq'), 'utf8').split('\n');
  const notInFastq = reads.find((read) => read.role === 'notinfastq')!.name;
  // The read renamed in the BAM (so that the BLOW5 lacks it) is renamed here too: it must be missing from the BLOW5 only.
  const renamed = reads.find((read) => read.role === 'notinblow5')!.name;
  const kept: string[] = [];
  for (let i = 0; i + 3 < fastq.length; i += 4) {
    if (fastq[i]!.startsWith(`@${notInFastq}`)) continue;
    const line = fastq[i]!;
    const name = line.slice(2).startsWith(renamed.slice(1)) ? `@${renamed}${line.slice(1 + renamed.length)}` : line;
    kept.push(name, ...fastq.slice(i + 1, i + 4));
  }
  fs.writeFileSync(file('reads.fastq'), `${kept.join('\n')}\n`);
});

function bamFields(read: TestRead): Parameters<typeof encodeRecord>[0] {
  return {
    readName: read.name,
    flag: 0,
    refId: 0,
    pos: read.pos,
    mapq: 60,
    cigar: read.cigar,
    mateRefId: -1,
    matePos: -1,
    templateLength: 0,
    sequence: read.sequence,
    qualities: null,
    tags: [],
  };
}

const BUILT_STAGES = new URL('../../dist/eventalign/stages.js', import.meta.url).href;
const ALL_COLUMNS: TsvColumns = { printReadNames: true, signalIndex: true, samples: true };
let runs = 0;

async function run(options: Partial<EventalignRunOptions> = {}) {
  const output = file(`out-${++runs}`);
  const summary = `${output}.summary`;
  const counts = await runEventalign({
    bam: file('reads.bam'),
    genome: path.join(sim, 'transcripts.fa'),
    slow5: path.join(sim, 'native.blow5'),
    reads: file('reads.fastq'),
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
    // Worker threads load the stage module, so the built one (dist/) runs, as in the engine's tests.
    stageModule: BUILT_STAGES,
    ...options,
  });
  return { counts, output, text: () => fs.readFileSync(output, 'utf8'), summary: () => fs.readFileSync(summary, 'utf8') };
}

const model = loadPoreModel('rna002');

/** Reference bases a CIGAR covers (M, D, N, =, X). */
function referenceLength(cigar: Uint32Array): number {
  let length = 0;
  for (const op of cigar) if ([0, 2, 3, 7, 8].includes(op & 0xf)) length += op >>> 4;
  return length;
}

/** The core on one read, with its inputs built here from the files (the oracle of the plumbing). */
async function coreOn(
  read: TestRead,
  scaleEvents = false,
  mode: 'banded' | 'dense' = 'banded',
): Promise<{ result: ReadEventalignResult; signal: Float32Array; reference: string } | undefined> {
  const blow5 = await Blow5IndexedReader.open(path.join(sim, 'native.blow5'), { buildIndex: true });
  const record = (await blow5.get(read.name))!;
  await blow5.close();
  const reference = contigs.get(read.contig)!.slice(read.pos, read.pos + referenceLength(read.cigar));
  const signal = signalPicoamps(record);
  const outcome = eventalignRead(
    {
      readName: read.name,
      signalPa: signal,
      samplingRate: record.samplingRate,
      readSequence: read.sequence,
      referenceName: read.contig,
      referenceStart: read.pos,
      cigar: read.cigar,
      referenceSequence: reference,
      rna: true,
    },
    model,
    { mode, scaleEvents },
  );
  return outcome.ok ? { result: outcome.result, signal, reference } : undefined;
}

const aligned = (): TestRead[] => reads.filter((read) => read.role === 'aligned');

describe('eventalign plumbing (signal-sim reads, the core)', () => {
  it('aligns primary forward reads with MAPQ ≥ 20 and counts every other record by its reason', async () => {
    const { counts } = await run();
    const count = (role: TestRead['role']): number => reads.filter((read) => read.role === role).length;
    expect(counts).toMatchObject({
      records: reads.length,
      unmapped: 1,
      secondary: count('secondary'),
      supplementary: count('supplementary'),
      reverseStrand: count('reverse'),
      lowMappingQuality: count('lowmapq'),
      withoutFullSequence: 1,
      missingFromReads: 1,
      firstMissingFromReads: reads.find((read) => read.role === 'notinfastq')!.name,
      missingFromSignal: 1,
      firstMissingFromSignal: reads.find((read) => read.role === 'notinblow5')!.name,
    });
    expect(counts.aligned + counts.notAligned).toBe(count('aligned'));
    expect(counts.aligned).toBeGreaterThanOrEqual(3);
  });

  it('writes each aligned read’s rows in BAM order, as the core gives them, read_index counting every record', async () => {
    const columns = { printReadNames: false, signalIndex: true, samples: true };
    const { text, counts } = await run({ columns, threads: 2 });
    const lines = text().split('\n');
    expect(lines[0]).toMatch(/^contig\tposition\treference_kmer\tread_index\t/);
    let expected = '';
    for (const read of aligned()) {
      const core = await coreOn(read);
      if (!core) continue;
      const tsvRead = {
        contig: read.contig,
        readIndex: reads.indexOf(read),
        readName: read.name,
        referenceStart: read.pos,
        referenceSequence: core.reference,
        k: 5,
        signalPa: core.signal,
        samplingRate: 3012,
      };
      expected += formatEventalignRows(tsvRead, core.result.events, core.result.scaling, columns);
    }
    expect(lines.slice(1).join('\n')).toBe(expected);
    expect(counts.rows).toBe(lines.length - 2);
  });

  it('writes one --summary row per aligned read, in BAM order', async () => {
    const { summary, counts } = await run();
    const rows = summary().trimEnd().split('\n');
    expect(rows[0]!.startsWith('read_index\tread_name\tfast5_path')).toBe(true);
    expect(rows).toHaveLength(counts.aligned + 1);
    const names = rows.slice(1).map((row) => row.split('\t')[1]);
    expect(names).toEqual(
      aligned()
        .map((read) => read.name)
        .filter((name) => names.includes(name)),
    );
  });

  it('skips reads missing from the FASTQ only when a FASTQ is given', async () => {
    const { counts } = await run({ reads: undefined });
    expect(counts.missingFromReads).toBe(0);
    expect(counts.aligned + counts.notAligned).toBe(aligned().length + 1);
  });

  it('gives the same bytes at 1, 2 and 3 threads, for the TSV, the frames and the summary, banded and dense', async () => {
    for (const [format, mode] of [
      ['tsv', 'banded'],
      ['frames', 'banded'],
      ['tsv', 'dense'],
    ] as const) {
      const outputs = [];
      for (const threads of [1, 2, 3]) {
        const result = await run({ threads, format, mode, condition: 'native', readsPerBlock: 1 });
        outputs.push({ output: fs.readFileSync(result.output), summary: result.summary() });
      }
      expect(outputs[1]!.output.equals(outputs[0]!.output)).toBe(true);
      expect(outputs[2]!.output.equals(outputs[0]!.output)).toBe(true);
      expect(outputs[2]!.summary).toBe(outputs[0]!.summary);
    }
  });

  it('--contig reads one reference sequence through the index', async () => {
    const contig = header.references[1]!.name;
    const { counts, text } = await run({ contig });
    expect(counts.records).toBe(reads.filter((read) => read.contig === contig).length);
    const rows = text().trimEnd().split('\n').slice(1);
    expect(new Set(rows.map((row) => row.split('\t')[0]))).toEqual(new Set([contig]));
  });

  it('--region keeps the rows whose k-mer starts inside it, from the records that overlap it', async () => {
    const contig = header.references[0]!.name;
    const { counts, text } = await run({
      region: `${contig}:101-150`,
      columns: { printReadNames: true, signalIndex: false, samples: false },
    });
    const overlapping = reads.filter((read) => read.contig === contig && read.pos < 150 && read.pos + referenceLength(read.cigar) > 100);
    expect(counts.records).toBe(overlapping.length);
    const rows = text().trimEnd().split('\n').slice(1);
    const positions = rows.map((row) => Number(row.split('\t')[1]));
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...positions)).toBeLessThanOrEqual(149);
    expect(positions.length).toBeGreaterThan(0);
  });

  it('frames: per position the reads that cover it, in BAM order, with the samples of their events in signal order', async () => {
    const { output, counts } = await run({ format: 'frames', condition: 'ivt', reads: undefined });
    const perRead = new Map<string, { read: TestRead; result: ReadEventalignResult; signal: Float32Array }>();
    for (const read of reads.filter((candidate) => candidate.role === 'aligned' || candidate.role === 'notinfastq')) {
      const core = await coreOn(read);
      if (core) perRead.set(read.name, { read, ...core });
    }
    let segments = 0;
    let previous = { contig: '', position: -1 };
    for await (const group of readPositionGroups([output])) {
      if (group.contig === previous.contig) expect(group.position).toBeGreaterThan(previous.position);
      previous = group;
      const covering = [...perRead.values()]
        .filter(
          ({ read, result }) => read.contig === group.contig && result.events.some((event) => event.referencePosition === group.position),
        )
        .map(({ read }) => read.name);
      expect(group.segments.map((segment) => segment.read)).toEqual(covering);
      for (const segment of group.segments) {
        expect(segment.condition).toBe('ivt');
        const { result, signal } = perRead.get(segment.read)!;
        const events = result.events
          .filter((event) => event.referencePosition === group.position)
          .sort((x, y) => x.startSample - y.startSample);
        expect([...segment.samples]).toEqual(events.flatMap((event) => [...signal.subarray(event.startSample, event.endSample)]));
        expect(segment.kmer).toBe(contigs.get(group.contig)!.slice(group.position, group.position + 5));
      }
      segments += group.segments.length;
    }
    expect(segments).toBe(counts.segments);
    expect(segments).toBeGreaterThan(1000);
  });

  it('frames with --scale-events carry the samples scaled to the model, and a --contig stream lists that contig', async () => {
    const contig = header.references[0]!.name;
    const { output } = await run({ format: 'frames', condition: 'native', scaleEvents: true, contig });
    expect((await openSegmentStream(output)).header).toMatchObject({ contigs: [contig], samples: 'scaled', condition: 'native', k: 5 });
    const first = aligned().find((read) => read.contig === contig)!;
    const core = (await coreOn(first, true))!;
    const { shift, scale, drift } = core.result.scaling;
    for await (const group of readPositionGroups([output])) {
      const segment = group.segments.find((candidate) => candidate.read === first.name);
      if (!segment) continue;
      const events = core.result.events
        .filter((event) => event.referencePosition === group.position)
        .sort((x, y) => x.startSample - y.startSample);
      const expected = events.flatMap((event) =>
        Array.from({ length: event.endSample - event.startSample }, (_, i) => {
          const sample = event.startSample + i;
          return Math.fround((core.signal[sample]! - shift - (sample / 3012) * drift) / scale);
        }),
      );
      expect([...segment.samples]).toEqual(expected);
      break;
    }
  });

  it('a corrupt signal record is one error naming the file and the read, and leaves no output', async () => {
    const blow5 = await Blow5IndexedReader.open(path.join(sim, 'native.blow5'), { buildIndex: true });
    const corruptName = aligned()[1]!.name;
    // A test double of the reader: the file's records, one with an impossible calibration.
    const corrupt: SignalReader = {
      header: blow5.header,
      get: async (readId): Promise<SignalRecord | undefined> => {
        const record = await blow5.get(readId);
        return record && readId === corruptName ? { ...record, digitisation: 0 } : record;
      },
      close: () => blow5.close(),
    };
    const before = fs.readdirSync(directory).length;
    const failure = run({ openSignals: () => Promise.resolve(corrupt), slow5: 'reads.blow5' });
    await expect(failure).rejects.toThrow(HtsError);
    await expect(failure).rejects.toThrow(
      `reads.blow5 (read ${corruptName}): corrupt signal record: digitisation is 0, expected a number > 0`,
    );
    expect(fs.readdirSync(directory).length).toBe(before);
  });

  it('a corrupt BLOW5 record is one error naming the file and the record, and leaves no output', async () => {
    const blow5 = file('corrupt.blow5');
    const bytes = fs.readFileSync(path.join(sim, 'native.blow5'));
    fs.writeFileSync(blow5, bytes);
    // Indexed while whole (the index holds offsets and sizes), then damaged inside the first aligned read's record.
    const reader = await Blow5IndexedReader.open(blow5, { buildIndex: true });
    await reader.close();
    const index = fs.readFileSync(`${blow5}.idx`);
    const name = Buffer.from(aligned()[0]!.name);
    const at = index.indexOf(name) + name.length; // the entry: u16 id length, the id, u64 offset, u64 size
    const offset = Number(index.readBigUInt64LE(at));
    for (let i = 40; i < 60; i++) bytes[offset + i]! ^= 0x5a;
    fs.writeFileSync(blow5, bytes);
    const before = fs.readdirSync(directory).length;
    const failure = run({ slow5: blow5 });
    await expect(failure).rejects.toThrow(HtsError);
    await expect(failure).rejects.toThrow(new RegExp(`corrupt\\.blow5 \\(record "${aligned()[0]!.name}" at byte offset ${offset}\\)`));
    expect(fs.readdirSync(directory).length).toBe(before);
  });

  it('an unknown contig or region is an error naming the BAM', async () => {
    await expect(run({ contig: 'chrZ' })).rejects.toThrow(/reads\.bam: contig 'chrZ' is not in the BAM header/);
    await expect(run({ region: 'chrZ:1-10' })).rejects.toThrow(/no such reference 'chrZ'/);
  });
});
