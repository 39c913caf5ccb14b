import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alignCustom, findIupacWithIndel, MIN_SCORE, type AlignmentOperation, type Scoring } from './pairwise-aligner.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const repeat = <T>(value: T, count: number): T[] => Array.from({ length: count }, () => value);

type MatchFn = (a: number, b: number) => number;
const matchMismatch =
  (matchScore: number, mismatchScore: number): MatchFn =>
  (a, b) =>
    a === b ? matchScore : mismatchScore;

/** rust-bio's Scoring::new: every clip penalty MIN_SCORE unless overridden. */
function scoringNew(gapOpen: number, gapExtend: number, match: MatchFn, clips: Partial<Scoring> = {}): Scoring {
  return {
    gapOpen,
    gapExtend,
    match,
    xclipPrefix: MIN_SCORE,
    xclipSuffix: MIN_SCORE,
    yclipPrefix: MIN_SCORE,
    yclipSuffix: MIN_SCORE,
    ...clips,
  };
}

const withoutClips = (operations: AlignmentOperation[]): AlignmentOperation[] =>
  operations.filter((op) => op === 'Match' || op === 'Subst' || op === 'Ins' || op === 'Del');

// rust-bio's Aligner::global / semiglobal / local: custom() with fixed clip penalties; the latter two drop clip operations.
function global(x: string, y: string, gapOpen: number, gapExtend: number, match: MatchFn) {
  return alignCustom(bytes(x), bytes(y), scoringNew(gapOpen, gapExtend, match));
}
function semiglobal(x: string, y: string, gapOpen: number, gapExtend: number, match: MatchFn) {
  const alignment = alignCustom(bytes(x), bytes(y), scoringNew(gapOpen, gapExtend, match, { yclipPrefix: 0, yclipSuffix: 0 }));
  return { ...alignment, operations: withoutClips(alignment.operations) };
}
function local(x: string, y: string, gapOpen: number, gapExtend: number, match: MatchFn) {
  const clips = { xclipPrefix: 0, xclipSuffix: 0, yclipPrefix: 0, yclipSuffix: 0 };
  const alignment = alignCustom(bytes(x), bytes(y), scoringNew(gapOpen, gapExtend, match, clips));
  return { ...alignment, operations: withoutClips(alignment.operations) };
}

describe('findIupacWithIndel (mbf test_find_iupac_with_indel)', () => {
  it('perfect match behaves like the mismatch-only variant', () => {
    expect(findIupacWithIndel(bytes('AGTTC'), bytes('AGT'), 'Anywhere', 0, 0, undefined)).toEqual([0, 3]);
  });
  it('allows a single substitution', () => {
    expect(findIupacWithIndel(bytes('AGTTC'), bytes('AAT'), 'Left', 1, 0, undefined)).toEqual([0, 3]);
  });
  it('allows an insertion in the reference (extra base in the read)', () => {
    expect(findIupacWithIndel(bytes('AGGTC'), bytes('AGTC'), 'Anywhere', 0, 1, undefined)).toEqual([0, 5]);
  });
  it('allows a deletion in the reference (missing base in the read)', () => {
    expect(findIupacWithIndel(bytes('AGTC'), bytes('AGGTC'), 'Anywhere', 0, 1, undefined)).toEqual([0, 4]);
  });
  it('enforces anchoring at the left edge', () => {
    expect(findIupacWithIndel(bytes('CCAGTTC'), bytes('AGT'), 'Left', 0, 1, undefined)).toBeUndefined();
  });
  it('enforces anchoring at the right edge', () => {
    expect(findIupacWithIndel(bytes('CCAGTTC'), bytes('AGT'), 'Right', 0, 1, undefined)).toBeUndefined();
    expect(findIupacWithIndel(bytes('CCAGTTC'), bytes('TTC'), 'Right', 0, 1, undefined)).toEqual([4, 7]);
  });
  it('rejects when mismatches exceed the dedicated limit', () => {
    expect(findIupacWithIndel(bytes('AGGTC'), bytes('AATC'), 'Anywhere', 0, 1, undefined)).toBeUndefined();
  });
  it('respects the total edit budget when provided', () => {
    expect(findIupacWithIndel(bytes('AGGTC'), bytes('AATC'), 'Anywhere', 1, 1, 1)).toBeUndefined();
  });
  it('rejects too many inserts', () => {
    expect(findIupacWithIndel(bytes('AGNNNNNNNNTC'), bytes('AGTC'), 'Anywhere', 1, 20, 5)).toBeUndefined();
  });
});

