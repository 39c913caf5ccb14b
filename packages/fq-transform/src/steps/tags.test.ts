import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HtsError } from '@shoal/hts';
import type { FastqBlock, TagKind, TagValue } from '../block.js';
import { applyStep, environment, makeBlock, parseStep, readsOf, type TestRead } from '../test-support/blocks.js';
import type { StepDefinition } from './types.js';
import { extractRegion } from './extract/extract-region.js';
import { extractRegions } from './extract/extract-regions.js';
import { extractRegex } from './extract/extract-regex.js';
import { expandReplacement } from './rust-regex.js';
import { extractIupac } from './extract/extract-iupac.js';
import { extractLowQualityStart } from './extract/extract-low-quality-start.js';
import { extractLowQualityEnd } from './extract/extract-low-quality-end.js';
import { extractPolyTail, runLength, findPolyTail } from './extract/extract-poly-tail.js';
import { extractLongestPolyX, findLongestPolyX } from './extract/extract-longest-poly-x.js';
import { calcLength } from './calc/calc-length.js';
import { calcNCount } from './calc/calc-n-count.js';
import { calcGCContent } from './calc/calc-gc-content.js';
import { calcBaseContent } from './calc/calc-base-content.js';
import { calcComplexity } from './calc/calc-complexity.js';
import { calcQualifiedBases } from './calc/calc-qualified-bases.js';
import { calcExpectedError } from './calc/calc-expected-error.js';
import { evalExpression } from './convert/eval-expression.js';
import { storeTagInSequence } from './tag/store-tag-in-sequence.js';
import { replaceTagWithLetter } from './tag/replace-tag-with-letter.js';
import { storeTagInComment } from './tag/store-tag-in-comment.js';
import { storeTagLocationInComment } from './tag/store-tag-location-in-comment.js';
import { storeTagsInTable } from './tag/store-tags-in-table.js';
import { concatTags } from './tag/concat-tags.js';
import { forgetTag } from './tag/forget-tag.js';
import { forgetAllTags } from './tag/forget-all-tags.js';
import { allActions, findStep } from './index.js';
import { findIupac } from './extract/iupac.js';
import { latin1ToBytes } from './byte-strings.js';

const r = (seq: string, name = 'r', qual?: string): TestRead => ({ name, seq, qual });
const one = (...seqs: string[]): FastqBlock => makeBlock(seqs.map((s, i) => [r(s, `r${i}`)]));

/** Parses `body` with `tags` available and applies the step to `block`; returns the tag `label`. */
function run<C>(step: StepDefinition<C>, body: string, block: FastqBlock, tags: Record<string, TagKind> = {}, segments = ['read1']): C {
  const config = parseStep(step, body, environment(segments, tags));
  applyStep(step, config, [block], segments);
  return config;
}

const loc = (start: number, len: number, sequence: string, segment = 0) => [{ location: { start, len, segment }, sequence }];

describe('registry', () => {
  it('registers every step of the group under its mbf action name', () => {
    const actions = allActions();
    for (const name of [
      'ExtractRegion',
      'ExtractRegions',
      'ExtractRegex',
      'ExtractIUPAC',
      'ExtractLowQualityStart',
      'ExtractLowQualityEnd',
      'ExtractPolyTail',
      'ExtractLongestPolyX',
      'CalcLength',
      'CalcNCount',
      'CalcGCContent',
      'CalcBaseContent',
      'CalcComplexity',
      'CalcQualifiedBases',
      'CalcExpectedError',
      'EvalExpression',
      'EvaluateExpression',
      'StoreTagInSequence',
      'ReplaceTagWithLetter',
      'StoreTagInComment',
      'StoreTagLocationInComment',
      'StoreTagsInTable',
      'ConcatTags',
      'ForgetTag',
      'ForgetAllTags',
    ]) {
      expect(actions).toContain(name);
      expect(findStep(name)?.action).toBe(name);
    }
  });
});

describe('tag labels', () => {
  it('follow mbf: letter or _ first, no reserved names, no len_ prefix, no clash', () => {
    const body = (label: string) => `out_label = '${label}'\nsegment = 'read1'`;
    expect(() => parseStep(calcLength, body('12'))).toThrow(/Must start with a letter or underscore/);
    expect(() => parseStep(calcLength, body('my,tag'))).toThrow(/only letters, numbers, and underscores/);
    expect(() => parseStep(calcLength, body('ReadName'))).toThrow(/Reserved value 'ReadName'/);
    expect(() => parseStep(calcLength, body('read_no'))).toThrow(/Reserved value 'read_no'/);
    expect(() => parseStep(calcLength, body('len_read1'))).toThrow(/reserved prefix 'len_'/);
    expect(() => parseStep(calcLength, body('read1'))).toThrow(/same name as a segment/);
    expect(() => parseStep(calcLength, body('x'), environment(['read1'], { x: 'numeric' }))).toThrow(/already set/);
    expect(parseStep(calcLength, body('_ok1'))).toMatchObject({ label: '_ok1' });
  });
});

