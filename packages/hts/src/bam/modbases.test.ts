import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HtsError } from '../errors.js';
import {
  encodeModifiedBases,
  mlToProbability,
  parseModifiedBaseGroups,
  parseModifiedBases,
  probabilityToMl,
  type ModifiedBaseCall,
  type ModifiedBaseGroup,
} from './modbases.js';

/** hts-specs test/SAMtags (see test/fixtures/modbases/README.md for the commit and licence). */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/modbases');
const VECTORS = ['MM-chebi', 'MM-double', 'MM-explicit', 'MM-multi', 'MM-orient'];

interface SamRecord {
  name: string;
  reverse: boolean;
  sequence: string;
  mm: string;
  ml: Uint8Array | undefined;
  mn: number | undefined;
}

function readSam(name: string): SamRecord[] {
  const lines = fs.readFileSync(path.join(FIXTURES, `${name}.sam`), 'utf8').split('\n');
  return lines
    .filter((line) => line !== '' && !line.startsWith('@'))
    .map((line) => {
      const fields = line.split('\t');
      const tags = fields.slice(11);
      const tag = (prefix: string): string | undefined => tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
      const ml = tag('ML:B:C,');
      const mn = tag('MN:i:');
      return {
        name: fields[0]!,
        reverse: (Number(fields[1]) & 16) !== 0,
        sequence: fields[9]!,
        mm: tag('MM:Z:')!,
        ml: ml === undefined ? undefined : Uint8Array.from(ml.split(','), Number),
        mn: mn === undefined ? undefined : Number(mn),
      };
    });
}

/** parse_mm.pl's complement (tr/ACGTUMRWSYKVHDBN/TGCAAKYWSRMBDHVN/). */
function complement(base: string): string {
  const from = 'ACGTUMRWSYKVHDBN';
  const to = 'TGCAAKYWSRMBDHVN';
  const i = from.indexOf(base);
  return i < 0 ? base : to[i]!;
}

/** The .txt expansion of parse_mm.pl from our parsed calls: the read as sequenced, top and bottom strand. */
function expand(record: SamRecord, calls: ModifiedBaseCall[]): string {
  const length = record.sequence.length;
  const original = Array.from({ length }, (_, i) => (record.reverse ? complement(record.sequence[length - 1 - i]!) : record.sequence[i]!));
  const top = [...original];
  const bottom = original.map(complement);
  for (const call of calls) {
    const at = record.reverse ? length - 1 - call.queryPosition : call.queryPosition;
    const percent = Math.trunc(((call.probability! + 0.5) / 256.0) * 100);
    const text = /^\d+$/.test(call.code) ? `(${call.code})${percent}` : `${call.code}${percent}`;
    if (call.strand === '+') top[at] += text;
    else bottom[at] += text;
  }
  return top.map((t, i) => `${t}\t${bottom[i]}\n`).join('');
}

/** Groups as encodeModifiedBases takes them, from parsed groups (probabilities at the middle of each ML range). */
function regroup(record: SamRecord): ModifiedBaseGroup[] {
  return parseModifiedBaseGroups(record.mm, record.ml, record.sequence, record.reverse).map((group) => ({
    ...group,
    probabilities: Array.from(group.mlValues!, mlToProbability),
  }));
}

describe('hts-specs test/SAMtags vectors', () => {
  for (const name of VECTORS) {
    it(`${name}: parses to the expansion in ${name}.txt`, () => {
      const records = readSam(name);
      const expected = fs.readFileSync(path.join(FIXTURES, `${name}.txt`), 'utf8');
      const got = records.map((record) =>
        expand(record, parseModifiedBases(record.mm, record.ml, record.sequence, record.reverse, record.mn)),
      );
      expect(got.join('\n')).toBe(expected);
    });

    it(`${name}: parse → encode gives the same MM and ML`, () => {
      for (const record of readSam(name)) {
        const encoded = encodeModifiedBases(record.sequence, record.reverse, regroup(record));
        expect(encoded.mm).toBe(record.mm);
        expect(Array.from(encoded.ml)).toEqual(Array.from(record.ml!));
        expect(encoded.mn).toBe(record.sequence.length);
        if (record.mn !== undefined) expect(encoded.mn).toBe(record.mn);
      }
    });
  }

  it('MM-orient: a reverse record gives the same calls as its forward copy, at mirrored SEQ positions', () => {
    const [topForward, topReverse, bottomForward, bottomReverse] = readSam('MM-orient');
    for (const [forward, reverse] of [
      [topForward!, topReverse!],
      [bottomForward!, bottomReverse!],
    ] as const) {
      const a = parseModifiedBases(forward.mm, forward.ml, forward.sequence, false);
      const b = parseModifiedBases(reverse.mm, reverse.ml, reverse.sequence, true);
      const length = forward.sequence.length;
      expect(b.map((call) => ({ ...call, queryPosition: length - 1 - call.queryPosition }))).toEqual(a);
    }
    // top-fwd C+m,1,3,0: the 2nd, 6th and 7th C of the read (SEQ positions 7, 30, 31).
    expect(parseModifiedBases(topForward!.mm, topForward!.ml, topForward!.sequence, false).map((c) => c.queryPosition)).toEqual([
      7, 30, 31,
    ]);
    // top-rev: the same C's as G's of SEQ, counted from its right end (what pysam's modified_bases reports: 28, 5, 4).
    expect(parseModifiedBases(topReverse!.mm, topReverse!.ml, topReverse!.sequence, true).map((c) => c.queryPosition)).toEqual([28, 5, 4]);
  });
});

