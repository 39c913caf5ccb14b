/**
 * Outputs appear all together or not at all (docs/cli.md): a run that cannot write one of its
 * outputs leaves no final name and no temporary file, and the files an earlier run left under the
 * final names are as they were; each tool keeps its overwrite policy, fq-transform's chunks and
 * hash files included. Full disks are a small tmpfs (root and mount), skipped elsewhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicFile } from '@shoal/hts';
import { demoData, runCollect, runFqTransform, runShell, runTool, syntheticFastq, tempDir } from './helpers.js';

/** Every file below `dir` with its bytes, for "as it was" comparisons. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, name);
    files[name] = fs.statSync(full).isDirectory() ? '<folder>' : fs.readFileSync(full, 'latin1');
  }
  return files;
}

function expectOneLineError(result: { status: number | null; stderr: string }, tool: string, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${tool}: error: `));
  expect(lines[0]).toMatch(pattern);
  expect(result.status).toBe(1);
}

const temporaries = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'));

describe('a group of outputs is renamed as one', () => {
  it('a failed rename puts back the files an earlier run left under the final names', () => {
    const dir = tempDir();
    const first = path.join(dir, 'first.txt');
    const second = path.join(dir, 'second.txt');
    fs.writeFileSync(first, 'earlier run\n');
    const newFirst = AtomicFile.create(first);
    newFirst.write('this run\n');
    newFirst.close();
    const group = AtomicFile.group();
    group.rename([first], () => newFirst.commit());
    expect(fs.readFileSync(first, 'utf8')).toBe('this run\n');
    expect(() =>
      group.rename([second], () => {
        fs.writeFileSync(second, 'half');
        throw new Error('the second rename fails');
      }),
    ).toThrow(/second rename/);
    group.rollback();
    expect(snapshot(dir)).toEqual({ 'first.txt': 'earlier run\n' });
  });

  it('after success, nothing kept aside is left', () => {
    const dir = tempDir();
    const target = path.join(dir, 'out.txt');
    fs.writeFileSync(target, 'old');
    const file = AtomicFile.create(target);
    file.write('new');
    file.close();
    const group = AtomicFile.group();
    group.rename([target], () => file.commit());
    group.release();
    expect(snapshot(dir)).toEqual({ 'out.txt': 'new' });
  });
});

describe('collect-*, ndjson2bam and bam-index: a folder under an output name', () => {
  let bam: string;
  beforeAll(async () => {
    bam = (await demoData()).bam;
  });

  it("collect-isize fails before renaming anything; an earlier run's metrics stay as they were", () => {
    const dir = tempDir();
    const prefix = path.join(dir, 'qc', 's');
    expect(runCollect('collect-isize', ['-i', bam, '-o', prefix]).status).toBe(0);
    // The last file of the group, the plot: both metrics files would be renamed (over the earlier ones) before it.
    fs.rmSync(`${prefix}.isize.insert-size.svg`);
    fs.mkdirSync(`${prefix}.isize.insert-size.svg`);
    const before = snapshot(dir);
    expect(Object.keys(before).sort()).toEqual(['qc', 'qc/s.isize-histogram.txt', 'qc/s.isize-metrics.txt', 'qc/s.isize.insert-size.svg']);
    const result = runCollect('collect-isize', ['-i', bam, '-o', prefix]);
    expect(snapshot(dir)).toEqual(before);
    expectOneLineError(result, 'collect-isize', /s\.isize\.insert-size\.svg: cannot write output: is a directory, not a file$/);
  });

  it("ndjson2bam --write-index refuses a folder under the index's name before reading, and the earlier BAM stays", () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.bam');
    fs.writeFileSync(out, 'a BAM of an earlier run\n');
    fs.mkdirSync(`${out}.bai`);
    const ndjson = runTool('bam2ndjson', [bam]).stdout;
    const result = runTool('ndjson2bam', ['-o', out, '--write-index'], { input: ndjson });
    expect(snapshot(dir)).toEqual({ 'out.bam': 'a BAM of an earlier run\n', 'out.bam.bai': '<folder>' });
    expectOneLineError(result, 'ndjson2bam', /out\.bam\.bai: cannot write output: is a directory, not a file$/);
  });

  it('bam-index names a folder under the index name, without a record offset that has nothing to do with it', () => {
    const dir = tempDir();
    const copy = path.join(dir, 'in.bam');
    fs.copyFileSync(bam, copy);
    fs.mkdirSync(`${copy}.bai`);
    const result = runTool('bam-index', [copy]);
    expectOneLineError(result, 'bam-index', /^bam-index: error: \S+in\.bam\.bai: cannot write output: is a directory, not a file$/);
    expect(temporaries(dir)).toEqual([]);
  });
});

describe('fq-transform: chunks and hash files are outputs like the others', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('fq-all-or-nothing-');
    fs.writeFileSync(path.join(dir, 'r1.fq'), syntheticFastq(48, 1, 'r', 1));
    fs.writeFileSync(path.join(dir, 'r2.fq'), syntheticFastq(48, 1, 'r', 2));
  });
  /** A configuration writing `out/o_read{1,2}.NN.fq`: 48 pairs in chunks of 4 are 12 chunks, two digits. */
  const config = (name: string, output: string): string => {
    fs.writeFileSync(path.join(dir, name), `[input]\n    read1 = 'r1.fq'\n    read2 = 'r2.fq'\n[output]\n    prefix = 'out/o'\n${output}`);
    return name;
  };
  const run = (args: string[], out: string) => runFqTransform(['process', ...args, '-O', out], { cwd: dir });

  it("a second run without --allow-overwrite is refused, and the first run's chunks stay as they were", () => {
    const out = tempDir('fq-out-');
    const toml = config('chunked.toml', '    chunksize = 4\n');
    expect(run([toml], out).status).toBe(0);
    const first = snapshot(out);
    expect(Object.keys(first)).toContain('out/o_read1.11.fq');
    expectOneLineError(run([toml], out), 'fq-transform', /out\/o_read1\.00\.fq: output file exists already \(use --allow-overwrite/);
    expect(snapshot(out)).toEqual(first);
    expect(run([toml, '--allow-overwrite'], out).status).toBe(0);
    expect(snapshot(out)).toEqual(first);
  });

  it('a file under a one-digit chunk name is an existing output, and --allow-overwrite leaves it alone', () => {
    const out = tempDir('fq-out-');
    const toml = config('chunked.toml', '    chunksize = 4\n');
    fs.mkdirSync(path.join(out, 'out'));
    // Chunk 5 of a run with 10 chunks or fewer; this run's chunk 5 is o_read1.05.fq.
    fs.writeFileSync(path.join(out, 'out', 'o_read1.5.fq'), 'a file of an earlier run\n');
    expectOneLineError(run([toml], out), 'fq-transform', /o_read1\.5\.fq: output file exists already/);
    expect(run([toml, '--allow-overwrite'], out).status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'out', 'o_read1.5.fq'), 'utf8')).toBe('a file of an earlier run\n');
    expect(fs.readdirSync(path.join(out, 'out'))).toContain('o_read1.05.fq');
    expect(temporaries(out)).toEqual([]);
  });

  it('an existing SHA-256 file is an existing output', () => {
    const out = tempDir('fq-out-');
    const toml = config('hashed.toml', '    output_hash_uncompressed = true\n');
    fs.mkdirSync(path.join(out, 'out'));
    fs.writeFileSync(path.join(out, 'out', 'o_read2.fq.uncompressed.sha256'), 'kept');
    const before = snapshot(out);
    expectOneLineError(run([toml], out), 'fq-transform', /o_read2\.fq\.uncompressed\.sha256: output file exists already/);
    expect(snapshot(out)).toEqual(before);
  });

  it("a folder under a chunk's name is found before any input is read (no run marker either)", () => {
    const out = tempDir('fq-out-');
    const toml = config('chunked.toml', '    chunksize = 4\n');
    fs.mkdirSync(path.join(out, 'out', 'o_read2.07.fq'), { recursive: true });
    const before = snapshot(out);
    expectOneLineError(run([toml, '--allow-overwrite'], out), 'fq-transform', /o_read2\.07\.fq: cannot write output: is a directory/);
    expect(snapshot(out)).toEqual(before);
  });
});

