/**
 * collect-alignment against Picard 2.27.5 CollectAlignmentSummaryMetrics (goldens:
 * tools/goldens/make-qc-goldens.sh), a hand-made SAM whose Picard output is pasted below, and the
 * collector contract: identical files for every thread count, partial states merging to the
 * one-pass result (also through --region and collect-merge with the reference), riker's layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '@shoal/qc';
import { metricsBody, qcData, readGolden, tempDir, expectMergeEqualsOnePass, runCollect } from './helpers.js';

/**
 * Space-separated fields → TSV (the pasted SAM and Picard text below; trailing spaces are empty
 * fields); a `## METRICS CLASS x` or `## HISTOGRAM x` line gets its one tab before x.
 */
function tsv(lines: string[]): string {
  return lines.map((line) => (line.startsWith('## ') ? line.replace(/ (\S+)$/, '\t$1') : line.replace(/ /g, '\t'))).join('\n');
}

/**
 * Every rule at least once: a proper FR pair with mismatches, low-quality bases and a soft clip;
 * an insertion and a deletion; an RF pair (chimeric by orientation); a cross-contig pair; a pair
 * whose mate MQ is < 20 (left out of the chimera denominator, and a non-HQ read that adds 0 to the
 * median mismatches); a read whose mate is unmapped with an SA tag (improper, chimeric); an
 * unmapped adapter mate; secondary and supplementary records (ignored); a hard clip; a reverse
 * MAPQ-0 soft-clipped adapter read; an XN:i:1 noise read; a QC-fail read; a read running off the
 * contig's end; an unplaced read; a soft-masked and an N reference stretch. UNPAIRED's one bad
 * cycle (30) exists only through Picard's block-offset cycle quirk: fr's mismatch at block offset 0
 * is read cycle 26 but is counted at cycle 30, with the N bases of noise, qcf, end and um.
 */
const CASE_SAM = tsv([
  '@HD VN:1.6 SO:coordinate',
  '@SQ SN:chr1 LN:300',
  '@SQ SN:chr2 LN:120',
  '@RG ID:rg1 SM:case LB:lib1',
  'pp1 99 chr1 11 60 30M = 101 120 ATTACCTAACATACACGTCATCACGAAACT ###IIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'ins 99 chr1 31 60 10M2I18M = 151 150 GCACGAAACTGGTGTTGGCCCAGTGTGAAT IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'rf 81 chr1 51 60 30M = 201 180 GTGTGAATCGNTTAAGGGTTAAGTAAGTGT IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'pp1 147 chr1 101 60 5S25M = 11 -120 ACGTACTGTGTCCACGCCATCGGACTGGCA IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'xc 97 chr1 121 60 30M chr2 11 0 TGGCATTTTTATTACACTCAGAAACAGAAC IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'lowmq 99 chr1 141 10 30M = 221 110 GCCCCAGAACTCGGGTAATTTTGACAGGTC IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'ins 147 chr1 151 60 12M1D18M = 31 -150 ACGGGTAATTTTACAGGTCACGCAGAGGCG IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'mu 73 chr1 161 30 30M = 161 0 TTGACAGGTCACGCAGAGGCGCGCCCTCCT IIIIIIIIIIIIIIIIIIIIIIIIIIIIII SA:Z:chr2,50,+,10S20M,40,0;',
  'mu 133 chr1 161 0 * = 161 0 AGATCGGAAGAGNACACGTCTGAACTCCAG IIIIIIIIIIIIIIIIIIIIIIIIIIIIII',
  'sec 256 chr1 170 5 30M * 0 0 * *',
  'hc 0 chr1 181 60 3H27M * 0 0 NCGCCCTCCTGAAGTGCGTGGACACTC IIIIIIIIIIIIIIIIIIIIIIIIIII',
  'fr 16 chr1 191 0 4S26M * 0 0 CTGGAGTTCAGACGTGTGCTCTTCCGATCT IIIIIIIIIIIIIIIIIIIIIIIIIIIIII',
  'rf 161 chr1 201 60 30M = 51 -180 GACACTCGCTATGAATCTCTGATTTACCCA IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'lowmq 147 chr1 221 60 30M = 141 -110 GATTTACCCACTCTGCCAAACTCCAGCGCG IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:10',
  'xc 145 chr2 11 60 30M chr1 121 0 CATTCCCTTGTCGGAGAGTTATGGAACAAG IIIIIIIIIIIIIIIIIIIIIIIIIIIIII MQ:i:60',
  'noise 0 chr2 31 60 30M * 0 0 NTGGAACAAGGACGCTGTCTGAGACTAGAN IIIIIIIIIIIIIIIIIIIIIIIIIIIIII XN:i:1',
  'qcf 512 chr2 41 60 30M * 0 0 NACGCTGTCTGAGACTAGAAGACAGATAGN IIIIIIIIIIIIIIIIIIIIIIIIIIIIII',
  'mu 2113 chr2 50 40 10H20M chr1 161 0 TGAGACTAGAAGACAGATAG IIIIIIIIIIIIIIIIIIII SA:Z:chr1,161,+,30M,30,0;',
  'end 16 chr2 101 60 30M * 0 0 NGCCGCCTGACAAGTCAATGACGTACGTAC IIIIIIIIIIIIIIIIIIIIIIIIIIIIII',
  'um 4 * 0 0 * * 0 0 NCTAAAGACAATTACATAACATACACGTCN IIIIIIIIIIIIIIIIIIIIIIIIIIIIII',
]);

