import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { emptyReadsBlock, HtsError } from '@shoal/hts';
import { FastqBlock, type Hit, type TagValue } from '../block.js';
import { applyStep, environment, makeBlock, parseStep, readsOf, type TestRead } from '../test-support/blocks.js';
import type { StepDefinition } from './types.js';
import { cutEnd } from './edits/cut-end.js';
import { truncate } from './edits/truncate.js';
import { prefix } from './edits/prefix.js';
import { postfix } from './edits/postfix.js';
import { swap } from './edits/swap.js';
import { rename } from './edits/rename.js';
import { convertQuality } from './edits/convert-quality.js';
import { lowercase } from './edits/lowercase.js';
import { uppercase } from './edits/uppercase.js';
import { trimAtTag } from './edits/trim-at-tag.js';
import { skip } from './filters/skip.js';
import { filterEmpty } from './filters/filter-empty.js';
import { filterByTag } from './filters/filter-by-tag.js';
import { filterByNumericTag } from './filters/filter-by-numeric-tag.js';
import { filterSample } from './filters/filter-sample.js';
import { filterReservoirSample } from './filters/filter-reservoir-sample.js';
import { validateSeq } from './validate/validate-seq.js';
import { validateQuality } from './validate/validate-quality.js';
import { validateName } from './validate/validate-name.js';
import { readPairingStep, validateReadPairing } from './validate/validate-read-pairing.js';
import { validateAllReadsSameLength } from './validate/validate-all-reads-same-length.js';
import { progress } from './reports/progress.js';
import { inspect } from './reports/inspect.js';
import { allActions, findStep } from './index.js';
import { expandReplacement, rustRegex, rustReplaceAll } from './rust-regex.js';
import { thousandsFormat } from './rust-display.js';
import { uniform } from './seeded-random.js';

const seqs = (block: FastqBlock, segment = 0) => readsOf(block).map((m) => m[segment]!.seq);
const names = (block: FastqBlock, segment = 0) => readsOf(block).map((m) => m[segment]!.name);
const hit = (start: number, len: number, segment = 0, sequence = 'X'.repeat(len)): Hit => ({ location: { start, len, segment }, sequence });
const single = (...reads: (string | TestRead)[]) => makeBlock(reads.map((r, i) => [typeof r === 'string' ? { name: `r${i}`, seq: r } : r]));
const finalBlock = (segments = 1) =>
  new FastqBlock(
    Array.from({ length: segments }, () => emptyReadsBlock()),
    0,
    new Float64Array(0),
    {},
    [],
    true,
  );

/** Runs a serial step as the engine would: state structured-cloned between blocks (threads). */
function applySerial<C>(step: StepDefinition<C>, config: C, blocks: FastqBlock[], segments: string[] = ['read1']): unknown {
  let state: unknown = step.initState?.(config);
  const compiled = step.compile?.(config);
  blocks.forEach((block, blockIndex) => {
    const context = { segments, state: structuredClone(state), compiled, blockIndex, endInput: () => undefined };
    step.apply(block, config, context);
    state = context.state;
  });
  return state;
}

const PAIRED = environment(['read1', 'read2']);

describe('CutEnd / Truncate', () => {
  it('CutEnd cuts n bases and qualities from the end, never past the start', () => {
    const block = makeBlock([[{ name: 'a', seq: 'ACGTAC', qual: 'ABCDEF' }], [{ name: 'b', seq: 'AC', qual: 'AB' }]]);
    applyStep(cutEnd, parseStep(cutEnd, 'n = 3'), [block]);
    expect(readsOf(block).map((m) => [m[0]!.seq, m[0]!.qual])).toEqual([
      ['ACG', 'ABC'],
      ['', ''],
    ]);
  });
  it('CutEnd drops locations that reach past the new end and honours if_tag', () => {
    const env = environment(['read1'], { loc: 'location', flag: 'bool' });
    const tags: Record<string, TagValue[]> = { loc: [[hit(0, 2)], [hit(2, 3)], [hit(2, 3)]], flag: [true, true, false] };
    const block = makeBlock([[{ name: 'a', seq: 'ACGTA' }], [{ name: 'b', seq: 'ACGTA' }], [{ name: 'c', seq: 'ACGTA' }]], tags);
    applyStep(cutEnd, parseStep(cutEnd, "n = 2\nif_tag = 'flag'", env), [block]);
    expect(seqs(block)).toEqual(['ACG', 'ACG', 'ACGTA']);
    const loc = block.tags.loc as Hit[][];
    expect(loc[0]![0]!.location).toEqual({ start: 0, len: 2, segment: 0 });
    expect(loc[1]![0]!.location).toBeNull();
    expect(loc[2]![0]!.location).toEqual({ start: 2, len: 3, segment: 0 });
  });
  it('CutEnd refuses n = 0', () => {
    expect(() => parseStep(cutEnd, 'n = 0')).toThrow(/at least 1/);
  });
  it('Truncate keeps at most n bases; n = 0 empties reads', () => {
    const block = single('ACGTAC', 'AC');
    applyStep(truncate, parseStep(truncate, 'n = 4'), [block]);
    expect(seqs(block)).toEqual(['ACGT', 'AC']);
    expect(readsOf(block)[0]![0]!.qual).toBe('IIII');
    const empty = single('ACGT');
    applyStep(truncate, parseStep(truncate, 'n = 0'), [empty]);
    expect(seqs(empty)).toEqual(['']);
  });
  it('Truncate on the second segment leaves the first alone', () => {
    const block = makeBlock([
      [
        { name: 'a', seq: 'AAAA' },
        { name: 'a', seq: 'CCCC' },
      ],
    ]);
    applyStep(truncate, parseStep(truncate, "n = 1\nsegment = 'read2'", PAIRED), [block], ['read1', 'read2']);
    expect(readsOf(block)[0]!.map((r) => r.seq)).toEqual(['AAAA', 'C']);
  });
});

