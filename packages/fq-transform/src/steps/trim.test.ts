/**
 * The trimming steps and TagDuplicates on hand-made reads: the rules of their anchors that the
 * case folders (test/fastq-cases/c, made by seqtk, fastp and cutadapt) may not reach, and what
 * happens to tags on a trimmed read.
 */
import { describe, expect, it } from 'vitest';
import type { FastqBlock, Hit } from '../block.js';
import { applyStep, environment, makeBlock, parseStep, readsOf } from '../test-support/blocks.js';
import { mottRange, trimQualityMott } from './trim/trim-quality-mott.js';
import { fastpCutRange, trimQualityWindow } from './trim/trim-quality-window.js';
import { AdapterAligner, BACK } from './trim/adapter-aligner.js';
import { trimAdapter } from './trim/trim-adapter.js';
import { extractAdapter } from './extract/extract-adapter.js';
import { tagDuplicates } from './tag/tag-duplicates.js';
import { extractIupacSuffix, longestSuffixThatIsAPrefix } from './extract/extract-iupac-suffix.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const phred = (...q: number[]) => String.fromCharCode(...q.map((x) => x + 33));
const seqs = (block: FastqBlock, segment = 0) => readsOf(block).map((m) => m[segment]!.seq);

describe('TrimQualityMott (seqtk trimfq -q)', () => {
  it('keeps the best-scoring stretch, which may cut both ends', () => {
    const qual = phred(2, 2, 2, ...Array<number>(40).fill(35), 2, 2, 2, 2);
    expect(mottRange(bytes(qual), 0.05, 30)).toEqual([3, 43]);
  });
  it('leaves a read no longer than min_length alone', () => {
    expect(mottRange(bytes(phred(...Array<number>(30).fill(2))), 0.05, 30)).toEqual([0, 30]);
  });
  it('keeps the best min_length window when the best stretch is shorter; all low: the first min_length bases', () => {
    const short = phred(...Array<number>(20).fill(2), 40, 40, 40, 40, 40, ...Array<number>(20).fill(2));
    // the best stretch is the five Q40 bases; the first 10-base window holding all five wins the tie
    expect(mottRange(bytes(short), 0.05, 10)).toEqual([15, 25]);
    expect(mottRange(bytes(short), 0.05, 0)).toEqual([20, 25]);
    const allLow = phred(...Array<number>(20).fill(2), 9, 9, 9, 9, 9, ...Array<number>(20).fill(2));
    expect(mottRange(bytes(allLow), 0.05, 10)).toEqual([0, 10]);
    expect(mottRange(bytes(allLow), 0.05, 0)).toEqual([0, 0]);
  });
  it('reads qualities below Q3 as Q3 and above byte 127 as 127 (seqtk clamps)', () => {
    const low = mottRange(bytes(phred(0, 1, 2, ...Array<number>(40).fill(30))), 0.05, 0);
    expect(low).toEqual([3, 43]);
  });
  it('trims every segment under All and drops locations cut away', () => {
    const block = makeBlock([[{ name: 'a', seq: 'ACGTACGTAC', qual: phred(2, 2, 35, 35, 35, 35, 35, 35, 2, 2) }]], {
      t: [[{ location: { start: 3, len: 2, segment: 0 }, sequence: 'TA' }]],
      u: [[{ location: { start: 0, len: 2, segment: 0 }, sequence: 'AC' }]],
    });
    applyStep(trimQualityMott, parseStep(trimQualityMott, "segment = 'All'\nmin_length = 0"), [block]);
    expect(seqs(block)).toEqual(['GTACGT']);
    expect((block.tag('t')[0] as Hit[])[0]!.location).toEqual({ start: 1, len: 2, segment: 0 });
    expect((block.tag('u')[0] as Hit[])[0]!.location).toBeNull();
  });
});

