/**
 * CollectSamErrorMetrics' stratifiers (Picard 2.27.5 ReadBaseStratification), one table: the
 * directive name, the file-name suffix, how a value prints and sorts, and how a base is assigned
 * its value. A composite stratifier (HOMOPOLYMER is length + previous base + reference base) is a
 * list of parts; Picard nests them as pairs, whose order and text ("3,A,C") are those of the flat
 * list, so a directive's key is the flat list of all its stratifiers' parts.
 *
 * A part's value is a number (integers, characters as char codes, enums as ordinals, GC as whole
 * percent) or a string (read group, padded contexts); null leaves the base out of the directive.
 */

/** How a part's value prints (Java's toString of Picard's value) and sorts (its compareTo). */
export type PartKind = 'int' | 'gc' | 'char' | 'text' | 'enum' | 'context';

/** One read as the stratifiers see it: copied out of the record view, kept while its loci are open. */
export interface ErrorRead {
  name: string;
  flag: number;
  mapq: number;
  refId: number;
  /** 1-based alignment start. */
  start: number;
  mateRefId: number;
  /** 1-based mate start (0: none). */
  mateStart: number;
  templateLength: number;
  /** Bases as ASCII letters. */
  bases: Uint8Array;
  qualities: Uint8Array;
  /** BAM CIGAR words (length << 4 | op). */
  cigar: Uint32Array;
  /** NM, or null without the tag. */
  nm: number | null;
  hasSupplementaryTag: boolean;
  /** aD, bD, cD (0 when absent: Picard's ConsensusStratifier). */
  firstStrandCopies: number | null;
  secondStrandCopies: number | null;
  bothStrandsCopies: number | null;
  /** The RG id when the header declares it (Picard's getReadGroup()), else null. */
  readGroup: string | null;
  /** Read-level part values, computed on first use, by PARTS id (null: no stratum). */
  cache: (number | string | null | undefined)[];
  /** The fast digits of the read-level parts the compiled counter uses (its slots), made at its first counted base. */
  digits: Int32Array | undefined;
  /** The read's stratum index in each read-level directive, by directive index (-1: none). */
  strata: number[];
  /** The read's own counts for its read-level strata (the collector's layout), made at its first counted base. */
  local: Float64Array | undefined;
  /** Its entries still in the pileup: at 0 its sums are final. */
  entries: number;
}

export const enum BaseType {
  Match = 0,
  Insertion = 1,
  Deletion = 2,
}

/** One base (or indel) at one locus: htsjdk's RecordAndOffset with the locus' reference base. */
export interface ErrorBase {
  read: ErrorRead;
  offset: number;
  type: BaseType;
  /** The reference byte at the locus as stored ('-' before the contig's first base). */
  referenceBase: number;
  /** The CIGAR element of an indel (getIndelElement), as [op, length], or null. */
  indelOp: number;
  indelLength: number;
}

export interface StratifierContext {
  longHomopolymer: number;
  locationBinSize: number;
  /** riker's --max-isize: larger inserts leave INSERT_LENGTH (0: Picard, no limit). */
  maxInsertSize: number;
}

export interface StratifierPart {
  kind: PartKind;
  /** Enum names by ordinal, for kind 'enum'. */
  names?: readonly string[];
  /** The value's width in bits (a padded context holds bits / 8 letters). */
  bits: number;
  /**
   * The values a directive's lookup table indexes directly (0 .. fastRadix - 1 after FAST_INDEX's mapping); others go
   * through the general path. A table exists when the product over a directive's parts is small (error.ts).
   */
  fastRadix: number;
  /** Whether the value is the same for every base of a read (computed once per read). */
  readLevel: boolean;
  /** Index in PARTS (set below). */
  id: number;
  value(base: ErrorBase, context: StratifierContext): number | string | null;
  /**
   * For parts that are not read-level: a JavaScript expression giving an aligned (M/=/X) base's fast digit directly,
   * compiled into the collector's per-base counter (error-compiled.ts; MATCH_DIGIT_SCOPE lists what it may use). It
   * must equal `fastDigit(part, value(base))`, NULL_DIGIT for a null value (error-stratifiers.test.ts checks it).
   */
  matchDigit?: string;
}

export interface Stratifier {
  /** Picard's STRATIFIER name. */
  name: string;
  /** Picard's suffix (file names: error_by_<suffix>). */
  suffix: string;
  /** What it means, for --help and collect-docs (Picard's doc string). */
  description: string;
  parts: StratifierPart[];
}