describe('alignCustom (rust-bio 3.0.0 pairwise tests)', () => {
  const unit = matchMismatch(1, -1);

  it('test_semiglobal', () => {
    const alignment = semiglobal('ACCGTGGAT', 'AAAAACCGTTGAT', -5, -1, unit);
    expect(alignment.ystart).toBe(4);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual(['Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match']);
  });

  it('test_semiglobal_gap_open_lt_mismatch', () => {
    const alignment = semiglobal('ACCGTGGAT', 'AAAAACCGTTGAT', -1, -1, matchMismatch(1, -5));
    expect(alignment.ystart).toBe(4);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual(['Match', 'Match', 'Match', 'Match', 'Del', 'Match', 'Ins', 'Match', 'Match', 'Match']);
  });

  it('test_global_affine_ins', () => {
    const alignment = global('ACGAGAACA', 'ACGACA', -5, -1, matchMismatch(1, -3));
    expect(alignment.operations).toEqual(['Match', 'Match', 'Match', 'Ins', 'Ins', 'Ins', 'Match', 'Match', 'Match']);
  });

  it('test_global_affine_ins2', () => {
    const alignment = global('AGATAGATAGATAGGGAGTTGTGTAGATGATCCACAGT', 'AGATAGATAGATGTAGATGATCCACAGT', -5, -1, unit);
    expect(alignment.operations).toEqual([...repeat('Match', 11), ...repeat('Ins', 10), ...repeat('Match', 17)]);
  });

  it('test_local_affine_ins2', () => {
    const alignment = local('ACGTATCATAGATAGATAGGGTTGTGTAGATGATCCACAG', 'CGTATCATAGATAGATGTAGATGATCCACAGT', -5, -1, unit);
    expect(alignment.xstart).toBe(1);
    expect(alignment.ystart).toBe(0);
  });

  it('test_local', () => {
    const alignment = local('ACCGTGGAT', 'AAAAACCGTTGAT', -5, -1, unit);
    expect(alignment.ystart).toBe(4);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual(['Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match']);
  });

  it('test_global', () => {
    const alignment = global('ACCGTGGAT', 'AAAAACCGTTGAT', -5, -1, unit);
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([
      ...['Del', 'Del', 'Del', 'Del', 'Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match'],
    ]);
  });

  it('test_issue11', () => {
    const alignment = global('AAAAACC', 'TACC', -5, -1, unit);
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual(['Ins', 'Ins', 'Ins', 'Subst', 'Match', 'Match', 'Match']);
  });

  it('test_issue12_1', () => {
    const alignment = semiglobal('CCGGCA', 'ACCGTTGACGC', -5, -1, unit);
    expect(alignment.xstart).toBe(0);
    expect(alignment.ystart).toBe(1);
    expect(alignment.operations).toEqual(['Match', 'Match', 'Match', 'Subst', 'Subst', 'Subst']);
  });

  it('test_issue12_2', () => {
    const alignment = semiglobal('ACCGTTGACGC', 'CCGGCA', -5, -1, unit);
    expect(alignment.xstart).toBe(0);
    expect(alignment.ystart).toBe(0);
    expect(alignment.operations).toEqual(['Subst', 'Match', 'Ins', 'Ins', 'Ins', 'Ins', 'Ins', 'Ins', 'Subst', 'Match', 'Match']);
  });

  it('test_issue12_3', () => {
    const y = 'CCGTCCGGCAA';
    const x = 'AAAAACCGTTGACGCAA';
    let alignment = semiglobal(x, y, -5, -1, unit);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([
      ...['Ins', 'Ins', 'Ins', 'Ins', 'Ins', 'Ins', 'Match', 'Subst', 'Subst', 'Match', 'Subst', 'Subst', 'Subst'],
      ...['Match', 'Match', 'Match', 'Match'],
    ]);

    alignment = semiglobal(y, x, -5, -1, unit);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([
      'Match',
      'Subst',
      'Subst',
      'Match',
      'Subst',
      'Subst',
      'Subst',
      'Match',
      'Match',
      'Match',
      'Match',
    ]);
  });

  it('test_left_aligned_del', () => {
    const alignment = global('GTGCATCATGTG', 'GTGCATCATCATGTG', -5, -1, unit);
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([...repeat('Match', 3), ...repeat('Del', 3), ...repeat('Match', 9)]);
  });

  it('test_global_right_del', () => {
    const alignment = global('AACCACGTACGTGGGGGGA', 'CCACGTACGT', -5, -1, unit);
    expect(alignment.score).toBe(-9);
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([...repeat('Ins', 2), ...repeat('Match', 10), ...repeat('Ins', 7)]);
  });

  it('test_left_aligned_ins', () => {
    const alignment = global('GTGCATCATCATGTG', 'GTGCATCATGTG', -5, -1, unit);
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([...repeat('Match', 3), ...repeat('Ins', 3), ...repeat('Match', 9)]);
  });

  it('test_semiglobal_simple', () => {
    const alignment = semiglobal('GAAAACCGTTGAT', 'ACCGTGGATGGG', -5, -1, unit);
    expect(alignment.operations).toEqual([
      ...['Ins', 'Ins', 'Ins', 'Ins', 'Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match'],
    ]);
  });

  it('test_insert_only_semiglobal', () => {
    expect(semiglobal('TTTT', 'AAAA', -5, -1, matchMismatch(1, -3)).operations).toEqual(['Ins', 'Ins', 'Ins', 'Ins']);
  });

  it('test_insert_in_between_semiglobal', () => {
    const alignment = semiglobal('GGGGG', 'GGTAGGG', -5, -1, matchMismatch(1, -3));
    expect(alignment.operations).toEqual(['Match', 'Match', 'Del', 'Del', 'Match', 'Match', 'Match']);
  });

  it('test_xclip_prefix_custom', () => {
    const alignment = alignCustom(bytes('GGGGGGATG'), bytes('ATG'), scoringNew(-5, -1, unit, { xclipPrefix: -5, xclipSuffix: -5 }));
    expect(alignment.operations).toEqual([{ Xclip: 6 }, 'Match', 'Match', 'Match']);
  });

  it('test_yclip_prefix_custom', () => {
    const alignment = alignCustom(bytes('ATG'), bytes('GGGGGGATG'), scoringNew(-5, -1, unit, { yclipPrefix: -5, yclipSuffix: -5 }));
    expect(alignment.operations).toEqual([{ Yclip: 6 }, 'Match', 'Match', 'Match']);
  });

  it('test_xclip_suffix_custom', () => {
    const scoring = scoringNew(-5, -1, unit, { xclipPrefix: -5, xclipSuffix: -5, yclipPrefix: 0, yclipSuffix: 0 });
    const alignment = alignCustom(bytes('GAAAA'), bytes('CG'), scoring);
    expect(alignment.operations).toEqual([{ Yclip: 1 }, 'Match', { Xclip: 4 }]);
  });

  it('test_yclip_suffix_custom', () => {
    const scoring = scoringNew(-5, -1, matchMismatch(1, -3), { yclipPrefix: -5, yclipSuffix: -5, xclipPrefix: 0, xclipSuffix: 0 });
    const alignment = alignCustom(bytes('CG'), bytes('GAAAA'), scoring);
    expect(alignment.operations).toEqual([{ Xclip: 1 }, 'Match', { Yclip: 4 }]);
  });

  it('test_longer_string_all_operations', () => {
    const scoring = scoringNew(-5, -1, matchMismatch(1, -3), { xclipPrefix: -5, xclipSuffix: -5, yclipPrefix: 0, yclipSuffix: 0 });
    const alignment = alignCustom(
      bytes('TTTTTGGGGGGATGGCCCCCCTTTTTTTTTTGGGAAAAAAAAAGGGGGG'),
      bytes('GGGGGGATTTCCCCCCCCCTTTTTTTTTTAAAAAAAAA'),
      scoring,
    );
    expect(alignment.score).toBe(7);
  });

  it('test_scoring_from_scores', () => {
    const alignment = alignCustom(bytes('ATG'), bytes('GGGGGGATG'), scoringNew(-5, -1, unit, { yclipPrefix: -5, yclipSuffix: -5 }));
    expect(alignment.operations).toEqual([{ Yclip: 6 }, 'Match', 'Match', 'Match']);
  });

  it('test_only_clips', () => {
    const scoring = scoringNew(-4, -4, matchMismatch(4, -7), { xclipPrefix: 0, xclipSuffix: 0, yclipSuffix: 0 });
    expect(alignCustom(bytes('GGAAAAAAAAAAAAA'), bytes('TTTTAATTTGTGTAAAAAATAATA'), scoring).score).toBe(0);
  });

  it('test_zero_score_clips', () => {
    const clipSets: Partial<Scoring>[] = [
      { xclipPrefix: 0, yclipPrefix: 0 },
      { xclipPrefix: 0, yclipSuffix: 0 },
      { xclipSuffix: 0, yclipPrefix: 0 },
      { xclipSuffix: 0, yclipSuffix: 0 },
    ];
    for (const clips of clipSets) {
      expect(alignCustom(bytes('AA'), bytes('CC'), scoringNew(-1, -1, unit, clips)).score).toBe(0);
    }
  });

  it('module doc example: custom semiglobal and global', () => {
    const x = bytes('ACCGTGGAT');
    const y = bytes('AAAAACCGTTGAT');
    let alignment = alignCustom(x, y, scoringNew(-5, -1, unit, { yclipPrefix: 0, yclipSuffix: 0 }));
    expect(alignment.ystart).toBe(4);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([{ Yclip: 4 }, 'Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match']);

    alignment = alignCustom(x, y, scoringNew(-5, -1, unit));
    expect(alignment.ystart).toBe(0);
    expect(alignment.xstart).toBe(0);
    expect(alignment.operations).toEqual([
      ...['Del', 'Del', 'Del', 'Del', 'Match', 'Match', 'Match', 'Match', 'Match', 'Subst', 'Match', 'Match', 'Match'],
    ]);
  });

  it('module doc example: x prefix clip for -10, y clipped freely', () => {
    const scoring = scoringNew(-5, -1, matchMismatch(1, -3), { xclipPrefix: -10, xclipSuffix: MIN_SCORE, yclipPrefix: 0, yclipSuffix: 0 });
    const alignment = alignCustom(bytes('GGGGGGACGTACGTACGT'), bytes('AAAAACGTACGTACGTAAAA'), scoring);
    expect(alignment.score).toBe(2);
    expect(alignment.operations).toEqual([{ Yclip: 4 }, { Xclip: 6 }, ...repeat('Match', 12), { Yclip: 4 }]);
  });

  it('rejects positive penalties like Aligner::with_scoring', () => {
    expect(() => alignCustom(bytes('A'), bytes('A'), scoringNew(1, -1, unit))).toThrow("gap_open can't be positive");
  });
});