describe("TrimQualityWindow (fastp's cut_front / cut_tail / cut_right)", () => {
  const cut = (w: number, q: number) => ({ windowSize: w, meanByte: q + 33 });
  it('cut_tail never trims below one base, and drops a trailing N whatever its quality', () => {
    expect(fastpCutRange(bytes('ACGTA'), bytes(phred(2, 2, 2, 2, 2)), { tail: cut(1, 20) })).toEqual([0, 1]);
    expect(fastpCutRange(bytes('ACGTN'), bytes(phred(30, 30, 30, 30, 30)), { tail: cut(1, 20) })).toEqual([0, 4]);
    expect(fastpCutRange(bytes('NCGTA'), bytes(phred(2, 2, 2, 2, 2)), { tail: cut(1, 20) })).toBeUndefined();
  });
  it('drops a read no longer than the window (a 1-base read under -W 1)', () => {
    expect(fastpCutRange(bytes('A'), bytes(phred(30)), { tail: cut(1, 20) })).toBeUndefined();
    expect(fastpCutRange(bytes('ACGT'), bytes(phred(30, 30, 30, 30)), { front: cut(4, 20) })).toBeUndefined();
  });
  it("cut_front also drops the first window_size - 1 bases of the first good window (fastp's s + w - 1)", () => {
    // the first window reaching a mean of 20 starts at base 1 (2, 30, 30); fastp cuts from 1 + 3 - 1
    const qual = phred(2, 2, 30, 30, 30, 30, 30, 30, 30, 30);
    expect(fastpCutRange(bytes('ACGTACGTAC'), bytes(qual), { front: cut(3, 20) })).toEqual([3, 10]);
    // a good first window trims nothing
    expect(fastpCutRange(bytes('ACGTACGTAC'), bytes(phred(30, 30, 30, 2, 2, 30, 30, 30, 30, 30)), { front: cut(3, 20) })).toEqual([0, 10]);
  });
  it('cut_right stops at the first low window and never tests the one ending at the last base', () => {
    const qual = phred(30, 30, 30, 30, 30, 2, 2, 30, 30, 30);
    expect(fastpCutRange(bytes('ACGTACGTAC'), bytes(qual), { right: cut(2, 20) })).toEqual([0, 5]);
    expect(fastpCutRange(bytes('ACGTACGTAC'), bytes(phred(30, 30, 30, 30, 30, 30, 30, 30, 30, 2)), { right: cut(2, 20) })).toEqual([0, 10]);
    expect(fastpCutRange(bytes('ACGTACGTAC'), bytes(phred(30, 30, 30, 30, 30, 30, 30, 30, 2, 2)), { right: cut(2, 20) })).toEqual([0, 8]);
  });
  it('drops the molecule (every segment) where fastp drops a read, or empties the read with fastp_drop = false', () => {
    const molecules = () => [
      [
        { name: 'a', seq: 'ACGTACGT', qual: phred(30, 30, 30, 30, 30, 30, 30, 30) },
        { name: 'a', seq: 'A', qual: phred(30) },
      ],
      [
        { name: 'b', seq: 'ACGTACGT', qual: phred(30, 30, 30, 30, 30, 30, 2, 2) },
        { name: 'b', seq: 'ACGT', qual: phred(30, 30, 30, 30) },
      ],
    ];
    const env = environment(['read1', 'read2']);
    const dropping = makeBlock(molecules());
    applyStep(trimQualityWindow, parseStep(trimQualityWindow, 'cut_tail = true\nwindow_size = 1', env), [dropping], ['read1', 'read2']);
    expect(readsOf(dropping).map((m) => [m[0]!.seq, m[1]!.seq])).toEqual([['ACGTAC', 'ACGT']]);
    const keeping = makeBlock(molecules());
    applyStep(
      trimQualityWindow,
      parseStep(trimQualityWindow, 'cut_tail = true\nwindow_size = 1\nfastp_drop = false', env),
      [keeping],
      ['read1', 'read2'],
    );
    expect(readsOf(keeping).map((m) => [m[0]!.seq, m[1]!.seq])).toEqual([
      ['ACGTACGT', ''],
      ['ACGTAC', 'ACGT'],
    ]);
  });
});

