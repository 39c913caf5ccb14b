/**
 * collect-wgs against Picard 2.27.5 CollectWgsMetrics (goldens: tools/goldens/make-coverage-goldens.sh), and the
 * collector contract for a per-locus collector: region shards merging into exactly the whole-genome metrics, the same
 * numbers inside collect-multi, a clear error for unsorted input and nothing left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hetSnpSensitivity, JavaRandom } from '@shoal/qc';
import { covData, metricsBody, readGolden, repoRoot, runCollect, runTool, tempDir } from './helpers.js';

const edgeSam = path.join(repoRoot, 'test', 'fixtures', 'wgs', 'edge.sam');
const edgeFasta = path.join(repoRoot, 'test', 'fixtures', 'wgs', 'edge.fa');

function picardBody(dir: string, prefix = 'out'): string {
  return metricsBody(fs.readFileSync(path.join(dir, `${prefix}.wgs_metrics`), 'utf8'));
}

describe('collect-wgs', () => {
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    cov = await covData();
  });

  const cases: [string, string[]][] = [
    ['wgs.default.wgs_metrics', []],
    ['wgs.coverage_cap_5.wgs_metrics', ['--coverage-cap', '5']],
    ['wgs.unpaired_mmq0_mbq10.wgs_metrics', ['--count-unpaired', '--min-mapq', '0', '--min-bq', '10']],
    // Picard INTERVALS= took the interval_list; the same targets as BED give the same file.
    ['wgs.intervals.wgs_metrics', ['--intervals', path.join(repoRoot, 'test', 'fixtures', 'hybcap', 'cov.targets.bed')]],
  ];
  for (const [golden, args] of cases) {
    it(`equals Picard field by field, HET_SNP_SENSITIVITY included: ${golden}`, () => {
      const dir = tempDir();
      const result = runCollect('collect-wgs', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '-o',
        path.join(dir, 'out'),
        '--format',
        'picard',
        '-q',
        ...args,
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(picardBody(dir)).toBe(readGolden(`qc/${golden}`));
    });
  }

  it('equals Picard on the edge SAM: adapters, supplementary alignments over their primary, IUPAC reference bases, qualities 0-2', () => {
    const dir = tempDir();
    const result = runCollect('collect-wgs', ['-i', edgeSam, '-r', edgeFasta, '-o', path.join(dir, 'out'), '--format', 'picard', '-q']);
    expect(result.status, result.stderr).toBe(0);
    expect(picardBody(dir)).toBe(readGolden('qc/wgs.edge.wgs_metrics'));
  });

  it('equals Picard on the edge SAM restricted to --intervals, alone and inside collect-multi', () => {
    const dir = tempDir();
    const intervals = path.join(repoRoot, 'test', 'fixtures', 'wgs', 'edge.interval_list');
    const args = ['-i', edgeSam, '-r', edgeFasta, '--format', 'picard', '-q'];
    const alone = runCollect('collect-wgs', [...args, '-o', path.join(dir, 'out'), '--intervals', intervals]);
    expect(alone.status, alone.stderr).toBe(0);
    expect(picardBody(dir)).toBe(readGolden('qc/wgs.edge_intervals.wgs_metrics'));
    const multi = runCollect('collect-multi', [...args, '-o', path.join(dir, 'multi'), '--tools', 'wgs', '--wgs::intervals', intervals]);
    expect(multi.status, multi.stderr).toBe(0);
    expect(picardBody(dir, 'multi')).toBe(readGolden('qc/wgs.edge_intervals.wgs_metrics'));
  });

  it('writes riker layout: wgs-metrics.txt and wgs-coverage.txt, sample first', () => {
    const dir = tempDir();
    expect(runCollect('collect-wgs', ['-i', cov.bam, '-r', cov.fasta, '-o', path.join(dir, 'out'), '-q']).status).toBe(0);
    const metrics = fs.readFileSync(path.join(dir, 'out.wgs-metrics.txt'), 'utf8').split('\n');
    expect(metrics[0]).toBe(
      'sample\tgenome_territory\tmean_coverage\tsd_coverage\tmedian_coverage\tmad_coverage\tfrac_excluded_mapq\tfrac_excluded_dupe\tfrac_excluded_unpaired\tfrac_excluded_baseq\tfrac_excluded_overlap\tfrac_excluded_capped\tfrac_excluded_total\tfrac_bases_at_1x\tfrac_bases_at_5x\tfrac_bases_at_10x\tfrac_bases_at_15x\tfrac_bases_at_20x\tfrac_bases_at_25x\tfrac_bases_at_30x\tfrac_bases_at_40x\tfrac_bases_at_50x\tfrac_bases_at_60x\tfrac_bases_at_100x\tfold_80_base_penalty\tfold_90_base_penalty\tfold_95_base_penalty',
    );
    const golden = readGolden('qc/wgs.default.wgs_metrics').split('\n');
    const territory = golden[2]!.split('\t')[0]!;
    expect(metrics[1]!.split('\t').slice(0, 2)).toEqual(['qc-sample', territory]);
    const coverage = fs.readFileSync(path.join(dir, 'out.wgs-coverage.txt'), 'utf8').trim().split('\n');
    expect(coverage[0]).toBe('sample\tdepth\tbases\tfrac_bases\tbases_at_or_above\tfrac_bases_at_or_above');
    expect(coverage[1]).toMatch(new RegExp(`^qc-sample\\t0\\t\\d+\\t0\\.\\d{5}\\t${territory}\\t1\\.00000$`));
    expect(coverage).toHaveLength(252);
  });

  it('merges region shards (by contig, and one contig cut in two) into exactly the one-pass metrics', () => {
    const dir = tempDir();
    const whole = runCollect('collect-wgs', ['-i', cov.bam, '-r', cov.fasta, '-o', path.join(dir, 'whole'), '--format', 'picard', '-q']);
    expect(whole.status, whole.stderr).toBe(0);
    // chr1 in two halves cut inside reads and mates; chrEmpty has no reads; '*' holds the unplaced pairs.
    const regions = ['chr1:1-25000', 'chr1:25001-50000', 'chrEmpty', 'chr2', 'chr3', '*'];
    const partials = regions.map((region, i) => {
      const partial = path.join(dir, `part${i}.json`);
      const result = runCollect('collect-wgs', ['-i', cov.bam, '-r', cov.fasta, '--region', region, '--partial', partial, '-q']);
      expect(result.status, `${region}: ${result.stderr}`).toBe(0);
      return partial;
    });
    const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', '-q', ...partials.reverse()]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(picardBody(dir, 'merged')).toBe(picardBody(dir, 'whole'));
    expect(picardBody(dir, 'whole')).toBe(readGolden('qc/wgs.default.wgs_metrics'));
  });

  it('gives the same metrics inside collect-multi (--tools wgs,isize, any --threads) as standalone', () => {
    const dir = tempDir();
    for (const threads of ['1', '2']) {
      const result = runCollect('collect-multi', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '-o',
        path.join(dir, `multi${threads}`),
        '--tools',
        'wgs,isize',
        '--wgs::coverage-cap',
        '5',
        '--format',
        'picard',
        '--threads',
        threads,
        '-q',
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(picardBody(dir, `multi${threads}`)).toBe(readGolden('qc/wgs.coverage_cap_5.wgs_metrics'));
    }
  });

  it('refuses an unsorted input with one line naming the file and record, and leaves no output', () => {
    const dir = tempDir();
    const lines = fs.readFileSync(edgeSam, 'utf8').split('\n');
    const header = lines.filter((line) => line.startsWith('@'));
    const records = lines.filter((line) => line !== '' && !line.startsWith('@'));
    // Swap two placed records far apart: the later one now comes first.
    [records[5], records[400]] = [records[400]!, records[5]!];
    const unsorted = path.join(dir, 'unsorted.sam');
    fs.writeFileSync(unsorted, `${[...header, ...records].join('\n')}\n`);
    const result = runCollect('collect-wgs', ['-i', unsorted, '-r', edgeFasta, '-o', path.join(dir, 'out')]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^collect-wgs: error: .*unsorted\.sam \(record \d+\): the input is not coordinate-sorted: .* \(samtools sort\)/,
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['unsorted.sam']);
  });

  it('checks the order only of the records its filters pass, as htsjdk does: a duplicate or secondary record out of place changes nothing', () => {
    const dir = tempDir();
    const lines = fs.readFileSync(edgeSam, 'utf8').split('\n');
    const header = lines.filter((line) => line.startsWith('@'));
    const records = lines.filter((line) => line !== '' && !line.startsWith('@'));
    // The last duplicate or secondary record on chrB moves to the front, ahead of every chrA record.
    const moved = records.findLastIndex((line) => (Number(line.split('\t')[1]) & 0x500) !== 0);
    expect(records[moved]!.split('\t')[2]).toBe('chrB');
    const reordered = [records[moved]!, ...records.filter((_, i) => i !== moved)];
    const input = path.join(dir, 'reordered.sam');
    fs.writeFileSync(input, `${[...header, ...reordered].join('\n')}\n`);
    const result = runCollect('collect-wgs', ['-i', input, '-r', edgeFasta, '-o', path.join(dir, 'out'), '--format', 'picard', '-q']);
    expect(result.status, result.stderr).toBe(0);
    expect(picardBody(dir)).toBe(readGolden('qc/wgs.edge.wgs_metrics'));
  });

  it('needs a reference: a usage error before reading', () => {
    const dir = tempDir();
    const result = runCollect('collect-wgs', ['-i', cov.bam, '-o', path.join(dir, 'out')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/wgs needs a reference: give -r\/--reference FASTA/);
  });

  it("drops a read whole when the first locus htsjdk's iterator holds already holds 100,000 reads (LOCUS_ACCUMULATION_CAP)", () => {
    // 100,003 reads on chrA:101-110, then 3 at 105 (the iterator still holds locus 104 with 100,000 reads: dropped) and
    // 2 at 112 (past every held locus: counted). --coverage-cap 100000 keeps the depth itself uncapped.
    const dir = tempDir();
    const fasta = path.join(dir, 'ref.fa');
    fs.writeFileSync(fasta, `>chrA\n${'ACGT'.repeat(250)}\n`);
    fs.writeFileSync(`${fasta}.fai`, 'chrA\t1000\t6\t1000\t1001\n');
    const read = (name: string, pos: number): string => `${name}\t0\tchrA\t${pos}\t60\t10M\t*\t0\t0\tACGTACGTAC\tIIIIIIIIII`;
    const lines = ['@HD\tVN:1.6\tSO:coordinate', '@SQ\tSN:chrA\tLN:1000'];
    for (let i = 0; i < 100_003; i++) lines.push(read(`a${i}`, 101));
    for (let i = 0; i < 3; i++) lines.push(read(`b${i}`, 105));
    for (let i = 0; i < 2; i++) lines.push(read(`c${i}`, 112));
    const sam = path.join(dir, 'deep.sam');
    fs.writeFileSync(sam, `${lines.join('\n')}\n`);
    const args = [
      '-i',
      sam,
      '-r',
      fasta,
      '-o',
      path.join(dir, 'out'),
      '--format',
      'picard',
      '-q',
      '--count-unpaired',
      '--coverage-cap',
      '100000',
    ];
    const result = runCollect('collect-wgs', args);
    expect(result.status, result.stderr).toBe(0);
    const [names, values] = picardBody(dir)
      .split('\n')
      .slice(1, 3)
      .map((line) => line.split('\t'));
    const field = (name: string): string => values![names!.indexOf(name)]!;
    expect(field('GENOME_TERRITORY')).toBe('1000');
    // 100,000 reads x 10 loci + 2 reads x 10 loci over 1,000 loci.
    expect(Number(field('MEAN_COVERAGE'))).toBeCloseTo(1000.02, 9);
    expect(Number(field('PCT_EXC_CAPPED'))).toBe(0);
  });

  it('counts every non-N locus of a BAM without records as depth 0', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.bam');
    const header = runTool('bam2ndjson', ['--header-only', cov.bam]).stdout;
    expect(runTool('ndjson2bam', ['-o', empty], { input: header }).status).toBe(0);
    const result = runCollect('collect-wgs', ['-i', empty, '-r', cov.fasta, '-o', path.join(dir, 'e'), '--format', 'picard', '-q']);
    expect(result.status, result.stderr).toBe(0);
    const row = picardBody(dir, 'e').split('\n')[2]!.split('\t');
    const territory = readGolden('qc/wgs.default.wgs_metrics').split('\n')[2]!.split('\t')[0];
    expect(row[0]).toBe(territory);
    // MEAN 0, SD 0, MEDIAN 0, MAD 0, every exclusion 0; FOLD_80 is 0/0 ('?'); no bases: sensitivity 0, Q 0 (as Picard).
    expect(row.slice(1, 5)).toEqual(['0', '0', '0', '0']);
    expect(row.slice(-5)).toEqual(['?', '?', '?', '0', '0']);
  });
});

describe('HET_SNP_SENSITIVITY', () => {
  it('draws java.util.Random(51) numbers bit for bit', () => {
    // java.util.Random(51).nextDouble() three times, printed by Java 17 (Double.toString: the shortest exact form).
    const random = new JavaRandom(51);
    expect([random.nextDouble(), random.nextDouble(), random.nextDouble()]).toEqual([
      0.7296240607935824, 0.7837023678833833, 0.19187875415120714,
    ]);
  });

  it("skips rejected tries without changing the draws: equal to Picard's wheel drawn one nextDouble() at a time", () => {
    // Binned qualities (most of the 127 bins without weight): the case where the wheel skips seeds in jumps.
    const quality = new Float64Array(127);
    [quality[2], quality[12], quality[23], quality[37]] = [0.05, 0.05, 0.1, 0.8];
    const depth = Float64Array.from({ length: 40 }, (_, d) => Math.exp(-((d - 15) ** 2) / 50));
    const total = depth.reduce((sum, value) => sum + value, 0);
    depth.forEach((value, d) => (depth[d] = value / total));
    // Picard's RouletteWheel and hetSNPSensitivity, literally (TheoreticalSensitivity.java).
    const random = new JavaRandom(51);
    const max = Math.max(...quality);
    const probabilities = Array.from(quality, (w) => w / max);
    let count = 0;
    const draw = (): number => {
      for (;;) {
        const index = Math.trunc(probabilities.length * random.nextDouble());
        count++;
        if (random.nextDouble() < probabilities[index]!) {
          count = 0;
          return index;
        }
        if (count >= 600) {
          count = 0;
          return 0;
        }
      }
    };
    const samples = 300;
    const sums = Array.from({ length: depth.length }, () => [] as number[]);
    for (let s = 0; s < samples; s++) {
      let cumulative = 0;
      for (let m = 0; m < depth.length; m++) {
        sums[m]!.push(cumulative);
        cumulative += draw();
      }
    }
    let expected = 0;
    for (let n = 0; n < depth.length; n++) {
      const threshold = 10 * (n * Math.log10(2) + 3);
      for (let m = 0; m <= n; m++) {
        let binomial = Math.pow(0.5, n);
        for (let k = 1; k <= m; k++) binomial *= (n - k + 1) / k;
        expected += depth[n]! * binomial * (sums[m]!.filter((sum) => sum >= threshold).length / samples);
      }
    }
    expect(hetSnpSensitivity(depth, quality, samples)).toBeCloseTo(expected, 12);
  });

  it('is 0 without base qualities and NaN for an empty depth distribution, as Picard', () => {
    const depth = Float64Array.from([1, 0, 0]);
    expect(hetSnpSensitivity(depth, new Float64Array(127).fill(Number.NaN), 10)).toBe(0);
    expect(hetSnpSensitivity(new Float64Array(3).fill(Number.NaN), new Float64Array(127).fill(Number.NaN), 10)).toBeNaN();
  });
});
