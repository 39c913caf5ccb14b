/**
 * The `basic` collector against Picard 2.27.5 (CollectBaseDistributionByCycle, MeanQualityByCycle,
 * QualityScoreDistribution; goldens: tools/goldens/make-qc-goldens.sh), for every thread count; the
 * rules the QC data set does not reach (reverse strand, read end 2 numbering, all-Q0 cycles, OQ,
 * no-calls, '*' qualities, secondary reads) on a small SAM whose expected text Picard wrote; partial
 * states merging to the one-pass result; and the riker layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { qcData, readGolden, type SimulatedData } from '@shoal/tools/dist/test-data.js';
// The built package, not ./basic.js: collectMetrics runs the collectors on the engine, whose
// workers load the stage module from dist/.
import { COLLECTORS, collectMetrics, renderOutputs, type Collector } from '@shoal/qc';
import { openAlignments } from '@shoal/hts';
import { Random } from '@shoal/tools/dist/random.js';
import { expectMergeEqualsOnePass, metricsBody, testDirectory } from '../test-support/index.js';

const PICARD_SUFFIXES = ['base_distribution_by_cycle_metrics', 'quality_by_cycle_metrics', 'quality_distribution_metrics'];

const directory = testDirectory('shoal-basic-');

async function runBasic(input: string, format: 'picard' | 'riker', threads: number): Promise<string> {
  const prefix = path.join(fs.mkdtempSync(path.join(directory, 'run-')), 'out');
  await collectMetrics({ input, prefix, tools: ['basic'], format, threads, options: {} });
  return prefix;
}

describe('basic collector', () => {
  let qc: SimulatedData;
  beforeAll(async () => {
    qc = await qcData();
  });

  for (const threads of [1, 3]) {
    it(`equals Picard's three metrics files byte for byte (threads ${threads})`, async () => {
      const prefix = await runBasic(qc.bam, 'picard', threads);
      for (const suffix of PICARD_SUFFIXES) {
        expect(metricsBody(fs.readFileSync(`${prefix}.${suffix}`, 'utf8')), suffix).toBe(readGolden(`qc/basic.${suffix}`));
      }
    });
  }

  it('follows Picard on reverse strands, read ends, all-Q0 cycles, OQ, no-calls and missing qualities', async () => {
    const dir = fs.mkdtempSync(path.join(directory, 'tiny-'));
    const sam = path.join(dir, 'tiny.sam');
    const records = [
      ['p1', 65, 'chr1', 100, 60, '5M', '=', 300, 0, 'ACGTN', 'IIII#', 'RG:Z:rg1', 'OQ:Z:55555'],
      ['p1', 145, 'chr1', 300, 60, '5M', '=', 100, 0, 'AACCG', '+,-./', 'RG:Z:rg1'],
      ['p2', 321, 'chr1', 100, 60, '5M', '=', 300, 0, 'ACGTA', 'IIIII', 'RG:Z:rg1'],
      ['u1', 0, 'chr1', 500, 60, '6M', '*', 0, 0, 'GGGGGG', '!!!!!!', 'RG:Z:rg1'],
      ['p3', 129, 'chr1', 600, 60, '4M', '=', 700, 0, 'TTTT', '*', 'RG:Z:rg1'],
      ['p4', 593, 'chr1', 700, 60, '4M', '=', 600, 0, 'CCCC', 'AAAA', 'RG:Z:rg1'],
      ['u2', 4, '*', 0, 0, '*', '*', 0, 0, 'AC', '55', 'RG:Z:rg1'],
    ];
    fs.writeFileSync(
      sam,
      `@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:1000\n@RG\tID:rg1\tSM:tiny\n${records.map((r) => r.join('\t')).join('\n')}\n`,
    );
    // Picard 2.27.5's files for this SAM (VALIDATION_STRINGENCY=SILENT), from the first section on.
    const expected = {
      base_distribution_by_cycle_metrics: [
        '## METRICS CLASS\tpicard.analysis.BaseDistributionByCycleMetrics',
        'READ_END\tCYCLE\tPCT_A\tPCT_C\tPCT_G\tPCT_T\tPCT_N',
        '1\t1\t50\t25\t25\t0\t0',
        '1\t2\t0\t75\t25\t0\t0',
        '1\t3\t0\t33.333333\t66.666667\t0\t0',
        '1\t4\t0\t33.333333\t33.333333\t33.333333\t0',
        '1\t5\t0\t0\t50\t0\t50',
        '1\t6\t0\t0\t100\t0\t0',
        '2\t7\t0\t0\t50\t50\t0',
        '2\t8\t0\t50\t0\t50\t0',
        '2\t9\t0\t50\t0\t50\t0',
        '2\t10\t50\t0\t0\t50\t0',
        '2\t11\t100\t0\t0\t0\t0',
        '',
        '',
        '',
      ],
      quality_by_cycle_metrics: [
        '## HISTOGRAM\tjava.lang.Integer',
        'CYCLE\tMEAN_QUALITY\tMEAN_ORIGINAL_QUALITY',
        '1\t23\t20',
        '2\t23\t20',
        '3\t24\t20',
        '4\t24\t20',
        '5\t1\t20',
        '6\t14\t0',
        '7\t13\t0',
        '8\t12\t0',
        '9\t11\t0',
        '10\t10\t0',
        '',
        '',
      ],
      quality_distribution_metrics: [
        '## HISTOGRAM\tjava.lang.Byte',
        'QUALITY\tCOUNT_OF_Q\tCOUNT_OF_OQ',
        '0\t6\t0',
        '10\t1\t0',
        '11\t1\t0',
        '12\t1\t0',
        '13\t1\t0',
        '14\t1\t0',
        '20\t2\t4',
        '32\t4\t0',
        '40\t4\t0',
        '',
        '',
      ],
    };
    const prefix = await runBasic(sam, 'picard', 1);
    for (const [suffix, lines] of Object.entries(expected)) {
      const text = fs.readFileSync(`${prefix}.${suffix}`, 'utf8');
      expect(metricsBody(text), suffix).toBe(lines.join('\n'));
      // htsjdk writes a blank line after the (empty) metrics section of a histogram-only file.
      if (suffix !== 'base_distribution_by_cycle_metrics') expect(text).toMatch(/^# Started on: .*\n\n\n## HISTOGRAM/m);
    }
  });

  it('merges partial states from split inputs into exactly the one-pass result', async () => {
    const picard = await expectMergeEqualsOnePass(qc.bam, (header) => COLLECTORS.basic!.create({ header, options: {} }));
    expect(picard).toHaveLength(3);
  });

  it('writes the riker layout: sample first, fractions, cycles within each read end', async () => {
    const prefix = await runBasic(qc.bam, 'riker', 3);
    const read = (suffix: string): string[] => fs.readFileSync(`${prefix}${suffix}`, 'utf8').trimEnd().split('\n');
    const bases = read('.base-distribution-by-cycle.txt');
    expect(bases[0]).toBe('sample\tread_end\tcycle\tfrac_a\tfrac_c\tfrac_g\tfrac_t\tfrac_n');
    // Picard's first row: 1 1 26.202783 24.930417 24.413519 23.936382 0.516899.
    expect(bases[1]).toBe('qc-sample\t1\t1\t0.26203\t0.24930\t0.24414\t0.23936\t0.00517');
    expect(bases.filter((line) => line.startsWith('qc-sample\t2\t1\t'))).toHaveLength(1);
    expect(bases).toHaveLength(1 + 200);
    const means = read('.mean-quality-by-cycle.txt');
    expect(means[0]).toBe('sample\tcycle\tmean_quality');
    expect(means[1]).toBe('qc-sample\t1\t32.28');
    const qualities = read('.quality-score-distribution.txt');
    expect(qualities[0]).toBe('sample\tquality\tcount\tfrac_bases');
    expect(qualities[1]).toMatch(/^qc-sample\t2\t103\t0\.\d{5}$/);
    const fractions = qualities.slice(1).map((line) => Number(line.split('\t')[3]));
    expect(Math.abs(fractions.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
  });
  it('merges partials of different read lengths and OQ tags, taking the longer arrays over, to the one-pass files', async () => {
    // Short reads with OQ in one part, a long read without OQ (and short reads) in the other: merged in both orders,
    // the longer part's typed arrays are taken over and the shorter one's counts added in.
    const dir = fs.mkdtempSync(path.join(directory, 'mixed-'));
    const sam = path.join(dir, 'mixed.sam');
    const random = new Random(11);
    const read = (length: number): string => Array.from({ length }, () => random.pick(['A', 'C', 'G', 'T', 'N'])).join('');
    const quality = (length: number): string => Array.from({ length }, () => String.fromCharCode(35 + random.int(0, 38))).join('');
    const records: string[] = [];
    for (let i = 0; i < 40; i++) {
      const length = random.int(20, 60);
      const flag = [0, 16, 65, 145, 129, 81][i % 6]!;
      const oq = i % 2 === 0 ? `\tOQ:Z:${quality(length)}` : '';
      records.push(`r${i}\t${flag}\tchr1\t${100 + i}\t60\t${length}M\t*\t0\t0\t${read(length)}\t${quality(length)}${oq}`);
    }
    records.push(`long\t16\tchr1\t1000\t60\t5000M\t*\t0\t0\t${read(5000)}\t${quality(5000)}`);
    fs.writeFileSync(sam, `@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:10000\n${records.join('\n')}\n`);
    const reader = await openAlignments(sam);
    const create = (): Collector => COLLECTORS.basic!.create({ header: reader.header, options: {} });
    const [whole, withOq, withLong] = [create(), create(), create()];
    for await (const batch of reader.batches())
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        whole.accept(record);
        (record.findTag('OQ') >= 0 ? withOq : withLong).accept(record);
      }
    reader.close();
    const text = (collector: Collector): string =>
      renderOutputs(collector.finish(), 'p', 'picard', 's', '')
        .map((file) => (typeof file.text === 'string' ? file.text : Array.from(file.text, (p) => Buffer.from(p).toString()).join('')))
        .join('')
        .replace(/^# Started on: .*$/gm, '');
    const expected = text(whole);
    expect(expected).toContain('MEAN_ORIGINAL_QUALITY');
    expect(expected).toMatch(/\n1\t5000\t/); // the long read's last cycle
    const forward = create();
    forward.merge(withOq.toPartial());
    forward.merge(withLong.toPartial()); // more cycles: taken over, the OQ part added in
    expect(text(forward)).toBe(expected);
    // The parts again (the first merge took withLong's arrays over), the long one first.
    const [withOq2, withLong2] = [create(), create()];
    const again = await openAlignments(sam);
    for await (const batch of again.batches())
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        (record.findTag('OQ') >= 0 ? withOq2 : withLong2).accept(record);
      }
    again.close();
    const backward = create();
    backward.merge(withLong2.toPartial());
    backward.merge(withOq2.toPartial());
    expect(text(backward)).toBe(expected);
  });

  it('writes every cycle of read 1 when there is no read 2 (and the reverse), in both layouts', async () => {
    const dir = fs.mkdtempSync(path.join(directory, 'one-end-'));
    for (const [name, flags] of [
      ['read1', [0, 16]],
      ['read2', [129, 145]],
    ] as const) {
      const sam = path.join(dir, `${name}.sam`);
      const records = [`a\t${flags[0]}\tchr1\t1\t60\t3M\t*\t0\t0\tACG\t+++`, `b\t${flags[1]}\tchr1\t5\t60\t5M\t*\t0\t0\tACGTA\t5555I`];
      fs.writeFileSync(sam, `@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:100\n${records.join('\n')}\n`);
      const prefix = path.join(dir, name);
      await collectMetrics({ input: sam, prefix, tools: ['basic'], format: 'riker', threads: 1, options: {} });
      const means = fs.readFileSync(`${prefix}.mean-quality-by-cycle.txt`, 'utf8').trimEnd().split('\n').slice(1);
      // b is reverse: its last base (I, 40) is cycle 1. Cycles 1-3: (10 + 40) / 2, 20, 20; 4 and 5: 20.
      expect(
        means.map((line) => line.split('\t').slice(1).join(' ')),
        name,
      ).toEqual(['1 25.00', '2 15.00', '3 15.00', '4 20.00', '5 20.00']);
      const bases = fs.readFileSync(`${prefix}.base-distribution-by-cycle.txt`, 'utf8').trimEnd().split('\n');
      expect(bases, name).toHaveLength(1 + 5);
    }
  });

  it("writes a long read's 300,000 cycles in both layouts (a row per cycle, as Picard)", async () => {
    const dir = fs.mkdtempSync(path.join(directory, 'long-'));
    const sam = path.join(dir, 'long.sam');
    const length = 300_000;
    const bases = 'ACGT'.repeat(length / 4);
    const qualities = Array.from({ length }, (_, i) => String.fromCharCode(33 + 2 + (i % 40))).join('');
    fs.writeFileSync(
      sam,
      `@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:400000\n@RG\tID:rg1\tSM:long\nlong\t0\tchr1\t1\t60\t${length}M\t*\t0\t0\t${bases}\t${qualities}\tRG:Z:rg1\n`,
    );
    for (const format of ['picard', 'riker'] as const) {
      const prefix = path.join(dir, format);
      await collectMetrics({ input: sam, prefix, tools: ['basic'], format, threads: 2, options: {} });
      const suffix = format === 'picard' ? '.base_distribution_by_cycle_metrics' : '.base-distribution-by-cycle.txt';
      const lines = fs
        .readFileSync(prefix + suffix, 'utf8')
        .trimEnd()
        .split('\n');
      const rows = lines.slice(lines.findIndex((line) => /^(READ_END|sample)\t/.test(line)) + 1);
      expect(rows, format).toHaveLength(length);
      // Cycle 299,999 holds the read's G (index 299,998), every cycle one base at 100%.
      expect(rows[length - 2], format).toBe(
        format === 'picard' ? '1\t299999\t0\t0\t100\t0\t0' : 'long\t1\t299999\t0.00000\t0.00000\t1.00000\t0.00000\t0.00000',
      );
    }
  });
});
