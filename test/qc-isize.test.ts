/**
 * collect-isize against Picard 2.27.5 (goldens: tools/goldens/make-qc-goldens.sh), and the
 * collector contract: identical files for every thread count and input format, partial states
 * merging to the one-pass result, bad input leaving nothing behind.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '@shoal/qc';
import { covData, metricsBody, qcData, readGolden, runTool, tempDir, expectMergeEqualsOnePass, runCollect } from './helpers.js';

function readAll(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort())
    files[name] = fs
      .readFileSync(path.join(dir, name), 'utf8')
      .replace(/^# Started on: .*$/m, '')
      .replace(/^# (CollectInsertSizeMetrics.*)$/m, '')
      .replace(/^# shoal: .*$/m, '');
  return files;
}

describe('collect-isize', () => {
  let qc: Awaited<ReturnType<typeof qcData>>;
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    qc = await qcData();
    cov = await covData();
  });

  const cases: [string, string[]][] = [
    ['isize.default.insert_size_metrics', []],
    ['isize.minimum_pct_0.insert_size_metrics', ['--min-frac', '0']],
    ['isize.duplicates_deviations_2.insert_size_metrics', ['--min-frac', '0', '--include-duplicates', '--deviations', '2']],
  ];
  for (const [golden, args] of cases) {
    it(`equals Picard field by field: ${golden}`, () => {
      const dir = tempDir();
      const result = runCollect('collect-isize', ['-i', qc.bam, '-o', path.join(dir, 'out'), '--format', 'picard', '-q', ...args]);
      expect(result.status, result.stderr).toBe(0);
      expect(metricsBody(fs.readFileSync(path.join(dir, 'out.insert_size_metrics'), 'utf8'))).toBe(readGolden(`qc/${golden}`));
    });
  }

  it('writes a row of zeros but no histogram column for an orientation without pairs at --min-frac 0, as Picard', () => {
    const dir = tempDir();
    // The coverage data without tandem pairs (reads on the same strand as their mate dropped), as the golden's script.
    const [header, ...records] = runTool('bam2ndjson', [cov.bam]).stdout.split('\n').filter(Boolean);
    const kept = records.filter((line) => {
      const flag = (JSON.parse(line) as { flag: number }).flag;
      return ((flag >> 4) & 1) !== ((flag >> 5) & 1);
    });
    const bam = path.join(dir, 'notandem.bam');
    expect(runTool('ndjson2bam', ['-o', bam], { input: `${[header, ...kept].join('\n')}\n` }).status).toBe(0);
    const result = runCollect('collect-isize', ['-i', bam, '-o', path.join(dir, 'out'), '--format', 'picard', '-q', '--min-frac', '0']);
    expect(result.status, result.stderr).toBe(0);
    expect(metricsBody(fs.readFileSync(path.join(dir, 'out.insert_size_metrics'), 'utf8'))).toBe(
      readGolden('qc/isize.no_tandem_minimum_pct_0.insert_size_metrics'),
    );
  });

  it('writes riker layout: isize-metrics.txt and isize-histogram.txt, sample first, 2 decimals', () => {
    const dir = tempDir();
    expect(runCollect('collect-isize', ['-i', qc.bam, '-o', path.join(dir, 'out'), '-q']).status).toBe(0);
    const metrics = fs.readFileSync(path.join(dir, 'out.isize-metrics.txt'), 'utf8').split('\n');
    expect(metrics[0]).toBe(
      'sample\tpair_orientation\tread_pairs\tmean_insert_size\tstandard_deviation\tmedian_insert_size\tmedian_absolute_deviation\tmode_insert_size\tmin_insert_size\tmax_insert_size',
    );
    expect(metrics[1]).toMatch(/^qc-sample\tFR\t4470\t297\.63\t50\.01\t298\.00\t33\.00\t287\t100\t505$/);
    const histogram = fs.readFileSync(path.join(dir, 'out.isize-histogram.txt'), 'utf8').split('\n');
    expect(histogram[0]).toBe('sample\tinsert_size\tfr_count');
  });

  it('gives identical files for --threads 1, 2 and 8, and for SAM and NDJSON input', () => {
    const outputs = ['1', '2', '8'].map((threads) => {
      const dir = tempDir();
      expect(
        runCollect('collect-isize', [
          '-i',
          qc.bam,
          '-o',
          path.join(dir, 'x'),
          '-q',
          '--threads',
          threads,
          '--format',
          'picard',
          '--min-frac',
          '0',
        ]).status,
      ).toBe(0);
      return readAll(dir);
    });
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    for (const format of ['sam', 'ndjson']) {
      const dir = tempDir();
      const text =
        format === 'sam'
          ? spawnSync('samtools', ['view', '-h', qc.bam], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout || convertToSam(qc.bam)
          : runTool('bam2ndjson', [qc.bam]).stdout;
      const result = runCollect(
        'collect-isize',
        ['-i', '-', '-o', path.join(dir, 'x'), '-q', '--format', 'picard', '--min-frac', '0'],
        text,
      );
      expect(result.status, result.stderr).toBe(0);
      expect(readAll(dir), format).toEqual(outputs[0]);
    }
  });

  it('merges partial states from split inputs into exactly the one-pass result', async () => {
    await expectMergeEqualsOnePass(qc.bam, (header) => COLLECTORS.isize!.create({ header, options: { isize: { minimumPct: 0 } } }));
  });

  it('writes valid empty metrics for a BAM without records', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.bam');
    const header = runTool('bam2ndjson', ['--header-only', qc.bam]).stdout;
    expect(runTool('ndjson2bam', ['-o', empty], { input: header }).status).toBe(0);
    const result = runCollect('collect-isize', ['-i', empty, '-o', path.join(dir, 'e'), '-q', '--format', 'picard']);
    expect(result.status, result.stderr).toBe(0);
    expect(
      metricsBody(fs.readFileSync(path.join(dir, 'e.insert_size_metrics'), 'utf8'))
        .split('\n')
        .slice(0, 2),
    ).toEqual([
      '## METRICS CLASS\tpicard.analysis.InsertSizeMetrics',
      'MEDIAN_INSERT_SIZE\tMODE_INSERT_SIZE\tMEDIAN_ABSOLUTE_DEVIATION\tMIN_INSERT_SIZE\tMAX_INSERT_SIZE\tMEAN_INSERT_SIZE\tSTANDARD_DEVIATION\tREAD_PAIRS\tPAIR_ORIENTATION\tWIDTH_OF_10_PERCENT\tWIDTH_OF_20_PERCENT\tWIDTH_OF_30_PERCENT\tWIDTH_OF_40_PERCENT\tWIDTH_OF_50_PERCENT\tWIDTH_OF_60_PERCENT\tWIDTH_OF_70_PERCENT\tWIDTH_OF_80_PERCENT\tWIDTH_OF_90_PERCENT\tWIDTH_OF_95_PERCENT\tWIDTH_OF_99_PERCENT\tSAMPLE\tLIBRARY\tREAD_GROUP',
    ]);
  });

  it('leaves no output files when the BAM is truncated mid-way', () => {
    const dir = tempDir();
    const cut = path.join(dir, 'cut.bam');
    const bytes = fs.readFileSync(qc.bam);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    for (const threads of ['1', '2']) {
      const result = runCollect('collect-isize', ['-i', cut, '-o', path.join(dir, 'out'), '-q', '--threads', threads]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^collect-isize: error: .*cut\.bam \(byte offset \d+\): truncated BGZF block/);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('out') || f.startsWith('.out'))).toEqual([]);
    }
  });

  it('creates a missing output folder, as every tool does', () => {
    const dir = tempDir();
    const result = runCollect('collect-isize', ['-i', qc.bam, '-o', path.join(dir, 'new', 'folder', 'out')]);
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'new', 'folder')).sort()).toEqual([
      'out.isize-histogram.txt',
      'out.isize-metrics.txt',
      'out.isize.insert-size.svg',
    ]);
  });

  it('reports usage errors before reading: a prefix whose folder cannot be made, --threads 0, missing -o, unknown tool', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    const blocked = runCollect('collect-isize', ['-i', qc.bam, '-o', path.join(dir, 'file', 'dir', 'out')]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(
      /^collect-isize: error: \S+\/file\/dir: cannot create the output folder: a component of the path is not a directory\n$/,
    );
    expect(runCollect('collect-isize', ['-i', qc.bam, '-o', 'x', '--threads', '0']).status).toBe(2);
    expect(runCollect('collect-isize', ['-i', qc.bam]).status).toBe(2);
    const unknown = runCollect('collect-multi', ['-i', qc.bam, '-o', path.join(tempDir(), 'x'), '--tools', 'isize', 'frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown tool 'frobnicate'/);
  });
});

/** SAM text without samtools: our own writer (tests must not need samtools). */
function convertToSam(bam: string): string {
  return spawnSync(
    process.execPath,
    [
      '-e',
      `
    import('@shoal/hts').then(async ({ BamReader, samHeaderText, samLine }) => {
      const r = await BamReader.open(${JSON.stringify(bam)});
      let out = samHeaderText(r.header);
      for await (const b of r.batches()) for (let i = 0; i < b.count; i++) out += samLine(b.record(i), r.header) + '\\n';
      process.stdout.write(out);
    });`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  ).stdout;
}
