/**
 * --accumulation-level (Picard METRIC_ACCUMULATION_LEVEL) against Picard 2.27.5 (goldens: tools/goldens/make-qc-goldens.sh)
 * on the qc BAM, three read groups in two libraries, as it is (no PU: Picard's READ_GROUP level holds an empty unit and
 * an 'unknown' one) and with a PU on each read group, for every collector Picard offers levels in (CollectWgsMetrics has
 * none); the per-unit states merge from partial states (of halves of the reads, or for hybcap, whose depth is per
 * locus, of one region per contig).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBody, qcData, readGolden, runCollect, runTool, tempDir } from './helpers.js';

const LEVELS = ['--accumulation-level', 'ALL_READS,SAMPLE,LIBRARY,READ_GROUP'];
// SAMPLE_SIZE=1000 as in the goldens: each unit's HET_SNP_SENSITIVITY is sampled, ~0.5 s per unit at Picard's 10000.
const QC_TARGETS = [
  '--targets',
  'test/fixtures/hybcap/qc.targets.interval_list',
  '--baits',
  'test/fixtures/hybcap/qc.baits.interval_list',
  '--sample-size',
  '1000',
];
interface LevelTool {
  tool: string;
  /** Picard's files, and the golden's name before them. */
  picard: string[];
  golden: string;
  /** riker's file compared with and without levels (levels add rows to Picard's layout only). */
  riker: string;
  args?: string[];
  /** How the partial states are cut: alternate reads, or one region per contig (per-locus depth). */
  shards: 'halves' | 'contigs';
}
const TOOLS: LevelTool[] = [
  {
    tool: 'alignment',
    picard: ['.alignment_summary_metrics'],
    riker: '.alignment-metrics.txt',
    golden: 'alignment.levels',
    shards: 'halves',
  },
  { tool: 'isize', picard: ['.insert_size_metrics'], riker: '.isize-histogram.txt', golden: 'isize.levels', shards: 'halves' },
  {
    tool: 'gcbias',
    picard: ['.gc_bias.detail_metrics', '.gc_bias.summary_metrics'],
    riker: '.gcbias-summary.txt',
    golden: 'gcbias.levels',
    shards: 'halves',
  },
  { tool: 'hybcap', picard: ['.hs_metrics'], riker: '.hybcap-metrics.txt', golden: 'hybcap.levels', args: QC_TARGETS, shards: 'contigs' },
];

/** The qc BAM as NDJSON with PU:unit<ID> on each read group (the golden script's samtools reheader). */
function withPlatformUnits(bam: string): { header: string; records: string[] } {
  const ndjson = runTool('bam2ndjson', [bam]);
  expect(ndjson.status, ndjson.stderr).toBe(0);
  const [headerLine, ...records] = ndjson.stdout.split('\n');
  const header = JSON.parse(headerLine!) as { readGroups: Record<string, string>[]; text: string };
  header.readGroups = header.readGroups.map((group) => ({ ...group, PU: `unit${group.ID}` }));
  header.text = header.text.replace(/^(@RG\tID:([^\t\n]*)[^\n]*)$/gm, '$1\tPU:unit$2');
  return { header: JSON.stringify(header), records };
}

describe('--accumulation-level: rows per sample, library and read group, as Picard', () => {
  for (const { tool, picard, riker, golden, args: toolArgs = [], shards } of TOOLS) {
    const expectFiles = (prefix: string, goldenName: string): void => {
      for (const suffix of picard)
        expect(metricsBody(fs.readFileSync(`${prefix}${suffix}`, 'utf8')), suffix).toBe(readGolden(`qc/${goldenName}${suffix}`));
    };
    it(`collect-${tool}: equal to Picard, read groups without PU included; riker's layout pools all reads`, async () => {
      const qc = await qcData();
      const dir = tempDir();
      const args = ['-i', qc.bam, '-r', qc.fasta, ...toolArgs];
      const result = runCollect(`collect-${tool}`, [...args, '-o', path.join(dir, 'out'), '--format', 'picard', ...LEVELS]);
      expect(result.status, result.stderr).toBe(0);
      expectFiles(path.join(dir, 'out'), golden);
      for (const extra of [LEVELS, []])
        expect(runCollect(`collect-${tool}`, [...args, '-o', path.join(dir, `r${extra.length}`), ...extra]).status).toBe(0);
      expect(fs.readFileSync(path.join(dir, `r2${riker}`), 'utf8')).toBe(fs.readFileSync(path.join(dir, `r0${riker}`), 'utf8'));
    });

    it(`collect-${tool}: keys the READ_GROUP level on PU; partial states (${shards === 'halves' ? 'two halves of the reads' : 'one region per contig'}) merge into the same files`, async () => {
      const qc = await qcData();
      const dir = tempDir();
      const { header, records } = withPlatformUnits(qc.bam);
      const input = [header, ...records].join('\n');
      const result = runCollect(
        `collect-${tool}`,
        ['-i', '-', '-r', qc.fasta, ...toolArgs, '-o', path.join(dir, 'pu'), '--format', 'picard', ...LEVELS],
        input,
      );
      expect(result.status, result.stderr).toBe(0);
      expectFiles(path.join(dir, 'pu'), `${golden}_pu`);
      const parts: string[] = [];
      if (shards === 'halves') {
        for (const part of [0, 1]) {
          const half = [header, ...records.filter((_, i) => i % 2 === part)].join('\n');
          parts.push(path.join(dir, `h${part}.json`));
          const shard = runCollect(
            `collect-${tool}`,
            ['-i', '-', '-r', qc.fasta, ...toolArgs, '--partial', parts.at(-1)!, ...LEVELS],
            half,
          );
          expect(shard.status, shard.stderr).toBe(0);
        }
      } else {
        // Regions need the index: the qc BAM as it is (no PU), against the golden without PU.
        for (const contig of ['chr1', 'chr2', 'chr3', '*']) {
          parts.push(path.join(dir, `c${parts.length}.json`));
          const shard = runCollect(`collect-${tool}`, [
            '-i',
            qc.bam,
            '-r',
            qc.fasta,
            ...toolArgs,
            '--region',
            contig,
            '--partial',
            parts.at(-1)!,
            ...LEVELS,
          ]);
          expect(shard.status, shard.stderr).toBe(0);
        }
      }
      const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', ...parts]);
      expect(merged.status, merged.stderr).toBe(0);
      expectFiles(path.join(dir, 'merged'), shards === 'halves' ? `${golden}_pu` : golden);
    });
  }
});