const CASE_FASTA = [
  '>chr1',
  'GCTAAAGACAATTACATAACATACACGTCAGCACGAAACTtgttggcccaGTGTGAATCG',
  'NTTAAGGGTTAAGTAAGTGTGATGCATACGCCTTTACTTGCTGTGTCCACCCCATCGGAC',
  'TGGCATTTTTATTACACTCAGAAACAGAACTCGGGTAATTTTGACAGGTCACGCAGAGGC',
  'GCGCCCTCCTGAAGTGCGTGGACACTCGCTATGAATCTCTGATTTACCCACTCTGCCAAA',
  'CTCCAGCGCGGTCAGTTCCATCACCCTAAGTAACCGAATAATGCGTTCGCTCTATTGACT',
  '>chr2',
  'ACGACGCGCTCATTCCCTTGTCGGAGAGTTATGGAACAAGGACGCTGTCTGAGACTAGAA',
  'GACAGATAGTGCACACGACCGGCGTCGGAGAAACTCTATTTGCCGCCTGACAAGTCAATG',
  '',
].join('\n');

const HEADER =
  'CATEGORY TOTAL_READS PF_READS PCT_PF_READS PF_NOISE_READS PF_READS_ALIGNED PCT_PF_READS_ALIGNED PF_ALIGNED_BASES PF_HQ_ALIGNED_READS PF_HQ_ALIGNED_BASES PF_HQ_ALIGNED_Q20_BASES PF_HQ_MEDIAN_MISMATCHES PF_MISMATCH_RATE PF_HQ_ERROR_RATE PF_INDEL_RATE MEAN_READ_LENGTH SD_READ_LENGTH MEDIAN_READ_LENGTH MAD_READ_LENGTH MIN_READ_LENGTH MAX_READ_LENGTH MEAN_ALIGNED_READ_LENGTH READS_ALIGNED_IN_PAIRS PCT_READS_ALIGNED_IN_PAIRS PF_READS_IMPROPER_PAIRS PCT_PF_READS_IMPROPER_PAIRS BAD_CYCLES STRAND_BALANCE PCT_CHIMERAS PCT_ADAPTER PCT_SOFTCLIP PCT_HARDCLIP AVG_POS_3PRIME_SOFTCLIP_LENGTH SAMPLE LIBRARY READ_GROUP';
