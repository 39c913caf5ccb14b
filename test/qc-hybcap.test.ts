/**
 * collect-hybcap against Picard 2.27.5 CollectHsMetrics (goldens: tools/goldens/make-coverage-goldens.sh): the metrics,
 * histogram, per-target and per-base files; BED and interval_list giving the same numbers; region shards merging into
 * the one-pass files; collect-multi at --threads 1, 2 and 8; one-line errors for bad intervals and unsorted input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { covData, metricsBody, readGolden, repoRoot, runCollect, tempDir } from './helpers.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'hybcap');
const covTargets = path.join(fixtures, 'cov.targets.interval_list');
const covBaits = path.join(fixtures, 'cov.baits.interval_list');
const edge = ['edge.sam', 'edge.fa', 'edge.targets.interval_list', 'edge.baits.interval_list'].map((name) => path.join(fixtures, name));

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

describe('collect-hybcap', () => {
  let cov: Awaited<ReturnType<typeof covData>>;
  beforeAll(async () => {
    cov = await covData();
  });

  it('equals Picard on the coverage data: metrics, histogram, per-target and per-base files', () => {
    const dir = tempDir();
    const result = runCollect('collect-hybcap', [
      '-i',
      cov.bam,
      '-r',
      cov.fasta,
      '--targets',
      covTargets,
      '--baits',
      covBaits,
      '-o',
      path.join(dir, 'out'),
      '--format',
      'picard',
      '--per-target-coverage',
      '--per-base-coverage',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(metricsBody(read(dir, 'out.hs_metrics'))).toBe(readGolden('qc/hybcap.default.hs_metrics'));
    expect(read(dir, 'out.per_target_coverage')).toBe(readGolden('qc/hybcap.default.per_target_coverage'));
    expect(read(dir, 'out.per_base_coverage')).toBe(readGolden('qc/hybcap.default.per_base_coverage'));
  });

  it('reads the same targets and baits from BED files (0-based) as from interval_lists', () => {
    const dir = tempDir();
    const result = runCollect('collect-hybcap', [
      '-i',
      cov.bam,
      '-r',
      cov.fasta,
      '--targets',
      path.join(fixtures, 'cov.targets.bed'),
      '--baits',
      path.join(fixtures, 'cov.baits.bed'),
      '-o',
      path.join(dir, 'out'),
      '--format',
      'picard',
      '--per-target-coverage',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(metricsBody(read(dir, 'out.hs_metrics'))).toBe(readGolden('qc/hybcap.default.hs_metrics'));
    expect(read(dir, 'out.per_target_coverage')).toBe(readGolden('qc/hybcap.default.per_target_coverage'));
  });

  const edgeCases: [string, string[]][] = [
    ['hybcap.edge.hs_metrics', []],
    ['hybcap.edge.noclip_near50.hs_metrics', ['--count-overlaps', '--near-distance', '50']],
    ['hybcap.edge.mmq0_mbq10_cap5.hs_metrics', ['--min-mapq', '0', '--min-bq', '10', '--coverage-cap', '5']],
  ];
  for (const [golden, args] of edgeCases) {
    it(`equals Picard on the edge SAM (overlapping, same-start and cross-contig mates, I/D/N/S/H/=/X, adapters): ${golden}`, () => {
      const dir = tempDir();
      const [sam, fasta, targets, baits] = edge;
      const perTarget = args.length === 0 ? ['--per-target-coverage'] : [];
      const result = runCollect('collect-hybcap', [
        '-i',
        sam!,
        '-r',
        fasta!,
        '--targets',
        targets!,
        '--baits',
        baits!,
        '-o',
        path.join(dir, 'out'),
        '--format',
        'picard',
        ...perTarget,
        ...args,
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(metricsBody(read(dir, 'out.hs_metrics'))).toBe(readGolden(`qc/${golden}`));
      if (perTarget.length > 0) expect(read(dir, 'out.per_target_coverage')).toBe(readGolden('qc/hybcap.edge.per_target_coverage'));
    });
  }

  it('merges region shards (a contig cut inside targets and reads, whole contigs, the unplaced reads) into the one-pass files', () => {
    const dir = tempDir();
    const partials = ['chr1:1-25000', 'chr1:25001-50000', 'chrEmpty', 'chr2', 'chr3', '*'].map((region, i) => {
      const partial = path.join(dir, `part${i}.json`);
      const result = runCollect('collect-hybcap', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '--targets',
        covTargets,
        '--baits',
        covBaits,
        '--per-target-coverage',
        '--region',
        region,
        '--partial',
        partial,
      ]);
      expect(result.status, `${region}: ${result.stderr}`).toBe(0);
      return partial;
    });
    const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', ...partials]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(metricsBody(read(dir, 'merged.hs_metrics'))).toBe(readGolden('qc/hybcap.default.hs_metrics'));
    expect(read(dir, 'merged.per_target_coverage')).toBe(readGolden('qc/hybcap.default.per_target_coverage'));
    // Shards that overlap would count target loci twice: refused, naming the loci.
    const overlapping = path.join(dir, 'overlapping.json');
    const args = [
      '-i',
      cov.bam,
      '-r',
      cov.fasta,
      '--targets',
      covTargets,
      '--baits',
      covBaits,
      '--per-target-coverage',
      '--region',
      'chr1:20001-50000',
      '--partial',
      overlapping,
    ];
    expect(runCollect('collect-hybcap', args).status).toBe(0);
    const twice = runCollect('collect-merge', ['-o', path.join(dir, 'twice'), partials[0]!, overlapping]);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/hybcap counts target loci of chr1:\d+-\d+ that another partial state counts too/);
  });

  it('gives the same file inside collect-multi at --threads 1, 2 and 8', () => {
    for (const threads of ['1', '2', '8']) {
      const dir = tempDir();
      const result = runCollect('collect-multi', [
        '-i',
        cov.bam,
        '-r',
        cov.fasta,
        '--tools',
        'isize,hybcap',
        '--hybcap::targets',
        covTargets,
        '--hybcap::baits',
        covBaits,
        '-o',
        path.join(dir, 'out'),
        '--format',
        'picard',
        '--threads',
        threads,
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(metricsBody(read(dir, 'out.hs_metrics')), `--threads ${threads}`).toBe(readGolden('qc/hybcap.default.hs_metrics'));
    }
  });

  it('writes riker layout: hybcap-metrics.txt with frac_ columns, per-target rows with the sample first', () => {
    const dir = tempDir();
    const args = ['-i', cov.bam, '-r', cov.fasta, '--targets', covTargets, '--baits', covBaits, '-o', path.join(dir, 'out')];
    expect(runCollect('collect-hybcap', [...args, '--per-target-coverage']).status).toBe(0);
    const [header, row] = read(dir, 'out.hybcap-metrics.txt').trim().split('\n');
    const columns = header!.split('\t');
    expect(columns.slice(0, 3)).toEqual(['sample', 'bait_set', 'bait_territory']);
    expect(columns).toContain('frac_exc_overlap');
    expect(columns).not.toContain('read_group');
    const golden = readGolden('qc/hybcap.default.hs_metrics').split('\n');
    const picard = Object.fromEntries(golden[1]!.split('\t').map((name, i) => [name, golden[2]!.split('\t')[i]]));
    const ours = Object.fromEntries(columns.map((name, i) => [name, row!.split('\t')[i]]));
    expect(ours.sample).toBe('qc-sample');
    expect(ours.on_target_bases).toBe(picard.ON_TARGET_BASES);
    expect(Number(ours.frac_target_bases_10x)).toBeCloseTo(Number(picard.PCT_TARGET_BASES_10X), 6);
    const perTarget = read(dir, 'out.hybcap-per-target.txt').trim().split('\n');
    const goldenTargets = readGolden('qc/hybcap.default.per_target_coverage').trim().split('\n');
    expect(perTarget).toEqual(goldenTargets.map((line, i) => `${i === 0 ? 'sample' : 'qc-sample'}\t${line}`));
  });

  describe('bad input: one line naming the file and line or record, exit 1 (runtime) or 2 (usage), no output', () => {
    function expectError(args: string[], status: number, pattern: RegExp): void {
      const dir = tempDir();
      const result = runCollect('collect-hybcap', [...args, '-o', path.join(dir, 'out')]);
      expect(result.status, result.stderr).toBe(status);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    const write = (name: string, text: string): string => {
      const file = path.join(tempDir(), name);
      fs.writeFileSync(file, text);
      return file;
    };

    it('missing targets or baits is a usage error', () => {
      expectError(['-i', cov.bam, '--baits', covBaits], 2, /hybcap needs target and bait intervals: give --targets FILE and --baits FILE/);
    });
    it('--per-target-coverage without -r is a usage error', () => {
      expectError(
        ['-i', cov.bam, '--targets', covTargets, '--baits', covBaits, '--per-target-coverage'],
        2,
        /--per-target-coverage needs the reference/,
      );
    });
    it('a malformed BED line', () => {
      const bed = write('t.bed', 'chr1\t100\t200\tt1\nchr1\t300\n');
      expectError(['-i', cov.bam, '--targets', bed, '--baits', covBaits], 1, /t\.bed \(line 2\): a BED line needs at least 3 columns/);
    });
    it('an interval past its contig end', () => {
      const bed = write('t.bed', 'chr1\t100\t200\tt1\nchr3\t11900\t12001\tt2\n');
      expectError(
        ['-i', cov.bam, '--targets', covTargets, '--baits', bed],
        1,
        /t\.bed \(line 2\): bait chr3:11901-12001 ends past the end of chr3 \(length 12000/,
      );
    });
    it('baits on a contig the BAM lacks', () => {
      const bed = write('b.bed', 'chr1\t100\t200\tb1\nchrX\t1\t50\tb2\n');
      expectError(
        ['-i', cov.bam, '--targets', covTargets, '--baits', bed],
        1,
        /b\.bed \(line 2\): bait on contig 'chrX', which the input's header does not have/,
      );
    });
    it('an unsorted input', () => {
      const lines = fs.readFileSync(edge[0]!, 'utf8').split('\n');
      const header = lines.filter((line) => line.startsWith('@'));
      const records = lines.filter((line) => line !== '' && !line.startsWith('@'));
      const moved = records.findIndex((line) => line.split('\t')[2] === 'chrB' && (Number(line.split('\t')[1]) & 0x704) === 0);
      const sam = write('unsorted.sam', `${[...header, records[moved]!, ...records.filter((_, i) => i !== moved)].join('\n')}\n`);
      expectError(
        ['-i', sam, '--targets', edge[2]!, '--baits', edge[3]!],
        1,
        /unsorted\.sam \(record \d+\): the input is not coordinate-sorted: .* \(samtools sort\)/,
      );
    });
  });
});
