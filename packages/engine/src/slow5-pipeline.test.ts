/**
 * SLOW5/BLOW5 on the engine: the same records, samples and order-sensitive checksums at every
 * thread count and block size as the plain streaming reader, and the reader's errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSlow5File, openSlow5, type Slow5Header, type Slow5Record, type Slow5WriterOptions } from '@shoal/hts';
// The built package: the stage module and the workers run JavaScript from dist/.
import { SLOW5_STAGES_MODULE, openSlow5Pipeline } from '@shoal/engine';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-slow5-engine-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

interface Checksums {
  records: number;
  samples: number;
  weighted: number;
  readIdCharacters: number;
}

const HEADER: Slow5Header = {
  version: [0, 2, 0],
  readGroups: [new Map([['run_id', 'r']])],
  auxFields: [{ name: 'read_number', type: 'int32_t' }],
};

function records(count: number): Slow5Record[] {
  return Array.from({ length: count }, (_, i) => {
    const signal = new Int16Array(500 + ((i * 7919) % 4000));
    for (let k = 0; k < signal.length; k++) signal[k] = 300 + ((k * 31 + i * 17) % 401);
    return {
      readId: `read-${i}`,
      readGroup: 0,
      digitisation: 8192,
      offset: i,
      range: 1467.61,
      samplingRate: 3012,
      rawSignal: signal,
      aux: new Map([['read_number', i]]),
    };
  });
}

async function streaming(file: string): Promise<Checksums> {
  const total: Checksums = { records: 0, samples: 0, weighted: 0, readIdCharacters: 0 };
  for await (const record of (await openSlow5(file)).records()) {
    for (let i = 0; i < record.rawSignal.length; i++) total.weighted = (total.weighted + Math.imul(record.rawSignal[i]!, i + 1)) | 0;
    total.samples += record.rawSignal.length;
    total.readIdCharacters += record.readId.length;
    total.records++;
  }
  return total;
}

async function onEngine(file: string, threads: number, blockBytes: number): Promise<Checksums> {
  const pipeline = await openSlow5Pipeline(file, {
    threads,
    blockBytes,
    stages: (_header, layout) => [{ module: SLOW5_STAGES_MODULE, name: 'decodeChecksums', options: { layout } }],
  });
  let delivered = 0;
  const summary = await pipeline.run((block) => {
    delivered += block.records as number;
  });
  await pipeline.close();
  const total: Checksums = { records: 0, samples: 0, weighted: 0, readIdCharacters: 0 };
  for (const state of summary.states[0] as Checksums[]) {
    total.records += state.records;
    total.samples += state.samples;
    total.weighted = (total.weighted + state.weighted) | 0;
    total.readIdCharacters += state.readIdCharacters;
  }
  expect(delivered).toBe(total.records);
  return total;
}

describe('SLOW5/BLOW5 on the engine', () => {
  const cases: [string, Slow5WriterOptions][] = [
    ['zlib-svb.blow5', { recordCompression: 'zlib', signalCompression: 'svb-zd' }],
    ['none-none.blow5', { recordCompression: 'none', signalCompression: 'none' }],
    ['text.slow5', { format: 'slow5' }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: the streaming reader's checksums at 1 and 2 threads, small and default blocks`, async () => {
      const file = path.join(folder, name);
      fs.writeFileSync(file, encodeSlow5File(HEADER, records(300), options));
      const expected = await streaming(file);
      expect(expected.records).toBe(300);
      for (const [threads, blockBytes] of [
        [1, 1 << 20],
        [2, 20_000],
      ] as const) {
        expect(await onEngine(file, threads, blockBytes)).toEqual(expected);
      }
    });
  }

  it('a BLOW5 without its end marker fails the run with the truncation error', async () => {
    const file = path.join(folder, 'truncated.blow5');
    const bytes = encodeSlow5File(HEADER, records(20));
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 5));
    await expect(onEngine(file, 2, 10_000)).rejects.toThrow(`truncated.blow5 (byte offset ${bytes.length - 5}): truncated BLOW5 file`);
  });
});