const FLAG_PAIRED = 0x1;
const FLAG_PROPER = 0x2;
const FLAG_UNMAPPED = 0x4;
const FLAG_MATE_UNMAPPED = 0x8;
const FLAG_REVERSE = 0x10;
const FLAG_MATE_REVERSE = 0x20;
const FLAG_FIRST = 0x40;

const CIGAR_I = 1;
const CIGAR_D = 2;
const CIGAR_S = 4;
/** Operators that consume read bases: M, I, S, =, X. */
const CONSUMES_READ = [true, true, false, false, true, false, false, true, true];

/** htsjdk SequenceUtil.isNoCall. */
export function isNoCall(base: number): boolean {
  return base === 78 || base === 110 || base === 46;
}

/** htsjdk SequenceUtil.complement: ACGT and acgt, anything else unchanged. */
const COMPLEMENT = new Uint8Array(256).map((_, i) => i);
for (const [a, b] of ['AT', 'CG', 'GC', 'TA', 'at', 'cg', 'gc', 'ta']) COMPLEMENT[a!.charCodeAt(0)] = b!.charCodeAt(0);

/** htsjdk SequenceUtil.upperCase(byte): anything at or after 'a' moves down by 32. */
function upperCase(base: number): number {
  return base >= 97 ? base - 32 : base;
}

const isReverse = (read: ErrorRead): boolean => (read.flag & FLAG_REVERSE) !== 0;

/** The read base `shift` cycles after the base (in sequencing direction), complemented on the reverse strand. */
function readBaseAt(base: ErrorBase, shift: number): number | null {
  const reverse = isReverse(base.read);
  const at = base.offset + (reverse ? -shift : shift);
  if (at < 0 || at >= base.read.bases.length) return null;
  const letter = base.read.bases[at]!;
  return upperCase(reverse ? COMPLEMENT[letter]! : letter);
}

function referenceBaseOf(base: ErrorBase): number | null {
  if (isNoCall(base.referenceBase)) return null;
  return upperCase(isReverse(base.read) ? COMPLEMENT[base.referenceBase]! : base.referenceBase);
}

/** ReadBaseStratification.stratifyCycle: 1-based, in sequencing direction. */
function cycleOf(base: ErrorBase): number {
  const length = base.read.bases.length;
  return (isReverse(base.read) ? length - base.offset - 1 : base.offset) + 1;
}

/** stratifyHomopolymerLength: the run of bases equal to the previous one, before this base in sequencing direction. */
function homopolymerLength(base: ErrorBase): number | null {
  const { bases } = base.read;
  if (isNoCall(base.referenceBase)) return null;
  const offset = base.offset;
  if (offset < 0 || offset >= bases.length) return null;
  return homopolymerRun(bases, offset, isReverse(base.read));
}

/** The homopolymer length of a base within the read (offset inside it). */
function homopolymerRun(bases: Uint8Array, offset: number, reverse: boolean): number {
  let run = offset;
  if (!reverse) {
    while (--run >= 0) if (bases[run] !== bases[offset - 1]) break;
    return offset - run - 1;
  }
  while (++run < bases.length) if (bases[run] !== bases[offset + 1]) break;
  return run - offset - 1;
}

/** CycleBin.valueOf: the first quintile whose closed range [lower, upper] holds cycle / length, or null. */
function cycleBin(cycle: number, length: number): number | null {
  const relative = cycle / length;
  if (!(relative >= 0 && relative <= 1)) return null;
  return relative <= 0.2 ? 0 : relative <= 0.4 ? 1 : relative <= 0.6 ? 2 : relative <= 0.8 ? 3 : 4;
}

/**
 * A padded context as a number: one byte per letter, first letter highest; a no-call reference base (the middle letter,
 * which Picard's StringBuilder writes as "null" for a null Character) is byte 0.
 */
function paddedContext(base: ErrorBase, before: number, after: number): number | null {
  let code = 0;
  for (let shift = -before; shift <= after; shift++) {
    const letter = shift === 0 ? (referenceBaseOf(base) ?? 0) : readBaseAt(base, shift);
    if (letter === null) return null;
    code = code * 256 + letter;
  }
  return code;
}

/** A padded context's text: its letters, "null" for byte 0. */
function contextText(code: number, letters: number): string {
  let text = '';
  for (let i = letters - 1; i >= 0; i--) {
    const letter = Math.floor(code / 256 ** i) % 256;
    text += letter === 0 ? 'null' : String.fromCharCode(letter);
  }
  return text;
}