describe('alignCustom against rust-bio itself', () => {
  // tools/goldens/fastq/rust-bio-aligner: 3,000 random problems and rust-bio 3.0.0's answers, built from its source
  const dir = fileURLToPath(new URL('../../../../../tools/goldens/fastq/rust-bio-aligner/', import.meta.url));
  const cases = readFileSync(`${dir}cases.txt`, 'utf8').trimEnd().split('\n');
  const expected = readFileSync(`${dir}expected.txt`, 'utf8').trimEnd().split('\n');
  /** main.rs's IUPAC rule: the pattern letter (upper case) accepts the read letter. */
  const ACCEPTS: Record<string, string> = { R: 'AG', Y: 'CT', S: 'GC', W: 'AT', K: 'GT', M: 'AC', B: 'CGT', D: 'AGT', H: 'ACT', V: 'ACG' };
  const accepts = (a: number, b: number): boolean =>
    a === b || a === 78 /* N */ || (ACCEPTS[String.fromCharCode(a)] ?? '').includes(String.fromCharCode(b));

  it('gives the same score, coordinates and operations on every problem', () => {
    expect(cases.length).toBe(3000);
    expect(expected.length).toBe(cases.length);
    const differences: string[] = [];
    cases.forEach((line, k) => {
      const [x, y, ...numbers] = line.split(' ');
      const [gapOpen, gapExtend, matchScore, mismatchScore, xclipPrefix, xclipSuffix, yclipPrefix, yclipSuffix] = numbers.map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const match =
        matchScore === 99
          ? (a: number, b: number) => (accepts(a, b) ? 1 : -1)
          : (a: number, b: number) => (a === b ? matchScore : mismatchScore);
      const a = alignCustom(new TextEncoder().encode(x), new TextEncoder().encode(y), {
        gapOpen,
        gapExtend,
        match,
        xclipPrefix,
        xclipSuffix,
        yclipPrefix,
        yclipSuffix,
      });
      const operations = a.operations.map((o) => (typeof o === 'string' ? o : 'Xclip' in o ? `X${o.Xclip}` : `Y${o.Yclip}`)).join(',');
      const got = `${a.score} ${a.xstart} ${a.xend} ${a.ystart} ${a.yend} ${operations}`;
      if (got !== expected[k]) differences.push(`${line}\n  rust-bio ${expected[k]}\n  port     ${got}`);
    });
    expect(differences.slice(0, 5)).toEqual([]);
  });
});

