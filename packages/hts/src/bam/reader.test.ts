/**
 * The streaming BAM reader on the demo data: records read in tiny chunks (cut at every possible
 * place) equal records read in one go, and the virtual offsets it reports point at the records.
 */
import { Random } from '@shoal/tools/dist/random.js';
import { demoData, type SimulatedData } from '@shoal/tools/dist/test-data.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { inflateChunk } from '../bgzf/inflate.js';
import { compressedChunks } from '../bgzf/reader.js';
import { openByteSource } from '../io/byte-source.js';
import { readRecordSummaries, type RecordSummary } from '../test-support/bam.js';

describe('BAM reading', () => {
  let demo: SimulatedData;
  let records: RecordSummary[];
  beforeAll(async () => {
    demo = await demoData();
    records = await readRecordSummaries(demo.bam);
  });

  it('gives the same records whatever the read chunk size (records cut across chunks are stitched)', async () => {
    for (const size of [1000, 4096, 65536 + 17, 300_000]) {
      const small = await readRecordSummaries(demo.bam, size);
      expect(small.map((r) => r.hex)).toEqual(records.map((r) => r.hex));
    }
  });

  it('reports virtual offsets that point at each record', async () => {
    const random = new Random(11);
    const source = openByteSource(demo.bam);
    for (let k = 0; k < 40; k++) {
      const record = records[random.int(0, records.length - 1)]!;
      if (record.hex.length > 200_000) continue; // the stitched long record has no block-exact offset
      const compressed = Math.floor(record.virtualOffset / 65536);
      const within = record.virtualOffset % 65536;
      const first = await compressedChunks(source, { startFileOffset: compressed, readChunkBytes: 1 << 17 }).next();
      if (first.done) throw new Error(`no BGZF block at ${compressed}`);
      const chunk = inflateChunk({ bytes: first.value.bytes, fileOffset: compressed, file: demo.bam });
      const length = record.hex.length / 2;
      expect(Buffer.from(chunk.data.subarray(within, within + length)).toString('hex')).toBe(record.hex);
    }
    source.close();
  });
});