function sumOfOperator(read: ErrorRead, operator: number): number {
  let sum = 0;
  for (const word of read.cigar) if ((word & 15) === operator) sum += word >>> 4;
  return sum;
}

/** Picard ReadNameParser's default parse (last three ':' fields as tile, x, y; 5 or 7 fields), cached per read. */
const nameLocations = new Map<string, [number, number, number] | null>();
function rapidParseInt(text: string): number {
  let at = 0;
  let negative = false;
  if (text.length > 0 && text.charCodeAt(0) === 45) {
    at = 1;
    negative = true;
  }
  let value = 0;
  let digits = false;
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 48 || code > 57) break;
    value = (Math.imul(value, 10) + (code - 48)) | 0; // Java int arithmetic wraps
    digits = true;
  }
  if (!digits) throw new RangeError('not a number');
  return negative ? -value | 0 : value;
}
export function readNameLocation(name: string): [number, number, number] | null {
  const cached = nameLocations.get(name);
  if (cached !== undefined) return cached;
  let location: [number, number, number] | null = null;
  try {
    const tokens = [0, 0, 0];
    let tokenIndex = 2;
    let fields = 0;
    let end = name.length;
    let i: number;
    for (i = name.length - 1; i >= 0 && tokenIndex >= 0; i--) {
      if (name.charCodeAt(i) === 58 || i === 0) {
        fields++;
        tokens[tokenIndex--] = rapidParseInt(name.slice(i === 0 ? 0 : i + 1, end));
        end = i;
      }
    }
    for (; i >= 0; i--) if (name.charCodeAt(i) === 58 || i === 0) fields++;
    if (fields === 5 || fields === 7) location = [(tokens[0]! << 16) >> 16 /* (short) */, tokens[1]!, tokens[2]!];
  } catch {
    location = null;
  }
  if (nameLocations.size > 100_000) nameLocations.clear();
  nameLocations.set(name, location);
  return location;
}

/** Java int division (toward zero). */
const javaDivide = (a: number, b: number): number => Math.trunc(a / b);

const READ_ORDINALITY = ['FIRST', 'SECOND'] as const;
const READ_DIRECTION = ['+', '-'] as const;
const PAIR_ORIENTATION = ['F1R2', 'F2R1', 'F1F2', 'R1R2'] as const;
const PROPER_PAIRED = ['PROPER', 'IMPROPER', 'CHIMERIC', 'DISCORDANT', 'UNKNOWN'] as const;
const CYCLE_BIN = ['QUINTILE_1', 'QUINTILE_2', 'QUINTILE_3', 'QUINTILE_4', 'QUINTILE_5'] as const;
const HOMOPOLYMER_SCALE = ['SHORT_HOMOPOLYMER', 'LONG_HOMOPOLYMER'] as const;
const CONSENSUS = ['SIMPLEX_SINGLETON', 'SIMPLEX_CONSENSUS', 'DUPLEX_SINGLETON', 'DUPLEX_CONSENSUS', 'UNKNOWN'] as const;

const INT_BITS = 32; // Java int values
/** A text part's width (its values are strings; only a context's width is read). */
const TEXT_BITS = 16;
const part = (
  kind: PartKind,
  bits: number,
  value: StratifierPart['value'],
  names?: readonly string[],
  fastRadix = kind === 'enum' ? 8 : kind === 'char' ? 5 : kind === 'gc' ? 101 : kind === 'text' ? 64 : 1024,
): StratifierPart =>
  names === undefined
    ? { kind, bits, value, fastRadix, readLevel: false, id: -1 }
    : { kind, bits, value, names, fastRadix, readLevel: false, id: -1 };
const intPart = (value: StratifierPart['value']): StratifierPart => part('int', INT_BITS, value);
const charPart = (value: StratifierPart['value']): StratifierPart => part('char', 8, value);
const enumPart = (names: readonly string[], value: StratifierPart['value']): StratifierPart => part('enum', 3, value, names);

/** Sets a part's matchDigit expression (see StratifierPart.matchDigit and MATCH_DIGIT_SCOPE). */
function withMatchDigit(partOf: StratifierPart, expression: string): StratifierPart {
  partOf.matchDigit = expression;
  return partOf;
}