// ---------------------------------------------------------------- full disks (a 64 KiB tmpfs)

const mounts: string[] = [];
/** A 64 KiB tmpfs at `dir`, or why one cannot be mounted here. */
function mountSmallDisk(dir: string): string | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
  mounts.push(dir);
  return undefined;
}
const probe = tempDir('shoal-tmpfs-probe-');
const tmpfsProblem = mountSmallDisk(path.join(probe, 'disk'));
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

describe.skipIf(tmpfsProblem !== undefined)(`full disks${tmpfsProblem ? ` (skipped: no tmpfs: ${tmpfsProblem})` : ''}`, () => {
  const disk = path.join(probe, 'disk');
  /** Each case starts with an empty disk. */
  const emptyDisk = (): void => {
    for (const name of fs.readdirSync(disk)) fs.rmSync(path.join(disk, name), { recursive: true });
  };

  it('bam2ndjson > a file on a full disk fails (Node alone would cut the file and exit 0), naming stdout', async () => {
    emptyDisk();
    const { bam } = await demoData();
    const result = runShell(`node packages/bam2ndjson/bin/bam2ndjson.js --threads 1 ${bam} > ${disk}/out.ndjson`);
    expect(result.stderr.trim()).toBe('bam2ndjson: error: stdout: cannot write output: no space left on device');
    expect(result.status).toBe(1);
  });

  it('fq-transform: chunks that fill the disk leave no chunk and no temporary file, and the message names the chunk', () => {
    emptyDisk();
    const dir = tempDir('fq-full-');
    // About 150 KB of reads: the first chunks fit in 64 KiB, the later ones do not.
    fs.writeFileSync(path.join(dir, 'r1.fq'), syntheticFastq(1000, 7));
    fs.writeFileSync(path.join(dir, 'c.toml'), `[input]\n    read1 = 'r1.fq'\n[output]\n    prefix = 'o'\n    chunksize = 100\n`);
    const result = runFqTransform(['process', 'c.toml', '-O', disk], { cwd: dir });
    expectOneLineError(result, 'fq-transform', /\/o_read1\.\d\.fq: cannot write output: no space left on device$/);
    // mbf's marker says the run did not finish; nothing else is left.
    expect(fs.readdirSync(disk)).toEqual(['o.incompleted']);
  });
});
