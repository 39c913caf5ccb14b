/**
 * The zlib fallback (SHOAL_NO_LIBDEFLATE=1) end to end: bam2ndjson prints the same NDJSON as with
 * libdeflate, and ndjson2bam writes a BAM that reads back to the same records.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BamReader } from '@shoal/hts';
import { demoData, runTool, tempDir } from './helpers.js';

/** Every record of `file` as hex. */
async function recordHexes(file: string): Promise<string[]> {
  const reader = await BamReader.open(file);
  const out: string[] = [];
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) out.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
  }
  reader.close();
  return out;
}

describe('the zlib fallback', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  beforeAll(async () => {
    demo = await demoData();
  });

  it('gives identical NDJSON with the zlib fallback as with libdeflate', () => {
    const withLibdeflate = runTool('bam2ndjson', [demo.bam]);
    const withZlib = runTool('bam2ndjson', [demo.bam], { env: { SHOAL_NO_LIBDEFLATE: '1' } });
    expect(withZlib.status).toBe(0);
    expect(withZlib.stdout).toBe(withLibdeflate.stdout);
  });

  it('writes BAM with the zlib fallback that reads back identically', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'zlib.bam');
    const result = runTool('ndjson2bam', ['-o', out], {
      input: runTool('bam2ndjson', [demo.bam]).stdout,
      env: { SHOAL_NO_LIBDEFLATE: '1' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(await recordHexes(out)).toEqual(await recordHexes(demo.bam));
  });
});