describe('Prefix / Postfix', () => {
  it('Prefix adds bases and qualities and shifts locations', () => {
    const env = environment(['read1'], { loc: 'location' });
    const block = makeBlock([[{ name: 'a', seq: 'ACGT', qual: 'ABCD' }]], { loc: [[hit(1, 2)]] });
    applyStep(prefix, parseStep(prefix, "seq = 'NNa'\nqual = '!!#'", env), [block]);
    expect(readsOf(block)[0]![0]).toEqual({ name: 'a', seq: 'NNaACGT', qual: '!!#ABCD' });
    expect((block.tags.loc as Hit[][])[0]![0]!.location).toEqual({ start: 4, len: 2, segment: 0 });
  });
  it('Prefix with if_tag only touches the chosen molecules', () => {
    const env = environment(['read1'], { flag: 'bool' });
    const block = single('AC', 'GT');
    block.tags.flag = [false, true];
    applyStep(prefix, parseStep(prefix, "seq = 'TT'\nqual = 'II'\nif_tag = 'flag'", env), [block]);
    expect(seqs(block)).toEqual(['AC', 'TTGT']);
  });
  it('Postfix adds at the end and leaves locations as they are', () => {
    const env = environment(['read1'], { loc: 'location' });
    const block = makeBlock([[{ name: 'a', seq: 'ACGT', qual: 'ABCD' }], [{ name: 'b', seq: '', qual: '' }]], { loc: [[hit(1, 2)], null] });
    applyStep(postfix, parseStep(postfix, "seq = 'GG'\nqual = 'IJ'", env), [block]);
    expect(readsOf(block).map((m) => [m[0]!.seq, m[0]!.qual])).toEqual([
      ['ACGTGG', 'ABCDIJ'],
      ['GG', 'IJ'],
    ]);
    expect((block.tags.loc as Hit[][])[0]![0]!.location).toEqual({ start: 1, len: 2, segment: 0 });
  });
  it('Prefix / Postfix check seq, qual and their lengths', () => {
    expect(() => parseStep(prefix, "seq = 'AC'\nqual = 'I'")).toThrow(/same length/);
    expect(() => parseStep(postfix, "seq = 'AX'\nqual = 'II'")).toThrow(/invalid DNA base/);
    expect(() => parseStep(prefix, "seq = 'AC'\nqual = '  '")).toThrow(/quality values must be in the range \(33\.\.126\)/);
    expect(() => parseStep(prefix, "seq = 'AC'\nqual = '55'\nencoding = 'Illumina1.3'")).toThrow(/range \(64\.\.126\)/);
    expect(parseStep(prefix, "seq = 'AC'\nqual = 'hh'\nencoding = 'illumina13'").seq).toEqual([65, 67]);
  });
});

describe('Swap', () => {
  const pair = (a: string, b: string, name = 'm'): TestRead[] => [
    { name: `${name}/1`, seq: a },
    { name: `${name}/2`, seq: b },
  ];
  it('swaps two segments without keys when there are exactly two; locations follow', () => {
    const env = environment(['read1', 'read2'], { loc: 'location' });
    const block = makeBlock([pair('AAA', 'CC')], { loc: [[hit(0, 1, 0), hit(1, 1, 1)]] });
    applyStep(swap, parseStep(swap, '', env), [block], ['read1', 'read2']);
    expect(readsOf(block)[0]!.map((r) => [r.name, r.seq])).toEqual([
      ['m/2', 'CC'],
      ['m/1', 'AAA'],
    ]);
    expect((block.tags.loc as Hit[][])[0]!.map((h) => h.location!.segment)).toEqual([1, 0]);
  });
  it('with if_tag swaps only the chosen molecules', () => {
    const env = environment(['read1', 'read2', 'index1'], { flag: 'bool', loc: 'location' });
    const block = makeBlock(
      [
        [...pair('AAA', 'CC', 'x'), { name: 'i', seq: 'T' }],
        [...pair('GGG', 'TT', 'y'), { name: 'i', seq: 'T' }],
        [...pair('ACA', 'GT', 'z'), { name: 'i', seq: 'T' }],
      ],
      { flag: [true, false, true], loc: [[hit(0, 1, 0)], [hit(0, 1, 0)], [hit(0, 1, 2)]] },
    );
    applyStep(swap, parseStep(swap, "segment_a = 'read1'\nsegment_b = 'read2'\nif_tag = 'flag'", env), [block], env.segments);
    expect(readsOf(block).map((m) => m.map((r) => r.seq))).toEqual([
      ['CC', 'AAA', 'T'],
      ['GGG', 'TT', 'T'],
      ['GT', 'ACA', 'T'],
    ]);
    expect(readsOf(block)[0]![0]!.name).toBe('x/2');
    expect((block.tags.loc as Hit[][]).map((v) => v[0]!.location!.segment)).toEqual([1, 0, 2]);
  });
  it('needs both segment keys, or two segments, and two different segments', () => {
    const three = environment(['read1', 'read2', 'index1']);
    expect(() => parseStep(swap, '', three)).toThrow(/more \(or fewer\) than 2 segments/);
    expect(() => parseStep(swap, "segment_a = 'read1'", three)).toThrow(/specify both segment_a and segment_b/);
    expect(() => parseStep(swap, "segment_a = 'read1'\nsegment_b = 'read1'", three)).toThrow(/identical/);
    expect(() => parseStep(swap, "segment_a = 'readx'\nsegment_b = 'read1'", three)).toThrow(/segment 'readx' is not in \[input\]/);
  });
});

