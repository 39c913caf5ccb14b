/**
 * `shoal mods` end to end on small signal-sim data: the outputs, their independence from --threads, a run killed
 * with SIGKILL and resumed, the refusal of a resume under other parameters, merge-slices alone, the Snakemake
 * workflow (when snakemake is installed), and the bad inputs the issue lists.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAlignments } from '@shoal/hts';
import { hasTool, repoRoot, runEasySignalSim, tempDir } from './helpers.js';

const SHOAL = path.join(repoRoot, 'packages', 'shoal', 'bin', 'shoal.js');
const MERGE = path.join(repoRoot, 'packages', 'merge-slices', 'bin', 'merge-slices.js');
const OUTPUTS = ['site_results.tsv', 'read_results.bam', 'read_results.bam.bai'];

function run(bin: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
}

describe('shoal mods', () => {
  let dir: string;
  const inputs = (overrides: Record<string, string> = {}): string[] => {
    const flags: Record<string, string> = {
      '--native-bam': 'sim/native.bam',
      '--native-fastq': 'sim/native.fastq',
      '--native-blow5': 'sim/native.blow5',
      '--ivt-bam': 'sim/ivt.bam',
      '--ivt-fastq': 'sim/ivt.fastq',
      '--ivt-blow5': 'sim/ivt.blow5',
      '--ref': 'sim/transcripts.fa',
      '--min-depth': '5',
      ...overrides,
    };
    return Object.entries(flags).flatMap(([flag, value]) => [flag, value]);
  };
  const mods = (out: string, extra: string[] = [], overrides: Record<string, string> = {}): SpawnSyncReturns<string> =>
    run(SHOAL, ['mods', ...inputs(overrides), '-O', out, '-q', ...extra], dir);
  const read = (out: string, name: string): Buffer => fs.readFileSync(path.join(dir, out, name));

  beforeAll(() => {
    dir = tempDir('shoal-mods-');
    const made = runEasySignalSim(path.join(dir, 'sim'), 5, 3, 14);
    expect(made.status, made.stderr).toBe(0);
    const first = mods('t1', ['-t', '1', '--keep-intermediate']);
    expect(first.status, first.stderr).toBe(0);
  }, 300_000);

  it('writes the site table, the read BAM, the summary and a job log', async () => {
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 't1', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ site_tsv: 't1/site_results.tsv', read_bam: 't1/read_results.bam', per_contig_dir: 't1/per_contig' });
    expect(summary.n_contigs_passed_filter).toBe(3);
    const rows = read('t1', 'site_results.tsv').toString().trimEnd().split('\n');
    expect(rows[0]).toBe(
      'contig\tposition\tkmer\tmod_ratio\tci_low\tci_high\tpvalue\tpadj\teffect_size\tn_native\tn_ivt\tmean_p_mod\tstoichiometry',
    );
    expect(rows.length - 1).toBe(summary.n_total_sites);
    const contigs = rows.slice(1).map((row) => row.split('\t')[0]);
    expect([...new Set(contigs)]).toEqual(['tx0001', 'tx0002', 'tx0003']);
    expect(summary.n_significant).toBeGreaterThan(0);
    // The BAM: sorted reads of both conditions, the @PG CL free of paths (equal runs in other folders agree).
    const bam = await openAlignments(path.join(dir, 't1', 'read_results.bam'));
    const program = bam.header.text.split('\n').find((line) => line.startsWith('@PG\tID:hmm-smooth'))!;
    expect(program).toMatch(/\tCL:shoal mods --min-depth 5 .*--score level .*--motif DRACH --motif-flank 2 --pore rna002$/);
    expect(program).not.toContain('t1/');
    bam.close();
    const joblog = read('t1', 'joblog').toString().trimEnd().split('\n');
    expect(joblog[0]).toBe('Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand');
    expect(joblog.slice(1).map((line) => line.split('\t')[6])).toEqual(['0', '0', '0']);
    expect(joblog[1]).toMatch(/dtw-gpu\.js <\(.*eventalign\.js .*--condition native.*\) <\(.*--condition ivt.*\) .*\| .*hmm-smooth\.js/);
  });

  it('gives the same bytes at --threads 3', () => {
    const result = mods('t3', ['-t', '3']);
    expect(result.status, result.stderr).toBe(0);
    for (const name of OUTPUTS) expect(read('t3', name).equals(read('t1', name)), name).toBe(true);
    expect(fs.existsSync(path.join(dir, 't3', 'per_contig'))).toBe(false);
  });

  it('merge-slices alone puts the kept slices together into the same outputs', () => {
    const slices = (ext: string): string[] =>
      ['tx0003', 'tx0001', 'tx0002'].map((contig) => path.join('t1', 'per_contig', `${contig}.${ext}`));
    const params = JSON.parse(read('t1', 'per_contig/.run_params.json').toString()) as { command_line: string };
    const result = run(
      MERGE,
      [
        ...slices('tsv'),
        '--site-tsv',
        'm/site_results.tsv',
        '--read-bam',
        'm/read_results.bam',
        ...slices('bam').flatMap((bam) => ['--bam-slice', bam]),
      ].concat(['--command-line', params.command_line, '-q']),
      dir,
    );
    expect(result.status, result.stderr).toBe(0);
    for (const name of OUTPUTS) expect(read('m', name).equals(read('t1', name)), name).toBe(true);
  });

  it('resumes a run killed mid-way to the same bytes, and refuses a resume under other parameters', async () => {
    const out = path.join(dir, 'killed');
    const child = spawn(process.execPath, [SHOAL, 'mods', ...inputs(), '-O', 'killed', '-q', '-t', '1'], {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
    });
    // The first slice complete (hmm-smooth renames its outputs one after another): kill while later contigs run.
    const firstSlice = ['tx0001.tsv', 'tx0001.bam', 'tx0001.bam.bai'].map((name) => path.join(out, 'per_contig', name));
    const complete = (): boolean => firstSlice.every((file) => fs.existsSync(file));
    const deadline = Date.now() + 120_000;
    while (!complete() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(complete()).toBe(true);
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(fs.existsSync(path.join(out, 'site_results.tsv'))).toBe(false);

    const refused = mods('killed', ['--resume'], { '--min-mapq': '10' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /^shoal: error: .*\.run_params\.json: the run there used other parameters or inputs \(min_mapq: 20 then, 10 now\)/,
    );

    // A run recorded under one score is not finished under another (two scores in one table).
    const otherScore = mods('killed', ['--resume', '--score', 'knn']);
    expect(otherScore.status).toBe(2);
    expect(otherScore.stderr).toMatch(/other parameters or inputs \(score: "level" then, "knn" now\)/);

    const resumed = mods('killed', ['--resume', '-t', '2']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { n_contigs_resumed: number }).n_contigs_resumed).toBeGreaterThanOrEqual(1);
    for (const name of OUTPUTS) expect(read('killed', name).equals(read('t1', name)), name).toBe(true);
  }, 300_000);

  it('runs the Snakemake workflow to the same outputs', (context) => {
    if (!hasTool('snakemake')) {
      context.skip('snakemake is not installed (Debian: apt-get install snakemake)');
      return;
    }
    const result = spawnSync(
      'snakemake',
      [
        '-s',
        path.join(repoRoot, 'workflows', 'mods', 'Snakefile'),
        '--cores',
        '2',
        '--quiet',
        '--config',
        'output_dir=smk',
        `node=${process.execPath}`,
        `shoal_args=${inputs().join(' ')}`,
      ],
      { cwd: dir, encoding: 'utf8', timeout: 300_000 },
    );
    expect(result.status, result.stderr + result.stdout).toBe(0);
    for (const name of OUTPUTS) expect(read('smk', name).equals(read('t1', name)), name).toBe(true);
  }, 320_000);

  it('inputs that share no reads: a warning per condition, every contig skipped, a header-only table', () => {
    const result = run(SHOAL, ['mods', ...inputs({ '--native-fastq': 'sim/ivt.fastq' }), '-O', 'disjoint'], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warning: no native read is in all of its BAM, FASTQ and BLOW5 \(first BAM read: .*, missing from the FASTQ\)/,
    );
    expect(read('disjoint', 'site_results.tsv').toString().split('\n').length).toBe(2);
    expect(fs.existsSync(path.join(dir, 'disjoint', 'read_results.bam'))).toBe(false);
    const summary = JSON.parse(result.stdout) as { contig_filter: Record<string, number>; n_total_sites: number };
    expect(summary.contig_filter).toEqual({ 'no native reads': 3 });
    expect(summary.n_total_sites).toBe(0);
  });

  it('an empty IVT set (a FASTQ with no record): a warning, every contig skipped for want of IVT reads, a header-only table', () => {
    fs.writeFileSync(path.join(dir, 'empty.fastq'), '');
    const result = run(SHOAL, ['mods', ...inputs({ '--ivt-fastq': 'empty.fastq' }), '-O', 'no-ivt'], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: no ivt read is in all of its BAM, FASTQ and BLOW5/);
    expect(read('no-ivt', 'site_results.tsv').toString().split('\n').length).toBe(2);
    expect((JSON.parse(result.stdout) as { contig_filter: Record<string, number> }).contig_filter).toEqual({ 'no ivt reads': 3 });
  });

  it('a contig missing from the reference is skipped with its reason; a target contig that fails is warned about', () => {
    const fasta = fs.readFileSync(path.join(dir, 'sim', 'transcripts.fa'), 'utf8');
    fs.writeFileSync(path.join(dir, 'two.fa'), fasta.slice(0, fasta.indexOf('>tx0003')));
    const result = run(
      SHOAL,
      ['mods', ...inputs({ '--ref': 'two.fa' }), '-O', 'two', '--target-contigs', 'tx0001,tx0003', '--no-write-bam'],
      dir,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skip tx0003: not in the reference/);
    expect(result.stderr).toMatch(/warning: target contig tx0003 does not pass: not in the reference/);
    const summary = JSON.parse(result.stdout) as { contig_filter: Record<string, number>; read_bam: string | null };
    expect(summary.contig_filter).toEqual({ passed: 1, 'not in the reference': 1, 'not in --target-contigs': 1 });
    expect(summary.read_bam).toBeNull();
    const contigs = new Set(
      read('two', 'site_results.tsv')
        .toString()
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((row) => row.split('\t')[0]),
    );
    expect([...contigs]).toEqual(['tx0001']);
  });

  it('a depth no contig reaches: every contig skipped with both depths in the message', () => {
    const result = run(SHOAL, ['mods', ...inputs({ '--min-depth': '1000' }), '-O', 'deep'], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skip tx0001: native depth below --min-depth \(native \d+, ivt \d+, --min-depth 1000 read_count\)/);
    expect(read('deep', 'site_results.tsv').toString().split('\n').length).toBe(2);
  });

  it('a contig that fails is listed, exit 3 with a header-only table; --halt now,fail=1 stops with exit 1 and no output', () => {
    fs.writeFileSync(path.join(dir, 'bad-hmm.json'), '{"stay": 2}');
    const failed = mods('failing', ['--hmm-params', 'bad-hmm.json', '--target-contigs', 'tx0001']);
    expect(failed.status).toBe(3);
    expect(failed.stderr).toMatch(
      /contig tx0001 failed: hmm-smooth exited 1: hmm-smooth: error: .*bad-hmm\.json: HMM parameter 'stay' is out of range/,
    );
    expect((JSON.parse(failed.stdout) as { failed_contigs: string[] }).failed_contigs).toEqual(['tx0001']);
    expect(read('failing', 'site_results.tsv').toString().split('\n').length).toBe(2);
    // One contig in flight: the first failure halts before the others start.
    const halted = mods('halted', ['--hmm-params', 'bad-hmm.json', '--halt', 'now,fail=1', '-t', '1']);
    expect(halted.status).toBe(1);
    expect(halted.stderr).toMatch(/stopped by --halt after 1 failed contig \(tx0001\); finished contigs stay in/);
    const joblog = read('halted', 'joblog').toString().trimEnd().split('\n');
    expect(joblog).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'halted', 'site_results.tsv'))).toBe(false);
  });
});