const previousBase = withMatchDigit(
  charPart((base) => readBaseAt(base, -1)),
  'letterAt(rev ? READ_LETTER_REV : READ_LETTER_FWD, bases, rev ? offset + 1 : offset - 1)',
);
const nextBase = withMatchDigit(
  charPart((base) => readBaseAt(base, 1)),
  'letterAt(rev ? READ_LETTER_REV : READ_LETTER_FWD, bases, rev ? offset - 1 : offset + 1)',
);
const referenceBase = withMatchDigit(charPart(referenceBaseOf), '(rev ? REF_LETTER_REV : REF_LETTER_FWD)[ref]');
const homopolymerLengthPart = withMatchDigit(
  intPart(homopolymerLength),
  'NO_CALL[ref] === 1 ? NULL_DIGIT : fastInt(homopolymerRun(bases, offset, rev), 1024)',
);

function pairOrientation(read: ErrorRead): number | null {
  const flag = read.flag;
  if ((flag & FLAG_PAIRED) === 0 || flag & (FLAG_UNMAPPED | FLAG_MATE_UNMAPPED)) return null;
  const positive = (flag & FLAG_REVERSE) === 0;
  const matePositive = (flag & FLAG_MATE_REVERSE) === 0;
  const [first, second] = flag & FLAG_FIRST ? [positive, matePositive] : [matePositive, positive];
  if (first === second) return first ? 3 /* R1R2 */ : 2; /* F1F2 */
  return first ? 0 /* F1R2 */ : 1; /* F2R1 */
}

/** ProperPaired.of; an unpaired read (on which Picard fails) is UNKNOWN. */
function properness(read: ErrorRead): number {
  const flag = read.flag;
  const paired = (flag & FLAG_PAIRED) !== 0;
  const unmapped = (flag & FLAG_UNMAPPED) !== 0;
  if (paired && (flag & FLAG_MATE_UNMAPPED) === 0 && !unmapped && read.mateRefId !== read.refId) return 3;
  // Cigar.isClipped: the first or the last element is a soft or hard clip.
  const clipped = (word: number | undefined): boolean => word !== undefined && ((word & 15) === CIGAR_S || (word & 15) === 5);
  if (!unmapped && read.hasSupplementaryTag && (clipped(read.cigar[0]) || clipped(read.cigar[read.cigar.length - 1]))) return 2;
  if (unmapped || (paired && flag & FLAG_MATE_UNMAPPED)) return 4;
  if (!paired) return 4;
  return flag & FLAG_PROPER ? 0 : 1;
}

function consensus(read: ErrorRead): number {
  const hasBoth = read.firstStrandCopies !== null && read.secondStrandCopies !== null;
  const first = hasBoth ? read.firstStrandCopies! : 0;
  const second = hasBoth ? read.secondStrandCopies! : 0;
  const both = read.bothStrandsCopies ?? 0;
  if (both === 1) return 0;
  if (second === 0 && both > 1) return 1;
  if (first > 0 && second > 0 && (first === 1 || second === 1)) return 2;
  if (first > 1 && second > 1) return 3;
  return 4;
}