describe('Rename', () => {
  it('applies a Rust regex with $n replacements to every segment', () => {
    const block = makeBlock([
      [
        { name: 'READ1/1', seq: 'A' },
        { name: 'READ1/2', seq: 'A' },
      ],
    ]);
    const config = parseStep(rename, "search = '(.)/([1/2])$'\nreplacement = '$1 $2'", PAIRED);
    expect(rename.needsSerial!(config)).toBe(false);
    applyStep(rename, config, [block], ['read1', 'read2']);
    expect(readsOf(block)[0]!.map((r) => r.name)).toEqual(['READ1 1', 'READ1 2']);
  });
  it('{{READ_INDEX}} counts molecules over blocks (serial), the same for both segments', () => {
    const config = parseStep(rename, "search = '^(.*)/(\\d)$'\nreplacement = 'LIB-{{READ_INDEX}}/$2'", PAIRED);
    expect(rename.needsSerial!(config)).toBe(true);
    const blocks = [0, 1].map((b) =>
      makeBlock(
        [0, 1, 2].map((i) => [
          { name: `q${b}${i}/1`, seq: 'A' },
          { name: `q${b}${i}/2`, seq: 'A' },
        ]),
      ),
    );
    applySerial(rename, config, blocks, ['read1', 'read2']);
    expect(blocks.flatMap((b) => names(b, 0))).toEqual(['LIB-0/1', 'LIB-1/1', 'LIB-2/1', 'LIB-3/1', 'LIB-4/1', 'LIB-5/1']);
    expect(blocks.flatMap((b) => names(b, 1))).toEqual(['LIB-0/2', 'LIB-1/2', 'LIB-2/2', 'LIB-3/2', 'LIB-4/2', 'LIB-5/2']);
  });
  it('longer and shorter names, named groups, no match', () => {
    const block = single({ name: 'abc def', seq: 'A' }, { name: 'xy', seq: 'A' });
    applyStep(rename, parseStep(rename, "search = '(?P<first>\\w+) (?P<second>\\w+)'\nreplacement = '${second}_$first'"), [block]);
    expect(names(block)).toEqual(['def_abc', 'xy']);
    const longer = single({ name: 'n1', seq: 'A' });
    applyStep(rename, parseStep(rename, "search = '(.+)'\nreplacement = 'some_random_text $1'"), [longer]);
    expect(names(longer)).toEqual(['some_random_text n1']);
  });
  it('follows Rust replacement and empty-match rules', () => {
    const regex = rustRegex('(.)');
    const match = regex.exec('ab')!;
    expect(expandReplacement('$1a|${1}a|$$|$', match)).toBe('|aa|$|$');
    expect(rustReplaceAll('baaab', rustRegex('a*'), '-')).toBe('-b-b-');
    expect(rustReplaceAll('abc', rustRegex('(?i)B'), 'x')).toBe('axc');
  });
  it('rejects an invalid regex', () => {
    expect(() => parseStep(rename, "search = '(unclosed'\nreplacement = 'x'")).toThrow(/Invalid regex/);
  });
});

describe('ConvertQuality', () => {
  it('Sanger -> Illumina1.3 -> Sanger round-trips', () => {
    const block = makeBlock([[{ name: 'a', seq: 'ACGT', qual: '!5I~' }]]);
    applyStep(convertQuality, parseStep(convertQuality, "from = 'Sanger'\nto = 'Illumina1.3'"), [block]);
    expect(readsOf(block)[0]![0]!.qual).toBe('@Th~'); // '~' (93 + 31) is clamped to 126
    applyStep(convertQuality, parseStep(convertQuality, "from = 'Illumina1.3'\nto = 'Sanger'"), [block]);
    expect(readsOf(block)[0]![0]!.qual).toBe('!5I_');
  });
  it('Solexa conversions follow the log-odds formulas and clamp', () => {
    const block = makeBlock([[{ name: 'a', seq: 'AAAA', qual: '!+5I' }]]); // Phred 0, 10, 20, 40
    applyStep(convertQuality, parseStep(convertQuality, "from = 'Sanger'\nto = 'Solexa'"), [block]);
    // Solexa = 10 log10(10^(q/10) - 1): -inf (clamped to ';' = 59), 10, 20, 40 (+64)
    expect(readsOf(block)[0]![0]!.qual).toBe(';JTh');
    applyStep(convertQuality, parseStep(convertQuality, "from = 'Solexa'\nto = 'Sanger'"), [block]);
    // Phred = 10 log10(10^(s/10) + 1): s = -5 -> 1, 10 -> 10, 20 -> 20, 40 -> 40 (+33)
    expect(readsOf(block)[0]![0]!.qual).toBe('"+5I');
  });
  it('checks the qualities against `from` first, naming the read', () => {
    const block = makeBlock([[{ name: 'Read1', seq: 'AA', qual: 'C#' }]]);
    const config = parseStep(convertQuality, "from = 'Illumina1.3'\nto = 'Sanger'");
    expect(() => applyStep(convertQuality, config, [block])).toThrow(HtsError);
    expect(() => applyStep(convertQuality, config, [block])).toThrow(
      "Invalid phred quality found. Expected 64..=126 (@..=~) : Error in read named 'Read1', Quality: 'C#' Bytes: [67, 35]",
    );
  });
  it('refuses converting to the same encoding and unknown names', () => {
    expect(() => parseStep(convertQuality, "from = 'Sanger'\nto = 'illumina1.8'")).toThrow(/identical/);
    expect(() => parseStep(convertQuality, "from = 'Phred'\nto = 'Sanger'")).toThrow(/not one of/);
    // mbf matches enum names ignoring case, '_', '-' and '.'
    expect(parseStep(convertQuality, "from = 'solexa'\nto = 'illumina_1_3'")).toEqual({ from: 'Solexa', to: 'Illumina13' });
    expect(parseStep(convertQuality, "from = 'ILLUMINA1.8'\nto = 'Illumina-1.3'")).toEqual({ from: 'Sanger', to: 'Illumina13' });
  });
});