/** A read whose C's are numbered: C number k (1-based) is at index 2(k-1)+1 of `(AC)^25`. */
const AC25 = 'AC'.repeat(25);
const cIndex = (k: number): number => 2 * (k - 1) + 1;

describe('SAMtags §1.7 examples', () => {
  it('C+m,5,12,0: the 6th, 19th and 20th C', () => {
    const calls = parseModifiedBases('C+m,5,12,0;', [10, 20, 30], AC25, false);
    expect(calls.map((c) => c.queryPosition)).toEqual([cIndex(6), cIndex(19), cIndex(20)]);
    expect(calls.map((c) => c.probability)).toEqual([10, 20, 30]);
    expect(calls.every((c) => c.base === 'C' && c.strand === '+' && c.code === 'm' && c.mode === '')).toBe(true);
  });

  it('C+m?,5,12,0 and C+m.,5,12,0 carry the flag', () => {
    expect(parseModifiedBases('C+m?,5,12,0;', undefined, AC25, false).map((c) => c.mode)).toEqual(['?', '?', '?']);
    expect(parseModifiedBases('C+m.,5,12,0;', undefined, AC25, false).map((c) => c.mode)).toEqual(['.', '.', '.']);
    expect(parseModifiedBases('C+m?,5,12,0;', undefined, AC25, false).map((c) => c.probability)).toEqual([undefined, undefined, undefined]);
  });

  it('G-m,14: the 15th G, counted on the top strand, modified on the other', () => {
    const sequence = 'GT'.repeat(20);
    const [call] = parseModifiedBases('G-m,14;', [255], sequence, false);
    expect(call).toMatchObject({ base: 'G', strand: '-', code: 'm', queryPosition: 28, probability: 255 });
  });

  it('C+m; (an empty list) says no call, and takes no ML value', () => {
    expect(parseModifiedBaseGroups('C+m;', new Uint8Array(0), AC25, false)).toEqual([
      { base: 'C', strand: '+', code: 'm', mode: '', queryPositions: [], mlValues: new Uint8Array(0) },
    ]);
    expect(
      encodeModifiedBases(AC25, false, [{ base: 'C', strand: '+', code: 'm', mode: '', queryPositions: [], probabilities: [] }]).mm,
    ).toBe('C+m;');
  });

  it('C+mh,5,12 equals C+m,5,12;C+h,5,12 with ML interleaved (204,26,89,130 against 204,89,26,130)', () => {
    const separate = parseModifiedBases('C+m,5,12;C+h,5,12;', [204, 89, 26, 130], AC25, false);
    const combined = parseModifiedBases('C+mh,5,12;', [204, 26, 89, 130], AC25, false);
    const key = (c: ModifiedBaseCall): string => `${c.queryPosition}${c.code}${c.probability}`;
    expect(combined.map(key).sort()).toEqual(separate.map(key).sort());
    // The 6th C: 80% 5mC, 10% 5hmC.
    expect(combined.slice(0, 2).map((c) => [c.code, c.probability])).toEqual([
      ['m', 204],
      ['h', 26],
    ]);
  });

  it('C+76792,57 (a ChEBI code) calls the same base as C+h,57', () => {
    const sequence = 'C'.repeat(60);
    const chebi = parseModifiedBases('C+76792,57;', [1], sequence, false);
    const letter = parseModifiedBases('C+h,57;', [1], sequence, false);
    expect(chebi[0]!.code).toBe('76792');
    expect(chebi[0]!.queryPosition).toBe(letter[0]!.queryPosition);
    expect(chebi[0]!.queryPosition).toBe(57);
  });

  it('N+n,100: the 101st base, whatever its type', () => {
    const sequence = 'ACGTN'.repeat(30);
    const [call] = parseModifiedBases('N+n,100;', [7], sequence, false);
    expect(call!.queryPosition).toBe(100);
    const [reverse] = parseModifiedBases('N+n,100;', [7], sequence, true);
    expect(reverse!.queryPosition).toBe(sequence.length - 101);
  });

  it('C+C,10 (an ambiguity code, upper case) with ML 229', () => {
    const [call] = parseModifiedBases('C+C,10;', [229], AC25, false);
    expect(call).toMatchObject({ code: 'C', queryPosition: cIndex(11), probability: 229 });
    expect(mlToProbability(229)).toBeCloseTo(0.9, 2);
  });
});