describe('ExtractRegion / ExtractRegions', () => {
  it('extracts a region from the start or end; Missing when it does not fit', () => {
    const block = one('ACGTACGT', 'ACG');
    run(extractRegion, "source = 'read1'\nstart = 1\nlength = 3\nanchor = 'Start'\nout_label = 'a'", block);
    expect(block.tags.a).toEqual([loc(1, 3, 'CGT'), null]);
    run(extractRegion, "segment = 'read1'\nstart = -2\nlen = 2\nanchor = 'right'\nout_label = 'b'", block);
    expect(block.tags.b).toEqual([loc(6, 2, 'GT'), loc(1, 2, 'CG')]);
  });
  it('start at or past the end is Missing, even for an empty region', () => {
    const block = one('ACG');
    run(extractRegion, "source = 'read1'\nstart = 3\nlength = 0\nanchor = 'Start'\nout_label = 'a'", block);
    expect(block.tags.a).toEqual([null]);
  });
  it('joins several regions; a name source makes a String tag', () => {
    const block = makeBlock([[r('AAAACCCC', 'rd1 x'), r('GGGGTTTT', 'rd1 y')]]);
    run(
      extractRegions,
      "out_label = 'umi'\nregions = [{source = 'read1', start = 0, length = 2, anchor = 'Start'}, {segment = 'read2', start = 6, length = 2, anchor = 'Start'}]",
      block,
      {},
      ['read1', 'read2'],
    );
    expect(block.tags.umi).toEqual([
      [
        { location: { start: 0, len: 2, segment: 0 }, sequence: 'AA' },
        { location: { start: 6, len: 2, segment: 1 }, sequence: 'TT' },
      ],
    ]);
    const config = run(
      extractRegions,
      "out_label = 'n'\nregions = [{source = 'name:read2', start = 0, length = 3, anchor = 'Start'}, {source = 'read1', start = 0, length = 1, anchor = 'Start'}]",
      block,
      {},
      ['read1', 'read2'],
    );
    expect(extractRegions.declares!(config)).toEqual([{ label: 'n', kind: 'string' }]);
    expect(block.tags.n).toEqual(['rd1A']);
  });
  it('reads from string and location tags', () => {
    const block = one('ACGTACGT');
    block.setTag('s', ['HELLOWORLD']);
    block.setTag('l', [loc(2, 4, 'GTAC')]);
    let config = run(extractRegion, "source = 'tag:s'\nstart = 5\nlength = 5\nanchor = 'Start'\nout_label = 'w'", block, { s: 'string' });
    expect(extractRegion.uses!(config)).toEqual(['s']);
    expect(block.tags.w).toEqual(['WORLD']);
    config = run(extractRegion, "source = 'tag:l'\nstart = 1\nlength = 2\nanchor = 'Start'\nout_label = 'x'", block, { l: 'location' });
    expect(extractRegion.declares!(config)).toEqual([{ label: 'x', kind: 'location' }]);
    expect(block.tags.x).toEqual([loc(3, 2, 'TA')]);
  });
  it('rejects empty region lists, All, unknown segments and non-string tags', () => {
    expect(() => parseStep(extractRegions, "out_label = 'u'\nregions = []")).toThrow(/at least one region/);
    expect(() => parseStep(extractRegion, "source = 'all'\nstart = 0\nlength = 1\nanchor = 'Start'\nout_label = 'u'")).toThrow(
      /'all' segments not valid/,
    );
    expect(() => parseStep(extractRegion, "source = 'read9'\nstart = 0\nlength = 1\nanchor = 'Start'\nout_label = 'u'")).toThrow(/read9/);
    expect(() =>
      parseStep(
        extractRegion,
        "source = 'tag:n'\nstart = 0\nlength = 1\nanchor = 'Start'\nout_label = 'u'",
        environment(['read1'], { n: 'numeric' }),
      ),
    ).toThrow(/numeric tag/);
    expect(() => parseStep(extractRegion, "source = 'read1'\nstart = 0\nlength = 1\nanchor = 'Middle'\nout_label = 'u'")).toThrow(
      /'Middle' is not one of 'Start', 'End'/,
    );
    expect(() =>
      parseStep(extractRegions, "out_label = 'u'\nregions = [{source = 'read1', start = 0, len = 1, anchor = 'Start'}]"),
    ).toThrow(/length|len/);
  });
});

describe('ExtractRegex', () => {
  it('tags the match span holding the expanded replacement', () => {
    const block = one('AACTGCTT', 'GGGG');
    run(extractRegex, "search = 'C(T.)C'\nreplacement = '$1'\nout_label = 'm'\nsource = 'read1'", block);
    expect(block.tags.m).toEqual([loc(2, 4, 'TG'), null]);
  });
  it('defaults to $0 and reads names into a String tag', () => {
    const block = makeBlock([[r('ACGT', 'Read12 extra')]]);
    const config = run(extractRegex, "pattern = '\\d+'\nreplacement = '$0$0'\nout_label = 'n'\nsource = 'name:read1'", block);
    expect(extractRegex.declares!(config)).toEqual([{ label: 'n', kind: 'string' }]);
    expect(block.tags.n).toEqual(['1212']);
    const block2 = one('xxAGGy');
    run(extractRegex, "query = '(?P<g>A)GG'\nout_label = 'd'\nsegment = 'read1'", block2);
    expect(block2.tags.d).toEqual([loc(2, 3, 'AGG')]);
  });
  it('expands like Rust regex: ${1}_, $name, $$, missing groups empty', () => {
    const match = /(?<first>A)(B)?/.exec('AC')!;
    expect(expandReplacement('${1}_$first$$-$2-$9-$', match)).toBe('A_A$---$');
  });
  it("rejects the '$1_' footgun and invalid regexes; needs a source", () => {
    expect(() => parseStep(extractRegex, "search = 'A(C)'\nreplacement = '$1_x'\nout_label = 'm'\nsource = 'read1'")).toThrow(/\$1_/);
    expect(() => parseStep(extractRegex, "search = 'A(C'\nout_label = 'm'\nsource = 'read1'")).toThrow(/Invalid regex/);
    expect(() => parseStep(extractRegex, "search = 'A'\nout_label = 'm'")).toThrow(/missing required key 'source'/);
  });
});