describe('Lowercase / Uppercase', () => {
  it('changes a segment, all segments, or only the molecules of if_tag', () => {
    const block = makeBlock([
      [
        { name: 'A', seq: 'ACgt' },
        { name: 'B', seq: 'nN' },
      ],
    ]);
    applyStep(lowercase, parseStep(lowercase, "target = 'read1'", PAIRED), [block], PAIRED.segments);
    expect(readsOf(block)[0]!.map((r) => r.seq)).toEqual(['acgt', 'nN']);
    applyStep(uppercase, parseStep(uppercase, "segment = 'All'", PAIRED), [block], PAIRED.segments);
    expect(readsOf(block)[0]!.map((r) => r.seq)).toEqual(['ACGT', 'NN']);
    expect(readsOf(block)[0]!.map((r) => r.name)).toEqual(['A', 'B']);
    const env = environment(['read1'], { flag: 'bool' });
    const conditional = single('AC', 'GT');
    conditional.tags.flag = [true, false];
    applyStep(lowercase, parseStep(lowercase, "source = 'read1'\nif_tag = 'flag'", env), [conditional]);
    expect(seqs(conditional)).toEqual(['ac', 'GT']);
  });
  it('name:segment changes the name up to the comment only', () => {
    const block = single({ name: 'ReadOne Comment', seq: 'ACGT' });
    applyStep(lowercase, parseStep(lowercase, "source = 'name:read1'"), [block]);
    expect(readsOf(block)[0]![0]).toMatchObject({ name: 'readone Comment', seq: 'ACGT' });
  });
  it('tag:label changes the hit sequences of a location tag', () => {
    const env = environment(['read1'], { loc: 'location' });
    const block = single('ACGT');
    block.tags.loc = [[hit(0, 2, 0, 'AC')]];
    applyStep(lowercase, parseStep(lowercase, "target = 'tag:loc'", env), [block]);
    expect((block.tags.loc as Hit[][])[0]![0]!.sequence).toBe('ac');
    expect(seqs(block)).toEqual(['ACGT']);
    expect(lowercase.uses!(parseStep(lowercase, "target = 'tag:loc'", env))).toEqual(['loc']);
  });
  it('needs a target, an existing segment or a string/location tag', () => {
    expect(() => parseStep(lowercase, '')).toThrow(/missing required key 'target'/);
    expect(() => parseStep(lowercase, "target = 'read9'")).toThrow(/segment not found/);
    expect(() => parseStep(uppercase, "target = 'tag:nope'")).toThrow(/not set by any earlier step/);
    expect(() => parseStep(uppercase, "target = 'tag:n'", environment(['read1'], { n: 'numeric' }))).toThrow(/numeric tag/);
  });
});