const HISTOGRAM = [
  '## HISTOGRAM java.lang.Integer',
  'READ_LENGTH PAIRED_TOTAL_LENGTH_COUNT PAIRED_ALIGNED_LENGTH_COUNT UNPAIRED_TOTAL_LENGTH_COUNT UNPAIRED_ALIGNED_LENGTH_COUNT',
  '0 0 1 0 1',
  '25 0 1 0 0',
  '26 0 0 0 1',
  '27 0 0 1 1',
  '30 12 10 4 2',
  '',
  '',
];

/**
 * `PicardCommandLine CollectAlignmentSummaryMetrics I=case.sam O=case.txt R=case.fa
 * VALIDATION_STRINGENCY=LENIENT` (Picard 2.27.5; LENIENT for the read running off chr2), from
 * "## METRICS CLASS" on.
 */
const PICARD_CASE = tsv([
  '## METRICS CLASS picard.analysis.AlignmentSummaryMetrics',
  HEADER,
  'FIRST_OF_PAIR 6 6 1 0 6 1 178 5 148 145 0 0.02809 0.013514 0.005618 30 0 30 0 30 30 30 5 0.833333 3 0.5 0 0.833333 0.6 0 0 0 0   ',
  'SECOND_OF_PAIR 6 6 1 0 5 0.833333 145 5 145 145 0 0.013793 0.013793 0.006897 30 0 30 0 30 30 24.166667 5 1 2 0.4 0 0.2 0.5 0.166667 0.027778 0 5   ',
  'PAIR 12 12 1 0 11 0.916667 323 10 293 290 0 0.021672 0.013652 0.006192 30 0 30 0 30 30 27.083333 10 0.909091 5 0.454545 0 0.545455 0.555556 0.083333 0.013889 0 5   ',
  'UNPAIRED 6 5 0.833333 1 4 0.8 103 3 77 77 1 0.242718 0.051948 0 29.4 1.341641 30 0 27 30 22.6 0 0 0 0 1 0.5 0 0.2 0.027211 0.020408 4   ',
  '',
  ...HISTOGRAM,
]);

/** The same without R=: no mismatches, and the bases past chr2's end are counted (UNPAIRED 113 aligned bases). */
const PICARD_CASE_NO_REFERENCE = tsv([
  '## METRICS CLASS picard.analysis.AlignmentSummaryMetrics',
  HEADER,
  'FIRST_OF_PAIR 6 6 1 0 6 1 178 5 148 145 0 0 0 0.005618 30 0 30 0 30 30 30 5 0.833333 3 0.5 0 0.833333 0.6 0 0 0 0   ',
  'SECOND_OF_PAIR 6 6 1 0 5 0.833333 145 5 145 145 0 0 0 0.006897 30 0 30 0 30 30 24.166667 5 1 2 0.4 0 0.2 0.5 0.166667 0.027778 0 5   ',
  'PAIR 12 12 1 0 11 0.916667 323 10 293 290 0 0 0 0.006192 30 0 30 0 30 30 27.083333 10 0.909091 5 0.454545 0 0.545455 0.555556 0.083333 0.013889 0 5   ',
  'UNPAIRED 6 5 0.833333 1 4 0.8 113 3 87 87 0 0 0 0 29.4 1.341641 30 0 27 30 22.6 0 0 0 0 0 0.5 0 0.2 0.027211 0.020408 4   ',
  '',
  ...HISTOGRAM,
]);