/** Every stratifier Picard 2.27.5 offers, in its enum's order. */
export const STRATIFIERS: readonly Stratifier[] = [
  { name: 'ALL', suffix: 'all', description: 'Puts all bases in the same stratum.', parts: [part('text', TEXT_BITS, () => 'all')] },
  {
    name: 'GC_CONTENT',
    suffix: 'gc',
    description: 'The GC-content of the read.',
    parts: [
      part('gc', 7, (base) => {
        const { bases } = base.read;
        let gc = 0;
        for (const letter of bases) if (letter === 67 || letter === 71 || letter === 99 || letter === 103) gc++;
        return bases.length === 0 ? 0 : Math.round((100 * gc) / bases.length);
      }),
    ],
  },
  {
    name: 'READ_ORDINALITY',
    suffix: 'read_ordinality',
    description: 'The read ordinality (i.e. first or second).',
    parts: [enumPart(READ_ORDINALITY, (base) => ((base.read.flag & FLAG_PAIRED) === 0 ? null : base.read.flag & FLAG_FIRST ? 0 : 1))],
  },
  {
    name: 'READ_BASE',
    suffix: 'read_base',
    description: 'the base in the original reading direction.',
    parts: [
      withMatchDigit(
        charPart((base) => readBaseAt(base, 0)),
        '(rev ? READ_LETTER_REV : READ_LETTER_FWD)[bases[offset]]',
      ),
    ],
  },
  {
    name: 'READ_DIRECTION',
    suffix: 'read_direction',
    description: 'The alignment direction of the read (encoded as + or -).',
    parts: [enumPart(READ_DIRECTION, (base) => (isReverse(base.read) ? 1 : 0))],
  },
  {
    name: 'PAIR_ORIENTATION',
    suffix: 'pair_orientation',
    description: "The read-pair's orientation (encoded as '[FR]1[FR]2').",
    parts: [enumPart(PAIR_ORIENTATION, (base) => pairOrientation(base.read))],
  },
  {
    name: 'PAIR_PROPERNESS',
    suffix: 'pair_proper',
    description: "The properness of the read-pair's alignment. Looks for indications of chimerism.",
    parts: [enumPart(PROPER_PAIRED, (base) => properness(base.read))],
  },
  { name: 'REFERENCE_BASE', suffix: 'ref_base', description: "The reference base in the read's direction.", parts: [referenceBase] },
  {
    name: 'PRE_DINUC',
    suffix: 'pre_dinuc',
    description: 'The read base at the previous cycle, and the current reference base.',
    parts: [previousBase, referenceBase],
  },
  {
    name: 'POST_DINUC',
    suffix: 'post_dinuc',
    description: 'The read base at the subsequent cycle, and the current reference base.',
    parts: [referenceBase, nextBase],
  },
  {
    name: 'HOMOPOLYMER_LENGTH',
    suffix: 'homopolymer_length',
    description: 'The length of homopolymer the base is part of (only accounts for bases that were read prior to the current base).',
    parts: [homopolymerLengthPart],
  },
  {
    name: 'HOMOPOLYMER',
    suffix: 'homopolymer_and_following_ref_base',
    description: 'The length of homopolymer, the base that the homopolymer is comprised of, and the reference base.',
    parts: [homopolymerLengthPart, previousBase, referenceBase],
  },
  {
    name: 'BINNED_HOMOPOLYMER',
    suffix: 'binned_length_homopolymer_and_following_ref_base',
    description: 'The scale of homopolymer (long or short), the base that the homopolymer is comprised of, and the reference base.',
    parts: [
      withMatchDigit(
        enumPart(HOMOPOLYMER_SCALE, (base, context) => {
          const length = homopolymerLength(base);
          return length === null ? null : length < context.longHomopolymer ? 0 : 1;
        }),
        'NO_CALL[ref] === 1 ? NULL_DIGIT : homopolymerRun(bases, offset, rev) < context.longHomopolymer ? 0 : 1',
      ),
      previousBase,
      referenceBase,
    ],
  },
  {
    name: 'FLOWCELL_TILE',
    suffix: 'tile',
    description: 'The flowcell and tile where the base was read (taken from the read name).',
    parts: [intPart((base) => readNameLocation(base.read.name)?.[0] ?? -1)],
  },
  {
    name: 'FLOWCELL_Y',
    suffix: 'y',
    description: 'The y-coordinate of the read (taken from the read name)',
    parts: [intPart((base, context) => javaDivide(readNameLocation(base.read.name)?.[2] ?? -1, context.locationBinSize))],
  },
  {
    name: 'FLOWCELL_X',
    suffix: 'x',
    description: 'The x-coordinate of the read (taken from the read name)',
    parts: [intPart((base, context) => javaDivide(readNameLocation(base.read.name)?.[1] ?? -1, context.locationBinSize))],
  },
  {
    name: 'READ_GROUP',
    suffix: 'read_group',
    description: 'The read-group id of the read.',
    parts: [part('text', TEXT_BITS, (base) => base.read.readGroup)],
  },
  {
    name: 'CYCLE',
    suffix: 'cycle',
    description: 'The machine cycle during which the base was read.',
    parts: [withMatchDigit(intPart(cycleOf), 'fastInt(rev ? len - offset : offset + 1, 1024)')],
  },
  {
    name: 'BINNED_CYCLE',
    suffix: 'binned_cycle',
    description:
      'The binned machine cycle. Similar to CYCLE, but binned into 5 evenly spaced ranges across the size of the read.  This stratifier may produce confusing results when used on datasets with variable sized reads.',
    parts: [
      withMatchDigit(
        enumPart(CYCLE_BIN, (base) => cycleBin(cycleOf(base), base.read.bases.length)),
        'orNull(cycleBin(rev ? len - offset : offset + 1, len))',
      ),
    ],
  },
  {
    name: 'SOFT_CLIPS',
    suffix: 'softclipped_bases',
    description: 'The number of softclipped bases the read has.',
    parts: [intPart((base) => sumOfOperator(base.read, CIGAR_S))],
  },
  {
    name: 'INSERT_LENGTH',
    suffix: 'insert_length',
    description: 'The insert-size they came from (taken from the TLEN field.)',
    parts: [
      intPart((base, context) => {
        const insert = Math.abs(base.read.templateLength);
        if (context.maxInsertSize > 0 && insert > context.maxInsertSize) return null;
        return Math.min(base.read.bases.length * 10, insert);
      }),
    ],
  },
  {
    name: 'BASE_QUALITY',
    suffix: 'base_quality',
    description: 'The base quality.',
    // A Java byte: 128-255 read as negative.
    parts: [
      withMatchDigit(
        part('int', 8, (base) => (base.offset < 0 ? null : (base.read.qualities[base.offset]! << 24) >> 24), undefined, 128),
        'fastInt((quals[offset] << 24) >> 24, 128)',
      ),
    ],
  },
  {
    name: 'MAPPING_QUALITY',
    suffix: 'mapping_quality',
    description: "The read's mapping quality.",
    parts: [intPart((base) => base.read.mapq)],
  },
  {
    name: 'MISMATCHES_IN_READ',
    suffix: 'mismatches_in_read',
    description:
      'The number of bases in the read that mismatch the reference, excluding the current base.  This stratifier requires the NM tag.',
    parts: [
      withMatchDigit(
        intPart((base) => {
          const nm = base.read.nm;
          if (nm === null || base.offset < 0) return null;
          return base.read.bases[base.offset] !== base.referenceBase ? nm - 1 : nm;
        }),
        'read.nm === null ? NULL_DIGIT : fastInt(bases[offset] !== ref ? read.nm - 1 : read.nm, 1024)',
      ),
    ],
  },
  {
    name: 'ONE_BASE_PADDED_CONTEXT',
    suffix: 'one_base_padded_context',
    description: 'The current reference base and a one base padded region from the read resulting in a 3-base context.',
    parts: [
      withMatchDigit(
        part('context', 24, (base) => paddedContext(base, 1, 1), undefined, 6 ** 3),
        'contextDigit(bases, offset, rev, ref, 1, 1)',
      ),
    ],
  },
  {
    name: 'TWO_BASE_PADDED_CONTEXT',
    suffix: 'two_base_padded_context',
    description: 'The current reference base and a two base padded region from the read resulting in a 5-base context.',
    parts: [
      withMatchDigit(
        part('context', 40, (base) => paddedContext(base, 2, 2), undefined, 6 ** 5),
        'contextDigit(bases, offset, rev, ref, 2, 2)',
      ),
    ],
  },
  {
    name: 'CONSENSUS',
    suffix: 'consensus',
    description:
      'Whether or not duplicate reads were used to form a consensus read.  This stratifier makes use of the aD, bD, and cD tags for duplex consensus reads.  If the reads are single index consensus, only the cD tags are used.',
    parts: [enumPart(CONSENSUS, (base) => consensus(base.read))],
  },
  {
    name: 'NS_IN_READ',
    suffix: 'ns_in_read',
    description: 'The number of Ns in the read.',
    parts: [
      intPart((base) => {
        let ns = 0;
        for (const letter of base.read.bases) if (isNoCall(letter)) ns++;
        return ns;
      }),
    ],
  },
  {
    name: 'INSERTIONS_IN_READ',
    suffix: 'cigar_elements_I_in_read',
    description: 'The number of Insertions in the read cigar.',
    parts: [intPart((base) => sumOfOperator(base.read, CIGAR_I))],
  },
  {
    name: 'DELETIONS_IN_READ',
    suffix: 'cigar_elements_D_in_read',
    description: 'The number of Deletions in the read cigar.',
    parts: [intPart((base) => sumOfOperator(base.read, CIGAR_D))],
  },
  {
    name: 'INDELS_IN_READ',
    suffix: 'indels_in_read',
    description: 'The number of INDELs in the read cigar.',
    parts: [intPart((base) => sumOfOperator(base.read, CIGAR_I) + sumOfOperator(base.read, CIGAR_D))],
  },
  {
    name: 'INDEL_LENGTH',
    suffix: 'indel_length',
    description: 'The number of bases in an indel',
    parts: [
      withMatchDigit(
        intPart((base) => {
          if (base.type === BaseType.Match) return 0;
          // Picard fails ("Wrong CIGAR operator") where htsjdk's offset of a later indel is off (see docs/qc.md): no stratum.
          const expected = base.type === BaseType.Insertion ? CIGAR_I : CIGAR_D;
          return base.indelOp === expected ? base.indelLength : null;
        }),
        '0',
      ),
    ],
  },
];