describe("TrimAdapter and ExtractAdapter (cutadapt's 3' adapter)", () => {
  const adapter = 'AGATCGGAAGAGC';
  const aligner = (indels: boolean, minOverlap = 3) => new AdapterAligner(adapter, { maxErrors: 0.1, minOverlap, indels, flags: BACK });
  it("finds the adapter inside the read, with a mismatch, and as a prefix running off the 3' end", () => {
    expect(aligner(false).locate(bytes(`ACGTACGTAC${adapter}TTTT`))?.queryStart).toBe(10);
    expect(aligner(false).locate(bytes(`ACGTACGTACAGATCGGTAGAGCTTTT`))?.queryStart).toBe(10);
    expect(aligner(false).locate(bytes('ACGTACGTACAGATC'))?.queryStart).toBe(10);
    // below min_overlap, or more errors than the rate allows on a short overlap: no match
    expect(aligner(false, 3).locate(bytes('CCCCCCCCCCAG'))).toBeUndefined();
    expect(aligner(false).locate(bytes('CCCCCCCCCCAGTTCGG'))).toBeUndefined();
  });
  it('reads an indel in the adapter only with indels allowed', () => {
    const read = bytes(`CCCCCCCCCCAGATCGAAGAGCTTTTTTT`); // one G of the adapter deleted
    expect(aligner(true).locate(read)?.queryStart).toBe(10);
    // without indels cutadapt finds a shorter stretch elsewhere or none; never the gapped one
    expect(aligner(false).locate(read)?.errors ?? 0).toBeLessThanOrEqual(1);
  });
  it('trims to the match start, keeps empty reads, and ExtractAdapter tags what TrimAdapter cuts', () => {
    const molecules = [[{ name: 'a', seq: `ACGT${adapter}` }], [{ name: 'b', seq: `${adapter}AC` }], [{ name: 'c', seq: 'GGGGGGGG' }]];
    const trimmed = makeBlock(molecules);
    applyStep(trimAdapter, parseStep(trimAdapter, `adapter = '${adapter}'`), [trimmed]);
    expect(seqs(trimmed)).toEqual(['ACGT', '', 'GGGGGGGG']);
    const tagged = makeBlock(molecules);
    applyStep(extractAdapter, parseStep(extractAdapter, `adapter = '${adapter}'\nout_label = 'ad'`), [tagged]);
    expect(tagged.tag('ad').map((v) => (Array.isArray(v) ? v[0]!.location : v))).toEqual([
      { start: 4, len: adapter.length, segment: 0 },
      { start: 0, len: adapter.length + 2, segment: 0 },
      null,
    ]);
  });
  it('matches IUPAC letters of the adapter; an N in the read matches nothing unless match_read_wildcards', () => {
    const iupac = new AdapterAligner('AGATCNGAAGAGC', { maxErrors: 0, minOverlap: 13, indels: false, flags: BACK });
    expect(iupac.locate(bytes(`TT${adapter}`))?.queryStart).toBe(2);
    const plain = new AdapterAligner(adapter, { maxErrors: 0, minOverlap: 13, indels: false, flags: BACK });
    expect(plain.locate(bytes('TTAGATCNGAAGAGC'))).toBeUndefined();
    const readWildcards = new AdapterAligner(adapter, { maxErrors: 0, minOverlap: 13, indels: false, flags: BACK, readWildcards: true });
    expect(readWildcards.locate(bytes('TTAGATCNGAAGAGC'))?.queryStart).toBe(2);
  });
});

describe("TrimAdapter's prefilter", () => {
  it('never changes a result: the aligner with and without it agree on reads made to be near misses', () => {
    let seed = 12345;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const base = (): string => 'ACGT'[Math.floor(random() * 4)]!;
    const adapter = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCA';
    const mutate = (text: string, rate: number): string =>
      Array.from(text, (c) => c)
        .map((c) => (random() < rate ? (random() < 0.6 ? base() : random() < 0.5 ? '' : c + base()) : c))
        .join('');
    const reads: Uint8Array[] = [];
    for (let r = 0; r < 4000; r++) {
      const length = 20 + Math.floor(random() * 140);
      let read = Array.from({ length }, base).join('');
      const draw = random();
      // adapters whole or cut, with 0-4 edits, inside or at the end; some N and lower case
      if (draw < 0.6) {
        const piece = mutate(adapter.slice(0, 3 + Math.floor(random() * 31)), random() * 0.2);
        const at = random() < 0.5 ? Math.max(0, length - piece.length) : Math.floor(random() * length);
        read = (read.slice(0, at) + piece + read.slice(at)).slice(0, length + (random() < 0.5 ? 0 : 10));
      }
      if (random() < 0.1) read = read.replace(/./g, (c) => (random() < 0.03 ? 'N' : c));
      if (random() < 0.05) read = read.toLowerCase();
      reads.push(bytes(read));
    }
    for (const [maxErrors, minOverlap, indels] of [
      [0.1, 3, true],
      [0.1, 3, false],
      [0.2, 5, true],
      [0.15, 1, true],
      [2, 3, true],
    ] as const) {
      const options = { maxErrors, minOverlap, indels, flags: BACK };
      const filtered = new AdapterAligner(adapter, options);
      const plain = new AdapterAligner(adapter, { ...options, prefilter: false });
      let found = 0;
      for (const read of reads) {
        const expected = plain.locate(read);
        expect(filtered.locate(read)).toEqual(expected);
        if (expected) found++;
      }
      expect(found).toBeGreaterThan(500);
    }
  });
});