describe('ExtractIUPAC', () => {
  it('finds IUPAC patterns (N in pattern matches all, N in read mismatches) left, right, anywhere', () => {
    const block = one('AGTTCAGG', 'NGTTCAGG');
    run(extractIupac, "search = 'ANT'\nanchor = 'Left'\nmax_mismatches = 0\nout_label = 'l'", block);
    expect(block.tags.l).toEqual([loc(0, 3, 'AGT'), null]);
    run(extractIupac, "search = ['CCC', 'RGG']\nanchor = 'Right'\nmax_mismatches = 0\nout_label = 'r'", block);
    expect(block.tags.r).toEqual([loc(5, 3, 'AGG'), loc(5, 3, 'AGG')]);
    run(extractIupac, "search = 'TTA'\nanchor = 'anywhere'\nmax_mismatches = 1\nout_label = 'a'", block);
    expect(block.tags.a).toEqual([loc(2, 3, 'TTC'), loc(2, 3, 'TTC')]);
  });
  it('prefers the earliest of the best hits', () => {
    expect(findIupac(latin1ToBytes('AGTTC'), latin1ToBytes('T'), 'Anywhere', 0)).toBe(2);
    expect(findIupac(latin1ToBytes('ACTTCTT'), latin1ToBytes('CTT'), 'Anywhere', 1)).toBe(1);
    expect(findIupac(latin1ToBytes('AC'), latin1ToBytes('ACG'), 'Anywhere', 3)).toBe(-1);
  });
  it('needs upper-case IUPAC patterns', () => {
    expect(() => parseStep(extractIupac, "search = 'agct'\nanchor = 'Left'\nmax_mismatches = 0\nout_label = 'l'")).toThrow(
      /Invalid IUPAC base/,
    );
    expect(() => parseStep(extractIupac, "search = 'AG'\nanchor = 'Left'\nmax_mismatches = 300\nout_label = 'l'")).toThrow(/at most 255/);
  });
});

describe('ExtractLowQualityStart / End', () => {
  it('tags the low-quality runs at either end; min_qual as char or number', () => {
    const block = makeBlock([[r('ACGTACGT', 'a', '!!IIII#!')], [r('ACGT', 'b', 'IIII')], [r('AC', 'c', '!!')]]);
    run(extractLowQualityStart, "min_qual = 'I'\nout_label = 's'", block);
    run(extractLowQualityEnd, "min_qual = 73\nout_label = 'e'", block);
    expect(block.tags.s).toEqual([loc(0, 2, 'AC'), null, loc(0, 2, 'AC')]);
    expect(block.tags.e).toEqual([loc(6, 2, 'GT'), null, loc(0, 2, 'AC')]);
  });
  it('rejects bytes out of range and multi-char strings', () => {
    expect(() => parseStep(extractLowQualityStart, "min_qual = 300\nout_label = 's'")).toThrow(/out of range for a byte/);
    expect(() => parseStep(extractLowQualityStart, "min_qual = 'II'\nout_label = 's'")).toThrow(/Invalid value/);
  });
});

describe('ExtractPolyTail', () => {
  it('matches mbf calc_run_length', () => {
    const b = (s: string) => latin1ToBytes(s);
    expect(runLength(b('AGTC' + 'A'.repeat(58)), 65, 10, 0.1, 2)).toBe(4);
    expect(runLength(b('AAAAAA'), 65, 3, 0.1, 2)).toBe(0);
    expect(runLength(b('AAATAA'), 65, 3, 0.34, 2)).toBe(0);
    expect(runLength(b('AAATAA'), 65, 3, 0, 0)).toBe(-1);
    expect(runLength(b('AAATAA'), 65, 3, 1 / 6 - 0.001, 2)).toBe(-1);
    expect(runLength(b('ATTTTTT'), 65, 30, 0.108123, 20)).toBe(-1);
    const cfg = { segment: 0, label: 'x', minLength: 3, base: 46, maxMismatchRate: 0.2, maxConsecutiveMismatches: 2 };
    expect(findPolyTail(b('AAATAACCCCCC'), cfg)).toBe(6);
    expect(findPolyTail(b('AAAAAAAAACCC'), { ...cfg, maxMismatchRate: 0.4, maxConsecutiveMismatches: 3 })).toBe(0);
    expect(findPolyTail(b('CCCCCCCCCAAA'), { ...cfg, maxMismatchRate: 0.4, maxConsecutiveMismatches: 3 })).toBe(0);
  });
  it('tags the tail and checks its keys', () => {
    const block = one('GATTACAAAAAA', 'GGGG');
    run(extractPolyTail, "base = 'a'\nmin_length = 3\nmax_mismatch_rate = 0.0\nmax_consecutive_mismatches = 0\nout_label = 'p'", block);
    expect(block.tags.p).toEqual([loc(6, 6, 'AAAAAA'), null]);
    expect(() =>
      parseStep(extractPolyTail, "base = 'A'\nmin_length = 1\nmax_mismatch_rate = 0.1\nmax_consecutive_mismatches = 1\nout_label = 'p'"),
    ).toThrow(/Must be >= 2/);
    expect(() =>
      parseStep(extractPolyTail, "base = 'A'\nmin_length = 2\nmax_mismatch_rate = 1.0\nmax_consecutive_mismatches = 1\nout_label = 'p'"),
    ).toThrow(/\[0.0..1.0\)/);
    expect(() =>
      parseStep(extractPolyTail, "base = 'X'\nmin_length = 2\nmax_mismatch_rate = 0.1\nmax_consecutive_mismatches = 1\nout_label = 'p'"),
    ).toThrow(/Invalid DNA base/);
  });
});

