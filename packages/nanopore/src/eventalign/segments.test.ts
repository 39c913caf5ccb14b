import { Readable } from 'node:stream';
import { concatBytes, encodeFrameChunks, encodeStreamPreamble, HtsError } from '@shoal/hts';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../sim/read.js';
import type { AlignedEvent } from './types.js';
import {
  openSegmentStream,
  PositionSweep,
  readPositionGroups,
  segmentFrame,
  segmentsOfRead,
  segmentStreamEndFrame,
  segmentStreamHeaderFrame,
  type SegmentStreamHeader,
  type SignalSegment,
} from './segments.js';

function event(referencePosition: number, startSample: number, endSample: number): AlignedEvent {
  return {
    referencePosition,
    referenceKmerRank: 0,
    eventIndex: 0,
    levelMean: 0,
    levelStdv: 0,
    lengthSeconds: 0,
    modelKmerRank: 0,
    modelMean: 0,
    modelStdv: 0,
    standardizedLevel: 0,
    startSample,
    endSample,
  };
}

const signal = Float32Array.from({ length: 20 }, (_, i) => 100 + i);

describe('segmentsOfRead', () => {
  it('gives each position the samples of all its events in signal order (RNA: events run backwards)', () => {
    // Reference order 5, 5 (a stay), 6, 8 (7 skipped); the signal is read from its end, as for RNA.
    const segments = segmentsOfRead([event(5, 16, 20), event(5, 12, 16), event(6, 10, 12), event(8, 4, 10)], signal, 4000, undefined);
    expect([...segments.positions]).toEqual([5, 6, 8]);
    expect([...segments.sampleStarts]).toEqual([0, 8, 10, 16]);
    expect([...segments.samples.subarray(0, 8)]).toEqual([112, 113, 114, 115, 116, 117, 118, 119]);
    expect([...segments.samples.subarray(8, 10)]).toEqual([110, 111]);
    expect([...segments.samples.subarray(10)]).toEqual([104, 105, 106, 107, 108, 109]);
  });

  it('scales samples to the model when asked, and drops positions outside a region', () => {
    const scaling = { shift: 4, scale: 2, drift: 0, var: 1 };
    const segments = segmentsOfRead([event(5, 0, 2), event(6, 2, 3)], signal, 4000, scaling, (position) => position >= 6);
    expect([...segments.positions]).toEqual([6]);
    expect([...segments.samples]).toEqual([(102 - 4) / 2]);
  });
});

function readSegments(positions: number[], samplesEach = 2): { positions: Int32Array; sampleStarts: Uint32Array; samples: Float32Array } {
  return {
    positions: Int32Array.from(positions),
    sampleStarts: Uint32Array.from({ length: positions.length + 1 }, (_, i) => i * samplesEach),
    samples: Float32Array.from({ length: positions.length * samplesEach }, (_, i) => i),
  };
}
const kmersFor = (positions: number[]): string[] => positions.map((p) => `K${p}`);
const label = (segments: SignalSegment[]): string[] => segments.map((s) => `${s.contig}:${s.position}:${s.read}`);

describe('PositionSweep', () => {
  it('emits a position once a read starting after it arrives, all its reads in the order added', () => {
    const sweep = new PositionSweep('native', 'in.bam');
    expect(sweep.addRead(0, 'tx1', 10, 'a', readSegments([10, 11, 12]), kmersFor([10, 11, 12]))).toEqual([]);
    expect(label(sweep.addRead(0, 'tx1', 11, 'b', readSegments([11, 12, 13]), kmersFor([11, 12, 13])))).toEqual(['tx1:10:a']);
    expect(label(sweep.addRead(0, 'tx1', 13, 'c', readSegments([13]), kmersFor([13])))).toEqual([
      'tx1:11:a',
      'tx1:11:b',
      'tx1:12:a',
      'tx1:12:b',
    ]);
    // A new contig ends the previous one.
    expect(label(sweep.addRead(1, 'tx2', 0, 'd', readSegments([0, 1]), kmersFor([0, 1])))).toEqual(['tx1:13:b', 'tx1:13:c']);
    expect(label(sweep.finish())).toEqual(['tx2:0:d', 'tx2:1:d']);
    expect(sweep.finish()).toEqual([]);
  });

  it('keeps each segment’s k-mer, condition and samples', () => {
    const sweep = new PositionSweep('ivt', 'in.bam');
    sweep.addRead(0, 'tx1', 3, 'a', readSegments([3, 4], 3), ['ACGTA', 'CGTAC']);
    const [first, second] = sweep.finish();
    expect(first).toMatchObject({ contig: 'tx1', position: 3, kmer: 'ACGTA', read: 'a', condition: 'ivt' });
    expect([...first!.samples]).toEqual([0, 1, 2]);
    expect([...second!.samples]).toEqual([3, 4, 5]);
  });

  it('refuses reads that are not coordinate-sorted, naming the BAM and both reads', () => {
    const sweep = new PositionSweep('native', 'in.bam');
    sweep.addRead(1, 'tx2', 50, 'a', readSegments([50]), kmersFor([50]));
    expect(() => sweep.addRead(1, 'tx2', 40, 'b', readSegments([40]), kmersFor([40]))).toThrow(
      /in\.bam: frames need a coordinate-sorted BAM: read b at tx2:41 comes after tx2:51/,
    );
    expect(() => sweep.addRead(0, 'tx1', 60, 'c', readSegments([60]), kmersFor([60]))).toThrow(HtsError);
  });
});