export const STRATIFIER_BY_NAME = new Map(STRATIFIERS.map((stratifier) => [stratifier.name, stratifier]));

/** Every distinct part (HOMOPOLYMER, PRE_DINUC and others share theirs), each computed once per base. */
export const PARTS: readonly StratifierPart[] = [...new Set(STRATIFIERS.flatMap((stratifier) => stratifier.parts))];

/** Stratifiers whose value is the same for every base of a read (cached per read). */
export const READ_LEVEL = new Set([
  'ALL',
  'GC_CONTENT',
  'READ_ORDINALITY',
  'READ_DIRECTION',
  'PAIR_ORIENTATION',
  'PAIR_PROPERNESS',
  'FLOWCELL_TILE',
  'FLOWCELL_Y',
  'FLOWCELL_X',
  'READ_GROUP',
  'SOFT_CLIPS',
  'INSERT_LENGTH',
  'MAPPING_QUALITY',
  'CONSENSUS',
  'NS_IN_READ',
  'INSERTIONS_IN_READ',
  'DELETIONS_IN_READ',
  'INDELS_IN_READ',
]);
PARTS.forEach((p, id) => {
  p.id = id;
});
for (const stratifier of STRATIFIERS) for (const p of stratifier.parts) p.readLevel = READ_LEVEL.has(stratifier.name);