describe('ExtractLongestPolyX', () => {
  it('finds the longest run anywhere, leftmost on ties, any base with .', () => {
    const block = one('ACGGGGGTCCCCC', 'AAAT', 'GGGTTTTA');
    run(extractLongestPolyX, "base = '.'\nmin_length = 3\nmax_mismatch_rate = 0.0\nmax_consecutive_mismatches = 1\nout_label = 'x'", block);
    // mbf only starts runs before len - min_length: 'AAAT' (len 4) can start at 0 only
    expect(block.tags.x).toEqual([loc(2, 5, 'GGGGG'), loc(0, 3, 'AAA'), loc(3, 4, 'TTTT')]);
  });
  it('never matches a read of exactly min_length (mbf loops start < len - min_length)', () => {
    const block = one('AAA');
    run(extractLongestPolyX, "base = 'A'\nmin_length = 3\nmax_mismatch_rate = 0.0\nmax_consecutive_mismatches = 1\nout_label = 'x'", block);
    expect(block.tags.x).toEqual([null]);
    expect(() =>
      parseStep(
        extractLongestPolyX,
        "base = 'A'\nmin_length = 0\nmax_mismatch_rate = 0.1\nmax_consecutive_mismatches = 1\nout_label = 'x'",
      ),
    ).toThrow(/min_length must be > 0/);
  });
});

/** mbf's find_best_for_base as written: every start, no early stop (the reference the step must equal). */
function longestRunEveryStart(
  seq: Uint8Array,
  base: number,
  minLength: number,
  maxRate: number,
  maxConsecutive: number,
): [number, number] | undefined {
  let best: [number, number] | undefined;
  for (let start = 0; start < seq.length - minLength; start++) {
    let mismatches = 0;
    let consecutive = 0;
    for (let end = start; end < seq.length; end++) {
      if (seq[end] === base) consecutive = 0;
      else if (++mismatches && ++consecutive >= maxConsecutive) break;
      const length = end - start + 1;
      if (length >= minLength && mismatches / length <= maxRate && (!best || length > best[1])) best = [start, length];
      if (mismatches / (seq.length - start) > maxRate) break;
    }
  }
  return best;
}

describe('ExtractLongestPolyX on long and poly-A-rich reads', () => {
  it('equals the every-start search on random reads, and finds a 1 Mbp poly-A read whole', () => {
    let state = 12345;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
    for (let trial = 0; trial < 400; trial++) {
      const length = 1 + Math.floor(next() * 80);
      const richness = next();
      const seq = Uint8Array.from({ length }, () => (next() < richness ? 65 : 'ACGTN'.charCodeAt(Math.floor(next() * 5))));
      const config = {
        segment: 0,
        label: 'x',
        base: 65,
        minLength: 1 + Math.floor(next() * 5),
        maxMismatchRate: next() * 0.3,
        maxConsecutiveMismatches: 1 + Math.floor(next() * 4),
      };
      const expected = longestRunEveryStart(seq, 65, config.minLength, config.maxMismatchRate, config.maxConsecutiveMismatches);
      expect(findLongestPolyX(seq, config), `trial ${trial}`).toEqual(expected);
    }
    const polyA = new Uint8Array(1_000_000).fill(65);
    expect(
      findLongestPolyX(polyA, { segment: 0, label: 'x', base: 65, minLength: 10, maxMismatchRate: 0.1, maxConsecutiveMismatches: 3 }),
    ).toEqual([0, 1_000_000]);
  });
});

