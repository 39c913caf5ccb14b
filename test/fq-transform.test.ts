/**
 * fq-transform as a Unix tool: one-line errors with file and record (or key and line), exit codes,
 * no output left behind by a failed run, EPIPE, premature termination, and the same bytes from
 * every pipeline mode and thread count on a larger input with many steps.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { processConfig } from '@shoal/fq-transform';
import { runFqTransform, runShell, syntheticFastq, tempDir } from './helpers.js';

function expectOneLineError(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines.length, result.stderr).toBe(1);
  expect(lines[0]).toMatch(/^fq-transform: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.status).toBe(1);
}

function write(dir: string, name: string, text: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const PAIRED_INPUT = `[input]
    read1 = 'r1.fq.gz'
    read2 = 'r2.fq.gz'
`;

describe('fq-transform command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('fq-cli-');
    write(dir, 'r1.fq.gz', zlib.gzipSync(syntheticFastq(3000, 11, 'p', 1)));
    write(dir, 'r2.fq.gz', zlib.gzipSync(syntheticFastq(3000, 12, 'p', 2)));
  });

  it('--help shows examples; a bad flag is a usage error (exit 2)', () => {
    const help = runFqTransform(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/fq-transform process config.toml/);
    expect(runFqTransform(['process', 'x.toml', '--threads', 'zero']).status).toBe(2);
  });

  it('invalid TOML names the line', () => {
    write(dir, 'broken.toml', `${PAIRED_INPUT}[output]\n    prefix = 'out\n`);
    expectOneLineError(runFqTransform(['validate', 'broken.toml'], { cwd: dir }), /broken\.toml \(line 5\): invalid TOML/);
  });

  it('an unknown key names the key and its line', () => {
    write(dir, 'unknown.toml', `${PAIRED_INPUT}[[step]]\n    action = 'CutStart'\n    segment = 'read1'\n    n = 3\n    nn = 4\n`);
    expectOneLineError(
      runFqTransform(['validate', 'unknown.toml'], { cwd: dir }),
      /unknown\.toml \(line 8\): \[\[step\]\] 1 \(CutStart\): 'nn': unknown key 'nn'/,
    );
  });

  it('a wrong type and an unknown action are named with their lines', () => {
    write(dir, 'type.toml', `${PAIRED_INPUT}[[step]]\n    action = 'Head'\n    n = 'five'\n`);
    expectOneLineError(runFqTransform(['validate', 'type.toml'], { cwd: dir }), /line 6\).*'n': expected an integer/);
    write(dir, 'action.toml', `${PAIRED_INPUT}[[step]]\n    action = 'Frobnicate'\n`);
    expectOneLineError(runFqTransform(['validate', 'action.toml'], { cwd: dir }), /line 5\).*unknown action 'Frobnicate'/);
  });

  it('a truncated gzip member fails with the file named and leaves no output', () => {
    const out = tempDir('fq-cli-out-');
    const whole = zlib.gzipSync(syntheticFastq(3000, 13, 'p', 2));
    write(dir, 'cut2.fq.gz', whole.subarray(0, whole.length >> 1));
    write(dir, 'cut.toml', `[input]\n    read1 = 'r1.fq.gz'\n    read2 = 'cut2.fq.gz'\n[output]\n    prefix = 'out'\n`);
    const result = runFqTransform(['process', path.join(dir, 'cut.toml'), '-O', out], { cwd: dir });
    expectOneLineError(result, /cut2\.fq\.gz.*truncated gzip data/);
    expect(fs.readdirSync(out)).toEqual(['out.incompleted']);
  });

  it('paired files with different read counts fail with the file and record', () => {
    const out = tempDir('fq-cli-out-');
    write(dir, 'short2.fq', syntheticFastq(2999, 12, 'p', 2));
    write(dir, 'short.toml', `[input]\n    read1 = 'r1.fq.gz'\n    read2 = 'short2.fq'\n[output]\n    prefix = 'out'\n`);
    expectOneLineError(
      runFqTransform(['process', path.join(dir, 'short.toml'), '-O', out], { cwd: dir }),
      /short2\.fq \(record 3000\): Unequal number of reads/,
    );
    expect(fs.readdirSync(out)).toEqual(['out.incompleted']);
  });

  it('a record without its + line, or with short qualities, is named by record number', () => {
    const out = tempDir('fq-cli-out-');
    write(dir, 'noplus.fq', '@a\nACGT\n+\nIIII\n@b\nACGT\nIIII\n');
    write(dir, 'noplus.toml', `[input]\n    read1 = 'noplus.fq'\n[output]\n    prefix = 'out'\n`);
    expectOneLineError(
      runFqTransform(['process', path.join(dir, 'noplus.toml'), '-O', out], { cwd: dir }),
      /noplus\.fq \(record 2\): Expected \+ after sequence/,
    );
    write(dir, 'shortq.fq', '@a\nACGT\n+\nIIII\n@b\nACGT\n+\nII\n');
    write(dir, 'shortq.toml', `[input]\n    read1 = 'shortq.fq'\n[output]\n    prefix = 'out'\n`);
    expectOneLineError(
      runFqTransform(['process', path.join(dir, 'shortq.toml'), '-O', out, '--allow-overwrite'], { cwd: dir }),
      /shortq\.fq \(record 2\): Sequence and quality must have the same length/,
    );
  });

  it('data errors raised on worker threads: each error of the blocks in flight once, a line each, exit 1', () => {
    const out = tempDir('fq-cli-out-');
    write(
      dir,
      'validate.toml',
      `${PAIRED_INPUT}[[step]]\n    action = 'ValidateSeq'\n    allowed = 'ACGT'\n    segment = 'read1'\n[output]\n    prefix = 'out'\n[options]\n    block_size = 100\n`,
    );
    const result = runFqTransform(['process', path.join(dir, 'validate.toml'), '-O', out, '--threads', '4'], { cwd: dir });
    expect(result.status).toBe(1);
    // Every block in flight fails here (N bases in most blocks): each error once, one line each.
    const lines = result.stderr.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^fq-transform: error: .*Invalid base found/);
    expect(new Set(lines).size).toBe(lines.length);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(out)).toEqual(['out.incompleted']);
  });

  it('outputs that would share a file, and a file read twice, are configuration errors', () => {
    write(
      dir,
      'clash.toml',
      `[input]\n    read1 = 'r1.fq.gz'\n    inspect_read1 = 'r2.fq.gz'\n[options]\n    spot_check_read_pairing = false\n[[step]]\n    action = 'Inspect'\n    n = 5\n    infix = 'inspect'\n    segment = 'read1'\n[output]\n    prefix = 'out'\n`,
    );
    expectOneLineError(
      runFqTransform(['validate', 'clash.toml'], { cwd: dir }),
      /two outputs would be written to the same file 'out_inspect_read1\.fq'/,
    );
    write(dir, 'twice.toml', `[input]\n    read1 = 'r1.fq.gz'\n    read2 = 'r1.fq.gz'\n`);
    expectOneLineError(runFqTransform(['validate', 'twice.toml'], { cwd: dir }), /'r1\.fq\.gz' is read twice/);
  });

  it('stdout closed early (| head) with a side file: exit 0, no temporary file left', () => {
    const out = tempDir('fq-cli-out-');
    write(dir, 'side.fq', syntheticFastq(60000, 22));
    write(
      dir,
      'side.toml',
      `[input]\n    read1 = '${path.join(dir, 'side.fq')}'\n[[step]]\n    action = 'Inspect'\n    n = 5\n    infix = 'peek'\n[output]\n    prefix = 'out'\n    stdout = true\n`,
    );
    const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'packages', 'fq-transform', 'bin', 'fq-transform.js');
    const result = runShell(`cd ${out} && node ${cli} process ${path.join(dir, 'side.toml')} | head -1`);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(fs.readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('existing outputs are an error unless --allow-overwrite', () => {
    const out = tempDir('fq-cli-out-');
    write(dir, 'plain.toml', `${PAIRED_INPUT}[output]\n    prefix = 'out'\n`);
    expect(runFqTransform(['process', path.join(dir, 'plain.toml'), '-O', out], { cwd: dir }).status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['out_read1.fq', 'out_read2.fq']);
    expectOneLineError(
      runFqTransform(['process', path.join(dir, 'plain.toml'), '-O', out], { cwd: dir }),
      /out_read1\.fq: output file exists already/,
    );
    expect(runFqTransform(['process', path.join(dir, 'plain.toml'), '-O', out, '--allow-overwrite'], { cwd: dir }).status).toBe(0);
  });

  it('stdout into a closed pipe (| head) exits 0 quietly', () => {
    write(dir, 'big.fq', syntheticFastq(60000, 21));
    write(dir, 'stdout.toml', `[input]\n    read1 = 'big.fq'\n[output]\n    prefix = 'out'\n    stdout = true\n`);
    const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'packages', 'fq-transform', 'bin', 'fq-transform.js');
    const result = runShell(`cd ${dir} && node ${cli} process stdout.toml | head -1`);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('@r0 1:N:0:ACGT\n');
    expect(result.stderr).toBe('');
  });

  it('[benchmark] repeats the first block through the steps and writes nothing', async () => {
    const out = tempDir('fq-cli-out-');
    write(
      dir,
      'bench.toml',
      `${PAIRED_INPUT}[[step]]\n    action = 'CutStart'\n    segment = 'read1'\n    n = 3\n[output]\n    prefix = 'out'\n[options]\n    block_size = 100\n[benchmark]\n    enable = true\n    molecule_count = 5000\n`,
    );
    const report = await processConfig({ configFile: path.join(dir, 'bench.toml'), inputDirectory: dir, outputDirectory: out, threads: 2 });
    expect(report.molecules).toBe(100);
    expect(report.timings[0]).toMatchObject({ label: '1 CutStart', blocks: 51 });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('Head stops the readers: a few blocks are read, not the whole input', async () => {
    const out = tempDir('fq-cli-out-');
    write(dir, 'many.fq.gz', zlib.gzipSync(syntheticFastq(100000, 31)));
    write(
      dir,
      'head.toml',
      `[input]\n    read1 = 'many.fq.gz'\n[[step]]\n    action = 'Head'\n    n = 5\n[output]\n    prefix = 'out'\n[options]\n    block_size = 1000\n    max_blocks_in_flight = 4\n`,
    );
    for (const workpool of [true, false]) {
      const report = await processConfig({
        configFile: path.join(dir, 'head.toml'),
        inputDirectory: dir,
        outputDirectory: out,
        threads: 2,
        workpool,
        allowOverwrite: true,
      });
      expect(report.molecules).toBeLessThanOrEqual(1000 * 8);
      expect(fs.readFileSync(path.join(out, 'out_read1.fq'), 'utf8').split('\n').length).toBe(21);
    }
  });
});

describe('fq-transform: same bytes from every mode and thread count', () => {
  it('a many-step pipeline over 3000 pairs, gzip output, odd block size', async () => {
    const dir = tempDir('fq-modes-');
    write(dir, 'r1.fq', syntheticFastq(3000, 41, 'm', 1));
    write(dir, 'r2.fq', syntheticFastq(3000, 42, 'm', 2));
    write(
      dir,
      'many.toml',
      `[input]
    read1 = 'r1.fq'
    read2 = 'r2.fq'
[[step]]
    action = 'Skip'
    n = 17
[[step]]
    action = 'FilterSample'
    p = 0.8
    seed = 5
[[step]]
    action = 'Rename'
    search = '^m'
    replacement = 'x{{READ_INDEX}}_'
[[step]]
    action = 'ExtractRegion'
    segment = 'read1'
    start = 0
    length = 6
    anchor = 'Start'
    out_label = 'umi'
[[step]]
    action = 'StoreTagInComment'
    in_label = 'umi'
    segment = 'read2'
[[step]]
    action = 'ExtractLowQualityEnd'
    segment = 'read1'
    min_qual = '5'
    out_label = 'lowq'
[[step]]
    action = 'TrimAtTag'
    in_label = 'lowq'
    direction = 'End'
    keep_tag = false
[[step]]
    action = 'ReverseComplement'
    segment = 'read2'
[[step]]
    action = 'FilterReservoirSample'
    n = 900
    seed = 9
[output]
    prefix = 'out'
    compression = 'Gzip'
    interleave = ['read1', 'read2']
[options]
    block_size = 97
`,
    );
    // One block in flight at a time: the tightest bound, where a lost wake-up would hang.
    write(dir, 'one.toml', `${fs.readFileSync(path.join(dir, 'many.toml'), 'utf8')}    max_blocks_in_flight = 1\n`);
    const results: string[] = [];
    for (const [threads, workpool, config] of [
      [1, true, 'many'],
      [2, true, 'many'],
      [8, true, 'many'],
      [3, false, 'many'],
      [2, true, 'one'],
      [2, false, 'one'],
    ] as const) {
      const out = tempDir('fq-modes-out-');
      await processConfig({ configFile: path.join(dir, `${config}.toml`), inputDirectory: dir, outputDirectory: out, threads, workpool });
      results.push(zlib.gunzipSync(fs.readFileSync(path.join(out, 'out_interleaved.fq.gz'))).toString('latin1'));
    }
    expect(results[0]!.split('\n').length).toBe(900 * 8 + 1);
    for (const result of results) expect(result).toBe(results[0]);
  });
});