/**
 * getIndelElement (ReadBaseStratification): the CIGAR element an indel's offset points at, as htsjdk placed it. For
 * an insertion: the first read-consuming element starting at the offset; for a deletion (offset = the base before
 * it): the element starting right after the offset (offset -1: the first element). [op, length], or [-1, 0] for none.
 */
export function indelElement(cigar: Uint32Array, offset: number, type: BaseType): [number, number] {
  if (cigar.length === 0) return [-1, 0];
  if (offset === -1) return [cigar[0]! & 15, cigar[0]! >>> 4];
  let readPosition = 0;
  for (const word of cigar) {
    if (readPosition > offset + 1) return [-1, 0];
    const op = word & 15;
    const consumes = CONSUMES_READ[op] ?? false;
    if (type === BaseType.Insertion) {
      if (consumes && readPosition === offset) return [op, word >>> 4];
    } else if (readPosition === offset + 1) return [op, word >>> 4];
    if (consumes) readPosition += word >>> 4;
  }
  return [-1, 0];
}

/** A part's value as Java's toString prints it in the COVARIATE column. */
export function printPart(partOf: StratifierPart, value: number | string): string {
  switch (partOf.kind) {
    case 'char':
      return String.fromCharCode(value as number);
    case 'enum':
      return partOf.names![value as number]!;
    case 'context':
      return contextText(value as number, partOf.bits / 8);
    case 'gc': {
      // Math.round(100 * gc) / 100D as Double.toString: always a fraction digit.
      const text = String((value as number) / 100);
      return text.includes('.') ? text : `${text}.0`;
    }
    default:
      return String(value);
  }
}