describe('TrimAtTag', () => {
  const env = environment(['read1'], { adapter: 'location', other: 'location' });
  const make = () =>
    makeBlock([[{ name: 'a', seq: 'AAAACCGGTT', qual: 'ABCDEFGHIJ' }], [{ name: 'b', seq: 'ACGT' }]], {
      adapter: [[hit(4, 2, 0, 'CC')], null],
      other: [[hit(7, 2, 0, 'GT')], [hit(0, 1, 0, 'A')]],
    });
  it('End without keep_tag cuts at the region start; the tag loses its location', () => {
    const block = make();
    applyStep(trimAtTag, parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'End'\nkeep_tag = false", env), [block]);
    expect(seqs(block)).toEqual(['AAAA', 'ACGT']);
    expect(readsOf(block)[0]![0]!.qual).toBe('ABCD');
    expect((block.tags.adapter as Hit[][])[0]![0]).toEqual({ location: null, sequence: 'CC' });
    expect((block.tags.other as Hit[][])[0]![0]!.location).toBeNull();
    expect((block.tags.other as Hit[][])[1]![0]!.location).toEqual({ start: 0, len: 1, segment: 0 });
    expect(Object.keys(block.tags)).toEqual(['other', 'adapter']); // re-inserted last, as mbf does
  });
  it('End with keep_tag keeps the region and its location', () => {
    const block = make();
    applyStep(trimAtTag, parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'end'\nkeep_tag = true", env), [block]);
    expect(seqs(block)).toEqual(['AAAACC', 'ACGT']);
    expect((block.tags.adapter as Hit[][])[0]![0]!.location).toEqual({ start: 4, len: 2, segment: 0 });
  });
  it('Start shifts the other locations; keep_tag moves the tag to 0', () => {
    const block = make();
    applyStep(trimAtTag, parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'Start'\nkeep_tag = true", env), [block]);
    expect(seqs(block)).toEqual(['CCGGTT', 'ACGT']);
    expect((block.tags.adapter as Hit[][])[0]![0]!.location).toEqual({ start: 0, len: 2, segment: 0 });
    expect((block.tags.other as Hit[][])[0]![0]!.location).toEqual({ start: 3, len: 2, segment: 0 });
    expect((block.tags.other as Hit[][])[1]![0]!.location).toEqual({ start: 0, len: 1, segment: 0 });
    const cut = make();
    applyStep(trimAtTag, parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'Start'\nkeep_tag = false", env), [cut]);
    expect(seqs(cut)).toEqual(['GGTT', 'ACGT']);
    expect((cut.tags.adapter as Hit[][])[0]![0]!.location).toBeNull();
    expect((cut.tags.other as Hit[][])[0]![0]!.location).toEqual({ start: 1, len: 2, segment: 0 });
  });
  it('refuses tags with several regions and non-location tags', () => {
    const block = single('ACGTACGT');
    block.tags.adapter = [[hit(0, 1), hit(3, 1)]];
    block.tags.other = [null];
    const config = parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'End'\nkeep_tag = false", env);
    expect(() => applyStep(trimAtTag, config, [block])).toThrow(/only supports Tags that cover one single region/);
    expect(() =>
      parseStep(trimAtTag, "in_label = 'n'\ndirection = 'End'\nkeep_tag = false", environment(['read1'], { n: 'numeric' })),
    ).toThrow(/numeric tag/);
    expect(() => parseStep(trimAtTag, "in_label = 'adapter'\ndirection = 'Middle'\nkeep_tag = false", env)).toThrow(
      /not one of 'Start', 'End'/,
    );
  });
});

describe('Skip and filters', () => {
  it('Skip drops the first n molecules over blocks, tags included', () => {
    const blocks = [0, 1, 2].map((b) =>
      makeBlock(
        [0, 1].map((i) => [{ name: `r${b * 2 + i}`, seq: 'A' }]),
        { t: [b * 2, b * 2 + 1] },
      ),
    );
    applySerial(skip, parseStep(skip, 'n = 3'), blocks);
    expect(blocks.map((b) => names(b))).toEqual([[], ['r3'], ['r4', 'r5']]);
    expect(blocks[1]!.tags.t).toEqual([3]);
    expect(Array.from(blocks[1]!.inputIndex)).toEqual([1]);
    expect(skip.needsSerial!(parseStep(skip, 'n = 3'))).toBe(true);
  });
  it('FilterEmpty drops empty reads of a segment, or of all segments with All', () => {
    const molecules = [
      [
        { name: 'a', seq: '' },
        { name: 'a', seq: 'AC' },
      ],
      [
        { name: 'b', seq: '' },
        { name: 'b', seq: '' },
      ],
      [
        { name: 'c', seq: 'G' },
        { name: 'c', seq: '' },
      ],
    ];
    const one = makeBlock(molecules);
    applyStep(filterEmpty, parseStep(filterEmpty, "segment = 'read1'", PAIRED), [one], PAIRED.segments);
    expect(names(one)).toEqual(['c']);
    const all = makeBlock(molecules);
    applyStep(filterEmpty, parseStep(filterEmpty, "segment = 'All'", PAIRED), [all], PAIRED.segments);
    expect(names(all)).toEqual(['a', 'c']);
    expect(() => parseStep(filterEmpty, '', PAIRED)).toThrow(/missing required key 'segment'/);
  });
  it('FilterByTag keeps or removes by truthiness', () => {
    const env = environment(['read1'], { b: 'bool', loc: 'location' });
    const make = () => {
      const block = single('A', 'C', 'G');
      block.tags.b = [true, false, true];
      block.tags.loc = [[hit(0, 1)], null, []];
      return block;
    };
    const keep = make();
    applyStep(filterByTag, parseStep(filterByTag, "in_label = 'loc'\nkeep_or_remove = 'Keep'", env), [keep]);
    expect(seqs(keep)).toEqual(['A', 'G']);
    expect(keep.tags.b).toEqual([true, true]);
    const remove = make();
    applyStep(filterByTag, parseStep(filterByTag, "in_label = 'b'\nkeep_or_remove = 'remove'", env), [remove]);
    expect(seqs(remove)).toEqual(['C']);
    expect(() => parseStep(filterByTag, "in_label = 'x'\nkeep_or_remove = 'Keep'", env)).toThrow(/not set by any earlier step/);
    expect(() => parseStep(filterByTag, "in_label = 'n'\nkeep_or_remove = 'Keep'", environment(['read1'], { n: 'numeric' }))).toThrow(
      /numeric tag/,
    );
  });
  it('FilterByNumericTag: min inclusive, max exclusive, missing values never pass', () => {
    const env = environment(['read1'], { len: 'numeric' });
    const make = () => {
      const block = single('A', 'C', 'G', 'T', 'N');
      block.tags.len = [1, 2, 3, null, 2.5];
      return block;
    };
    const keep = make();
    applyStep(
      filterByNumericTag,
      parseStep(filterByNumericTag, "in_label = 'len'\nmin_value = 2\nmax_value = 3\nkeep_or_remove = 'Keep'", env),
      [keep],
    );
    expect(seqs(keep)).toEqual(['C', 'N']);
    const remove = make();
    applyStep(filterByNumericTag, parseStep(filterByNumericTag, "in_label = 'len'\nmin_value = 2\nkeep_or_remove = 'Remove'", env), [
      remove,
    ]);
    expect(seqs(remove)).toEqual(['A', 'T']);
    expect(() => parseStep(filterByNumericTag, "in_label = 'len'\nkeep_or_remove = 'Keep'", env)).toThrow(
      /at least one of min_value or max_value/,
    );
    expect(() =>
      parseStep(filterByNumericTag, "in_label = 'b'\nmin_value = 1\nkeep_or_remove = 'Keep'", environment(['read1'], { b: 'bool' })),
    ).toThrow(/bool tag/);
  });
});

describe('FilterSample / FilterReservoirSample', () => {
  it('uniform() follows the documented mixing', () => {
    expect(uniform({ lo: 0, hi: 0 }, 0)).toBe(0);
    const values = Array.from({ length: 1000 }, (_, i) => uniform({ lo: 42, hi: 0 }, i));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });
  it('FilterSample keeps by input index: the same whatever the block split', () => {
    const config = parseStep(filterSample, 'p = 0.3\nseed = 42');
    const reads = Array.from({ length: 2000 }, (_, i) => [{ name: `r${i}`, seq: 'A' }]);
    const whole = makeBlock(reads);
    applyStep(filterSample, config, [whole]);
    const parts = [0, 700, 1500].map((from, k, all) => makeBlock(reads.slice(from, all[k + 1] ?? 2000), {}, from));
    applyStep(filterSample, config, parts);
    expect(parts.flatMap((b) => names(b))).toEqual(names(whole));
    expect(whole.count).toBeGreaterThan(520);
    expect(whole.count).toBeLessThan(680);
    const kept = Array.from(whole.inputIndex);
    expect(kept.every((i) => uniform({ lo: 42, hi: 0 }, i) < 0.3)).toBe(true);
  });
  it('FilterSample checks p and needs a seed', () => {
    expect(() => parseStep(filterSample, 'p = 1.0\nseed = 1')).toThrow(/p must be in \(0.0..1.0\)/);
    expect(() => parseStep(filterSample, 'p = 0\nseed = 1')).toThrow(/p must be in/);
    expect(() => parseStep(filterSample, 'p = 0.5')).toThrow(/missing required key 'seed'/);
    expect(parseStep(filterSample, 'p = 0.5\nseed = 4294967297').seed).toEqual({ lo: 1, hi: 1 });
  });
  it('FilterReservoirSample keeps everything (in order) when there are fewer than n', () => {
    const config = parseStep(filterReservoirSample, 'n = 10\nseed = 1');
    const blocks = [
      makeBlock([[{ name: 'a', seq: 'A' }], [{ name: 'b', seq: 'C' }]], { t: [1, 2] }),
      makeBlock([[{ name: 'c', seq: 'G' }]], { t: [3] }, 2),
      finalBlock(),
    ];
    applySerial(filterReservoirSample, config, blocks);
    expect(blocks.map((b) => b.count)).toEqual([0, 0, 3]);
    expect(names(blocks[2]!)).toEqual(['a', 'b', 'c']);
    expect(blocks[2]!.tags.t).toEqual([1, 2, 3]);
    expect(Array.from(blocks[2]!.inputIndex)).toEqual([0, 1, 2]);
  });
  it('FilterReservoirSample keeps exactly n, in input order, the same for any block split', () => {
    const config = parseStep(filterReservoirSample, 'n = 5\nseed = 7');
    const reads = Array.from({ length: 100 }, (_, i) => [
      { name: `r${i}`, seq: 'ACGT'.slice(0, 1 + (i % 4)) },
      { name: `r${i}/2`, seq: 'T' },
    ]);
    const run = (cuts: number[]) => {
      const blocks = cuts.map((from, k) => makeBlock(reads.slice(from, cuts[k + 1] ?? 100), {}, from));
      const last = finalBlock(2);
      applySerial(filterReservoirSample, config, [...blocks, last], ['read1', 'read2']);
      return last;
    };
    const a = run([0]);
    const b = run([0, 3, 50, 51, 99]);
    expect(a.count).toBe(5);
    expect(names(b)).toEqual(names(a));
    expect(names(a, 1)).toEqual(names(a).map((n) => `${n}/2`));
    const order = Array.from(a.inputIndex);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(() => parseStep(filterReservoirSample, 'n = 0\nseed = 1')).toThrow(/n must be > 0/);
  });
});

describe('validation steps', () => {
  it('ValidateSeq passes allowed letters and names the first bad read', () => {
    const ok = single('ACGT');
    applyStep(validateSeq, parseStep(validateSeq, "allowed = 'ACGTN'"), [ok]);
    const bad = single({ name: 'Read1', seq: 'ACNX' });
    expect(() => applyStep(validateSeq, parseStep(validateSeq, "allowed = 'ACGT'"), [bad])).toThrow(
      "Invalid base found in read named 'Read1', sequence: 'ACNX' Bytes: [65, 67, 78, 88]",
    );
  });
  it('ValidateQuality checks the range of the encoding on a segment or all', () => {
    const block = makeBlock([
      [
        { name: 'a', seq: 'AA', qual: 'II' },
        { name: 'b', seq: 'AA', qual: 'I ' },
      ],
    ]);
    applyStep(validateQuality, parseStep(validateQuality, "encoding = 'Sanger'\nsegment = 'read1'", PAIRED), [block], PAIRED.segments);
    expect(() =>
      applyStep(validateQuality, parseStep(validateQuality, "encoding = 'Sanger'\nsegment = 'all'", PAIRED), [block], PAIRED.segments),
    ).toThrow("Invalid phred quality found. Expected 33..=126 (!..=~) : Error in read named 'b', Quality: 'I ' Bytes: [73, 32]");
    expect(() => parseStep(validateQuality, "segment = 'read1'", PAIRED)).toThrow(/missing required key 'encoding'/);
  });
  it('ValidateName compares names up to readname_end_char on sampled molecules', () => {
    const make = (first: string[], second: string[]) =>
      makeBlock(
        first.map((n, i) => [
          { name: n, seq: 'A' },
          { name: second[i]!, seq: 'A' },
        ]),
      );
    const config = parseStep(validateName, "readname_end_char = '_'\nsample_stride = 1", PAIRED);
    applyStep(validateName, config, [make(['A_1', 'B_1'], ['A_2', 'B_2'])], PAIRED.segments);
    expect(() => applyStep(validateName, config, [make(['Alpha_1', 'Beta_1'], ['Alpha_2', 'Gamma_2'])], PAIRED.segments)).toThrow(
      'ValidateNamew detected mismatched read names near read 1 (0-based, sampled every 1 reads).\nFirst segment (prefix): Beta,\nOther segment (prefix): Gamma\nFirst segment (full name): Beta_1,\nOther segment (full name): Gamma_2\nFix your input, \n    or adjust the read_name_end_char option on this step, \n    or remove the ValidateName step.',
    );
    expect(() => applyStep(validateName, config, [make(['Alpha_1'], ['Alpha'])], PAIRED.segments)).toThrow(
      "ValidateName did not find the expected readname_end_char 'Some(95)' in read Alpha at read index 0 on another segment",
    );
    // sampled every 2nd: the mismatch at index 1 goes unseen
    applyStep(validateName, parseStep(validateName, 'sample_stride = 2', PAIRED), [make(['A', 'B'], ['A', 'C'])], PAIRED.segments);
    expect(() => parseStep(validateName, '')).toThrow(/requires at least two input segments/);
    expect(() => parseStep(validateName, 'readname_end_char = 300', PAIRED)).toThrow(/out of range/);
    expect(parseStep(validateName, 'readname_end_char = 47', PAIRED).endChar).toBe(47);
  });
  it('ValidateReadPairing allows one differing byte, not two, nor other lengths', () => {
    const make = (a: string, b: string) =>
      makeBlock([
        [
          { name: a, seq: 'A' },
          { name: b, seq: 'A' },
        ],
      ]);
    const config = parseStep(validateReadPairing, '', PAIRED);
    expect(config).toEqual({ sampleStride: 1000 });
    applyStep(validateReadPairing, config, [make('READ_A/1', 'READ_A/2')], PAIRED.segments);
    expect(() => applyStep(validateReadPairing, config, [make('READ_A/1', 'READ_B/2')], PAIRED.segments)).toThrow(
      "ValidateReadPairing detected mismatched read names near read 0.\n                Had a hamming distance above 1: 2\n                First segment's read: READ_A/1\n                Mismatched read     : READ_B/2\n                Fix your input,",
    );
    expect(() => applyStep(validateReadPairing, config, [make('R/1', 'RR/2')], PAIRED.segments)).toThrow(
      /mismatched read name lengths[\s\S]*First segment name: "R\/1", length 3/,
    );
    expect(() => parseStep(validateReadPairing, 'sample_stride = 0', PAIRED)).toThrow(/must be > 0/);
    expect(() => parseStep(validateReadPairing, '')).toThrow(/requires at least two input segments/);
    expect(readPairingStep(1)).toBeUndefined();
    expect(readPairingStep(2)!.config).toEqual({ sampleStride: 1000 });
  });
  it('ValidateAllReadsSameLength compares with the first length, across blocks', () => {
    const config = parseStep(validateAllReadsSameLength, "source = 'read1'");
    expect(validateAllReadsSameLength.needsSerial!(config)).toBe(true);
    applySerial(validateAllReadsSameLength, config, [single('ACGT', 'TTTT'), single('GGGG')]);
    expect(() => applySerial(validateAllReadsSameLength, config, [single('ACGT'), single('GGGG', 'GG')])).toThrow(
      "ValidateAllReadsSameLength: Observed differing read lengths for source 'read1' (4, 2). Check your input FASTQ or remove the step if this is expected.",
    );
    const all = parseStep(validateAllReadsSameLength, "segment = 'all'", PAIRED);
    const paired = makeBlock([
      [
        { name: 'a', seq: 'AAAAAAA' },
        { name: 'a', seq: 'AAAAAAA' },
      ],
      [
        { name: 'b', seq: 'AAAA' },
        { name: 'b', seq: 'AAAAAAAAAAAA' },
      ],
      [
        { name: 'c', seq: 'AA' },
        { name: 'c', seq: 'AA' },
      ],
    ]);
    expect(() => applySerial(validateAllReadsSameLength, all, [paired], PAIRED.segments)).toThrow(/source 'all' \(14, 16\)/);
    const byName = parseStep(validateAllReadsSameLength, "source = 'name:read1'");
    applySerial(validateAllReadsSameLength, byName, [single({ name: 'ab x', seq: 'A' }, { name: 'cd yyyy', seq: 'AA' })]);
    const tagEnv = environment(['read1'], { s: 'string' });
    const byTag = parseStep(validateAllReadsSameLength, "source = 'tag:s'", tagEnv);
    const tagged = single('A', 'A', 'A');
    tagged.tags.s = ['abc', null, 'ab'];
    expect(() => applySerial(validateAllReadsSameLength, byTag, [tagged])).toThrow(/source 'tag:s' \(3, 2\)/);
    expect(() => parseStep(validateAllReadsSameLength, '')).toThrow(/missing required key 'source'/);
  });
});

describe('Progress / Inspect', () => {
  it('Progress with output_infix writes lines to a side file, with the final summary', () => {
    const config = parseStep(progress, "n = 2\noutput_infix = 'run'");
    expect(progress.sideFiles!(config)).toEqual(['output_run.progress']);
    const blocks = [single('A', 'C'), single('G', 'T'), finalBlock()];
    applySerial(progress, config, blocks);
    const text = blocks.flatMap((b) => b.side.map((s) => new TextDecoder().decode(s.bytes))).join('');
    expect(text).toMatch(
      /^Processed Total: 0, Elapsed: 0s\nProcessed Total: 2, Elapsed: 0s\nTook \d+\.\d\d s \(00:00:00\) to process 4 molecules for an effective rate of .* molecules\/s\n$/,
    );
  });
  it('Progress without output_infix writes to standard error only', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write');
    try {
      const config = parseStep(progress, '');
      expect(config).toEqual({ n: 1_000_000, file: undefined });
      const blocks = [single('A'), finalBlock()];
      applySerial(progress, config, blocks);
      expect(blocks.every((b) => b.side.length === 0)).toBe(true);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/Processed Total: 0, Elapsed: 0s\nTook .* to process 1 molecules/);
      expect(out).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      out.mockRestore();
    }
  });
  it('thousandsFormat groups like mbf', () => {
    expect(thousandsFormat(337903, 0)).toBe('337_903');
    expect(thousandsFormat(282803.746, 2)).toBe('282_803.75');
    expect(thousandsFormat(12, 2)).toBe('12.00');
  });
  it('Inspect dumps the first n molecules of a segment as FASTQ', () => {
    const config = parseStep(inspect, "n = 3\ninfix = 'tcepsni'\nsegment = 'read2'", PAIRED);
    expect(inspect.sideFiles!(config)).toEqual(['output_tcepsni_read2.fq']);
    const mol = (i: number): TestRead[] => [
      { name: `m${i}/1`, seq: 'AC', qual: 'II' },
      { name: `m${i}/2`, seq: 'GT', qual: 'JJ' },
    ];
    const blocks = [makeBlock([mol(0), mol(1)]), makeBlock([mol(2), mol(3)], {}, 2), makeBlock([mol(4)], {}, 4), finalBlock(2)];
    applySerial(inspect, config, blocks, PAIRED.segments);
    const text = blocks.flatMap((b) => b.side.map((s) => new TextDecoder().decode(s.bytes))).join('');
    expect(text).toBe('@m0/2\nGT\n+\nJJ\n@m1/2\nGT\n+\nJJ\n@m2/2\nGT\n+\nJJ\n');
    expect(blocks.map((b) => b.count)).toEqual([2, 2, 1, 0]); // reads pass through
  });
  it('Inspect with segment = all interleaves; gzip comes as one member at the end', () => {
    const config = parseStep(inspect, "n = 5\ninfix = 'x'\nsegment = 'all'\ncompression = 'Gzip'", PAIRED);
    expect(inspect.sideFiles!(config)).toEqual(['output_x_interleaved.fq.gz']);
    const blocks = [
      makeBlock([
        [
          { name: 'a1', seq: 'A', qual: 'I' },
          { name: 'a2', seq: 'C', qual: 'I' },
        ],
      ]),
      finalBlock(2),
    ];
    applySerial(inspect, config, blocks, PAIRED.segments);
    expect(blocks[0]!.side).toEqual([]);
    expect(blocks[1]!.side).toHaveLength(1);
    expect(gunzipSync(blocks[1]!.side[0]!.bytes).toString()).toBe('@a1\nA\n+\nI\n@a2\nC\n+\nI\n');
  });
  it('Inspect names with a custom suffix and checks its keys', () => {
    expect(inspect.sideFiles!(parseStep(inspect, "n = 1\ninfix = 'i'\nsuffix = 'txt'"))).toEqual(['output_i_read1.txt']);
    expect(() => parseStep(inspect, "n = 1\ninfix = 'i'\ncompression = 'gzip'\ncompression_level = 10")).toThrow(/0-9 for gzip/);
    expect(() => parseStep(inspect, "n = 1\ninfix = 'i'\ncompression = 'zstd'\ncompression_level = 0")).toThrow(/1-22 for zstd/);
    expect(() => parseStep(inspect, "n = 1\ninfix = 'i'\nformat = 'Bam'")).toThrow(/only 'fastq' or 'fasta'/);
    expect(() => parseStep(inspect, 'n = 1')).toThrow(/missing required key 'infix'/);
  });
});

describe('registry', () => {
  it('registers every step of the group, with mbf aliases', () => {
    const actions = allActions();
    for (const action of [
      'CutEnd',
      'Truncate',
      'Prefix',
      'Postfix',
      'Swap',
      'Rename',
      'ConvertQuality',
      'Lowercase',
      'Uppercase',
      'TrimAtTag',
      'Skip',
      'FilterEmpty',
      'FilterByTag',
      'FilterByNumericTag',
      'FilterSample',
      'FilterReservoirSample',
      'ValidateSeq',
      'ValidateQuality',
      'ValidateName',
      'ValidateReadPairing',
      'ValidateAllReadsSameLength',
      'Progress',
      'Inspect',
    ]) {
      expect(actions).toContain(action);
      expect(findStep(action)?.action).toBe(action);
    }
    expect(findStep('reservoirsample')?.apply).toBe(filterReservoirSample.apply);
    expect(findStep('SpotCheckReadNames')?.apply).toBe(validateReadPairing.apply);
  });
});