describe('calc steps', () => {
  const pair = () =>
    makeBlock([
      [r('ACGTN', 'a', 'IIII!'), r('GG', 'a', '#I')],
      [r('', 'b', ''), r('nNA', 'b', 'III')],
    ]);
  it('CalcLength per segment and over All', () => {
    const block = pair();
    run(calcLength, "out_label = 'l1'\nsegment = 'read1'", block, {}, ['read1', 'read2']);
    run(calcLength, "out_label = 'la'\nsegment = 'All'", block, {}, ['read1', 'read2']);
    expect([block.tags.l1, block.tags.la]).toEqual([
      [5, 0],
      [7, 3],
    ]);
    expect(() => parseStep(calcLength, "out_label = 'l'", environment(['read1', 'read2']))).toThrow(/segment/);
  });
  it('CalcNCount counts N in either case; CalcGCContent ignores N', () => {
    const block = pair();
    run(calcNCount, "out_label = 'n'\nsegment = 'all'", block, {}, ['read1', 'read2']);
    run(calcGCContent, "out_label = 'gc'\nsegment = 'read1'", block, {}, ['read1', 'read2']);
    expect(block.tags.n).toEqual([1, 2]);
    expect(block.tags.gc).toEqual([50, 0]);
  });
  it('CalcBaseContent: relative (default) with ignored bases, or absolute', () => {
    const block = one('AAGTC', 'NNNN');
    run(calcBaseContent, "out_label = 'a'\nbases_to_count = 'a'\nbases_to_ignore = 'n'", block);
    run(calcBaseContent, "out_label = 'b'\nbases_to_count = 'AG'\nrelative = false", block);
    expect(block.tags.a).toEqual([40, 0]);
    expect(block.tags.b).toEqual([3, 0]);
    expect(() => parseStep(calcBaseContent, "out_label = 'a'\nbases_to_count = ''")).toThrow(/at least one letter/);
    expect(() => parseStep(calcBaseContent, "out_label = 'a'\nbases_to_count = 'A'\nrelative = false\nbases_to_ignore = 'N'")).toThrow(
      /relative=true/,
    );
    expect(() => parseStep(calcBaseContent, "out_label = 'a'\nbases_to_count = 'A'\nbases_to_ignore = 'N1'")).toThrow(/Only ASCII letters/);
  });
  it('CalcComplexity: transitions per neighbour pair', () => {
    const block = makeBlock([
      [r('AACC'), r('A')],
      [r('A'), r('')],
    ]);
    run(calcComplexity, "out_label = 'c'\nsegment = 'read1'", block, {}, ['read1', 'read2']);
    run(calcComplexity, "out_label = 'ca'\nsegment = 'All'", block, {}, ['read1', 'read2']);
    expect(block.tags.c).toEqual([1 / 3, 0]);
    expect(block.tags.ca).toEqual([1 / 3, 0]);
  });
  it('CalcQualifiedBases with operator names and aliases', () => {
    const block = makeBlock([[r('ACGT', 'a', '!5IJ')]]);
    const counts: number[] = [];
    for (const op of ['>', 'below', 'Worse_or_equal', 'lte']) {
      const label = `q${counts.length}`;
      run(calcQualifiedBases, `out_label = '${label}'\nthreshold = 'I'\nop = '${op}'`, block);
      counts.push(block.tags[label]![0] as number);
    }
    expect(counts).toEqual([1, 2, 2, 3]);
    expect(() => parseStep(calcQualifiedBases, "out_label = 'q'\nthreshold = 'I'\noperator = 'sideways'")).toThrow(
      /'sideways' is not one of 'Above', 'Below', 'AboveOrEqual', 'BelowOrEqual'/,
    );
  });
  it('CalcExpectedError: sum / max of Phred+33 error probabilities; All by default; other bytes fail', () => {
    const block = makeBlock([[r('AC', 'a', '!+'), r('A', 'a', '5')]]);
    run(calcExpectedError, "out_label = 's'\naggregate = 'Sum'", block, {}, ['read1', 'read2']);
    run(calcExpectedError, "out_label = 'm'\naggregate = 'max'\nsegment = 'read2'", block, {}, ['read1', 'read2']);
    expect(block.tags.s).toEqual([1 + 0.1 + 0.01]);
    expect(block.tags.m).toEqual([0.01]);
    const bad = makeBlock([[r('A', 'bad', '\x1f')]]);
    expect(() => run(calcExpectedError, "out_label = 's'\naggregate = 'Sum'", bad)).toThrow(HtsError);
    expect(() => run(calcExpectedError, "out_label = 's'\naggregate = 'Sum'", makeBlock([[r('A', 'bad', '\x1f')]]))).toThrow(
      /Observed byte 31 \('\\x1f'\) in read 'bad'/,
    );
  });
});