const header = (condition: Condition, contigs = ['tx1', 'tx2']): SegmentStreamHeader => ({
  condition,
  contigs,
  k: 5,
  model: 'preset:rna002',
  mode: 'banded',
  samples: 'pA',
});

function segment(contig: string, position: number, read: string, condition: Condition, samples: number[]): SignalSegment {
  return { contig, position, kmer: `K${position}`, read, condition, samples: Float32Array.from(samples) };
}

function streamBytes(streamHeader: SegmentStreamHeader, segments: SignalSegment[], end = true): Uint8Array {
  const chunks = [encodeStreamPreamble(), ...segmentStreamHeaderFrame(streamHeader)];
  for (const s of segments) chunks.push(...segmentFrame(s));
  if (end) chunks.push(...segmentStreamEndFrame({ reads: 2, segments: segments.length, counts: { records: 3 } }));
  return concatBytes(chunks);
}

const source = (bytes: Uint8Array, name: string): { stream: AsyncIterable<Uint8Array>; name: string } => ({
  // Cut into 7-byte chunks, so frames span reads.
  stream: Readable.from(Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7))),
  name,
});

async function collect<T, R>(generator: AsyncGenerator<T, R>): Promise<{ items: T[]; result: R }> {
  const items: T[] = [];
  for (;;) {
    const next = await generator.next();
    if (next.done) return { items, result: next.value };
    items.push(next.value);
  }
}

describe('segment streams', () => {
  const native = [
    segment('tx1', 3, 'n1', 'native', [1, 2]),
    segment('tx1', 3, 'n2', 'native', [3]),
    segment('tx2', 0, 'n1', 'native', [4, 5, 6]),
  ];

  it('round-trip: header, segments with their samples, the end frame’s counts', async () => {
    const stream = await openSegmentStream(source(streamBytes(header('native'), native), 'native.frames').stream, 'native.frames');
    expect(stream.header).toEqual(header('native'));
    const { items, result } = await collect(stream.segments);
    expect(items.map((s) => ({ ...s, samples: [...s.samples] }))).toEqual(native.map((s) => ({ ...s, samples: [...s.samples] })));
    expect(result).toEqual({ reads: 2, segments: 3, counts: { records: 3 } });
  });

  it('a stream cut at a frame boundary (no end frame) is an error naming the file', async () => {
    const stream = await openSegmentStream(source(streamBytes(header('native'), native, false), 'cut.frames').stream, 'cut.frames');
    await expect(collect(stream.segments)).rejects.toThrow(
      /cut\.frames: the stream ends without its end frame after 3 segments: it was cut short/,
    );
  });

  it('refuses segments out of order and frames of other streams', async () => {
    const unordered = [native[2]!, native[0]!];
    const stream = await openSegmentStream(source(streamBytes(header('native'), unordered), 'x.frames').stream, 'x.frames');
    await expect(collect(stream.segments)).rejects.toThrow(/x\.frames \(segment 2\): segments out of order: tx1:3 after tx2:0/);
    const foreign = concatBytes([encodeStreamPreamble(), ...encodeFrameChunks({ type: 'distance-matrix' }, {})]);
    await expect(openSegmentStream(source(foreign, 'y.frames').stream, 'y.frames')).rejects.toThrow(/not a stream of signal segments/);
  });

  it('merges a native and an IVT stream into per-position groups, native reads first', async () => {
    const ivt = [segment('tx1', 2, 'i1', 'ivt', [9]), segment('tx1', 3, 'i1', 'ivt', [7]), segment('tx2', 0, 'i2', 'ivt', [8])];
    // The IVT stream is given first: the native reads still lead at each position.
    const groups = await collect(
      readPositionGroups([source(streamBytes(header('ivt'), ivt), 'ivt'), source(streamBytes(header('native'), native), 'native')]),
    );
    expect(groups.items.map((g) => `${g.contig}:${g.position}:${g.kmer} ${g.segments.map((s) => s.read).join(',')}`)).toEqual([
      'tx1:2:K2 i1',
      'tx1:3:K3 n1,n2,i1',
      'tx2:0:K0 n1,i2',
    ]);
    expect([...groups.items[1]!.segments[2]!.samples]).toEqual([7]);
  });

  it('refuses to merge streams aligned to different references', async () => {
    const other = source(streamBytes(header('ivt', ['chr1']), []), 'other.frames');
    await expect(collect(readPositionGroups([source(streamBytes(header('native'), native), 'native.frames'), other]))).rejects.toThrow(
      /other\.frames: its contigs differ from those of native\.frames/,
    );
  });
});
