/**
 * Base modifications: the MM, ML and MN tags (SAMtags §1.7, "Base modifications").
 *
 * MM:Z is a list of groups `<base><strand><codes>[.?](,<skip>)*;`. Each skip counts bases of the
 * group's base type to pass over before the next called one, counted from the 5' end of the read
 * as sequenced: for a record with FLAG 0x10 that is the reverse complement of SEQ, so a `C` group
 * of a reverse record counts the G's of SEQ from its right end. `N` counts every base (not only N
 * calls). ML:B:C holds one probability per called base and code, interleaved for a multi-code
 * group (`C+mh`: m then h at the first base, m then h at the second…); value v stands for
 * [v/256, (v+1)/256). MN:i is the SEQ length the two tags were written for.
 *
 * Positions in this module's API are always 0-based indices into SEQ as stored in the BAM, so a
 * caller never reverses anything; the translation to and from the original strand happens here.
 * The rules follow htslib's parser (sam_mods.c, bam_parse_basemod2): base types counted by exact
 * 4-bit code (an IUPAC `R` is not an `A`), `U` counted as `T` (BAM stores U as T), codes that are
 * letters (either case: the ambiguity codes `C`, `A`, … are upper case) or one ChEBI number, and
 * the `.`/`?` flag after the codes.
 */
import { HtsError, quoted } from '../errors.js';

/** How skipped bases of a group's type read: `.` or '' low probability of modification, `?` not looked at. */
export type ModificationMode = '.' | '?' | '';
export type ModificationStrand = '+' | '-';

/** One modification call at one base (a multi-code group gives one call per code). */
export interface ModifiedBaseCall {
  /** The canonical base as written in MM (A, C, G, T, U or N), on the original read strand. */
  base: string;
  /** `+`: the modification is on the sequenced strand; `-`: on its complement. */
  strand: ModificationStrand;
  /** One code: a letter (`m`, `h`, `a`, or an ambiguity code such as `N`) or a ChEBI number (`76792`). */
  code: string;
  /** 0-based index into SEQ as stored (for a reverse record, the base's place after reverse complementing). */
  queryPosition: number;
  /** The ML value, 0-255 (probability in [v/256, (v+1)/256)); undefined when there is no ML tag. */
  probability: number | undefined;
  /** The group's `.`/`?` flag, '' when absent. */
  mode: ModificationMode;
}

/** One MM group as encodeModifiedBases takes it. */
export interface ModifiedBaseGroup {
  base: string;
  strand: ModificationStrand;
  /** One ChEBI number, or one or more letters (`mh`: several modifications at the same bases). */
  code: string;
  mode: ModificationMode;
  /** 0-based indices into SEQ as stored, in any order. */
  queryPositions: readonly number[];
  /** Probabilities 0..1: one per position and code, interleaved per position in code order (as ML stores them). */
  probabilities: readonly number[];
}

/** One MM group as parsed: positions in MM's order (the original strand's 5' to 3'), ML values as stored. */
export interface ParsedModifiedBaseGroup {
  base: string;
  strand: ModificationStrand;
  code: string;
  mode: ModificationMode;
  queryPositions: number[];
  /** The group's ML values (positions × codes, interleaved), or undefined without an ML tag. */
  mlValues: Uint8Array | undefined;
}

export interface EncodedModifiedBases {
  mm: string;
  ml: Uint8Array;
  /** For MN:i: the SEQ length the tags describe. */
  mn: number;
}

/** The ML value of a probability: floor(p·256), 1.0 clamped to 255 (SAMtags §1.7: v means [v/256, (v+1)/256)). */
export function probabilityToMl(probability: number): number {
  if (!(probability >= 0 && probability <= 1)) throw new HtsError(`modification probability ${probability} is outside 0-1`);
  return Math.min(255, Math.floor(probability * 256));
}

/** The middle of the probability range an ML value stands for, (v + 0.5)/256: within 1/512 of any probability it came from. */
export function mlToProbability(value: number): number {
  return (value + 0.5) / 256;
}

/** A group's code as its list of codes: a ChEBI number is one code, letters are one code each. */
export function modificationCodes(code: string): string[] {
  return /^[0-9]+$/.test(code) ? [code] : code.split('');
}

const GROUP_PATTERN = /^([ACGTUN])([+-])([A-Za-z]+|[1-9][0-9]*)([.?]?)((?:,[0-9]+)*)$/;
const CODE_PATTERN = /^(?:[A-Za-z]+|[1-9][0-9]*)$/;

/** What is wrong with one MM group's text (it failed GROUP_PATTERN). */
function groupProblem(group: string): string {
  if (!/^[ACGTUN]/.test(group)) return `the base must be one of A, C, G, T, U or N`;
  if (!/^.[+-]/.test(group)) return `the base must be followed by + or - (the strand)`;
  const code = /^..([^.?,]*)/.exec(group)![1]!;
  if (code === '') return 'there is no modification code after the strand';
  if (!CODE_PATTERN.test(code))
    return `bad modification code ${quoted(code)} (one or more letters, or one ChEBI number; ChEBI numbers cannot be combined)`;
  return 'the skip counts must be whole numbers, each after a comma';
}