describe('probabilities and ML', () => {
  it('writes floor(p·256), 1.0 as 255', () => {
    expect([0, 1 / 256 - 1e-12, 1 / 256, 0.5, 0.8, 0.999, 1].map(probabilityToMl)).toEqual([0, 0, 1, 128, 204, 255, 255]);
  });

  it('refuses probabilities outside 0-1', () => {
    for (const p of [-0.01, 1.01, Number.NaN]) expect(() => probabilityToMl(p)).toThrow(/outside 0-1/);
  });

  it('probabilities → ML → back within 1/256', () => {
    const sequence = 'A'.repeat(1001);
    const positions = Array.from({ length: 1001 }, (_, i) => i);
    const probabilities = positions.map((i) => i / 1000);
    const encoded = encodeModifiedBases(sequence, false, [
      { base: 'A', strand: '+', code: 'a', mode: '?', queryPositions: positions, probabilities },
    ]);
    expect(encoded.mm).toBe(`A+a?${',0'.repeat(1001)};`);
    const calls = parseModifiedBases(encoded.mm, encoded.ml, sequence, false, encoded.mn);
    for (const call of calls)
      expect(Math.abs(mlToProbability(call.probability!) - probabilities[call.queryPosition]!)).toBeLessThanOrEqual(1 / 256);
  });
});

describe('encodeModifiedBases', () => {
  it('counts skips on the original strand of a reverse record, from positions in any order', () => {
    // SEQ as stored; the read as sequenced is its reverse complement, TTGCATGCAT…
    const sequence = 'ATGCATGCAA';
    // Original strand: TTGCATGCAT; its A's are at original 4 and 8, i.e. SEQ 5 and 1 (both T in SEQ).
    const encoded = encodeModifiedBases(sequence, true, [
      { base: 'A', strand: '+', code: 'a', mode: '?', queryPositions: [1, 5], probabilities: [0.9, 0.1] },
    ]);
    expect(encoded.mm).toBe('A+a?,0,0;');
    // Original order: SEQ 5 (original 4) first, then SEQ 1.
    expect(Array.from(encoded.ml)).toEqual([25, 230]);
    expect(parseModifiedBases(encoded.mm, encoded.ml, sequence, true).map((c) => c.queryPosition)).toEqual([5, 1]);
    // Two C's skipped between: the original's C's at 3 and 7 are SEQ 6 and 2 (G's in SEQ).
    expect(
      encodeModifiedBases(sequence, true, [{ base: 'C', strand: '+', code: 'm', mode: '', queryPositions: [2], probabilities: [1] }]).mm,
    ).toBe('C+m,1;');
  });

  it('skips bases of the type between calls, and writes multi-code groups interleaved', () => {
    const encoded = encodeModifiedBases(AC25, false, [
      {
        base: 'C',
        strand: '+',
        code: 'mh',
        mode: '.',
        queryPositions: [cIndex(20), cIndex(6), cIndex(19)],
        probabilities: [0.5, 0.1, 0.8, 0.1, 0.2, 0.3],
      },
    ]);
    expect(encoded.mm).toBe('C+mh.,5,12,0;');
    expect(Array.from(encoded.ml)).toEqual([204, 25, 51, 76, 128, 25]);
  });

  it("refuses a position whose base is not the group's, naming both strands for a reverse record", () => {
    const group = (q: number): ModifiedBaseGroup => ({
      base: 'A',
      strand: '+',
      code: 'a',
      mode: '?',
      queryPositions: [q],
      probabilities: [0.5],
    });
    expect(() => encodeModifiedBases('ACGT', false, [group(1)])).toThrow(/query position 1 holds C, not A/);
    // SEQ A at 0 is a T on the original strand.
    expect(() => encodeModifiedBases('ACGT', true, [group(0)])).toThrow(
      /holds A \(T on the original strand of this reverse record\), not A/,
    );
    expect(encodeModifiedBases('ACGT', true, [group(3)]).mm).toBe('A+a?,0;');
  });

  it('refuses duplicate positions, positions outside SEQ, bad codes and mismatched probabilities', () => {
    const base = { base: 'C', strand: '+', code: 'm', mode: '' } as const;
    expect(() => encodeModifiedBases(AC25, false, [{ ...base, queryPositions: [1, 1], probabilities: [0, 0] }])).toThrow(/listed twice/);
    expect(() => encodeModifiedBases(AC25, false, [{ ...base, queryPositions: [50], probabilities: [0] }])).toThrow(/outside the sequence/);
    expect(() => encodeModifiedBases(AC25, false, [{ ...base, code: 'm1', queryPositions: [1], probabilities: [0] }])).toThrow(
      /bad modification code/,
    );
    expect(() => encodeModifiedBases(AC25, false, [{ ...base, code: 'mh', queryPositions: [1], probabilities: [0] }])).toThrow(
      /1 probabilities for 1 positions × 2 codes/,
    );
    expect(() => encodeModifiedBases(AC25, false, [{ ...base, base: 'X', queryPositions: [], probabilities: [] }])).toThrow(
      /A, C, G, T, U or N/,
    );
  });

  it('counts T for U, and every base for N', () => {
    expect(
      encodeModifiedBases('ATTGT', false, [{ base: 'U', strand: '+', code: '17802', mode: '', queryPositions: [4], probabilities: [1] }])
        .mm,
    ).toBe('U+17802,2;');
    expect(
      encodeModifiedBases('ATTGT', false, [{ base: 'N', strand: '+', code: 'N', mode: '?', queryPositions: [3, 1], probabilities: [1, 0] }])
        .mm,
    ).toBe('N+N?,1,1;');
  });
});