describe('EvalExpression', () => {
  const evalTag = (
    expression: string,
    tags: Record<string, TagValue[]>,
    kinds: Record<string, TagKind>,
    resultType = 'numeric',
    block?: FastqBlock,
  ): TagValue[] => {
    const b =
      block ??
      makeBlock(
        (Object.values(tags)[0] ?? [0]).map((_, i) => [r('ACGTA', `r${i}`)]),
        tags,
      );
    run(evalExpression, `out_label = 'out'\nexpression = '''${expression}'''\nresult_type = '${resultType}'`, b, kinds);
    return b.tags.out!;
  };
  it('evaluates arithmetic with fasteval precedence and associativity', () => {
    expect(evalTag('1 + 2 * 3 ^ 2', {}, {})).toEqual([19]);
    expect(evalTag('2 ^ 3 ^ 2', {}, {})).toEqual([512]);
    expect(evalTag('10 - 2 - 3', {}, {})).toEqual([5]);
    expect(evalTag('7 % 4 + -2', {}, {})).toEqual([1]);
    expect(evalTag('12 / 2 / 3', {}, {})).toEqual([2]);
    expect(evalTag('(1 + 2) * [3]', {}, {})).toEqual([9]);
    expect(evalTag('2k + 5m', {}, {})).toEqual([2000.005]);
    expect(evalTag('min(3, 1, 2) + max(4; 5) + abs(-1) + int(2.7) + round(2.5) + sign(0) + floor(-0.5)', {}, {})).toEqual([
      1 + 5 + 1 + 2 + 3 + 1 - 1,
    ]);
    expect(evalTag('log(100) + log(2, 8) + round(0.5, 1.3)', {}, {})).toEqual([2 + 3 + 1.5]);
  });
  it('compares within 8 epsilon; && and || return operands', () => {
    expect(evalTag('0.1 + 0.2 == 0.3', {}, {})).toEqual([1]);
    expect(evalTag('2 && 3', {}, {})).toEqual([3]);
    expect(evalTag('0 || 4', {}, {})).toEqual([4]);
    expect(evalTag('1 < 2 < 3', {}, {})).toEqual([1]);
    expect(evalTag('!0 + !5', {}, {})).toEqual([1]);
  });
  it('reads tags: numbers, bools, present strings/locations as 1, missing as 0', () => {
    const tags = { n: [5, 2], b: [true, false], s: ['x', null], l: [loc(0, 2, 'AC'), null] };
    const kinds: Record<string, TagKind> = { n: 'numeric', b: 'bool', s: 'string', l: 'location' };
    expect(evalTag('n * 10 + b + s * 100 + l * 1000', tags, kinds)).toEqual([1151, 20]);
    expect(evalTag('n > 3 and b', tags, kinds, 'bool')).toEqual([true, false]);
  });
  it('len_ variables: segment lengths, string lengths, covered location lengths', () => {
    const tags = { s: ['abc', null], l: [[...loc(0, 2, 'AC'), { location: null, sequence: 'GGG' }], loc(1, 4, 'CGTA')] };
    expect(evalTag('len_read1 * 100 + len_s * 10 + len_l', tags, { s: 'string', l: 'location' })).toEqual([532, 504]);
    expect(() => evalTag('len_n', { n: [1] }, { n: 'numeric' })).toThrow(/numeric tag/);
  });
  it('read_no counts molecules across blocks and makes the step serial', () => {
    const config = parseStep(evalExpression, "out_label = 'o'\nexpr = 'read_no % 2 == 0'\noutput_type = 'Bool'");
    expect(evalExpression.needsSerial!(config)).toBe(true);
    const blocks = [one('A', 'C', 'G'), one('T', 'A')];
    applyStep(evalExpression, config, blocks);
    expect(blocks.map((b) => b.tags.o)).toEqual([
      [true, false, true],
      [false, true],
    ]);
  });
  it('declares its tag and uses only the variables left after constant folding', () => {
    const config = parseStep(
      evalExpression,
      "out_label = 'o'\nexpression = 'a + 0 * 0 + (0 && b)'\nresult_type = 'numeric'",
      environment(['read1'], { a: 'numeric', b: 'numeric' }),
    );
    expect(evalExpression.uses!(config)).toEqual(['a']);
    expect(evalExpression.declares!(config)).toEqual([{ label: 'o', kind: 'numeric' }]);
    expect(evalExpression.needsSerial!(config)).toBe(false);
  });
  it('reports syntax errors, unknown tags and unknown functions', () => {
    expect(() => parseStep(evalExpression, "out_label = 'o'\nexpression = '1 +'\nresult_type = 'Bool'")).toThrow(
      /Syntax error.*EofWhileParsing\("value"\)/,
    );
    expect(() => parseStep(evalExpression, "out_label = 'o'\nexpression = '1 = 2'\nresult_type = 'Bool'")).toThrow(
      /UnparsedTokensRemaining/,
    );
    expect(() => parseStep(evalExpression, "out_label = 'o'\nexpression = 'int(1, 2)'\nresult_type = 'Bool'")).toThrow(/WrongArgs/);
    expect(() => parseStep(evalExpression, "out_label = 'o'\nexpression = 'x'\nresult_type = 'Bool'")).toThrow(/tag 'x' is not set/);
    expect(() => parseStep(evalExpression, "out_label = 'o'\nexpression = '  '\nresult_type = 'Bool'")).toThrow(/cannot be empty/);
    expect(() => evalTag('f(1)', { f: [1] }, { f: 'numeric' })).toThrow(/Undefined\("f"\)/);
  });
});

