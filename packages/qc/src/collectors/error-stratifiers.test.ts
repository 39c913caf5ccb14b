/**
 * The compiled counter's digits (each part's matchDigit) against the general path's (fastDigit of the part's value),
 * on aligned bases of random reads made to hit the edges: lower case, N, IUPAC codes, '.', byte 0 and '=' in reads and
 * reference, both strands, qualities over 127, reads longer than the cycle's fast range, long homopolymers, NM absent,
 * zero or large, context windows at both read ends.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '@shoal/tools/dist/random.js';
import { compileMatchDigit } from './error-compiled.js';
import {
  BaseType,
  fastDigit,
  NULL_DIGIT,
  PARTS,
  STRATIFIERS,
  type ErrorBase,
  type ErrorRead,
  type StratifierContext,
} from './error-stratifiers.js';

/** A seeded generator (the project's mulberry32), as a function. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

const LETTERS = 'ACGTACGTACGTACGTacgtNnRYKM.=-*'
  .split('')
  .map((c) => c.charCodeAt(0))
  .concat([0, 200]);

function randomRead(next: () => number): ErrorRead {
  const shape = next();
  const length = shape < 0.05 ? 1 : shape < 0.1 ? 1100 + Math.floor(next() * 200) : 1 + Math.floor(next() * 160);
  const bases = new Uint8Array(length);
  const homopolymer = next() < 0.2;
  for (let i = 0; i < length; i++)
    bases[i] = homopolymer && i > 0 && next() < 0.9 ? bases[i - 1]! : LETTERS[Math.floor(next() * LETTERS.length)]!;
  const qualities = Uint8Array.from({ length }, () => (next() < 0.1 ? 128 + Math.floor(next() * 128) : Math.floor(next() * 45)));
  const nmShape = next();
  return {
    name: 'r',
    flag: (next() < 0.5 ? 16 : 0) | 1 | (next() < 0.5 ? 64 : 128),
    mapq: 60,
    refId: 0,
    start: 1,
    mateRefId: 0,
    mateStart: 1,
    templateLength: 300,
    bases,
    qualities,
    cigar: Uint32Array.of((length << 4) | 0),
    nm: nmShape < 0.2 ? null : nmShape < 0.4 ? 0 : nmShape < 0.5 ? 1020 + Math.floor(next() * 10) : Math.floor(next() * 10),
    hasSupplementaryTag: false,
    firstStrandCopies: null,
    secondStrandCopies: null,
    bothStrandsCopies: null,
    readGroup: null,
    cache: [],
    digits: undefined,
    strata: [],
    local: undefined,
    entries: 0,
  };
}

describe('matchDigit (the compiled counter) equals fastDigit of the value (the general path)', () => {
  const context: StratifierContext = { longHomopolymer: 6, locationBinSize: 2500, maxInsertSize: 0 };
  const parts = PARTS.filter((p) => p.matchDigit !== undefined);

  it('covers every part that is not read-level', () => {
    expect(parts.map((p) => p.id)).toEqual(PARTS.filter((p) => !p.readLevel).map((p) => p.id));
  });

  for (const part of parts) {
    const names = STRATIFIERS.filter((s) => s.parts.includes(part)).map((s) => s.name);
    it(`${names.join(', ')} (part ${part.id})`, () => {
      const next = random(part.id + 1);
      const digit = compileMatchDigit(part.id, context);
      const textCodes = PARTS.map(() => new Map<string, number>());
      const seen = new Set<number>();
      for (let n = 0; n < 3000; n++) {
        const read = randomRead(next);
        const ref = LETTERS[Math.floor(next() * LETTERS.length)]!;
        for (let offset = 0; offset < read.bases.length; offset += 1 + Math.floor(next() * 4)) {
          const base: ErrorBase = { read, offset, type: BaseType.Match, referenceBase: ref, indelOp: -1, indelLength: 0 };
          const value = part.value(base, context);
          const expected = value === null ? NULL_DIGIT : fastDigit(part, value, textCodes);
          const actual = digit(read, offset, ref);
          if (actual !== expected)
            expect({
              actual,
              offset,
              ref,
              reverse: (read.flag & 16) !== 0,
              bases: String.fromCharCode(...read.bases.slice(0, 20)),
            }).toEqual({
              actual: expected,
            });
          seen.add(expected);
        }
      }
      // The inputs reach the part's fast range and (but for INDEL_LENGTH, always 0 here) its edges.
      expect([...seen].some((d) => d >= 0)).toBe(true);
      if (names[0] !== 'INDEL_LENGTH') expect(seen.size).toBeGreaterThan(1);
    });
  }
});