describe('malformed tags', () => {
  const refuse = (mm: string, ml: number[] | undefined, pattern: RegExp, sequence = AC25, mn?: number): void => {
    let error: unknown;
    try {
      parseModifiedBases(mm, ml, sequence, false, mn);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HtsError);
    expect((error as Error).message).toMatch(pattern);
  };

  it('a skip count that runs past the last base of its type', () => {
    expect(parseModifiedBases('C+m,24;', [0], AC25, false)[0]!.queryPosition).toBe(cIndex(25));
    refuse('C+m,25;', [0], /MM group 1 "C\+m,25": skip count 25 \(call 1\) runs past the last C of the read \(25 on the read strand\)/);
    refuse('C+m,5,20;', [0, 0], /skip count 20 \(call 2\) runs past the last C/);
    // G's of a reverse record are counted on the original strand: (AC)^25 reversed and complemented has 25 G's.
    expect(() => parseModifiedBases('G+o,24,0;', [0, 0], AC25, true)).toThrow(
      /runs past the last G of the read \(25 on the reverse-complemented \(original\) read strand\)/,
    );
  });

  it('an ML length that does not match MM', () => {
    refuse('C+m,5,12;', [1], /ML holds 1 values but MM lists 2/);
    refuse('C+m,5;', [1, 2], /ML holds 2 values but MM lists 1/);
    refuse('C+mh,5;', [1], /ML holds 1 values but MM lists 2/);
    refuse('', [1], /ML holds 1 values but MM lists no modification/);
  });

  it('bad codes, bases, strands and separators', () => {
    refuse('C+m1,5;', undefined, /bad modification code "m1"/);
    refuse('C+,5;', undefined, /no modification code/);
    refuse('X+m,5;', undefined, /base must be one of A, C, G, T, U or N/);
    refuse('C*m,5;', undefined, /followed by \+ or -/);
    refuse('C+m,5', undefined, /does not end with ';'/);
    refuse('C+m,-1;', undefined, /skip counts must be whole numbers/);
    refuse('C+m,5,,3;', undefined, /skip counts must be whole numbers/);
    refuse('C+m,5;', [256], /ML value 256 is outside 0-255/);
  });

  it('an MN that differs from the sequence length', () => {
    refuse('C+m,5;', [1], /MN:i:49 differs from the sequence length 50/, AC25, 49);
    expect(parseModifiedBases('C+m,5;', [1], AC25, false, 50)).toHaveLength(1);
  });
});