describe('StoreTagInSequence / ReplaceTagWithLetter', () => {
  it('writes same-length replacements back with their qualities', () => {
    const block = makeBlock([[r('AACCGGTT', 'a', 'ABCDEFGH')]], { t: [loc(2, 2, 'tt')] });
    run(storeTagInSequence, "in_label = 't'", block, { t: 'location' });
    expect(readsOf(block)[0]![0]).toMatchObject({ seq: 'AAttGGTT', qual: 'ABCDEFGH' });
    expect(block.tags.t).toEqual([loc(2, 2, 'tt')]);
  });
  it('longer replacements get the mean quality and drop all locations; shorter keep them', () => {
    const block = makeBlock([[r('AACCGG', 'a', 'AACEGG')], [r('AACCGG', 'b', 'IIIIII')]], {
      t: [loc(2, 2, 'XYZ'), loc(2, 2, 'X')],
      o: [loc(0, 1, 'A'), loc(0, 1, 'A')],
    });
    run(storeTagInSequence, "in_label = 't'", block, { t: 'location', o: 'location' });
    expect(readsOf(block).map((m) => [m[0]!.seq, m[0]!.qual])).toEqual([
      ['AAXYZGG', 'AADDDGG'],
      ['AAXGG', 'IIIII'],
    ]);
    expect(block.tags.o![0]).toEqual([{ location: null, sequence: 'A' }]);
    expect(block.tags.o![1]).toEqual(loc(0, 1, 'A'));
  });
  it('fails on hits without location unless ignore_missing', () => {
    const tags = () => ({ t: [[{ location: null, sequence: 'A' }]] as TagValue[] });
    expect(() => run(storeTagInSequence, "in_label = 't'", makeBlock([[r('ACGT')]], tags()), { t: 'location' })).toThrow(
      /only works on regions with location data/,
    );
    const block = makeBlock([[r('ACGT')]], tags());
    run(storeTagInSequence, "in_label = 't'\nignore_missing = true", block, { t: 'location' });
    expect(readsOf(block)[0]![0]!.seq).toBe('ACGT');
    expect(() => parseStep(storeTagInSequence, "in_label = 't'", environment(['read1'], { t: 'string' }))).toThrow(/string tag/);
  });
  it('ReplaceTagWithLetter masks the located bases', () => {
    const block = makeBlock([[r('ACGTACGT', 'a', 'IIIIIIII')], [r('ACGT')]], { t: [[...loc(1, 2, 'CG'), ...loc(6, 5, 'GT')], null] });
    run(replaceTagWithLetter, "in_label = 't'\nletter = 'N'", block, { t: 'location' });
    expect(readsOf(block).map((m) => m[0]!.seq)).toEqual(['ANNTACNN', 'ACGT']);
  });
});

describe('StoreTagInComment / StoreTagLocationInComment', () => {
  it('inserts label=value before the first space, in every segment by default', () => {
    const block = makeBlock([[r('ACGT', 'r1 comment'), r('GG', 'r1/2')]], {
      t: [[...loc(0, 2, 'AC'), ...loc(0, 1, 'G', 1)]],
      n: [2.5],
      b: [true],
      m: [null],
    });
    const kinds: Record<string, TagKind> = { t: 'location', n: 'numeric', b: 'bool', m: 'string' };
    run(storeTagInComment, "in_label = 't'\nregion_separator = '-'", block, kinds, ['read1', 'read2']);
    run(storeTagInComment, "in_label = 'n'\nsegment = 'read1'", block, kinds, ['read1', 'read2']);
    run(storeTagInComment, "in_label = 'b'\nsegment = 'read1'\ncomment_separator = ';'", block, kinds, ['read1', 'read2']);
    run(storeTagInComment, "in_label = 'm'\nsegment = 'read2'", block, kinds, ['read1', 'read2']);
    expect(readsOf(block)[0]!.map((x) => x.name)).toEqual(['r1|t=AC-G|n=2.5000;b=1 comment', 'r1/2|t=AC-G|m=']);
  });
  it('refuses values holding the separator or insert char', () => {
    const block = makeBlock([[r('ACGT', 'r')]], { s: ['a|b'] });
    expect(() => run(storeTagInComment, "in_label = 's'", block, { s: 'string' })).toThrow(
      /must not contain the comment separator \('\|'\)/,
    );
    const block2 = makeBlock([[r('ACGT', 'r')]], { s: ['a b'] });
    expect(() => run(storeTagInComment, "in_label = 's'", block2, { s: 'string' })).toThrow(HtsError);
  });
  it('writes locations as segment:start-end', () => {
    const block = makeBlock(
      [
        [r('ACGT', 'r x'), r('GG', 'q')],
        [r('A', 's'), r('C', 't')],
      ],
      { t: [[...loc(0, 2, 'AC'), ...loc(1, 1, 'G', 1), { location: null, sequence: 'Q' }], null] },
    );
    run(storeTagLocationInComment, "in_label = 't'\nsegment = 'read1'\ncomment_insert_char = 'x'", block, { t: 'location' }, [
      'read1',
      'read2',
    ]);
    expect(readsOf(block).map((m) => m[0]!.name)).toEqual(['r |t_location=read1:0-2,read2:1-2x', 's|t_location=']);
    expect(() => parseStep(storeTagLocationInComment, "in_label = 't'", environment(['read1'], { t: 'numeric' }))).toThrow(/numeric tag/);
  });
});