describe('collect-alignment', () => {
  let qc: Awaited<ReturnType<typeof qcData>>;
  let caseDir: string;
  beforeAll(async () => {
    qc = await qcData();
    caseDir = tempDir();
    fs.writeFileSync(path.join(caseDir, 'case.sam'), `${CASE_SAM}\n`);
    fs.writeFileSync(path.join(caseDir, 'case.fa'), CASE_FASTA);
  });

  const cases: [golden: string, args: string[], withReference: boolean][] = [
    ['alignment.alignment_summary_metrics', [], true],
    ['alignment.max_insert_size_300.alignment_summary_metrics', ['--max-insert-size', '300'], true],
    ['alignment.no_reference.alignment_summary_metrics', [], false],
  ];
  for (const [golden, args, withReference] of cases) {
    for (const threads of ['1', '3']) {
      it(`equals Picard byte for byte: ${golden}, --threads ${threads}`, () => {
        const dir = tempDir();
        const reference = withReference ? ['-r', qc.fasta] : [];
        const result = runCollect('collect-alignment', [
          '-i',
          qc.bam,
          ...reference,
          '-o',
          path.join(dir, 'out'),
          '--format',
          'picard',
          '--threads',
          threads,
          ...args,
        ]);
        expect(result.status, result.stderr).toBe(0);
        expect(metricsBody(fs.readFileSync(path.join(dir, 'out.alignment_summary_metrics'), 'utf8'))).toBe(readGolden(`qc/${golden}`));
      });
    }
  }

  it("equals Picard's output for the hand-made SAM, with and without the reference", () => {
    const dir = tempDir();
    const sam = path.join(caseDir, 'case.sam');
    let result = runCollect('collect-alignment', [
      '-i',
      sam,
      '-r',
      path.join(caseDir, 'case.fa'),
      '-o',
      path.join(dir, 'ref'),
      '--format',
      'picard',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(metricsBody(fs.readFileSync(path.join(dir, 'ref.alignment_summary_metrics'), 'utf8'))).toBe(PICARD_CASE);
    result = runCollect('collect-alignment', ['-i', sam, '-o', path.join(dir, 'none'), '--format', 'picard']);
    expect(result.status, result.stderr).toBe(0);
    expect(metricsBody(fs.readFileSync(path.join(dir, 'none.alignment_summary_metrics'), 'utf8'))).toBe(PICARD_CASE_NO_REFERENCE);
  });

  it("writes riker's layout: columns in riker's order, read1/read2/pair, fixed decimals, Picard's values", () => {
    const dir = tempDir();
    expect(runCollect('collect-alignment', ['-i', qc.bam, '-r', qc.fasta, '-o', path.join(dir, 'out')]).status).toBe(0);
    const lines = fs.readFileSync(path.join(dir, 'out.alignment-metrics.txt'), 'utf8').split('\n');
    expect(lines[0]).toBe(
      'sample\tcategory\ttotal_reads\taligned_reads\tfrac_aligned\thq_aligned_reads\thq_aligned_bases\thq_aligned_q20_bases\thq_median_mismatches\tmismatch_rate\thq_mismatch_rate\tindel_rate\tmean_read_length\tsd_read_length\tmedian_read_length\tmad_read_length\tmin_read_length\tmax_read_length\tmean_aligned_read_length\taligned_reads_in_pairs\tfrac_aligned_in_pairs\treads_improperly_paired\tfrac_reads_improperly_paired\tbad_cycles\tstrand_balance\tfrac_chimeras\tfrac_softclipped_reads\tfrac_hardclipped_reads\tmean_3prime_softclipped_bases',
    );
    expect(lines[1]).toBe(
      'qc-sample\tread1\t5030\t4854\t0.98558\t4580\t453497\t438597\t1.00\t0.011843\t0.011802\t0.000576\t100.00\t0.00\t100.00\t0.00\t100\t100\t97.64\t4820\t0.99300\t291\t0.05995\t0\t0.51009\t0.05771\t0.00923\t0.00000\t11.59',
    );
    expect(lines.slice(2, 4).map((l) => l.split('\t')[1])).toEqual(['read2', 'pair']);
    expect(lines).toHaveLength(5);
  });

  it("applies riker's rules only when asked: aligned length over aligned reads, improper pairs with a mapped mate", () => {
    const dir = tempDir();
    const args = [
      '-i',
      path.join(caseDir, 'case.sam'),
      '-r',
      path.join(caseDir, 'case.fa'),
      '-o',
      path.join(dir, 'riker'),
      '--format',
      'picard',
    ];
    expect(
      runCollect('collect-alignment', [...args, '--aligned-length-over-aligned-reads', '--improper-pairs-need-mapped-mate']).status,
    ).toBe(0);
    const rows = metricsBody(fs.readFileSync(path.join(dir, 'riker.alignment_summary_metrics'), 'utf8'))
      .split('\n')
      .slice(2, 6)
      .map((l) => l.split('\t'));
    const column = (name: string): string[] => rows.map((row) => row[HEADER.split(' ').indexOf(name)]!);
    // SECOND_OF_PAIR: 145 aligned-length bases over 5 aligned reads (Picard: over 6 PF reads, 24.166667).
    expect(column('MEAN_ALIGNED_READ_LENGTH')).toEqual(['30', '29', '29.545455', '28.25']);
    // FIRST_OF_PAIR: mu's first read has an unmapped mate, so it drops out (Picard: 3).
    expect(column('PF_READS_IMPROPER_PAIRS')).toEqual(['2', '2', '4', '0']);
  });

  it('merges partial states from split inputs into exactly the one-pass result', async () => {
    // Partials travel without the reference, as --partial files do between processes and machines.
    const picard = await expectMergeEqualsOnePass(
      qc.bam,
      (header) => COLLECTORS.alignment!.create({ header, options: {}, reference: qc.fasta }),
      (header) => COLLECTORS.alignment!.create({ header, options: {} }),
    );
    expect(metricsBody(picard[0]!)).toBe(readGolden('qc/alignment.alignment_summary_metrics'));
  });

  it('gives the golden through --region partials and collect-merge, and through collect-multi', () => {
    const dir = tempDir();
    const partials: string[] = [];
    for (const region of ['chr1', 'chr2', 'chr3', '*']) {
      const partial = path.join(dir, `part.${region === '*' ? 'unplaced' : region}.json`);
      const result = runCollect('collect-alignment', ['-i', qc.bam, '-r', qc.fasta, '--region', region, '--partial', partial]);
      expect(result.status, result.stderr).toBe(0);
      partials.push(partial);
    }
    const merged = runCollect('collect-merge', ['-o', path.join(dir, 'merged'), '--format', 'picard', ...partials]);
    expect(merged.status, merged.stderr).toBe(0);
    const golden = readGolden('qc/alignment.alignment_summary_metrics');
    expect(metricsBody(fs.readFileSync(path.join(dir, 'merged.alignment_summary_metrics'), 'utf8'))).toBe(golden);
    const multi = runCollect('collect-multi', [
      '-i',
      qc.bam,
      '-r',
      qc.fasta,
      '-o',
      path.join(dir, 'multi'),
      '--format',
      'picard',
      '--tools',
      'alignment',
      '--threads',
      '3',
      '--alignment::max-insert-size',
      '300',
    ]);
    expect(multi.status, multi.stderr).toBe(0);
    expect(metricsBody(fs.readFileSync(path.join(dir, 'multi.alignment_summary_metrics'), 'utf8'))).toBe(
      readGolden('qc/alignment.max_insert_size_300.alignment_summary_metrics'),
    );
  });

  it('writes one zero UNPAIRED row for a SAM without records', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.sam');
    fs.writeFileSync(
      empty,
      `${CASE_SAM.split('\n')
        .filter((l) => l.startsWith('@'))
        .join('\n')}\n`,
    );
    expect(
      runCollect('collect-alignment', ['-i', empty, '-r', path.join(caseDir, 'case.fa'), '-o', path.join(dir, 'e'), '--format', 'picard'])
        .status,
    ).toBe(0);
    // Picard 2.27.5 on the same header: the zero row, no histogram.
    expect(metricsBody(fs.readFileSync(path.join(dir, 'e.alignment_summary_metrics'), 'utf8'))).toBe(
      tsv(['## METRICS CLASS picard.analysis.AlignmentSummaryMetrics', HEADER, `UNPAIRED${' 0'.repeat(32)}   `, '', '', '']),
    );
  });

  it('fails with one line and no files when the reference does not match the input', () => {
    const dir = tempDir();
    const chr1Only = path.join(dir, 'chr1.fa');
    fs.writeFileSync(chr1Only, CASE_FASTA.split('>chr2')[0]!);
    for (const threads of ['1', '2']) {
      const result = runCollect('collect-alignment', ['-i', qc.bam, '-r', chr1Only, '-o', path.join(dir, 'out'), '--threads', threads]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^collect-alignment: error: .*chr1\.fa: /);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('out') || f.startsWith('.out'))).toEqual([]);
    }
  });
});