/** Picard's TreeSet order of two values of one part (compareTo of Integer, Character, String, enum, Double). */
export function comparePart(partOf: StratifierPart, a: number | string, b: number | string): number {
  if (partOf.kind === 'context') {
    // Java compares the strings: "null" sorts by its letters.
    const [x, y] = [printPart(partOf, a), printPart(partOf, b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number') return (a as number) - (b as number);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A letter's index in a fast range: A, C, G, T, N; and for padded contexts a no-call reference (byte 0) as 5. */
export const LETTER_INDEX = new Int8Array(256).fill(-1);
[65, 67, 71, 84, 78].forEach((letter, i) => (LETTER_INDEX[letter] = i));
export const CONTEXT_LETTER_INDEX = LETTER_INDEX.slice();
CONTEXT_LETTER_INDEX[0] = 5;

/** A matchDigit for a null value: the base has no stratum in the directive. */
export const NULL_DIGIT = -2;
/** A fast digit for a value outside the part's fast range: the general path finds its stratum. */
export const SLOW_DIGIT = -1;

/** A part value's digit in the fast tables, or SLOW_DIGIT; text values get small codes on first sight, per part. */
export function fastDigit(partOf: StratifierPart, value: number | string, textCodes: Map<string, number>[]): number {
  switch (partOf.kind) {
    case 'char':
      return LETTER_INDEX[value as number] ?? SLOW_DIGIT;
    case 'context': {
      // The letters from the last to the first (the last is the most significant digit).
      let digit = 0;
      for (let code = value as number, letters = partOf.bits / 8; letters > 0; letters--, code = Math.floor(code / 256)) {
        const letter = CONTEXT_LETTER_INDEX[code % 256]!;
        if (letter < 0) return SLOW_DIGIT;
        digit = digit * 6 + letter;
      }
      return digit;
    }
    case 'text': {
      const codes = textCodes[partOf.id]!;
      let code = codes.get(value as string);
      if (code === undefined) {
        if (codes.size >= partOf.fastRadix) return SLOW_DIGIT;
        codes.set(value as string, (code = codes.size));
      }
      return code;
    }
    default:
      return fastInt(value as number, partOf.fastRadix);
  }
}

function fastInt(value: number, radix: number): number {
  return value >= 0 && value < radix ? value : SLOW_DIGIT;
}

/** byte → fast digit of the letter as readBaseAt gives it (upper case; complemented on the reverse strand). */
const READ_LETTER_FWD = Int8Array.from({ length: 256 }, (_, byte) => LETTER_INDEX[upperCase(byte)]!);
const READ_LETTER_REV = Int8Array.from({ length: 256 }, (_, byte) => LETTER_INDEX[upperCase(COMPLEMENT[byte]!)]!);
/** Reference byte → fast digit of referenceBaseOf (null for a no-call). */
const REF_LETTER_FWD = Int8Array.from({ length: 256 }, (_, byte) => (isNoCall(byte) ? NULL_DIGIT : READ_LETTER_FWD[byte]!));
const REF_LETTER_REV = Int8Array.from({ length: 256 }, (_, byte) => (isNoCall(byte) ? NULL_DIGIT : READ_LETTER_REV[byte]!));
/** The same for the letters of a padded context (a no-call reference is byte 0, digit 5). */
const CONTEXT_READ_FWD = Int8Array.from({ length: 256 }, (_, byte) => CONTEXT_LETTER_INDEX[upperCase(byte)]!);
const CONTEXT_READ_REV = Int8Array.from({ length: 256 }, (_, byte) => CONTEXT_LETTER_INDEX[upperCase(COMPLEMENT[byte]!)]!);
const CONTEXT_REF_FWD = Int8Array.from({ length: 256 }, (_, byte) => (isNoCall(byte) ? 5 : CONTEXT_READ_FWD[byte]!));
const CONTEXT_REF_REV = Int8Array.from({ length: 256 }, (_, byte) => (isNoCall(byte) ? 5 : CONTEXT_READ_REV[byte]!));
const NO_CALL = Uint8Array.from({ length: 256 }, (_, byte) => (isNoCall(byte) ? 1 : 0));

/** The digit of a read letter at `at` (a table above), NULL_DIGIT outside the read. */
function letterAt(table: Int8Array, bases: Uint8Array, at: number): number {
  return at < 0 || at >= bases.length ? NULL_DIGIT : table[bases[at]!]!;
}

function orNull(value: number | null): number {
  return value === null ? NULL_DIGIT : value;
}

/** paddedContext's fast digit: NULL_DIGIT when the context leaves the read, as paddedContext's null. */
function contextDigit(bases: Uint8Array, offset: number, reverse: boolean, ref: number, before: number, after: number): number {
  const first = reverse ? offset - after : offset - before;
  const last = reverse ? offset + before : offset + after;
  if (first < 0 || last >= bases.length) return NULL_DIGIT;
  const letters = reverse ? CONTEXT_READ_REV : CONTEXT_READ_FWD;
  let digit = 0;
  for (let shift = after; shift >= -before; shift--) {
    const letter =
      shift === 0 ? (reverse ? CONTEXT_REF_REV : CONTEXT_REF_FWD)[ref]! : letters[bases[reverse ? offset - shift : offset + shift]!]!;
    if (letter < 0) return SLOW_DIGIT;
    digit = digit * 6 + letter;
  }
  return digit;
}

/**
 * What a matchDigit expression may use besides its locals (read, bases, quals, len, offset, rev, ref, context): the
 * compiled counter passes these in by name.
 */
export const MATCH_DIGIT_SCOPE = {
  NULL_DIGIT,
  NO_CALL,
  READ_LETTER_FWD,
  READ_LETTER_REV,
  REF_LETTER_FWD,
  REF_LETTER_REV,
  letterAt,
  orNull,
  fastInt,
  homopolymerRun,
  cycleBin,
  contextDigit,
};
