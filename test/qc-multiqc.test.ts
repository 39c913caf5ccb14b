/**
 * MultiQC reads shoal's `--format picard` files as Picard's: its Picard modules find a file's sample in the INPUT=
 * token of the command-line header line, which shoal writes as Picard does. Live where MultiQC 1.14 (Debian `multiqc`)
 * is installed; skipped with the reason otherwise. MultiQC 1.14 has no module for CollectSamErrorMetrics (its
 * modules/picard reads none of its classes): error's files are in the run, and must not disturb the rest.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '@shoal/qc';
import { covData, hasTool, repoRoot, runCollect, tempDir } from './helpers.js';

const multiqc = hasTool('multiqc');

describe(`MultiQC on --format picard files${multiqc ? '' : ' (skipped: multiqc is not installed; Debian: apt-get install multiqc)'}`, () => {
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    cov = await covData();
  });

  it.skipIf(!multiqc)(
    'lists every collector of collect-multi and of a collect-merge, under the input file name',
    () => {
      const dir = tempDir();
      const tools = Object.keys(COLLECTORS);
      const fixtures = path.join(repoRoot, 'test', 'fixtures', 'hybcap');
      const intervals = [
        '--hybcap::targets',
        path.join(fixtures, 'cov.targets.interval_list'),
        '--hybcap::baits',
        path.join(fixtures, 'cov.baits.interval_list'),
      ];
      const multi = runCollect('collect-multi', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '-o',
        path.join(dir, 'one'),
        '--tools',
        ...tools,
        ...intervals,
        '--format',
        'picard',
        '-q',
      ]);
      expect(multi.status, multi.stderr).toBe(0);
      // A second sample, through partial states: the merged files name the input the shards read.
      const copy = path.join(dir, 'other.bam');
      fs.copyFileSync(cov.bam, copy);
      fs.copyFileSync(`${cov.bam}.bai`, `${copy}.bai`);
      const partials = ['chr1', 'chrEmpty', 'chr2', 'chr3', '*'].map((region, i) => {
        const partial = path.join(dir, `part${i}.json`);
        const result = runCollect('collect-multi', [
          '-i',
          copy,
          '-r',
          cov.fasta,
          '--region',
          region,
          '--partial',
          partial,
          '--tools',
          ...tools,
          ...intervals,
          '-q',
        ]);
        expect(result.status, result.stderr).toBe(0);
        return partial;
      });
      expect(runCollect('collect-merge', ['-o', path.join(dir, 'two'), '--format', 'picard', '-q', ...partials]).status).toBe(0);
      for (const partial of partials) fs.rmSync(partial);

      const report = path.join(dir, 'report');
      const run = spawnSync('multiqc', [dir, '-o', report, '--data-format', 'json', '-q', '--no-ansi'], {
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const sources = JSON.parse(fs.readFileSync(path.join(report, 'multiqc_data', 'multiqc_sources.json'), 'utf8')) as {
        Picard: Record<string, Record<string, string>>;
      };
      const found = (section: string): string[] => Object.keys(sources.Picard[section] ?? {}).sort();
      expect(found('AlignmentSummaryMetrics')).toEqual(['cov', 'other']);
      expect(found('InsertSizeMetrics')).toEqual(['cov', 'other']);
      expect(found('WgsMetrics')).toEqual(['cov', 'other']);
      expect(found('GcBiasDetailMetrics')).toEqual(['cov', 'other']);
      expect(found('GcBiasSummaryMetrics')).toEqual(['cov', 'other']);
      expect(found('HsMetrics')).toEqual(['cov', 'other']);
      expect(found('BaseDistributionByCycle')).toEqual(['cov_R1', 'cov_R2', 'other_R1', 'other_R2']);
      // MeanQualityByCycle and QualityScoreDistribution are histogram-only files, listed by file name.
      expect(found('Histogram')).toEqual([
        'one.quality_by_cycle_metrics',
        'one.quality_distribution_metrics',
        'two.quality_by_cycle_metrics',
        'two.quality_distribution_metrics',
      ]);
    },
    300_000,
  ); // MultiQC alone takes 10-60 s here, more on a loaded machine
});
