/**
 * runDtw end to end on segment streams written by the test: the matrices equal the reference DTW of the padded
 * series, in the documented row order, the same at 1 and 3 threads; the NDJSON summary; --positions and --motif;
 * bad input is a one-line error and leaves no output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeStreamPreamble } from '@shoal/hts';
import { segmentFrame, segmentStreamEndFrame, segmentStreamHeaderFrame, type SignalSegment } from '../eventalign/segments.js';
import { openMatrixStream, type DtwMatrix } from './matrices.js';
import { dtwReference } from './reference.js';
import { runDtw, type DtwRunOptions } from './run.js';
import { xorshift } from './test-support/xorshift.js';

const BUILT_STAGES = new URL('../../dist/dtw/stages.js', import.meta.url).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtw-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Condition = 'native' | 'ivt';

const KMERS = ['GGACT', 'AAACA', 'TGACC', 'CCCCC', 'GAACT', 'TTTTT'];

/** Segments of `reads` reads over positions 0..positions-1 of two contigs; every fifth read skips every third position. */
function makeSegments(condition: Condition, reads: number, positions: number, seed: number): SignalSegment[] {
  const next = xorshift(seed);
  const out: SignalSegment[] = [];
  for (const contig of ['tx1', 'tx2'])
    for (let position = 0; position < positions; position++)
      for (let r = 0; r < reads; r++) {
        if (r % 5 === 4 && position % 3 === 1) continue;
        const length = 3 + Math.floor(next() * 30);
        const level = condition === 'native' && position === 4 ? 95 : 85;
        out.push({
          contig,
          position,
          kmer: KMERS[position % KMERS.length]!,
          read: `${condition}-${r}`,
          condition,
          samples: Float32Array.from({ length }, () => level + 6 * (next() - 0.5)),
        });
      }
  return out;
}

function writeStream(file: string, condition: Condition, segments: SignalSegment[], corrupt?: (segments: SignalSegment[]) => void): string {
  if (corrupt) corrupt(segments);
  const chunks: Uint8Array[] = [encodeStreamPreamble()];
  chunks.push(
    ...segmentStreamHeaderFrame({ condition, contigs: ['tx1', 'tx2'], k: 5, model: 'preset:rna002', mode: 'banded', samples: 'pA' }),
  );
  for (const segment of segments) chunks.push(...segmentFrame(segment));
  chunks.push(...segmentStreamEndFrame({ reads: 0, segments: segments.length, counts: {} }));
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
}

const nativeSegments = makeSegments('native', 7, 9, 1);
const ivtSegments = makeSegments('ivt', 6, 9, 2);
const nativeFile = writeStream(path.join(dir, 'native.frames'), 'native', makeSegments('native', 7, 9, 1));
const ivtFile = writeStream(path.join(dir, 'ivt.frames'), 'ivt', makeSegments('ivt', 6, 9, 2));

function options(output: string, extra: Partial<DtwRunOptions> = {}): DtwRunOptions {
  return {
    inputs: [ivtFile, nativeFile], // IVT first on purpose: rows still come native first
    output,
    format: 'frames',
    padding: 1,
    maxLength: 2048,
    device: 'cpu',
    cudaStreams: 16,
    gpuMemoryLimit: 0,
    threads: 1,
    stageModule: BUILT_STAGES,
    ...extra,
  };
}

async function readMatrices(file: string): Promise<DtwMatrix[]> {
  const stream = await openMatrixStream(file);
  const out: DtwMatrix[] = [];
  for (;;) {
    const next = await stream.matrices.next();
    if (next.done) break;
    out.push({
      ...next.value,
      distances: next.value.distances.slice(),
      lengths: next.value.lengths.slice(),
      levels: next.value.levels?.slice(),
    });
  }
  return out;
}

/** The padded series of one read at one position, straight from the segments. */
function paddedSeries(contig: string, position: number, read: string, padding: number): Float32Array {
  const parts: number[] = [];
  for (let p = position - padding; p <= position + padding; p++) {
    const found = [...nativeSegments, ...ivtSegments].find((s) => s.contig === contig && s.position === p && s.read === read);
    if (found) parts.push(...found.samples);
  }
  return Float32Array.from(parts);
}

