/**
 * collect-error against Picard 2.27.5 CollectSamErrorMetrics (goldens: tools/goldens/make-error-goldens.sh, on
 * test/fixtures/error/edge.{sam,fa,vcf} from tools/goldens/make-error-edge-sam.py 3): every stratifier with each
 * calculator, Picard's default composite directives, with and without known sites; then the riker layout, collect-multi,
 * region shards merging into the whole, and bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBody, readGolden, repoRoot, runCollect, runTool, tempDir } from './helpers.js';
// Every run here is about the metric files: --no-plots (plots and the report: qc-report.test.ts, qc-multi.test.ts).

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'error');
const sam = path.join(fixtures, 'edge.sam');
const fasta = path.join(fixtures, 'edge.fa');
const vcf = path.join(fixtures, 'edge.vcf');
const goldenDir = path.join(repoRoot, 'test', 'golden', 'qc', 'error');

/** The golden script's stratifier list (PAIR_PROPERNESS and INDEL_LENGTH run on their own inputs, as Picard fails). */
const STRATA = [
  'GC_CONTENT',
  'READ_ORDINALITY',
  'READ_BASE',
  'READ_DIRECTION',
  'PAIR_ORIENTATION',
  'REFERENCE_BASE',
  'PRE_DINUC',
  'POST_DINUC',
  'HOMOPOLYMER_LENGTH',
  'HOMOPOLYMER',
  'BINNED_HOMOPOLYMER',
  'FLOWCELL_TILE',
  'FLOWCELL_Y',
  'FLOWCELL_X',
  'READ_GROUP',
  'CYCLE',
  'BINNED_CYCLE',
  'SOFT_CLIPS',
  'INSERT_LENGTH',
  'BASE_QUALITY',
  'MAPPING_QUALITY',
  'MISMATCHES_IN_READ',
  'ONE_BASE_PADDED_CONTEXT',
  'TWO_BASE_PADDED_CONTEXT',
  'CONSENSUS',
  'NS_IN_READ',
  'INSERTIONS_IN_READ',
  'DELETIONS_IN_READ',
  'INDELS_IN_READ',
];
const KINDS = ['ERROR', 'OVERLAPPING_ERROR', 'INDEL_ERROR'];
const ALL_DIRECTIVES = [
  ...KINDS.flatMap((kind) => [kind, ...STRATA.map((s) => `${kind}:${s}`)]),
  'ERROR:READ_ORDINALITY:CYCLE',
  'ERROR:READ_ORDINALITY:HOMOPOLYMER',
  'ERROR:READ_ORDINALITY:GC_CONTENT',
  'ERROR:READ_ORDINALITY:PRE_DINUC',
  'OVERLAPPING_ERROR:READ_ORDINALITY:CYCLE',
  'OVERLAPPING_ERROR:READ_ORDINALITY:HOMOPOLYMER',
  'OVERLAPPING_ERROR:READ_ORDINALITY:GC_CONTENT',
];

/** The SAM without the records an awk filter of the golden script drops. */
function filteredSam(dir: string, name: string, keep: (fields: string[]) => boolean): string {
  const lines = fs.readFileSync(sam, 'utf8').split('\n');
  const kept = lines.filter((line) => line === '' || line.startsWith('@') || keep(line.split('\t')));
  const file = path.join(dir, `${name}.sam`);
  fs.writeFileSync(file, kept.join('\n'));
  return file;
}

function noSitesVcf(dir: string): string {
  const file = path.join(dir, 'none.vcf');
  fs.writeFileSync(
    file,
    fs
      .readFileSync(vcf, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .join('\n') + '\n',
  );
  return file;
}

/** Runs collect-error --format picard and compares every file of a golden run (`vcf.*`) with ours. */
function expectRunEqualsPicard(run: string, input: string, sites: string, directives: string[], env?: Record<string, string>): void {
  const dir = tempDir();
  const result = runCollect(
    'collect-error',
    [
      '--no-plots',
      '-i',
      input,
      '-r',
      fasta,
      '--vcf',
      sites,
      '-o',
      path.join(dir, run),
      '--format',
      'picard',
      '--metrics',
      directives.join(','),
    ],
    undefined,
    env,
  );
  expect(result.status, result.stderr).toBe(0);
  const goldens = fs.readdirSync(goldenDir).filter((name) => name.startsWith(`${run}.`));
  expect(goldens.length).toBe(directives.length);
  expect(
    fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(`${run}.`))
      .sort(),
  ).toEqual(goldens.sort());
  for (const golden of goldens) {
    const ours = metricsBody(fs.readFileSync(path.join(dir, golden), 'utf8'));
    expect(ours, golden).toBe(readGolden(`qc/error/${golden}`));
  }
}

