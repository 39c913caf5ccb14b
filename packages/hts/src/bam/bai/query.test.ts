/** Region queries through the BAI on the demo data equal a brute-force overlap filter. */
import fs from 'node:fs';
import { Random } from '@shoal/tools/dist/random.js';
import { demoData } from '@shoal/tools/dist/test-data.js';
import { describe, expect, it } from 'vitest';
import { BamReader } from '../reader.js';
import { readRecordSummaries } from '../../test-support/bam.js';
import { parseBai } from './index.js';
import { queryRegion } from './query.js';

describe('BAI region queries', () => {
  it('answers random regions through the BAI exactly as a brute-force overlap filter', async () => {
    const demo = await demoData();
    const records = await readRecordSummaries(demo.bam);
    const reader = await BamReader.open(demo.bam);
    const header = reader.header;
    reader.close();
    const index = parseBai(fs.readFileSync(`${demo.bam}.bai`), 'demo.bai');
    const random = new Random(5);
    for (let k = 0; k < 150; k++) {
      const refId = random.int(0, header.references.length - 1);
      const length = header.references[refId]!.length;
      const beg = random.int(0, length - 1);
      const end = Math.min(length, beg + random.pick([1, 10, 300, 5000, 20000]));
      const expected = records.filter((r) => r.refId === refId && r.pos < end && r.end > beg).map((r) => r.hex);
      const got: string[] = [];
      for await (const batch of queryRegion(demo.bam, header, index, refId, beg, end)) {
        for (let i = 0; i < batch.count; i++) got.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
      }
      expect(got.length, `${refId}:${beg}-${end}`).toBe(expected.length);
      expect(got).toEqual(expected);
    }
  });
});