describe('collect-alignment with a reference that does not match the BAM', () => {
  it('stops with one line naming the missing contig, leaving no outputs', async () => {
    const qc = await qcData();
    const dir = tempDir();
    const fasta = path.join(dir, 'other.fa');
    fs.writeFileSync(fasta, '>chrX\nACGTACGTACGT\n');
    const result = runCollect('collect-alignment', ['-i', qc.bam, '-r', fasta, '-o', path.join(dir, 'out')]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `collect-alignment: error: ${fasta}: the reference has no sequence 'chr1', which the input's header names: give the FASTA the reads were aligned to`,
    );
    expect(fs.readdirSync(dir).filter((f) => f.includes('out'))).toEqual([]);
  });
});

describe('collect-alignment on reads whose span is far longer than their bases', () => {
  it('compares the blocks after a 200 kbp N and a 1.5 Mbp D with the reference where they lie', () => {
    const dir = tempDir();
    // A 2.2 Mbp contig of pseudo-random bases; reads copy it with known substitutions.
    let state = 99;
    const contig = Array.from(
      { length: 2_200_000 },
      () => 'ACGT'[((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) & 3],
    ).join('');
    fs.writeFileSync(path.join(dir, 'long.fa'), `>c\n${contig.match(/.{1,80}/g)!.join('\n')}\n`);
    const mutate = (bases: string, at: number[]): string =>
      Array.from({ length: bases.length }, (_, i) => (at.includes(i) ? { A: 'C', C: 'G', G: 'T', T: 'A' }[bases[i]!]! : bases[i]!)).join(
        '',
      );
    const read = (name: string, pos: number, blocks: [number, number][], cigar: string, changes: number[]): string => {
      const seq = mutate(blocks.map(([from, length]) => contig.slice(from, from + length)).join(''), changes);
      return [name, 0, 'c', pos + 1, 60, cigar, '*', 0, 0, seq, 'I'.repeat(seq.length)].join('\t');
    };
    const sam = [
      '@HD\tVN:1.6\tSO:coordinate',
      `@SQ\tSN:c\tLN:${contig.length}`,
      read(
        'spliced',
        0,
        [
          [0, 50],
          [200_050, 50],
        ],
        '50M200000N50M',
        [60, 99],
      ),
      read(
        'deleted',
        100,
        [
          [100, 50],
          [1_500_150, 50],
        ],
        '50M1500000D50M',
        [55, 70, 80],
      ),
      read('after', 150, [[150, 100]], '100M', [10]),
      read('last', 2_100_000, [[2_100_000, 100]], '100M', []),
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'long.sam'), `${sam}\n`);
    const result = runCollect('collect-alignment', [
      '-i',
      path.join(dir, 'long.sam'),
      '-r',
      path.join(dir, 'long.fa'),
      '-o',
      path.join(dir, 'm'),
      '--format',
      'picard',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const lines = fs.readFileSync(path.join(dir, 'm.alignment_summary_metrics'), 'utf8').split('\n');
    const header = lines.find((line) => line.startsWith('CATEGORY'))!.split('\t');
    const row = lines.find((line) => line.startsWith('UNPAIRED'))!.split('\t');
    const field = (name: string): string => row[header.indexOf(name)]!;
    expect(field('PF_ALIGNED_BASES')).toBe('400');
    // Six substitutions in 400 aligned bases, each found in the block it lies in.
    expect(field('PF_MISMATCH_RATE')).toBe('0.015');
  });
});
