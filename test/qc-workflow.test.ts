/**
 * workflows/qc/Snakefile: collect-multi --partial per BAM and genome chunk (a contig cut in two), collect-merge per
 * BAM, MultiQC over every sample. Live where snakemake is installed (MultiQC's step where multiqc is too); skipped with
 * the reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { covData, hasTool, repoRoot, runCollect, tempDir } from './helpers.js';

/** A folder's metrics files with the header lines (command lines, dates) left out. */
function bodies(dir: string, prefix: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${prefix}.`))
    .sort())
    files[name.slice(prefix.length)] = fs
      .readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('# '))
      .join('\n');
  return files;
}

describe('workflows/qc/Snakefile', () => {
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    cov = await covData();
  });

  it('merges per-chunk partial states of two BAMs into the one-pass files, and MultiQC reads them', (context) => {
    if (!hasTool('snakemake')) {
      context.skip('snakemake is not installed (Debian: apt-get install snakemake)');
      return;
    }
    const dir = tempDir();
    for (const sample of ['a', 'b']) {
      fs.copyFileSync(cov.bam, path.join(dir, `${sample}.bam`));
      fs.copyFileSync(`${cov.bam}.bai`, path.join(dir, `${sample}.bam.bai`));
    }
    const multiqc = hasTool('multiqc');
    const run = spawnSync(
      'snakemake',
      [
        '-s',
        path.join(repoRoot, 'workflows', 'qc', 'Snakefile'),
        '--cores',
        '2',
        '--quiet',
        '--config',
        'output_dir=out',
        `reference=${cov.fasta}`,
        'bams=a.bam b.bam',
        // chr1 (50 kb) in two chunks cut inside reads and mates; chrEmpty, chr2, chr3 whole; then '*'.
        'chunk_size=30000',
        'tools=alignment basic isize wgs gcbias hybcap',
        `targets=${path.join(repoRoot, 'test', 'fixtures', 'hybcap', 'cov.targets.bed')}`,
        `baits=${path.join(repoRoot, 'test', 'fixtures', 'hybcap', 'cov.baits.interval_list')}`,
        `multiqc=${multiqc}`,
        `node=${process.execPath}`,
      ],
      { cwd: dir, encoding: 'utf8', timeout: 300_000 },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'out', 'partials', 'a'))).toHaveLength(6);
    const one = runCollect('collect-multi', [
      '-i',
      path.join(dir, 'a.bam'),
      '-r',
      cov.fasta,
      '-o',
      path.join(dir, 'one', 'a'),
      '--tools',
      'alignment,basic,isize,wgs,gcbias,hybcap',
      '--hybcap::targets',
      path.join(repoRoot, 'test', 'fixtures', 'hybcap', 'cov.targets.bed'),
      '--hybcap::baits',
      path.join(repoRoot, 'test', 'fixtures', 'hybcap', 'cov.baits.interval_list'),
      '--format',
      'picard',
      '-q',
    ]);
    expect(one.status, one.stderr).toBe(0);
    const expected = bodies(path.join(dir, 'one'), 'a');
    expect(Object.keys(expected)).toHaveLength(9);
    expect(bodies(path.join(dir, 'out', 'metrics', 'a'), 'a')).toEqual(expected);
    expect(bodies(path.join(dir, 'out', 'metrics', 'b'), 'b')).toEqual(expected);
    if (multiqc) {
      // multiqc_sources.txt: Module, Section, Sample Name, Source.
      const sources = fs
        .readFileSync(path.join(dir, 'out', 'multiqc', 'multiqc_data', 'multiqc_sources.txt'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'));
      const samples = (section: string): string[] =>
        sources
          .filter((row) => row[1] === section)
          .map((row) => row[2]!)
          .sort();
      expect(samples('WgsMetrics')).toEqual(['a', 'b']);
      expect(samples('HsMetrics')).toEqual(['a', 'b']);
      expect(samples('InsertSizeMetrics')).toEqual(['a', 'b']);
      expect(samples('AlignmentSummaryMetrics')).toEqual(['a', 'b']);
    }
  }, 320_000);
});