describe('collect-error equals CollectSamErrorMetrics', () => {
  it(`every stratifier with ERROR, OVERLAPPING_ERROR and INDEL_ERROR, and the default composites (${ALL_DIRECTIVES.length} files, known sites skipped)`, () => {
    expectRunEqualsPicard('vcf', sam, vcf, ALL_DIRECTIVES);
  });

  it('the same when every base goes the general way (without the compiled counter of error-compiled.ts)', () => {
    expectRunEqualsPicard('vcf', sam, vcf, ALL_DIRECTIVES, { SHOAL_ERROR_COMPILED: '0' });
  });

  it('the same when OVERLAPPING_ERROR finds mates by name at every locus (its path for deep loci)', () => {
    const overlapping = ALL_DIRECTIVES.filter((directive) => directive.startsWith('OVERLAPPING_ERROR'));
    const dir = tempDir();
    const result = runCollect(
      'collect-error',
      [
        '--no-plots',
        '-i',
        sam,
        '-r',
        fasta,
        '--vcf',
        vcf,
        '-o',
        path.join(dir, 'vcf'),
        '--format',
        'picard',
        '--metrics',
        overlapping.join(','),
      ],
      undefined,
      { SHOAL_ERROR_SCAN_DEPTH: '0' },
    );
    expect(result.status, result.stderr).toBe(0);
    for (const name of fs.readdirSync(dir))
      expect(metricsBody(fs.readFileSync(path.join(dir, name), 'utf8')), name).toBe(readGolden(`qc/error/${name}`));
    expect(fs.readdirSync(dir)).toHaveLength(overlapping.length);
  });

  it('without known sites', () => {
    expectRunEqualsPicard('novcf', sam, noSitesVcf(tempDir()), ['ERROR', 'INDEL_ERROR', 'OVERLAPPING_ERROR', 'ERROR:BASE_QUALITY']);
  });

  it('PAIR_PROPERNESS, on the paired reads (Picard fails on an unpaired one)', () => {
    const input = filteredSam(tempDir(), 'paired', (fields) => Number(fields[1]) % 2 === 1);
    expectRunEqualsPicard('paired', input, vcf, [
      'ERROR:PAIR_PROPERNESS',
      'OVERLAPPING_ERROR:PAIR_PROPERNESS',
      'INDEL_ERROR:PAIR_PROPERNESS',
    ]);
  });

  it('INDEL_LENGTH, on reads without an indel after an insertion (Picard fails on some of those)', () => {
    const input = filteredSam(tempDir(), 'indel_length', (fields) => !/I.*[ID]/.test(fields[5]!));
    expectRunEqualsPicard('indel_length', input, vcf, [
      'ERROR:INDEL_LENGTH',
      'OVERLAPPING_ERROR:INDEL_LENGTH',
      'INDEL_ERROR:INDEL_LENGTH',
      'INDEL_ERROR:READ_GROUP:INDEL_LENGTH:READ_DIRECTION',
    ]);
  });
});

