/**
 * collect-error against Picard 2.27.5 CollectSamErrorMetrics (goldens: tools/goldens/make-error-goldens.sh, on
 * test/fixtures/error/edge.{sam,fa,vcf} from tools/goldens/make-error-edge-sam.py 3): every stratifier with each
 * calculator, Picard's default composite directives, with and without known sites; then the riker layout, collect-multi,
 * region shards merging into the whole, and bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBody, readGolden, repoRoot, runCollect, tempDir } from './helpers.js';

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
function expectRunEqualsPicard(run: string, input: string, sites: string, directives: string[]): void {
  const dir = tempDir();
  const result = runCollect('collect-error', [
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
  ]);
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
