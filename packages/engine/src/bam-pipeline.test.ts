/**
 * BAM on the engine: the same records and checksums for every thread count and read-chunk size
 * as the plain streaming reader.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BamReader } from '@shoal/hts';
import { demoData, readGolden, type SimulatedData } from '@shoal/tools/dist/test-data.js';
// The built package, not ./bam-pipeline.js: BAM_STAGES_MODULE and the engine's workers are files
// next to the module that names them, and worker threads run JavaScript from dist/.
import { BAM_STAGES_MODULE, openBamPipeline } from '@shoal/engine';

interface Checksums {
  records: number;
  fixed: number;
  bases: number;
  qualities: number;
}

async function checksumsOnEngine(file: string, threads: number, readChunkBytes?: number): Promise<Checksums> {
  const pipeline = await openBamPipeline(file, {
    threads,
    readChunkBytes,
    stages: [{ module: BAM_STAGES_MODULE, name: 'decodeChecksums' }],
  });
  let delivered = 0;
  const summary = await pipeline.run((block) => {
    delivered += block.records as number;
  });
  await pipeline.close();
  const total: Checksums = { records: 0, fixed: 0, bases: 0, qualities: 0 };
  for (const state of summary.states[2] as Checksums[]) {
    total.records += state.records;
    total.fixed = (total.fixed + state.fixed) | 0;
    total.bases = (total.bases + state.bases) | 0;
    total.qualities = (total.qualities + state.qualities) | 0;
  }
  expect(delivered).toBe(total.records);
  return total;
}

async function checksumsStreaming(file: string): Promise<Checksums> {
  const total: Checksums = { records: 0, fixed: 0, bases: 0, qualities: 0 };
  const reader = await BamReader.open(file);
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const r = batch.record(i);
      total.fixed = (total.fixed + r.refId + r.pos + r.mapq + r.flag + r.cigarLength) | 0;
      const n = r.seqLength;
      for (let j = r.seqStart; j < r.seqStart + ((n + 1) >> 1); j++) total.bases = (total.bases + batch.bytes[j]!) | 0;
      for (let j = r.qualStart; j < r.qualStart + n; j++) total.qualities = (total.qualities + batch.bytes[j]!) | 0;
    }
    total.records += batch.count;
  }
  reader.close();
  return total;
}

describe('BAM on the engine', () => {
  let demo: SimulatedData;
  beforeAll(async () => {
    demo = await demoData();
  });

  it('decodes every record identically for 1 to 8 threads and any chunk size', async () => {
    const expected = await checksumsStreaming(demo.bam);
    // The record count samtools saw (the golden SAM), so the streaming reader is checked too.
    expect(expected.records).toBe(
      readGolden('demo.sam.gz')
        .split('\n')
        .filter((l) => l && !l.startsWith('@')).length,
    );
    for (const threads of [1, 2, 3, 8]) {
      for (const chunk of [4096, 65536, 1 << 20]) {
        expect(await checksumsOnEngine(demo.bam, threads, chunk), `threads ${threads}, chunk ${chunk}`).toEqual(expected);
      }
    }
  });
});