/** Char codes of the read as sequenced: SEQ, or its reverse complement for a reverse record; upper case. */
function originalStrand(sequence: string, reverse: boolean): Uint8Array {
  const length = sequence.length;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const c = sequence.charCodeAt(reverse ? length - 1 - i : i) & 0xdf;
    out[i] = reverse ? COMPLEMENT[c]! : c;
  }
  return out;
}

/** Upper-case IUPAC complements by char code (others map to N). */
const COMPLEMENT = (() => {
  const table = new Uint8Array(128).fill(78);
  const pairs = ['AT', 'CG', 'GC', 'TA', 'UA', 'RY', 'YR', 'KM', 'MK', 'SS', 'WW', 'BV', 'VB', 'DH', 'HD', 'NN'];
  for (const [from, to] of pairs) table[from!.charCodeAt(0)] = to!.charCodeAt(0);
  // `=` (same as the reference) has no complement of its own; htslib maps it to itself.
  table[61] = 61;
  return table;
})();

/** Whether an original-strand base (upper-case char code) is of a group's base type. */
function counts(type: number, base: number): boolean {
  // N counts every base (SAMtags: "count any base in SEQ"); U is stored in BAM as T.
  return type === 78 || base === type || (type === 85 && base === 84);
}

function normalisedSequence(sequence: string): string {
  return sequence === '*' ? '' : sequence;
}

/**
 * The MM groups of a record, with positions as indices into SEQ as stored. `mn`, when given (the
 * MN tag), must equal SEQ's length: otherwise the tags describe another sequence (a hard-clipped
 * copy) and are refused. Malformed tags are refused with an HtsError that says what is wrong.
 */
export function parseModifiedBaseGroups(
  mm: string,
  ml: Uint8Array | readonly number[] | undefined,
  sequence: string,
  reverse: boolean,
  mn?: number,
): ParsedModifiedBaseGroup[] {
  const seq = normalisedSequence(sequence);
  if (mn !== undefined && mn !== seq.length && seq.length > 0)
    throw new HtsError(`MN:i:${mn} differs from the sequence length ${seq.length}: MM/ML describe another sequence`);
  if (mm === '') {
    if (ml && ml.length > 0) throw new HtsError(`ML holds ${ml.length} values but MM lists no modification`);
    return [];
  }
  if (ml && !(ml instanceof Uint8Array))
    for (const value of ml)
      if (!(Number.isInteger(value) && value >= 0 && value <= 255)) throw new HtsError(`ML value ${value} is outside 0-255`);
  if (!mm.endsWith(';')) throw new HtsError(`MM ${quoted(mm)} does not end with ';' (each group ends with one)`);
  const original = originalStrand(seq, reverse);
  const length = original.length;
  const groups: ParsedModifiedBaseGroup[] = [];
  let mlAt = 0;
  const texts = mm.slice(0, -1).split(';');
  for (let g = 0; g < texts.length; g++) {
    const text = texts[g]!;
    const match = GROUP_PATTERN.exec(text);
    if (!match) throw new HtsError(`MM group ${g + 1} ${quoted(text)}: ${groupProblem(text)}`);
    const [, base, strand, code, mode, deltaText] = match;
    const type = base!.charCodeAt(0);
    const stride = modificationCodes(code!).length;
    const queryPositions: number[] = [];
    let at = 0;
    if (deltaText!.length > 0) {
      for (const skipText of deltaText!.slice(1).split(',')) {
        // Pass `skip` bases of the type, then the next one of the type is the called base.
        let skip = Number(skipText);
        for (;;) {
          while (at < length && !counts(type, original[at]!)) at++;
          if (at === length) {
            throw new HtsError(
              `MM group ${g + 1} ${quoted(text)}: skip count ${skipText} (call ${queryPositions.length + 1}) runs past the last ${base} of the read (${countOf(type, original)} on the ${reverse ? 'reverse-complemented (original) ' : ''}read strand)`,
            );
          }
          if (skip === 0) break;
          skip--;
          at++;
        }
        queryPositions.push(reverse ? length - 1 - at : at);
        at++;
      }
    }
    const values = queryPositions.length * stride;
    let mlValues: Uint8Array | undefined;
    if (ml) {
      if (mlAt + values > ml.length)
        throw new HtsError(`ML holds ${ml.length} values but MM lists ${mlCount(texts)} (one per called base and code)`);
      const from = mlAt;
      mlValues = Uint8Array.from({ length: values }, (_, i) => ml[from + i]!);
      mlAt += values;
    }
    groups.push({
      base: base!,
      strand: strand as ModificationStrand,
      code: code!,
      mode: mode as ModificationMode,
      queryPositions,
      mlValues,
    });
  }
  if (ml && mlAt !== ml.length) throw new HtsError(`ML holds ${ml.length} values but MM lists ${mlAt} (one per called base and code)`);
  return groups;
}