describe('findIupacWithIndel: the piece prefilter never changes an answer', () => {
  it('gives what the alignment alone gives, on reads made to hold near copies of the pattern', () => {
    let seed = 99;
    const rnd = (k: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % k;
    };
    const patterns = ['AGATCGGAAGAGC', 'ACGTNACGT', 'GGRYAC', 'TTTT', 'A'].map((p) => new TextEncoder().encode(p));
    let compared = 0;
    let found = 0;
    for (let t = 0; t < 3000; t++) {
      const pattern = patterns[t % patterns.length]!;
      // a near copy of the pattern: substitutions, deletions and insertions, sometimes lower case
      const copy: number[] = [];
      for (const letter of pattern) {
        const r = rnd(20);
        if (r === 0) continue;
        copy.push(r === 1 ? 'ACGT'.charCodeAt(rnd(4)) : letter === 78 || letter > 0x41 + 25 ? 'ACGT'.charCodeAt(rnd(4)) : letter);
        if (r === 2) copy.push('ACGTN'.charCodeAt(rnd(5)));
      }
      const before = Array.from({ length: rnd(30) }, () => 'ACGTNacgt'.charCodeAt(rnd(9)));
      const after = Array.from({ length: rnd(30) }, () => 'ACGTacgt'.charCodeAt(rnd(8)));
      const lower = rnd(4) === 0;
      const read = Uint8Array.from([...before, ...copy.map((c) => (lower && c >= 0x41 && c <= 0x5a ? c + 0x20 : c)), ...after]);
      for (const anchor of ['Left', 'Right', 'Anywhere'] as const)
        for (const [mm, indel, total] of [
          [0, 0, undefined],
          [0, 1, 1],
          [1, 1, undefined],
          [2, 1, 2],
          [1, 2, 3],
          [2, 2, undefined],
        ] as const) {
          const want = findIupacWithIndel(read, pattern, anchor, mm, indel, total, false);
          expect(
            findIupacWithIndel(read, pattern, anchor, mm, indel, total),
            `${new TextDecoder().decode(read)} ${anchor} ${mm} ${indel} ${total}`,
          ).toEqual(want);
          compared++;
          if (want) found++;
        }
    }
    expect(compared).toBe(3000 * 18);
    expect(found).toBeGreaterThan(5000); // many near copies are found, so the comparison covers both answers
  });
});