describe('StoreTagsInTable', () => {
  it('writes a TSV with a header once, columns sorted, values formatted as mbf', () => {
    const config = parseStep(
      storeTagsInTable,
      "infix = 'tags'",
      environment(['read1'], { z: 'numeric', a: 'location', b: 'bool', s: 'string' }),
    );
    expect(storeTagsInTable.sideFiles!(config)).toEqual(['output_tags.tsv']);
    expect(storeTagsInTable.needsSerial!(config)).toBe(true);
    expect(storeTagsInTable.uses!(config).sort()).toEqual(['a', 'b', 's', 'z']);
    const blocks = [
      makeBlock([[r('A', 'read1 comment')]], { z: [3], a: [[...loc(0, 1, 'A'), ...loc(0, 1, 'C')]], b: [true], s: ['x\ty'] }),
      makeBlock([[r('C', 'read2')]], { z: [0.1], a: [null], b: [false], s: [null] }),
    ];
    applyStep(storeTagsInTable, config, blocks);
    const text = blocks.map((b) => b.side.map((s) => new TextDecoder().decode(s.bytes)).join('')).join('');
    expect(text).toBe('ReadName\ta\tb\ts\tz\nread1\tA_C\t1\t"x\ty"\t3\nread2\t\t0\t\t0.1\n');
  });
  it('honours in_labels, region_separator and gzip; needs a tag', () => {
    const config = parseStep(
      storeTagsInTable,
      "in_labels = ['a']\nregion_separator = '+'\ncompression = 'gz'",
      environment(['read1'], { a: 'location', q: 'numeric' }),
    );
    expect(storeTagsInTable.sideFiles!(config)).toEqual(['output.tsv.gz']);
    expect(storeTagsInTable.uses!(config).sort()).toEqual(['a', 'q']);
    const block = makeBlock([[r('A', 'n')]], { a: [[...loc(0, 1, 'A'), ...loc(0, 1, 'C')]], q: [1] });
    applyStep(storeTagsInTable, config, [block]);
    expect(gunzipSync(block.side[0]!.bytes).toString()).toBe('ReadName\ta\nn\tA+C\n');
    expect(() => parseStep(storeTagsInTable, '')).toThrow(/needs at least one tag/);
    expect(() => parseStep(storeTagsInTable, "compression = 'shu'", environment(['read1'], { a: 'bool' }))).toThrow(
      /'shu' is not one of 'Uncompressed', 'Gzip', 'Zstd'/,
    );
  });
});

describe('ConcatTags / ForgetTag / ForgetAllTags', () => {
  it('concatenates locations into a location tag', () => {
    const block = makeBlock([[r('ACGT')], [r('ACGT')]], { a: [loc(0, 1, 'A'), null], b: [loc(2, 2, 'GT'), loc(1, 1, 'C')] });
    const config = run(concatTags, "in_labels = ['a', 'b']\nout_label = 'c'\non_missing = 'merge_present'", block, {
      a: 'location',
      b: 'location',
    });
    expect(concatTags.declares!(config)).toEqual([{ label: 'c', kind: 'location' }]);
    expect(block.tags.c).toEqual([[...loc(0, 1, 'A'), ...loc(2, 2, 'GT')], loc(1, 1, 'C')]);
    // hits are copies: editing one tag's locations leaves the other's
    (block.tags.c![1] as { location: unknown }[])[0]!.location = null;
    expect(block.tags.b![1]).toEqual(loc(1, 1, 'C'));
  });
  it('concatenates strings with a separator; SetMissing', () => {
    const block = makeBlock([[r('A')], [r('A')]], { a: [loc(0, 1, 'A'), null], s: ['xy', 'z'] });
    const config = run(concatTags, "in_labels = ['a', 's']\nout_label = 'c'\nseparator = '-'\non_missing = 'MergePresent'", block, {
      a: 'location',
      s: 'string',
    });
    expect(concatTags.declares!(config)).toEqual([{ label: 'c', kind: 'string' }]);
    expect(block.tags.c).toEqual(['A-xy', 'z']);
    run(concatTags, "in_labels = ['a', 's']\nout_label = 'd'\non_missing = 'set_missing'", block, { a: 'location', s: 'string' });
    expect(block.tags.d).toEqual(['Axy', null]);
  });
  it('rejects fewer than two, duplicate or numeric inputs', () => {
    const env = environment(['read1'], { a: 'location', n: 'numeric' });
    expect(() => parseStep(concatTags, "in_labels = ['a']\nout_label = 'c'\non_missing = 'SetMissing'", env)).toThrow(
      /at least two input labels/,
    );
    expect(() => parseStep(concatTags, "in_labels = ['a', 'a']\nout_label = 'c'\non_missing = 'SetMissing'", env)).toThrow(
      /Duplicate input label/,
    );
    expect(() => parseStep(concatTags, "in_labels = ['a', 'n']\nout_label = 'c'\non_missing = 'SetMissing'", env)).toThrow(/numeric tag/);
  });
  it('ForgetTag drops one tag, ForgetAllTags all', () => {
    const block = makeBlock([[r('A')]], { a: [1], b: [true] });
    const config = run(forgetTag, "in_label = 'a'", block, { a: 'numeric', b: 'bool' });
    expect(forgetTag.removes!(config)).toEqual(['a']);
    expect(Object.keys(block.tags)).toEqual(['b']);
    expect(() => parseStep(forgetTag, "in_label = 'zz'")).toThrow(/not set by any earlier step/);
    const all = run(forgetAllTags, '', block);
    expect(forgetAllTags.removes!(all)).toBe('all');
    expect(block.tags).toEqual({});
  });
});
