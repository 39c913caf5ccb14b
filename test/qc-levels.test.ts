/**
 * --accumulation-level (Picard METRIC_ACCUMULATION_LEVEL) against Picard 2.27.5 (goldens: tools/goldens/make-qc-goldens.sh)
 * on the qc BAM, three read groups in two libraries, as it is (no PU: Picard's READ_GROUP level holds an empty unit and
 * an 'unknown' one) and with a PU on each read group; the per-read-group states merge from partial states.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBody, qcData, readGolden, runCollect, runTool, tempDir } from './helpers.js';

const LEVELS = ['--accumulation-level', 'ALL_READS,SAMPLE,LIBRARY,READ_GROUP'];
const TOOLS = [
  { tool: 'alignment', picard: '.alignment_summary_metrics', riker: '.alignment-metrics.txt', golden: 'alignment.levels' },
  { tool: 'isize', picard: '.insert_size_metrics', riker: '.isize-histogram.txt', golden: 'isize.levels' },
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
  for (const { tool, picard, riker, golden } of TOOLS) {
    it(`collect-${tool}: equal to Picard, read groups without PU included; riker's layout pools all reads`, async () => {
      const qc = await qcData();
      const dir = tempDir();
      const args = ['-i', qc.bam, '-r', qc.fasta];
      const result = runCollect(`collect-${tool}`, [...args, '-o', path.join(dir, 'out'), '--format', 'picard', ...LEVELS]);
      expect(result.status, result.stderr).toBe(0);
      expect(metricsBody(fs.readFileSync(path.join(dir, `out${picard}`), 'utf8'))).toBe(readGolden(`qc/${golden}${picard}`));
      for (const extra of [LEVELS, []])
        expect(runCollect(`collect-${tool}`, [...args, '-o', path.join(dir, `r${extra.length}`), ...extra]).status).toBe(0);
      expect(fs.readFileSync(path.join(dir, `r2${riker}`), 'utf8')).toBe(fs.readFileSync(path.join(dir, `r0${riker}`), 'utf8'));
    });

    it(`collect-${tool}: keys the READ_GROUP level on PU; the partial states of two halves of the reads merge into the same file`, async () => {
      const qc = await qcData();
      const dir = tempDir();
      const { header, records } = withPlatformUnits(qc.bam);
      const expected = readGolden(`qc/${golden}_pu${picard}`);
      const input = [header, ...records].join('\n');
      const result = runCollect(
        `collect-${tool}`,
        ['-i', '-', '-r', qc.fasta, '-o', path.join(dir, 'pu'), '--format', 'picard', ...LEVELS],
        input,
      );
      expect(result.status, result.stderr).toBe(0);
      expect(metricsBody(fs.readFileSync(path.join(dir, `pu${picard}`), 'utf8'))).toBe(expected);
      for (const part of [0, 1]) {
        const half = [header, ...records.filter((_, i) => i % 2 === part)].join('\n');
        const shard = runCollect(
          `collect-${tool}`,
          ['-i', '-', '-r', qc.fasta, '--partial', path.join(dir, `h${part}.json`), ...LEVELS],
          half,
        );
        expect(shard.status, shard.stderr).toBe(0);
      }
      const parts = [0, 1].map((part) => path.join(dir, `h${part}.json`));
      const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', ...parts]);
      expect(merged.status, merged.stderr).toBe(0);
      expect(metricsBody(fs.readFileSync(path.join(dir, `merged${picard}`), 'utf8'))).toBe(expected);
    });
  }
});
