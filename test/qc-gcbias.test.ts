/**
 * collect-gcbias against Picard 2.27.5 CollectGcBiasMetrics (goldens: tools/goldens/make-coverage-goldens.sh), and the
 * collector contract: the same files for every --threads, region shards (a contig cut in two) merging into the one-pass
 * files, Picard's empty files when no read is aligned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { covData, metricsBody, readGolden, repoRoot, runCollect, runTool, tempDir } from './helpers.js';

const edgeSam = path.join(repoRoot, 'test', 'fixtures', 'gcbias', 'edge.sam');
const edgeFasta = path.join(repoRoot, 'test', 'fixtures', 'gcbias', 'edge.fa');
const KINDS = ['detail', 'summary'] as const;

function bodyOf(dir: string, prefix: string, kind: (typeof KINDS)[number]): string {
  return metricsBody(fs.readFileSync(path.join(dir, `${prefix}.gc_bias.${kind}_metrics`), 'utf8'));
}

describe('collect-gcbias', () => {
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    cov = await covData();
  });

  it('equals Picard field by field on the coverage data, for --threads 1, 2 and 8', () => {
    for (const threads of ['1', '2', '8']) {
      const dir = tempDir();
      const result = runCollect('collect-gcbias', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '-o',
        path.join(dir, 'out'),
        '--format',
        'picard',
        '-q',
        '--threads',
        threads,
      ]);
      expect(result.status, result.stderr).toBe(0);
      for (const kind of KINDS)
        expect(bodyOf(dir, 'out', kind), `${kind}, --threads ${threads}`).toBe(readGolden(`qc/gcbias.default.gc_bias.${kind}_metrics`));
    }
  });

  it('equals Picard on the edge SAM: duplicates, secondary and supplementary records, reads at contig ends, N runs, IUPAC bases', () => {
    const dir = tempDir();
    const result = runCollect('collect-gcbias', ['-i', edgeSam, '-r', edgeFasta, '-o', path.join(dir, 'out'), '--format', 'picard', '-q']);
    expect(result.status, result.stderr).toBe(0);
    for (const kind of KINDS) expect(bodyOf(dir, 'out', kind), kind).toBe(readGolden(`qc/gcbias.edge.gc_bias.${kind}_metrics`));
  });

  it('merges region shards (a contig cut in two, whole contigs, the unplaced reads) into the one-pass files', () => {
    const dir = tempDir();
    const partials = ['chr1:1-20000', 'chr1:20001-50000', 'chrEmpty', 'chr2', 'chr3', '*'].map((region, i) => {
      const partial = path.join(dir, `part${i}.json`);
      const result = runCollect('collect-gcbias', ['-i', cov.bam, '-r', cov.fasta, '--region', region, '--partial', partial, '-q']);
      expect(result.status, `${region}: ${result.stderr}`).toBe(0);
      return partial;
    });
    const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', '-q', ...partials]);
    expect(merged.status, merged.stderr).toBe(0);
    for (const kind of KINDS) expect(bodyOf(dir, 'merged', kind), kind).toBe(readGolden(`qc/gcbias.default.gc_bias.${kind}_metrics`));
  });

  it('writes riker layout: gcbias-detail.txt (101 rows) and gcbias-summary.txt', () => {
    const dir = tempDir();
    expect(runCollect('collect-gcbias', ['-i', cov.bam, '-r', cov.fasta, '-o', path.join(dir, 'out'), '-q']).status).toBe(0);
    const detail = fs.readFileSync(path.join(dir, 'out.gcbias-detail.txt'), 'utf8').trim().split('\n');
    expect(detail[0]).toBe('sample\tgc\twindows\tread_starts\tmean_base_quality\tnormalized_coverage\terror_bar_width');
    expect(detail).toHaveLength(102);
    const summary = fs.readFileSync(path.join(dir, 'out.gcbias-summary.txt'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe(
      'sample\twindow_size\ttotal_clusters\taligned_reads\tat_dropout\tgc_dropout\tgc_0_19_normcov\tgc_20_39_normcov\tgc_40_59_normcov\tgc_60_79_normcov\tgc_80_100_normcov',
    );
    const golden = readGolden('qc/gcbias.default.gc_bias.summary_metrics').split('\n')[2]!.split('\t');
    expect(summary[1]!.split('\t').slice(0, 4)).toEqual(['qc-sample', '100', golden[3], golden[4]]);
  });

  it('writes no METRICS CLASS section, as Picard, when no read is aligned', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.bam');
    expect(runTool('ndjson2bam', ['-o', empty], { input: runTool('bam2ndjson', ['--header-only', cov.bam]).stdout }).status).toBe(0);
    const result = runCollect('collect-gcbias', ['-i', empty, '-r', cov.fasta, '-o', path.join(dir, 'e'), '--format', 'picard', '-q']);
    expect(result.status, result.stderr).toBe(0);
    for (const kind of KINDS) {
      const text = fs.readFileSync(path.join(dir, `e.gc_bias.${kind}_metrics`), 'utf8');
      expect(text).not.toMatch(/METRICS CLASS/);
      expect(text.endsWith('\n\n\n')).toBe(true);
    }
  });
});