describe('collect-error in the riker layout, collect-multi and shards', () => {
  it("writes riker's three tables: every directive's rows, stratifier and covariate first, Picard's numbers", () => {
    const dir = tempDir();
    const result = runCollect('collect-error', ['--no-plots', '-i', sam, '-r', fasta, '--vcf', vcf, '-o', path.join(dir, 'out')]);
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['out.error-indel.txt', 'out.error-mismatch.txt', 'out.error-overlap.txt']);
    const mismatch = fs.readFileSync(path.join(dir, 'out.error-mismatch.txt'), 'utf8').trimEnd().split('\n');
    expect(mismatch[0]).toBe('sample\tstratifier\tcovariate\ttotal_bases\terror_bases\tfrac_error\tq_score');
    // ERROR by ALL and by CYCLE: Picard's rows, in Picard's order.
    const picardRows = (golden: string): string[][] =>
      readGolden(`qc/error/${golden}`)
        .trimEnd()
        .split('\n')
        .slice(2)
        .map((line) => line.split('\t'));
    const all = picardRows('vcf.error_by_all')[0]!;
    expect(mismatch[1]).toBe(`s1\tall\tall\t${all[3]}\t${all[0]}\t${(Number(all[0]) / Number(all[3])).toFixed(6)}\t${all[1]}`);
    const cycles = mismatch.filter((line) => line.startsWith('s1\tcycle\t')).map((line) => line.split('\t'));
    expect(cycles.map((row) => [row[4], row[6], row[2], row[3]])).toEqual(picardRows('vcf.error_by_cycle'));
    const overlap = fs.readFileSync(path.join(dir, 'out.error-overlap.txt'), 'utf8').split('\n');
    const overlapAll = picardRows('vcf.overlapping_error_by_all')[0]!;
    expect(overlap[1]).toBe(
      `s1\tall\tall\t${overlapAll[8]}\t${overlapAll[0]}\t${overlapAll[1]}\t${overlapAll[3]}\t${overlapAll[5]}\t${overlapAll[2]}\t${overlapAll[4]}\t${overlapAll[6]}`,
    );
    const indel = fs.readFileSync(path.join(dir, 'out.error-indel.txt'), 'utf8').split('\n');
    const indelAll = picardRows('vcf.indel_error_by_all')[0]!;
    expect(indel[1]).toBe(
      `s1\tall\tall\t${indelAll[9]}\t${indelAll[0]}\t${indelAll[1]}\t${indelAll[3]}\t${indelAll[4]}\t${indelAll[2]}\t${indelAll[5]}`,
    );
  });

  // collect-multi with every tool, error included, at --threads 1, 2 and 8, --by-region and region shards: qc-multi.test.ts.
  it('gives the standalone files inside collect-multi, with --error::reference in place of -r', () => {
    const dir = tempDir();
    const standalone = runCollect('collect-error', [
      '--no-plots',
      '-i',
      sam,
      '-r',
      fasta,
      '--vcf',
      vcf,
      '-o',
      path.join(dir, 'alone'),
      '--format',
      'picard',
    ]);
    expect(standalone.status, standalone.stderr).toBe(0);
    const multi = runCollect('collect-multi', [
      '--no-plots',
      '-i',
      sam,
      '--error::reference',
      fasta,
      '--error::vcf',
      vcf,
      '--tools',
      'isize,error',
      '-o',
      path.join(dir, 'multi'),
      '--format',
      'picard',
    ]);
    expect(multi.status, multi.stderr).toBe(0);
    const names = fs.readdirSync(dir).filter((n) => n.startsWith('alone.'));
    expect(names).toHaveLength(26);
    for (const name of names) {
      const alone = metricsBody(fs.readFileSync(path.join(dir, name), 'utf8'));
      expect(metricsBody(fs.readFileSync(path.join(dir, name.replace('alone.', 'multi.')), 'utf8')), name).toBe(alone);
    }
  });

  it('merges region shards (chr1 cut inside reads and deletions) into exactly the one-pass files', () => {
    const dir = tempDir();
    const bam = path.join(dir, 'edge.bam');
    const sorted = runTool('bam-sort', [sam, '-o', bam, '--write-index']);
    expect(sorted.status, sorted.stderr).toBe(0);
    // Directives whose counts a cut could change: deletions (counted once), insertions, mates, per-base strata.
    const directives = [
      'ERROR',
      'ERROR:CYCLE',
      'ERROR:READ_ORDINALITY:HOMOPOLYMER',
      'ERROR:ONE_BASE_PADDED_CONTEXT',
      'OVERLAPPING_ERROR:READ_ORDINALITY',
      'INDEL_ERROR',
      'INDEL_ERROR:BASE_QUALITY',
      'INDEL_ERROR:REFERENCE_BASE',
    ];
    const args = ['-i', bam, '-r', fasta, '--vcf', vcf, '--metrics', directives.join(',')];
    const whole = runCollect('collect-error', ['--no-plots', ...args, '-o', path.join(dir, 'whole'), '--format', 'picard']);
    expect(whole.status, whole.stderr).toBe(0);
    // The cuts fall inside deletions (chr1:964-967 and 1116-1121 of 46M4D55M and 67M6D34M reads).
    const regions = ['chr1:1-965', 'chr1:966-1118', 'chr1:1119-2743', 'chr2', 'chr3', '*'];
    const partials = regions.map((region, i) => {
      const partial = path.join(dir, `part${i}.json`);
      const result = runCollect('collect-error', ['--no-plots', ...args, '--region', region, '--partial', partial]);
      expect(result.status, `${region}: ${result.stderr}`).toBe(0);
      return partial;
    });
    const merged = runCollect('collect-merge', ['--no-plots', '-o', path.join(dir, 'merged'), '--format', 'picard', ...partials.reverse()]);
    expect(merged.status, merged.stderr).toBe(0);
    const names = fs.readdirSync(dir).filter((name) => name.startsWith('whole.'));
    expect(names.length).toBe(directives.length);
    for (const name of names) {
      const one = metricsBody(fs.readFileSync(path.join(dir, name), 'utf8'));
      expect(metricsBody(fs.readFileSync(path.join(dir, name.replace('whole.', 'merged.')), 'utf8')), name).toBe(one);
    }
  });
});
