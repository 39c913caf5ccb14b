/**
 * Bad input gets one clear line naming the file and offset (or argument), a non-zero exit
 * (1 for data, 2 for usage), no stack trace, and nothing on stdout after the error.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BamWriter, encodeRecord, makeHeader, parseCigar } from '@shoal/hts';
import { demoData, runCollect, runFqTransform, runShell, runTool, syntheticFastq, tempDir } from './helpers.js';

function expectOneLineError(result: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines.length, result.stderr).toBe(1);
  expect(lines[0]).toMatch(/^bam2ndjson: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.status).toBe(status);
}

describe('bam2ndjson on bad input', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  let dir: string;
  let bytes: Buffer;
  beforeAll(async () => {
    demo = await demoData();
    dir = tempDir();
    bytes = fs.readFileSync(demo.bam);
  });

  const write = (name: string, data: Uint8Array | string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  it('a file truncated mid-block', () => {
    const file = write('truncated.bam', bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = runTool('bam2ndjson', [file]);
    expectOneLineError(result, 1, /truncated\.bam \(byte offset \d+\): truncated BGZF block/);
  });

  it('a file cut at a block boundary, without the EOF marker block', () => {
    const file = write('no-eof.bam', bytes.subarray(0, bytes.length - 28));
    const result = runTool('bam2ndjson', [file]);
    expectOneLineError(result, 1, new RegExp(`no-eof\\.bam \\(byte offset ${bytes.length - 28}\\): missing BGZF EOF marker block`));
  });

  it('garbage bytes', () => {
    const garbage = Buffer.alloc(5000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
    expectOneLineError(
      runTool('bam2ndjson', [write('garbage.bam', garbage)]),
      1,
      /garbage\.bam \(byte offset 0\): not BAM, SAM or shoal NDJSON/,
    );
  });

  it('garbage after valid blocks', () => {
    const file = write(
      'tail-garbage.bam',
      Buffer.concat([bytes.subarray(0, bytes.length - 28), Buffer.from('this is not a block at all, just text')]),
    );
    expectOneLineError(
      runTool('bam2ndjson', [file]),
      1,
      new RegExp(`tail-garbage\\.bam \\(byte offset ${bytes.length - 28}\\): corrupt BGZF block header`),
    );
  });

  it('a corrupted deflate stream (CRC or ISIZE check)', () => {
    const corrupt = Buffer.from(bytes);
    for (let i = 2000; i < 2100; i++) corrupt[i] ^= 0x5a;
    const result = runTool('bam2ndjson', [write('corrupt.bam', corrupt)]);
    expectOneLineError(result, 1, /corrupt\.bam \(byte offset \d+\): corrupt BGZF block/);
  });

  it('a record length past the end of the data', async () => {
    const file = path.join(dir, 'long-record.bam');
    const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n', [{ name: 'chr1', length: 1000 }]);
    const writer = await BamWriter.open(file, header);
    const good = encodeRecord({
      readName: 'r1',
      flag: 4,
      refId: -1,
      pos: -1,
      mapq: 0,
      cigar: parseCigar('*')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: 'ACGT',
      qualities: null,
      tags: [],
    });
    await writer.writeRecordBytes(good);
    const bad = Uint8Array.from(good);
    new DataView(bad.buffer).setUint32(0, 5000, true); // claims 5000 bytes; the file has ~45
    await writer.writeRecordBytes(bad);
    await writer.close();
    const result = runTool('bam2ndjson', [file]);
    expectOneLineError(result, 1, /long-record\.bam \(byte offset \d+, record at \+\d+ inside the BGZF block\): truncated BAM record/);
    // At most the header and the good record before it; nothing after the error.
    const lines = result.stdout.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    if (lines.length === 2) expect((JSON.parse(lines[1]!) as { qname: string }).qname).toBe('r1');
  });

  it('a record whose fields overrun its own length', async () => {
    const file = path.join(dir, 'overrun.bam');
    const header = makeHeader('', [{ name: 'chr1', length: 1000 }]);
    const writer = await BamWriter.open(file, header);
    const record = encodeRecord({
      readName: 'r1',
      flag: 4,
      refId: -1,
      pos: -1,
      mapq: 0,
      cigar: parseCigar('*')!,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: 'ACGT',
      qualities: null,
      tags: [],
    });
    new DataView(record.buffer).setInt32(20, 1000, true); // l_seq 1000 in a 45-byte record
    await writer.writeRecordBytes(record);
    await writer.close();
    expectOneLineError(
      runTool('bam2ndjson', [file]),
      1,
      /overrun\.bam \(byte offset \d+, record at \+\d+ inside the BGZF block\): corrupt BAM record: its fields need/,
    );
  });

  it('a text file given as BAM', () => {
    expectOneLineError(
      runTool('bam2ndjson', [write('notes.bam', 'These are my notes.\nNot a BAM file.\n')]),
      1,
      /notes\.bam \(byte offset 0\): not BAM, SAM or shoal NDJSON/,
    );
  });

  it('plain gzip that is not BGZF', () => {
    const gz = zlib.gzipSync(Buffer.from('hello world\n'));
    expectOneLineError(
      runTool('bam2ndjson', [write('plain.gz', gz)]),
      1,
      /plain\.gz \(byte offset 0\): (plain gzip, not BGZF|gzip block without the BGZF BC field)/,
    );
  });

  it('an empty file', () => {
    expectOneLineError(runTool('bam2ndjson', [write('empty.bam', '')]), 1, /empty\.bam \(byte offset 0\): empty input/);
  });

  it('a missing file', () => {
    expectOneLineError(runTool('bam2ndjson', [path.join(dir, 'nope.bam')]), 1, /nope\.bam: no such file or directory/);
  });

  it('a region query without an index', () => {
    const file = write('unindexed.bam', bytes);
    expectOneLineError(
      runTool('bam2ndjson', ['--region', 'chr1:1-100', file]),
      1,
      /unindexed\.bam: no index \(.*unindexed\.bam\.bai\) for a region query/,
    );
  });

  it('a malformed region string is a usage error', () => {
    expectOneLineError(runTool('bam2ndjson', ['--region', 'chr1:abc-def', demo.bam]), 2, /bad region 'chr1:abc-def'/);
    expectOneLineError(runTool('bam2ndjson', ['--region', 'chr1:500-100', demo.bam]), 2, /bad region 'chr1:500-100'/);
  });

  it('a region on an unknown contig', () => {
    expectOneLineError(
      runTool('bam2ndjson', ['--region', 'chrZ:1-100', demo.bam]),
      1,
      /no such reference 'chrZ' in the BAM header \(has chr1, chr2, chr3\)/,
    );
  });

  it('an unknown flag or field is a usage error', () => {
    const flag = runTool('bam2ndjson', ['--frobnicate', demo.bam]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--frobnicate'/);
    expectOneLineError(runTool('bam2ndjson', ['--fields', 'qname,colour', demo.bam]), 2, /unknown field colour/);
  });

  it('exits 0 quietly when the reader of stdout goes away (| head -1)', () => {
    const big = path.join(dir, 'big.ndjson-source.bam');
    fs.copyFileSync(demo.bam, big);
    const result = runShell(`node packages/bam2ndjson/bin/bam2ndjson.js ${big} | head -1; echo "status=\${PIPESTATUS[0]}"`);
    expect(result.stdout).toMatch(/^\{"type":"header"/);
    expect(result.stdout).toMatch(/status=0/);
    expect(result.stderr).toBe('');
  });

  it('leaves no output file behind when it fails', () => {
    const out = path.join(dir, 'out.ndjson');
    const result = runTool('bam2ndjson', ['-o', out, write('trunc2.bam', bytes.subarray(0, bytes.length - 5000))]);
    expect(result.status).toBe(1);
    expect(fs.readdirSync(dir).filter((f) => f.includes('out.ndjson'))).toEqual([]);
  });

  it('ndjson2bam names the line of a bad record', () => {
    const header = runTool('bam2ndjson', ['--header-only', demo.bam]).stdout;
    const input = `${header}{"qname":"r1","flag":4,"cigar":"10Q"}\n`;
    const result = runTool('ndjson2bam', ['-o', path.join(dir, 'x.bam')], { input });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("ndjson2bam: error: stdin (line 2): field cigar: bad CIGAR '10Q'");
    expect(fs.existsSync(path.join(dir, 'x.bam'))).toBe(false);
  });
});

describe('usage errors are one line; inputs twice and bad partials are named', () => {
  /** One stderr line `<tool>: error: …` matching `pattern`, the exit code, no stack trace. */
  const expectLine = (result: { status: number | null; stderr: string }, tool: string, status: number, pattern: RegExp): void => {
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${tool}: error: `));
    expect(lines[0]).toMatch(pattern);
    expect(result.status).toBe(status);
  };

  it('fq-transform without a command: one line, exit 2 (not the whole help); --help still exit 0', () => {
    expectLine(runFqTransform([]), 'fq-transform', 2, /missing command: process, validate, template, verify \(run fq-transform --help/);
    expect(runFqTransform(['--help']).status).toBe(0);
  });

  it("a usage error found after parsing carries the --help hint, as commander's do", () => {
    expectLine(
      runCollect('collect-isize', ['-i', 'x.bam', '-o', 'q', '--format', 'xml']),
      'collect-isize',
      2,
      /--format takes riker or picard, got 'xml' \(run collect-isize --help for usage\)$/,
    );
  });

  it('fq-transform: one file through a hard link is read twice (refused unless accept_duplicate_files)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'r1.fq'), syntheticFastq(10, 1));
    fs.linkSync(path.join(dir, 'r1.fq'), path.join(dir, 'same.fq'));
    const input = "[input]\n    read1 = 'r1.fq'\n    read2 = 'same.fq'\n";
    fs.writeFileSync(path.join(dir, 'twice.toml'), `${input}[output]\n    prefix = 'o'\n`);
    expectLine(runFqTransform(['process', 'twice.toml'], { cwd: dir }), 'fq-transform', 1, /'same\.fq' is read twice/);
    expect(fs.readdirSync(dir).sort()).toEqual(['r1.fq', 'same.fq', 'twice.toml']);
    fs.writeFileSync(path.join(dir, 'meant.toml'), `${input}[options]\n    accept_duplicate_files = true\n[output]\n    prefix = 'o'\n`);
    const meant = runFqTransform(['process', 'meant.toml'], { cwd: dir });
    expect(meant.status, meant.stderr).toBe(0);
  });

  it('collect-merge: a partial of the wrong shape is named as such, not an internal error', async () => {
    const dir = tempDir();
    const { bam } = await demoData();
    const good = path.join(dir, 'good.json');
    expect(runCollect('collect-isize', ['-i', bam, '--partial', good]).status).toBe(0);
    const partial = JSON.parse(fs.readFileSync(good, 'utf8')) as { states: Record<string, unknown> };
    const shapes: [string, (p: { states: Record<string, unknown> }) => void, RegExp][] = [
      ['no-state.json', (p) => (p.states = {}), /no-state\.json: not a valid partial-state file: no state for tool 'isize'$/],
      [
        'bad-state.json',
        (p) => (p.states.isize = { FR: 'x' }),
        /bad-state\.json: not a valid partial-state file: a tool state cannot be merged/,
      ],
    ];
    for (const [name, edit, pattern] of shapes) {
      const copy = structuredClone(partial);
      edit(copy);
      fs.writeFileSync(path.join(dir, name), JSON.stringify(copy));
      const result = runCollect('collect-merge', ['-o', path.join(dir, 'm'), path.join(dir, name)]);
      expectLine(result, 'collect-merge', 1, pattern);
      expect(result.stderr).not.toMatch(/internal error/);
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('m.'))).toEqual([]);
  });
});