describe('TagDuplicates', () => {
  it('tags the second and later occurrences, across blocks, by every segment under All', () => {
    const env = environment(['read1', 'read2']);
    const config = parseStep(tagDuplicates, "source = 'All'\nout_label = 'dup'", env);
    const m = (a: string, b: string) => [
      { name: 'x', seq: a },
      { name: 'x', seq: b },
    ];
    const first = makeBlock([m('AC', 'GT'), m('AC', 'GA'), m('AC', 'GT')]);
    const second = makeBlock([m('AC', 'GA'), m('ACG', 'T'), m('A', 'CGT')]);
    applyStep(tagDuplicates, config, [first, second], ['read1', 'read2']);
    expect(first.tag('dup')).toEqual([false, false, true]);
    // 'ACG'+'T' and 'A'+'CGT' are different molecules though their concatenations agree
    expect(second.tag('dup')).toEqual([true, false, false]);
  });
  it('never misses a duplicate with a false positive rate, and calls few unique reads duplicates', () => {
    const config = parseStep(
      tagDuplicates,
      "source = 'read1'\nout_label = 'dup'\nfalse_positive_rate = 0.01\nseed = 7\ninitial_filter_capacity = 1000",
    );
    const reads = Array.from({ length: 20_000 }, (_, i) => ({
      name: `r${i}`,
      seq: (i * 7919).toString(4).replace(/[0-3]/g, (d) => 'ACGT'[+d]!),
    }));
    const unique = makeBlock(reads.map((r) => [r]));
    const again = makeBlock(reads.slice(0, 5000).map((r) => [r]));
    applyStep(tagDuplicates, config, [unique, again]);
    const falsePositives = unique.tag('dup').filter((v) => v === true).length;
    expect(falsePositives).toBeLessThan(20_000 * 0.01);
    expect(again.tag('dup').every((v) => v === true)).toBe(true);
  });
  it('leaves a molecule whose source tag is missing unmarked and unremembered', () => {
    const env = environment(['read1'], { umi: 'string' });
    const config = parseStep(tagDuplicates, "source = 'tag:umi'\nout_label = 'dup'", env);
    const block = makeBlock([[{ name: 'a', seq: 'A' }], [{ name: 'b', seq: 'A' }], [{ name: 'c', seq: 'A' }], [{ name: 'd', seq: 'A' }]], {
      umi: [null, 'AC', null, 'AC'],
    });
    applyStep(tagDuplicates, config, [block]);
    expect(block.tag('dup')).toEqual([false, false, false, true]);
  });
});

describe('ExtractIUPACSuffix', () => {
  it('finds the longest read suffix that is a prefix of search, within the mismatches; its hit ends at the read end', () => {
    expect(longestSuffixThatIsAPrefix(bytes('CCCCAGATC'), bytes('AGATCGG'), 0, 3)).toBe(5);
    expect(longestSuffixThatIsAPrefix(bytes('CCCCAGTTC'), bytes('AGATCGG'), 1, 3)).toBe(5);
    expect(longestSuffixThatIsAPrefix(bytes('CCCCCCCAG'), bytes('AGATCGG'), 0, 3)).toBe(0);
    // an adapter followed by more bases is not a suffix
    expect(longestSuffixThatIsAPrefix(bytes('CCAGATCGGTT'), bytes('AGATCGG'), 0, 3)).toBe(0);
    const block = makeBlock([[{ name: 'a', seq: 'CCCCAGATC' }]]);
    applyStep(
      extractIupacSuffix,
      parseStep(extractIupacSuffix, "search = 'AGATCGG'\nmin_length = 3\nmax_mismatches = 0\nout_label = 'ad'"),
      [block],
    );
    expect((block.tag('ad')[0] as Hit[])[0]).toEqual({ location: { start: 4, len: 5, segment: 0 }, sequence: 'AGATC' });
  });
});