describe('runDtw', () => {
  it('writes each position’s matrix of reference DTW distances, native rows first, the same at 1 and 3 threads', async () => {
    const one = path.join(dir, 'one.matrices');
    const three = path.join(dir, 'three.matrices');
    const summary = await runDtw(options(one));
    await runDtw(options(three, { threads: 3 }));
    expect(fs.readFileSync(three).equals(fs.readFileSync(one))).toBe(true);
    const matrices = await readMatrices(one);
    expect(matrices.map((m) => `${m.contig}:${m.position}`)).toEqual([
      ...Array.from({ length: 9 }, (_, p) => `tx1:${p}`),
      ...Array.from({ length: 9 }, (_, p) => `tx2:${p}`),
    ]);
    expect(summary.positions).toBe(18);
    for (const matrix of matrices) {
      const skipping = matrix.position % 3 === 1;
      expect([matrix.nNative, matrix.nIvt]).toEqual(skipping ? [6, 5] : [7, 6]);
      expect(matrix.reads.slice(0, 2)).toEqual(['native-0', 'native-1']);
      expect(matrix.reads[matrix.nNative]).toBe('ivt-0');
      expect(matrix.kmer).toBe(KMERS[matrix.position % KMERS.length]);
      const n = matrix.reads.length;
      const series = matrix.reads.map((read) => paddedSeries(matrix.contig, matrix.position, read, 1));
      expect([...matrix.lengths]).toEqual(series.map((s) => s.length));
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++) expect(matrix.distances[r * n + c]).toBe(r === c ? 0 : dtwReference(series[r]!, series[c]!));
      // Each read's level: the mean of its own segment at the position (not the padded series), as float32.
      const own = matrix.reads.map((read) =>
        [...nativeSegments, ...ivtSegments].find((s) => s.contig === matrix.contig && s.position === matrix.position && s.read === read)!,
      );
      expect([...matrix.levels!]).toEqual(
        own.map((segment) => Math.fround(segment.samples.reduce((a, b) => a + b, 0) / segment.samples.length)),
      );
    }
  });

  it('with --format ndjson writes one summary line per position; the planted level shift shows native apart', async () => {
    const output = path.join(dir, 'summary.ndjson');
    await runDtw(options(output, { format: 'ndjson', padding: 0 }));
    const lines = fs
      .readFileSync(output, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number | string>);
    expect(lines).toHaveLength(18);
    expect(Object.keys(lines[0]!)).toEqual([
      'contig',
      'position',
      'site',
      'kmer',
      'n_native',
      'n_ivt',
      'mean_series_length',
      'resampled',
      'median_native_ivt',
      'median_ivt_ivt',
      'median_native_native',
    ]);
    const shifted = lines.find((line) => line.contig === 'tx1' && line.position === 4)!;
    const plain = lines.find((line) => line.contig === 'tx1' && line.position === 3)!;
    expect(shifted.site).toBe(6);
    expect(shifted.median_native_ivt as number).toBeGreaterThan(3 * (shifted.median_ivt_ivt as number));
    expect(plain.median_native_ivt as number).toBeLessThan(1.5 * (plain.median_ivt_ivt as number));
  });

  it('keeps only k-mers centred in --positions and matching --motif', async () => {
    const bed = path.join(dir, 'sites.bed');
    // Sites 4..6 of tx1 are k-mer positions 2..4; tx2's interval covers k-mer position 7 only.
    fs.writeFileSync(bed, 'tx1\t4\t7\ntx2\t9\t10\n');
    const output = path.join(dir, 'filtered.matrices');
    const summary = await runDtw(options(output, { positionsBed: bed }));
    expect((await readMatrices(output)).map((m) => `${m.contig}:${m.position}`)).toEqual(['tx1:2', 'tx1:3', 'tx1:4', 'tx2:7']);
    expect(summary.filteredOut).toBe(14);
    const drach = path.join(dir, 'drach.matrices');
    await runDtw(options(drach, { motif: 'DRACH' }));
    // GGACT, AAACA, TGACC, GAACT match DRACH; CCCCC and TTTTT do not.
    const kept = await readMatrices(drach);
    expect(new Set(kept.map((m) => m.kmer))).toEqual(new Set(['GGACT', 'AAACA', 'TGACC', 'GAACT']));
    expect(kept).toHaveLength(14);
  });

  it('refuses a non-finite sample with a one-line error naming the file and segment, and leaves no output', async () => {
    const bad = writeStream(path.join(dir, 'bad.frames'), 'native', makeSegments('native', 3, 4, 5), (segments) => {
      segments[5]!.samples[2] = Number.NaN;
    });
    const output = path.join(dir, 'never.matrices');
    await expect(runDtw(options(output, { inputs: [bad, ivtFile] }))).rejects.toThrow(/bad\.frames.*segment 6.*sample 3 .* is NaN/);
    expect(fs.readdirSync(dir).filter((name) => name.includes('never'))).toEqual([]);
  });

  it('refuses streams of different models', async () => {
    const other = path.join(dir, 'other.frames');
    const chunks: Uint8Array[] = [encodeStreamPreamble()];
    chunks.push(
      ...segmentStreamHeaderFrame({ condition: 'ivt', contigs: ['tx1', 'tx2'], k: 6, model: 'x.model', mode: 'banded', samples: 'pA' }),
    );
    chunks.push(...segmentStreamEndFrame({ reads: 0, segments: 0, counts: {} }));
    fs.writeFileSync(other, Buffer.concat(chunks));
    await expect(runDtw(options(path.join(dir, 'x.matrices'), { inputs: [nativeFile, other] }))).rejects.toThrow(/differ from those of/);
  });
});