/** The number of ML values well-formed MM group texts call for (for a message). */
function mlCount(texts: readonly string[]): number {
  let total = 0;
  for (const text of texts) {
    const match = GROUP_PATTERN.exec(text);
    if (!match) continue;
    const calls = match[5]!.length === 0 ? 0 : match[5]!.split(',').length - 1;
    total += calls * modificationCodes(match[3]!).length;
  }
  return total;
}

function countOf(type: number, original: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < original.length; i++) if (counts(type, original[i]!)) n++;
  return n;
}

/**
 * Every modification call of a record, one per called base and code, in MM's order (groups in
 * turn; within a group the original strand's 5' to 3', codes interleaved as in ML). See
 * parseModifiedBaseGroups for `mn` and the errors.
 */
export function parseModifiedBases(
  mm: string,
  ml: Uint8Array | readonly number[] | undefined,
  sequence: string,
  reverse: boolean,
  mn?: number,
): ModifiedBaseCall[] {
  const calls: ModifiedBaseCall[] = [];
  for (const group of parseModifiedBaseGroups(mm, ml, sequence, reverse, mn)) {
    const codes = modificationCodes(group.code);
    group.queryPositions.forEach((queryPosition, i) => {
      codes.forEach((code, c) => {
        calls.push({
          base: group.base,
          strand: group.strand,
          code,
          queryPosition,
          probability: group.mlValues ? group.mlValues[i * codes.length + c]! : undefined,
          mode: group.mode,
        });
      });
    });
  }
  return calls;
}

/**
 * MM, ML and MN for modification calls at positions of SEQ as stored. Skip counts are computed on
 * the original read strand (SEQ reverse-complemented for a `reverse` record), positions may come in
 * any order, and each position's base, complemented for a reverse record, must be the group's base
 * (any base for `N`). Probabilities become floor(p·256), clamped to 255.
 */
export function encodeModifiedBases(sequence: string, reverse: boolean, calls: readonly ModifiedBaseGroup[]): EncodedModifiedBases {
  const seq = normalisedSequence(sequence);
  const original = originalStrand(seq, reverse);
  const length = original.length;
  let mm = '';
  const ml: number[] = [];
  for (const [g, call] of calls.entries()) {
    const where = `modification group ${g + 1} (${call.base}${call.strand}${call.code})`;
    if (!/^[ACGTUN]$/.test(call.base)) throw new HtsError(`${where}: the base must be one of A, C, G, T, U or N`);
    if (call.strand !== '+' && call.strand !== '-') throw new HtsError(`${where}: the strand must be + or -`);
    if (!CODE_PATTERN.test(call.code))
      throw new HtsError(`${where}: bad modification code ${quoted(call.code)} (one or more letters, or one ChEBI number)`);
    if (call.mode !== '.' && call.mode !== '?' && call.mode !== '') throw new HtsError(`${where}: the mode must be '.', '?' or ''`);
    const stride = modificationCodes(call.code).length;
    const n = call.queryPositions.length;
    if (call.probabilities.length !== n * stride)
      throw new HtsError(`${where}: ${call.probabilities.length} probabilities for ${n} positions × ${stride} codes`);
    const type = call.base.charCodeAt(0);
    // Original-strand index of each call, then the calls in that order.
    const originalAt = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const q = call.queryPositions[i]!;
      if (!Number.isInteger(q) || q < 0 || q >= length)
        throw new HtsError(`${where}: query position ${q} is outside the sequence (0-${length - 1})`);
      const at = reverse ? length - 1 - q : q;
      if (!counts(type, original[at]!)) {
        const stored = seq[q]!.toUpperCase();
        throw new HtsError(
          `${where}: query position ${q} holds ${stored}${reverse ? ` (${String.fromCharCode(original[at]!)} on the original strand of this reverse record)` : ''}, not ${call.base}`,
        );
      }
      originalAt[i] = at;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => originalAt[a]! - originalAt[b]!);
    mm += `${call.base}${call.strand}${call.code}${call.mode}`;
    let at = 0;
    let previous = -1;
    for (const i of order) {
      const target = originalAt[i]!;
      if (target === previous) throw new HtsError(`${where}: query position ${call.queryPositions[i]} is listed twice`);
      let skip = 0;
      for (; at < target; at++) if (counts(type, original[at]!)) skip++;
      mm += `,${skip}`;
      at = target + 1;
      previous = target;
      for (let c = 0; c < stride; c++) ml.push(probabilityToMl(call.probabilities[i * stride + c]!));
    }
    mm += ';';
  }
  return { mm, ml: Uint8Array.from(ml), mn: length };
}
