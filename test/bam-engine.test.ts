/**
 * BAM tools on the engine, end to end: bam2ndjson's output byte-identical for --threads 1 to 8;
 * bad input reported the same way on the parallel path; early stop on a closed pipe; ndjson2bam's
 * parallel compression. (The decoding itself, against the streaming reader, is tested in
 * packages/engine/src/bam-pipeline.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoData, runShell, runTool, tempDir } from './helpers.js';

describe('BAM on the engine', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  beforeAll(async () => {
    demo = await demoData();
  });

  it('gives byte-identical bam2ndjson output for --threads 1 to 8', () => {
    const reference = runTool('bam2ndjson', ['--threads', '1', demo.bam]);
    expect(reference.status).toBe(0);
    for (const threads of ['2', '3', '8']) {
      const result = runTool('bam2ndjson', ['--threads', threads, demo.bam]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout === reference.stdout, `threads ${threads}`).toBe(true);
    }
    const fields = runTool('bam2ndjson', ['--threads', '4', '--fields', 'qname,pos', '--no-header', demo.bam]);
    expect(fields.stdout.split('\n')[0]).toBe('{"qname":"p0_0","pos":2}');
  });

  it('reports bad input on the parallel path as on the serial one', () => {
    const dir = tempDir();
    const bytes = fs.readFileSync(demo.bam);
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated.bam', bytes.subarray(0, Math.floor(bytes.length / 2)), /truncated\.bam \(byte offset \d+\): truncated BGZF block/],
      [
        'no-eof.bam',
        bytes.subarray(0, bytes.length - 28),
        new RegExp(`no-eof\\.bam \\(byte offset ${bytes.length - 28}\\): missing BGZF EOF marker block`),
      ],
    ];
    const corrupt = Buffer.from(bytes);
    for (let i = 20000; i < 20100; i++) corrupt[i] ^= 0x5a;
    cases.push(['corrupt.bam', corrupt, /corrupt\.bam \(byte offset \d+\): corrupt BGZF block/]);
    for (const [name, data, pattern] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      for (const threads of ['1', '3']) {
        const result = runTool('bam2ndjson', ['--threads', threads, '-o', path.join(dir, 'out.ndjson'), file]);
        expect(result.status, `${name} threads ${threads}`).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toMatch(pattern);
        expect(fs.existsSync(path.join(dir, 'out.ndjson'))).toBe(false);
      }
    }
  });

  it('exits 0 quietly when stdout closes early (| head -1) with --threads 2', () => {
    const result = runShell(
      `node packages/bam2ndjson/bin/bam2ndjson.js --threads 2 ${demo.bam} | head -1; echo "status=\${PIPESTATUS[0]}"`,
    );
    expect(result.stdout).toMatch(/^\{"type":"header"/);
    expect(result.stdout).toMatch(/status=0/);
    expect(result.stderr).toBe('');
  });

  it('writes byte-identical BAM and BAI with parallel compression (ndjson2bam --threads 1 to 8)', () => {
    const dir = tempDir();
    const ndjson = runTool('bam2ndjson', [demo.bam]).stdout;
    const outputs = ['1', '3', '8'].map((threads) => {
      const out = path.join(dir, `t${threads}.bam`);
      const result = runTool('ndjson2bam', ['--threads', threads, '--write-index', '-o', out], { input: ndjson });
      expect(result.status, result.stderr).toBe(0);
      return { bam: fs.readFileSync(out), bai: fs.readFileSync(`${out}.bai`) };
    });
    for (const output of outputs.slice(1)) {
      expect(output.bam.equals(outputs[0]!.bam)).toBe(true);
      expect(output.bai.equals(outputs[0]!.bai)).toBe(true);
    }
    // And the same bytes as the simulator's inline writer.
    expect(outputs[0]!.bam.equals(fs.readFileSync(demo.bam))).toBe(true);
    expect(outputs[0]!.bai.equals(fs.readFileSync(`${demo.bam}.bai`))).toBe(true);
  });

  it('leaves no BAM behind when input fails mid-way with parallel compression', () => {
    const dir = tempDir();
    const lines = runTool('bam2ndjson', [demo.bam]).stdout.split('\n');
    lines.splice(2000, 0, '{"qname":"bad","flag":"not a number"}');
    const out = path.join(dir, 'broken.bam');
    const result = runTool('ndjson2bam', ['--threads', '3', '--write-index', '-o', out], { input: lines.join('\n') });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('ndjson2bam: error: stdin (line 2001): field flag: "not a number" is not an integer');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects --threads 0 as a usage error', () => {
    const result = runTool('bam2ndjson', ['--threads', '0', demo.bam]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--threads takes a whole number from 1 to 128, got '0'/);
  });
});
