/**
 * Base error rates by stratum (Picard CollectSamErrorMetrics 2.27.5; riker `error`).
 *
 * Picard walks htsjdk's SamLocusIterator (indels included, MIN_MAPPING_Q and MIN_BASE_Q as its cutoffs, duplicates,
 * secondary and supplementary alignments filtered, QC failures kept) and hands every base, deletion and insertion at
 * every locus that is not a known variant site to each directive (`ERROR:BASE_QUALITY:CYCLE`): the directive's
 * stratifiers give the base a stratum, its calculator counts it there. This file reproduces that walk:
 * - a base is counted at its locus when its quality ≥ --min-bq; an insertion at the locus before it when its first
 *   base's quality is; a deletion at every locus it spans, counted once (at the first locus processed: Picard's
 *   processDeletionLocus);
 * - htsjdk's own offsets are kept: after an insertion whose first base fails --min-bq, htsjdk does not move past the
 *   inserted bases, so later indels of that read carry shifted offsets (and their stratifiers see those bases);
 * - loci that overlap a VCF record which is not filtered are skipped whole.
 * Calculators: ERROR (mismatches of aligned, called bases; insertions add their length to TOTAL_BASES), INDEL_ERROR
 * (insertions, deletions and their lengths) and OVERLAPPING_ERROR (bases whose mate also has a base at the locus:
 * whether the read, its mate and the reference agree). Q = round(-10 log10((errors + 10^(-PRIOR_Q/10)) / (total + 1))).
 *
 * Differences from Picard 2.27.5, all where Picard fails or was since fixed (docs/qc.md): a mismatch compares bases
 * case-insensitively (Picard ≥ 3.4, #1995: a soft-masked reference made every base an error); PAIR_PROPERNESS calls an
 * unpaired read UNKNOWN and INDEL_LENGTH leaves out an indel whose shifted offset points at no indel (Picard throws);
 * a read without a declared read group has no READ_GROUP stratum (Picard throws).
 *
 * Memory: loci are kept from the current read's start to the farthest end of the reads before it (a heap of positions
 * with content, so a read spanning a 500 kb intron costs its bases, not its span).
 */
import { Flag, headerLines, HtsError, KnownSitesReader, type BamHeader, type BamRecordView, type KnownSite } from '@shoal/hts';
import {
  optionDefaults,
  type Collector,
  type CollectorContext,
  type CollectorFactory,
  type CollectorOption,
  type CollectorRegion,
  type Column,
  type MetricsOutput,
  type Row,
} from '../collector.js';
import { CoordinateOrder } from '../coordinate-order.js';
import { ReferenceWindow } from '../reference-window.js';
import { compilable, compileMatchCounter, readDigitParts, type MatchCounter } from './error-compiled.js';
import {
  BaseType,
  comparePart,
  fastDigit,
  indelElement,
  isNoCall,
  NULL_DIGIT,
  PARTS,
  printPart,
  READ_LEVEL,
  STRATIFIER_BY_NAME,
  STRATIFIERS,
  type ErrorBase,
  type ErrorRead,
  type Stratifier,
  type StratifierContext,
  type StratifierPart,
} from './error-stratifiers.js';
import { errorReport } from '../plots/collector-reports.js';

export interface ErrorOptions {
  vcf: string | undefined;
  reference: string | undefined;
  minimumMappingQuality: number;
  minimumBaseQuality: number;
  priorQ: number;
  longHomopolymer: number;
  locationBinSize: number;
  maxInsertSize: number;
  metrics: string | undefined;
}

/** Picard's ERROR_METRICS default. */
export const DEFAULT_ERROR_METRICS = [
  'ERROR',
  'ERROR:BASE_QUALITY',
  'ERROR:INSERT_LENGTH',
  'ERROR:GC_CONTENT',
  'ERROR:READ_DIRECTION',
  'ERROR:PAIR_ORIENTATION',
  'ERROR:HOMOPOLYMER',
  'ERROR:BINNED_HOMOPOLYMER',
  'ERROR:CYCLE',
  'ERROR:READ_ORDINALITY',
  'ERROR:READ_ORDINALITY:CYCLE',
  'ERROR:READ_ORDINALITY:HOMOPOLYMER',
  'ERROR:READ_ORDINALITY:GC_CONTENT',
  'ERROR:READ_ORDINALITY:PRE_DINUC',
  'ERROR:MAPPING_QUALITY',
  'ERROR:READ_GROUP',
  'ERROR:MISMATCHES_IN_READ',
  'ERROR:ONE_BASE_PADDED_CONTEXT',
  'OVERLAPPING_ERROR',
  'OVERLAPPING_ERROR:BASE_QUALITY',
  'OVERLAPPING_ERROR:INSERT_LENGTH',
  'OVERLAPPING_ERROR:READ_ORDINALITY',
  'OVERLAPPING_ERROR:READ_ORDINALITY:CYCLE',
  'OVERLAPPING_ERROR:READ_ORDINALITY:HOMOPOLYMER',
  'OVERLAPPING_ERROR:READ_ORDINALITY:GC_CONTENT',
  'INDEL_ERROR',
];

export const ERROR_OPTIONS = [
  {
    key: 'reference',
    flag: 'reference',
    description: "the error collector's own reference FASTA (default: -r)",
    type: 'string',
    defaultValue: undefined,
    argument: 'fasta',
    multiOnly: true,
  },
  {
    key: 'vcf',
    flag: 'vcf',
    description: 'known variant sites (VCF or VCF.gz): loci overlapping an unfiltered record are skipped (Picard VCF)',
    type: 'string',
    defaultValue: undefined,
    argument: 'file',
  },
  {
    key: 'minimumMappingQuality',
    flag: 'min-mapq',
    description: 'ignore reads with a lower mapping quality (Picard MIN_MAPPING_Q)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 255,
    integer: true,
  },
  {
    key: 'minimumBaseQuality',
    flag: 'min-bq',
    description: 'ignore bases with a lower base quality (Picard MIN_BASE_Q)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 126,
    integer: true,
  },
  {
    key: 'priorQ',
    flag: 'prior-q',
    description: 'the prior error, phred-scaled, in the Q columns (Picard PRIOR_Q)',
    type: 'number',
    defaultValue: 30,
    min: 0,
    max: 100,
    integer: true,
  },
  {
    key: 'longHomopolymer',
    flag: 'long-homopolymer',
    description: 'shortest homopolymer BINNED_HOMOPOLYMER calls long (Picard LONG_HOMOPOLYMER)',
    type: 'number',
    defaultValue: 6,
    min: 0,
    max: 1_000_000,
    integer: true,
  },
  {
    key: 'locationBinSize',
    flag: 'location-bin-size',
    description: 'bin size of FLOWCELL_X and FLOWCELL_Y (Picard LOCATION_BIN_SIZE)',
    type: 'number',
    defaultValue: 2500,
    min: 1,
    max: 1_000_000_000,
    integer: true,
  },
  {
    key: 'maxInsertSize',
    flag: 'max-isize',
    description: "riker's limit: bases of inserts above it have no INSERT_LENGTH stratum (0: Picard, none)",
    type: 'number',
    defaultValue: 0,
    min: 0,
    max: 2_147_483_647,
    integer: true,
  },
  {
    key: 'metrics',
    flag: 'metrics',
    description:
      "directives ERROR|OVERLAPPING_ERROR|INDEL_ERROR[:STRATIFIER]*, comma-separated (Picard ERROR_METRICS; default Picard's 26)",
    type: 'string',
    defaultValue: undefined,
    argument: 'list',
  },
] as const satisfies readonly CollectorOption<keyof ErrorOptions>[];

export const ERROR_DEFAULTS: ErrorOptions = optionDefaults(ERROR_OPTIONS);

type CalculatorKind = 'error' | 'overlapping_error' | 'indel_error';
const CALCULATOR_OF: Record<string, CalculatorKind> = {
  ERROR: 'error',
  OVERLAPPING_ERROR: 'overlapping_error',
  INDEL_ERROR: 'indel_error',
};
/** Counts per stratum, by calculator. */
const COUNT_SLOTS: Record<CalculatorKind, number> = { error: 2, overlapping_error: 5, indel_error: 5 };

interface Directive {
  text: string;
  calculator: CalculatorKind;
  stratifiers: Stratifier[];
  /** The Picard file suffix: <calculator>_by_<stratifier suffixes joined by _and_>. */
  suffix: string;
}

/** Parses Picard directives (`ERROR:BASE_QUALITY:CYCLE`), comma- or space-separated; throws a usage message. */
export function parseDirectives(list: string | undefined): Directive[] {
  const texts = list === undefined ? DEFAULT_ERROR_METRICS : list.split(/[\s,]+/).filter((text) => text !== '');
  if (texts.length === 0) throw new RangeError('--metrics names no directive');
  const directives: Directive[] = [];
  const suffixes = new Set<string>();
  for (const text of texts) {
    const [kindName, ...names] = text.split(':').map((word) => word.trim().toUpperCase());
    const calculator = CALCULATOR_OF[kindName!];
    if (calculator === undefined)
      throw new RangeError(`'${text}': a directive starts with ERROR, OVERLAPPING_ERROR or INDEL_ERROR, not '${kindName}'`);
    if (names.length > STRATIFIERS.length) throw new RangeError(`'${text}': at most ${STRATIFIERS.length} stratifiers in one directive`);
    const stratifiers = names.map((name) => {
      const stratifier = STRATIFIER_BY_NAME.get(name);
      if (stratifier === undefined)
        throw new RangeError(`'${text}': no stratifier '${name}' (one of ${STRATIFIERS.map((s) => s.name).join(', ')})`);
      return stratifier;
    });
    // Picard: a directive without stratifiers is ALL.
    const used = stratifiers.length === 0 ? [STRATIFIER_BY_NAME.get('ALL')!] : stratifiers;
    const suffix = `${calculator}_by_${used.map((s) => s.suffix).join('_and_')}`;
    if (suffixes.has(suffix)) throw new RangeError(`'${text}' repeats another directive (both write ${suffix})`);
    suffixes.add(suffix);
    directives.push({ text, calculator, stratifiers: used, suffix });
  }
  return directives;
}

/** One stratum's part values, for sorting and printing; its counts are in its aggregation's `counts`. */
interface Stratum {
  values: (number | string)[];
  /** Its place in the directive's list, and in `counts` (times the calculator's width). */
  index: number;
}

const enum Calculator {
  Error = 0,
  Overlapping = 1,
  Indel = 2,
}
/** A base's additions, per calculator, in one array: ERROR's 2 counts, then OVERLAPPING_ERROR's 5, then INDEL_ERROR's 5. */
const ERROR_AT = 0;
const OVERLAP_AT = 2;
const INDEL_AT = 7;
const DELTA_SLOTS = 12;
const DELTA_AT = [ERROR_AT, OVERLAP_AT, INDEL_AT];
const CALCULATOR_CODE: Record<CalculatorKind, Calculator> = {
  error: Calculator.Error,
  overlapping_error: Calculator.Overlapping,
  indel_error: Calculator.Indel,
};

interface Aggregation {
  directive: Directive;
  calculator: Calculator;
  /** Every part of the directive's stratifiers, flat. */
  parts: StratifierPart[];
  /** Whether every stratifier is read-level: a read's bases share one stratum, looked up once per read. */
  readLevel: boolean;
  /** Indices into STRATIFIERS, in directive order. */
  stratifierIndices: number[];
  /** PARTS ids of the flat parts. */
  partIds: number[];
  /** Per flat part: its values' dense codes. */
  coders: PartCoder[];
  /** The strata as a tree of arrays indexed by each part's code (no hashing of composite keys), and as a list. */
  root: unknown[];
  strata: Stratum[];
  /**
   * A cache in front of the tree: the stratum (index + 1) of values that all fall in their parts' fast ranges, indexed
   * by their mixed-radix number. Undefined when the ranges multiply past FAST_TABLE_MAX.
   */
  fastTable: Int32Array | undefined;
  /** Per flat part: its fast radix (the table's mixed-radix digits). */
  radices: Int32Array;
  /**
   * Every stratum's counts (COUNT_SLOTS of the calculator, `width`), stratum after stratum in one array: the ~20
   * additions per base land in a few cache lines instead of behind a pointer per stratum (measured: the counting was
   * the largest cost of collect-error).
   */
  counts: Float64Array;
  width: number;
}

/** A stratum's counts, as a list. */
function countsOf(aggregation: Aggregation, stratum: Stratum): number[] {
  const from = stratum.index * aggregation.width;
  return Array.from(aggregation.counts.subarray(from, from + aggregation.width));
}

/** Entries of a directive's fast table at most (4 MB). */
const FAST_TABLE_MAX = 1 << 20;

/** Dense codes for one part's values: small integers through a table, anything else through a map. */
class PartCoder {
  private readonly small = new Int32Array(1024).fill(-1);
  private readonly other = new Map<number | string, number>();
  private size = 0;
  code(value: number | string): number {
    if (typeof value === 'number' && value >= 0 && value < 1024 && (value | 0) === value) {
      let code = this.small[value]!;
      if (code < 0) this.small[value] = code = this.size++;
      return code;
    }
    let code = this.other.get(value);
    if (code === undefined) this.other.set(value, (code = this.size++));
    return code;
  }
}

export interface ErrorPartial {
  directives: string[];
  /** Per directive: [part values, counts] per stratum. */
  strata: [(number | string)[], number[]][][];
}

/** The result of OVERLAPPING_ERROR's mate comparison for one base. */
const enum Overlap {
  None = 0,
  AgreesWithReference = 1,
  BothDisagree = 2,
  DisagreesWithReferenceAndMate = 3,
  ThreeWay = 4,
}

/** The locus being processed: its position, reference base and the heads of its three chains in the pileup. */
interface Locus {
  pos: number;
  referenceBase: number;
  /** Aligned bases at the locus (the match chain's length). */
  depth: number;
  match: number;
  deletion: number;
  insertion: number;
}

/** SHOAL_ERROR_COMPILED=0 counts every base the general way (the tests compare both). */
const COMPILED = process.env.SHOAL_ERROR_COMPILED !== '0';
/** Up to this many aligned bases at a locus, OVERLAPPING_ERROR finds a mate by scanning them; deeper, by name. */
const SCAN_DEPTH = Number(process.env.SHOAL_ERROR_SCAN_DEPTH ?? 16); // the tests set 0 to check the by-name path
/** Positions per pileup page. */
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const NONE = -1;

/**
 * htsjdk's accumulator as chains of (read, offset) entries per locus and kind (aligned base, deletion, insertion),
 * in typed arrays: no object per locus or per base. Loci live on pages of 4096 positions that exist only where reads
 * put something, so a read across a 500 kb intron costs its bases, not its span.
 */
class Pileup {
  reads: (ErrorRead | undefined)[] = [];
  offsets = new Int32Array(1 << 16);
  next = new Int32Array(1 << 16);
  private free = NONE;
  private used = 0;
  /** Live pages by id (position >> PAGE_BITS), and their ids in ascending order. */
  private readonly pages = new Map<number, Int32Array>();
  private readonly pageIds: number[] = [];
  private readonly spare: Int32Array[] = [];
  /** Positions before this one are emitted. */
  private scanPos = 0;

  add(pos: number, kind: number, read: ErrorRead, offset: number): void {
    let entry = this.free;
    if (entry !== NONE) this.free = this.next[entry]!;
    else {
      entry = this.used++;
      if (entry === this.offsets.length) this.grow();
    }
    this.reads[entry] = read;
    read.entries++;
    this.offsets[entry] = offset;
    this.next[entry] = NONE;
    const id = pos >> PAGE_BITS;
    let page = this.pages.get(id);
    if (page === undefined) page = this.newPage(id);
    // Heads at slot * 6 + kind, tails at slot * 6 + 3 + kind: entries keep their arrival order.
    const at = (pos & (PAGE - 1)) * 6 + kind;
    const tail = page[at + 3]!;
    if (tail === NONE) page[at] = entry;
    else this.next[tail] = entry;
    page[at + 3] = entry;
  }

  /** Calls visit for every locus before `limit` with content, in order, and frees it. */
  emitBefore(limit: number, locus: Locus, visit: (locus: Locus) => void, done: (read: ErrorRead) => void): void {
    while (this.pageIds.length > 0) {
      const id = this.pageIds[0]!;
      const base = id << PAGE_BITS;
      if (base >= limit) return;
      const page = this.pages.get(id)!;
      const end = Math.min(base + PAGE, limit);
      for (let pos = Math.max(this.scanPos, base); pos < end; pos++) {
        const at = (pos - base) * 6;
        if (page[at] === NONE && page[at + 1] === NONE && page[at + 2] === NONE) continue;
        locus.pos = pos;
        locus.match = page[at + BaseType.Match]!;
        locus.deletion = page[at + BaseType.Deletion]!;
        locus.insertion = page[at + BaseType.Insertion]!;
        visit(locus);
        for (let kind = 0; kind < 3; kind++) {
          const head = page[at + kind]!;
          if (head === NONE) continue;
          for (let entry = head; entry !== NONE; entry = this.next[entry]!) {
            const read = this.reads[entry]!;
            if (--read.entries === 0) done(read);
            this.reads[entry] = undefined;
          }
          this.next[page[at + 3 + kind]!] = this.free;
          this.free = head;
          page[at + kind] = NONE;
          page[at + 3 + kind] = NONE;
        }
      }
      this.scanPos = Math.max(this.scanPos, end);
      if (end < base + PAGE) return;
      this.pageIds.shift();
      this.pages.delete(id);
      this.spare.push(page);
    }
  }

  /** A new contig: everything was emitted; positions start over. */
  reset(): void {
    this.scanPos = 0;
  }

  private newPage(id: number): Int32Array {
    const page = this.spare.pop() ?? new Int32Array(PAGE * 6).fill(NONE);
    this.pages.set(id, page);
    // Pages appear mostly in increasing order: insert from the back.
    let i = this.pageIds.length;
    while (i > 0 && this.pageIds[i - 1]! > id) i--;
    this.pageIds.splice(i, 0, id);
    return page;
  }

  private grow(): void {
    const offsets = new Int32Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const next = new Int32Array(this.next.length * 2);
    next.set(this.next);
    this.next = next;
  }
}

const FLAG_SKIPPED = Flag.Secondary | Flag.Supplementary | Flag.Duplicate;
const CIGAR_CONSUMES_READ = [true, true, false, false, true, false, false, true, true];
const CIGAR_CONSUMES_REFERENCE = [true, false, true, true, false, false, false, true, true];
/** Bases of the reference fetched at a time. */
const REFERENCE_CHUNK = 1 << 20;

/** htsjdk SequenceUtil.basesEqual: IUPAC masks equal, any case (anything else: mask 0). */
const IUPAC = new Uint8Array(256);
for (const [letter, mask] of Object.entries({
  A: 1,
  C: 2,
  G: 4,
  T: 8,
  M: 3,
  R: 5,
  W: 9,
  S: 6,
  Y: 10,
  K: 12,
  V: 7,
  H: 11,
  D: 13,
  B: 14,
  N: 15,
})) {
  IUPAC[letter.charCodeAt(0)] = mask;
  IUPAC[letter.toLowerCase().charCodeAt(0)] = mask;
}
IUPAC[46] = 15; // '.'
const basesEqual = (a: number, b: number): boolean => a < 127 && b < 127 && IUPAC[a] === IUPAC[b];

class ErrorCollector implements Collector<ErrorPartial> {
  readonly name = 'error';
  private readonly aggregations: Aggregation[];
  /** The parts every base needs (those of directives that are not read-level), and those of them the read's cache holds. */
  private readonly baseParts: number[];
  /** The directives that are not read-level. */
  private readonly baseLevel: Aggregation[];
  private readonly delta = new Float64Array(DELTA_SLOTS);
  /** Aligned bases of the other base-level directives: compiled (matchCounter), and those it cannot take. */
  private readonly matchCounter: MatchCounter | undefined;
  private readonly genericLevel: Aggregation[];
  /** The read-level parts in ErrorRead.digits, by slot. */
  private readonly readDigitIds: number[];
  /** Whether the current base's part values for the general path are computed (done on its first general count). */
  private genericPartsReady = false;
  private readonly baseReadParts: number[];
  private readonly context: StratifierContext;
  private readonly hasOverlapping: boolean;
  private readonly reference: ReferenceWindow | undefined;
  private readonly readGroups: Set<string>;
  /** The VCF, opened at the first locus (a merge of partial states reads none). */
  private sites: KnownSitesReader | undefined;
  private sitesOpened = false;
  private lastSiteContig = -1;
  private lastSiteStart = 0;
  private lastSite: KnownSite | undefined;

  /** Open loci of the current contig. */
  private readonly pileup = new Pileup();
  private readonly locus: Locus = { pos: 0, referenceBase: 0, depth: 0, match: NONE, deletion: NONE, insertion: NONE };
  private readonly visitLocus = (locus: Locus): void => this.processLocus(locus);
  private readonly doneRead = (read: ErrorRead): void => this.readDone(read);
  /** Counts processed loci: OVERLAPPING_ERROR's name index belongs to one. */
  private locusSerial = 0;
  private namesLocus = -1;
  private readonly names = new Map<string, number[]>();
  private contig = -1;
  private chunkStart = 0;
  private chunk = '';
  private readonly order: CoordinateOrder;
  private records = 0;
  private finishedAlignedReads = false;

  /** processDeletionLocus: the reads whose deletion was seen at the last processed deletion locus. */
  private deletionLocus = -1;
  private deletionContig = -1;
  private readonly deletionsSeen = new Map<ErrorRead, number>();

  /** Per base: each part's value by PARTS id, and whether it gave one (0: no stratum). */
  private readonly partValues: (number | string)[] = new Array<number | string>(PARTS.length).fill(0);
  private readonly present = new Uint8Array(PARTS.length);
  /**
   * Per base: each part's digit in the directives' fast tables (-1: outside its fast range), computed once per base
   * and shared by every directive that has the part; text values get small codes on first sight, per part.
   */
  private readonly fast = new Int32Array(PARTS.length);
  private readonly textCodes = PARTS.map(() => new Map<string, number>());
  private readonly base: ErrorBase = {
    read: undefined as unknown as ErrorRead,
    offset: 0,
    type: BaseType.Match,
    referenceBase: 0,
    indelOp: -1,
    indelLength: 0,
  };

  constructor(
    private readonly options: ErrorOptions,
    private readonly header: BamHeader,
    referencePath: string | undefined,
    private readonly region: CollectorRegion | undefined,
    private readonly input: string,
  ) {
    this.order = new CoordinateOrder(header, input, 'the error collector');
    const directives = parseDirectives(options.metrics);
    this.aggregations = directives.map((directive): Aggregation => {
      const stratifierIndices = directive.stratifiers.map((s) => STRATIFIERS.indexOf(s));
      const parts = directive.stratifiers.flatMap((s) => s.parts);
      const readLevel = directive.stratifiers.every((stratifier) => READ_LEVEL.has(stratifier.name));
      const fastEntries = parts.reduce((product, p) => product * p.fastRadix, 1);
      return {
        directive,
        calculator: CALCULATOR_CODE[directive.calculator],
        parts,
        readLevel,
        stratifierIndices,
        partIds: parts.map((p) => p.id),
        coders: parts.map(() => new PartCoder()),
        root: [],
        strata: [],
        fastTable: fastEntries <= FAST_TABLE_MAX ? new Int32Array(fastEntries) : undefined,
        radices: Int32Array.from(parts, (p) => p.fastRadix),
        counts: new Float64Array(64 * COUNT_SLOTS[directive.calculator]),
        width: COUNT_SLOTS[directive.calculator],
      };
    });
    this.baseLevel = this.aggregations.filter((a) => !a.readLevel);
    const baseParts = [...new Set(this.aggregations.filter((a) => !a.readLevel).flatMap((a) => a.partIds))];
    this.baseParts = baseParts.filter((id) => !PARTS[id]!.readLevel);
    this.baseReadParts = baseParts.filter((id) => PARTS[id]!.readLevel);
    this.hasOverlapping = this.aggregations.some((a) => a.directive.calculator === 'overlapping_error');
    this.context = {
      longHomopolymer: options.longHomopolymer,
      locationBinSize: options.locationBinSize,
      maxInsertSize: options.maxInsertSize,
    };
    this.readGroups = new Set(
      headerLines(header.text, 'RG')
        .map((fields) => fields.ID!)
        .filter((id) => id !== undefined),
    );
    this.reference = referencePath === undefined ? undefined : new ReferenceWindow(referencePath, header);
    // The compiled counter (error-compiled.ts) takes the aligned bases of the base-level directives it can count.
    const compiled = COMPILED ? this.baseLevel.filter((a) => a.fastTable !== undefined && compilable(a.partIds)) : [];
    this.genericLevel = this.baseLevel.filter((a) => !compiled.includes(a));
    const counted = compiled.map((a) => ({
      partIds: a.partIds,
      fastTable: a.fastTable!,
      holder: a,
      width: a.width,
      deltaAt: DELTA_AT[a.calculator]!,
    }));
    this.readDigitIds = readDigitParts(counted);
    this.matchCounter =
      compiled.length === 0 ? undefined : compileMatchCounter(counted, this.context, (k) => this.countGeneric(compiled[k]!));
  }

  accept(record: BamRecordView): void {
    this.records++;
    const flag = record.flag;
    if (this.finishedAlignedReads || flag & FLAG_SKIPPED) return;
    const refId = record.refId;
    if (refId < 0) {
      this.finishedAlignedReads = true;
      return;
    }
    if (flag & Flag.Unmapped || record.mapq < this.options.minimumMappingQuality) return;
    const pos = record.pos;
    if (this.region !== undefined && refId !== this.region.refId) return;
    this.order.check(record, refId, pos, this.records);
    this.order.requireQualities(record, this.records);
    const start = pos + 1;
    // htsjdk's iterator emits every locus before start - 1 when a read starting at start arrives.
    if (refId !== this.contig) {
      this.emitBefore(Number.POSITIVE_INFINITY);
      this.pileup.reset();
      this.contig = refId;
    } else this.emitBefore(start - 1);
    this.pileUp(this.readOf(record), start);
  }

  end(): void {
    this.emitBefore(Number.POSITIVE_INFINITY);
    this.sites?.close();
    this.sites = undefined;
    this.reference?.close();
  }

  private readOf(record: BamRecordView): ErrorRead {
    const length = record.seqLength;
    const bases = new Uint8Array(length);
    for (let i = 0; i < length; i++) bases[i] = record.baseAt(i);
    const numberTag = (name: string): number | null => {
      const value = record.tag(name);
      return typeof value === 'number' ? value : null;
    };
    const group = record.tag('RG');
    return {
      name: record.readName,
      flag: record.flag,
      mapq: record.mapq,
      refId: record.refId,
      start: record.pos + 1,
      mateRefId: record.mateRefId,
      mateStart: record.matePos + 1,
      templateLength: record.templateLength,
      bases,
      qualities: record.qualities().slice(),
      cigar: record.cigarOps(),
      nm: numberTag('NM'),
      hasSupplementaryTag: record.findTag('SA') >= 0,
      firstStrandCopies: numberTag('aD'),
      secondStrandCopies: numberTag('bD'),
      bothStrandsCopies: numberTag('cD'),
      readGroup: typeof group === 'string' && this.readGroups.has(group) ? group : null,
      cache: [],
      strata: [],
      local: undefined,
      digits: undefined,
      entries: 0,
    };
  }

  /** SamLocusIterator.accumulateSamRecord and accumulateIndels, with htsjdk's offsets. */
  private pileUp(read: ErrorRead, start: number): void {
    const { cigar, qualities } = read;
    const pileup = this.pileup;
    const minimumBaseQuality = this.options.minimumBaseQuality;
    const checkQualities = minimumBaseQuality !== 0;
    // Aligned bases.
    let refPos = start;
    let readOffset = 0;
    for (const word of cigar) {
      const op = word & 15;
      const length = word >>> 4;
      if (op === 0 || op === 7 || op === 8) {
        for (let i = 0; i < length; i++) {
          // htsjdk compares the quality as a signed byte.
          if (!checkQualities || (qualities[readOffset + i]! << 24) >> 24 >= minimumBaseQuality) {
            pileup.add(refPos + i, BaseType.Match, read, readOffset + i);
          }
        }
      }
      if (CIGAR_CONSUMES_READ[op]) readOffset += length;
      if (CIGAR_CONSUMES_REFERENCE[op]) refPos += length;
    }
    // Indels: htsjdk moves its read offset past an insertion only when the insertion's first base passed the quality.
    let readBase = 0;
    let locusPos = start;
    for (const word of cigar) {
      const op = word & 15;
      const length = word >>> 4;
      if (op === 1) {
        if (!checkQualities || (qualities[readBase]! << 24) >> 24 >= minimumBaseQuality) {
          pileup.add(locusPos - 1, BaseType.Insertion, read, readBase);
          readBase += length;
        }
      } else if (op === 2) {
        for (let i = 0; i < length; i++) pileup.add(locusPos + i, BaseType.Deletion, read, readBase - 1);
        locusPos += length;
      } else {
        if (CIGAR_CONSUMES_READ[op]) readBase += length;
        if (CIGAR_CONSUMES_REFERENCE[op]) locusPos += length;
      }
    }
  }

  /** Processes, in order, every open locus before `limit` (1-based). */
  private emitBefore(limit: number): void {
    this.pileup.emitBefore(limit, this.locus, this.visitLocus, this.doneRead);
  }

  private referenceBaseAt(pos: number): number {
    if (pos === 0) return 45; // '-': SamLocusAndReferenceIterator's base before the reference's start
    const at = pos - 1;
    if (at < this.chunkStart || at >= this.chunkStart + this.chunk.length || this.chunkContig !== this.contig) {
      this.chunkStart = at;
      this.chunkContig = this.contig;
      this.chunk = this.reference!.text(this.contig, at, at + REFERENCE_CHUNK);
    }
    return this.chunk.charCodeAt(at - this.chunkStart);
  }
  private chunkContig = -1;

  /** Whether a VCF record that is not filtered overlaps pos (1-based) of the current contig (loci come in order). */
  private knownSiteAt(pos: number): boolean {
    if (!this.sitesOpened) {
      this.sitesOpened = true;
      if (this.options.vcf !== undefined) this.sites = new KnownSitesReader(this.options.vcf);
    }
    const sites = this.sites;
    if (sites === undefined) return false;
    for (;;) {
      const site = sites.peek();
      if (site === undefined) return false;
      const siteContig = this.siteContig(site);
      if (!site.filtered && siteContig === this.contig && site.start <= pos && pos <= site.end) return true;
      // Before the locus (another contig before this one, unknown contigs included, or ending before pos): pass it.
      if (site.filtered || siteContig < this.contig || (siteContig === this.contig && site.end < pos)) {
        sites.next();
        continue;
      }
      return false;
    }
  }

  /** The site's contig index, checked for order once per site (the same site is peeked at every locus before it). */
  private siteContig(site: KnownSite): number {
    if (site === this.lastSite) return this.lastSiteContig;
    this.lastSite = site;
    const contig = this.header.referenceIds.get(site.contig) ?? -1;
    if (contig < this.lastSiteContig || (contig === this.lastSiteContig && site.start < this.lastSiteStart))
      throw new HtsError(
        `the VCF is not sorted like the reference: ${site.contig}:${site.start} comes after ${this.header.references[this.lastSiteContig]?.name ?? '?'}:${this.lastSiteStart}`,
        this.options.vcf,
      );
    this.lastSiteContig = contig;
    this.lastSiteStart = site.start;
    return contig;
  }

  private processLocus(locus: Locus): void {
    const pos = locus.pos;
    if (this.region !== undefined && (pos <= this.region.start || pos > this.region.end)) return;
    if (this.region !== undefined && pos === this.region.start + 1 && locus.deletion !== NONE) this.seedDeletionsBefore(locus);
    if (this.knownSiteAt(pos)) return;
    this.locusSerial++;
    locus.referenceBase = this.referenceBaseAt(pos);
    const { reads, offsets, next } = this.pileup;
    let depth = 0;
    for (let entry = locus.match; entry !== NONE && depth <= SCAN_DEPTH; entry = next[entry]!) depth++;
    locus.depth = depth;
    for (let entry = locus.match; entry !== NONE; entry = next[entry]!) this.addBase(locus, reads[entry]!, offsets[entry]!, BaseType.Match);
    for (let entry = locus.deletion; entry !== NONE; entry = next[entry]!) {
      const read = reads[entry]!;
      if (this.deletionSeen(read, pos)) continue;
      this.addBase(locus, read, offsets[entry]!, BaseType.Deletion);
    }
    for (let entry = locus.insertion; entry !== NONE; entry = next[entry]!)
      this.addBase(locus, reads[entry]!, offsets[entry]!, BaseType.Insertion);
  }

  /**
   * A region's first locus: a deletion that also spans the locus before (another shard's, processed there unless a
   * known site) was counted there; Picard's processDeletionLocus would skip it here.
   */
  private seedDeletionsBefore(locus: Locus): void {
    const before = locus.pos - 1;
    if (this.knownSiteAt(before)) return;
    const { reads, next } = this.pileup;
    for (let entry = locus.deletion; entry !== NONE; entry = next[entry]!) {
      const read = reads[entry]!;
      if (deletionSpans(read, before)) this.deletionsSeen.set(read, before);
    }
    this.deletionLocus = before;
    this.deletionContig = this.contig;
  }

  /** CollectSamErrorMetrics.processDeletionLocus: true when the read's deletion was seen at the locus before. */
  private deletionSeen(read: ErrorRead, pos: number): boolean {
    if (this.deletionLocus < 0) {
      this.deletionLocus = pos;
      this.deletionContig = this.contig;
    } else if (this.deletionLocus !== pos || this.deletionContig !== this.contig) {
      this.deletionLocus = pos;
      this.deletionContig = this.contig;
      for (const [seen, at] of this.deletionsSeen) if (Math.abs(at - pos) > 1) this.deletionsSeen.delete(seen);
    }
    const seen = this.deletionsSeen.has(read);
    this.deletionsSeen.set(read, pos);
    return seen;
  }

  private addBase(locus: Locus, read: ErrorRead, offset: number, type: BaseType): void {
    const base = this.base;
    base.read = read;
    base.offset = offset;
    base.type = type;
    base.referenceBase = locus.referenceBase;
    if (type === BaseType.Match) {
      base.indelOp = -1;
      base.indelLength = 0;
    } else {
      const [op, length] = indelElement(read.cigar, offset, type);
      base.indelOp = op;
      base.indelLength = length;
    }
    this.genericPartsReady = false;
    // BaseErrorCalculator: a called aligned base, or an insertion's length (its element as htsjdk found it).
    const readBase = offset >= 0 && offset < read.bases.length ? read.bases[offset]! : 0;
    const totalBases =
      type === BaseType.Match ? (isNoCall(readBase) ? 0 : 1) : type === BaseType.Insertion && base.indelOp >= 0 ? base.indelLength : 0;
    // What this base adds, per calculator (DELTA_AT's slots): every directive of a calculator adds the same.
    const delta = this.delta;
    delta[ERROR_AT] = totalBases;
    delta[ERROR_AT + 1] = type === BaseType.Match && !isNoCall(readBase) && !basesEqual(readBase, locus.referenceBase) ? 1 : 0;
    delta[INDEL_AT] = totalBases;
    delta[INDEL_AT + 1] = type === BaseType.Insertion ? 1 : 0;
    delta[INDEL_AT + 2] = type === BaseType.Insertion && base.indelOp >= 0 ? base.indelLength : 0;
    delta[INDEL_AT + 3] = type === BaseType.Deletion ? 1 : 0;
    delta[INDEL_AT + 4] = type === BaseType.Deletion && base.indelOp >= 0 ? base.indelLength : 0;
    if (this.hasOverlapping) {
      const overlap = this.overlapOf(locus, read, readBase);
      delta[OVERLAP_AT] = totalBases;
      delta[OVERLAP_AT + 1] = overlap === Overlap.None ? 0 : 1;
      delta[OVERLAP_AT + 2] = overlap === Overlap.BothDisagree ? 1 : 0;
      delta[OVERLAP_AT + 3] = overlap === Overlap.DisagreesWithReferenceAndMate ? 1 : 0;
      delta[OVERLAP_AT + 4] = overlap === Overlap.ThreeWay ? 1 : 0;
    }
    // Read-level directives: the read's own sums, added to its strata once its last base is counted (readDone).
    let local = read.local;
    if (local === undefined) {
      read.local = local = new Float64Array(DELTA_SLOTS);
      this.startRead(read);
    }
    for (let i = 0; i < DELTA_SLOTS; i++) local[i]! += delta[i]!;
    // Base-level directives: an aligned base through the compiled counter where it can, anything else the general way.
    if (type === BaseType.Match && this.matchCounter !== undefined) {
      this.matchCounter(read, offset, locus.referenceBase, delta);
      const generic = this.genericLevel;
      for (let a = 0; a < generic.length; a++) this.countGeneric(generic[a]!);
    } else {
      const baseLevel = this.baseLevel;
      for (let a = 0; a < baseLevel.length; a++) this.countGeneric(baseLevel[a]!);
    }
  }

  /** A read's first counted base: its read-level strata, and the read-level digits the compiled counter reads. */
  private startRead(read: ErrorRead): void {
    const aggregations = this.aggregations;
    for (let a = 0; a < aggregations.length; a++) {
      const aggregation = aggregations[a]!;
      if (!aggregation.readLevel) continue;
      for (const id of aggregation.partIds) this.fillReadLevel(read, id);
      read.strata[a] = this.stratumOf(aggregation)?.index ?? -1;
    }
    const ids = this.readDigitIds;
    if (ids.length === 0) return;
    const digits = new Int32Array(ids.length);
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot]!;
      this.fillReadLevel(read, id);
      digits[slot] = this.present[id] === 1 ? this.fast[id]! : NULL_DIGIT;
    }
    read.digits = digits;
  }

  /** Counts the current base in one base-level directive the general way: each part's value function, then the tree. */
  private countGeneric(aggregation: Aggregation): void {
    if (!this.genericPartsReady) {
      this.genericPartsReady = true;
      const { partValues, present, fast, base } = this;
      for (const id of this.baseParts) {
        const part = PARTS[id]!;
        const value = part.value(base, this.context);
        if (value === null) present[id] = 0;
        else {
          present[id] = 1;
          partValues[id] = value;
          fast[id] = fastDigit(part, value, this.textCodes);
        }
      }
      for (const id of this.baseReadParts) this.fillReadLevel(base.read, id);
    }
    const stratum = this.stratumOf(aggregation);
    if (stratum === undefined) return;
    // After the look-up: a new stratum may have grown the array.
    const { counts, width } = aggregation;
    const from = stratum.index * width;
    const at = DELTA_AT[aggregation.calculator]!;
    const delta = this.delta;
    for (let i = 0; i < width; i++) counts[from + i]! += delta[at + i]!;
  }

  /** A read's last pileup entry was counted (or skipped): its sums go to its read-level strata. */
  private readDone(read: ErrorRead): void {
    const local = read.local;
    if (local === undefined) return;
    const aggregations = this.aggregations;
    for (let a = 0; a < aggregations.length; a++) {
      const index = read.strata[a] as number | undefined;
      if (index === undefined || index < 0) continue;
      const aggregation = aggregations[a]!;
      const { counts, width } = aggregation;
      const from = index * width;
      const at = DELTA_AT[aggregation.calculator]!;
      for (let i = 0; i < width; i++) counts[from + i]! += local[at + i]!;
    }
  }

  /** A read-level part's value for the current base's read, from the read's cache (computed once). */
  private fillReadLevel(read: ErrorRead, id: number): void {
    let cached = read.cache[id];
    if (cached === undefined) read.cache[id] = cached = PARTS[id]!.value(this.base, this.context);
    if (cached === null) this.present[id] = 0;
    else {
      this.present[id] = 1;
      this.partValues[id] = cached;
      this.fast[id] = fastDigit(PARTS[id]!, cached, this.textCodes);
    }
  }

  /** The stratum of the current base's values for one directive (undefined when a stratifier gives none). */
  private stratumOf(aggregation: Aggregation): Stratum | undefined {
    const ids = aggregation.partIds;
    const present = this.present;
    for (let i = 0; i < ids.length; i++) if (present[ids[i]!] === 0) return undefined;
    const table = aggregation.fastTable;
    if (table !== undefined) {
      // The values' mixed-radix number, from the digits computed once for this base.
      const fast = this.fast;
      const radices = aggregation.radices;
      let index = 0;
      let i = 0;
      for (; i < ids.length; i++) {
        const digit = fast[ids[i]!]!;
        if (digit < 0 || digit >= radices[i]!) break;
        index = index * radices[i]! + digit;
      }
      if (i === ids.length) {
        const known = table[index]!;
        if (known > 0) return aggregation.strata[known - 1]!;
        const stratum = stratumAt(aggregation, this.partValues, ids);
        table[index] = stratum.index + 1;
        return stratum;
      }
    }
    return stratumAt(aggregation, this.partValues, ids);
  }

  /** OverlappingReadsErrorCalculator: the mate's aligned base at this locus, compared with the read's and the reference's. */
  private overlapOf(locus: Locus, read: ErrorRead, readBase: number): Overlap {
    // Only a paired read can have its mate here (areReadsMates), and only when another read is.
    if ((read.flag & Flag.Paired) === 0) return Overlap.None;
    const { reads, offsets, next } = this.pileup;
    let mateBase = -1;
    if (locus.depth <= SCAN_DEPTH) {
      // A short chain: a scan finds the mate Picard's name index finds (a read has one mate at a locus).
      for (let entry = locus.match; entry !== NONE; entry = next[entry]!) {
        const other = reads[entry]!;
        if (other !== read && other.name === read.name && areMates(read, other)) {
          mateBase = other.bases[offsets[entry]!]!;
          break;
        }
      }
    } else {
      // A deep locus: the reads by name, once per locus, as Picard (linear in the depth, not quadratic).
      if (this.namesLocus !== this.locusSerial) {
        this.namesLocus = this.locusSerial;
        this.names.clear();
        for (let entry = locus.match; entry !== NONE; entry = next[entry]!) {
          const name = reads[entry]!.name;
          const list = this.names.get(name);
          if (list === undefined) this.names.set(name, [entry]);
          else list.push(entry);
        }
      }
      for (const entry of this.names.get(read.name) ?? []) {
        const other = reads[entry]!;
        if (areMates(read, other)) {
          mateBase = other.bases[offsets[entry]!]!;
          break;
        }
      }
    }
    if (mateBase < 0 || readBase === 0 || isNoCall(readBase) || isNoCall(mateBase)) return Overlap.None;
    const reference = locus.referenceBase;
    if (basesEqual(readBase, reference)) return Overlap.AgreesWithReference;
    if (basesEqual(readBase, mateBase)) return Overlap.BothDisagree;
    return basesEqual(mateBase, reference) ? Overlap.DisagreesWithReferenceAndMate : Overlap.ThreeWay;
  }

  toPartial(): ErrorPartial {
    return {
      directives: this.aggregations.map((a) => a.directive.text),
      strata: this.aggregations.map((a) => a.strata.map((s): [(number | string)[], number[]] => [s.values, countsOf(a, s)])),
    };
  }

  merge(partial: ErrorPartial): void {
    partial.strata.forEach((strata, d) => {
      const aggregation = this.aggregations[d]!;
      for (const [values, counts] of strata) {
        const from = stratumAt(aggregation, values, undefined).index * aggregation.width;
        counts.forEach((count, i) => (aggregation.counts[from + i]! += count));
      }
    });
  }

  finish(): MetricsOutput[] {
    const priorError = 10 ** (this.options.priorQ / -10);
    const q = (errors: number, total: number): number => Math.round(-10 * Math.log10((errors + priorError) / (total + 1)));
    const outputs: MetricsOutput[] = [];
    const rikerRows: Record<CalculatorKind, Row[]> = { error: [], overlapping_error: [], indel_error: [] };
    for (const aggregation of this.aggregations) {
      const { directive } = aggregation;
      const parts = directive.stratifiers.flatMap((s) => s.parts);
      const strata = [...aggregation.strata].sort((a, b) => {
        for (let i = 0; i < parts.length; i++) {
          const order = comparePart(parts[i]!, a.values[i]!, b.values[i]!);
          if (order !== 0) return order;
        }
        return 0;
      });
      const rows: Row[] = [];
      for (const stratum of strata) {
        const { values } = stratum;
        const counts = countsOf(aggregation, stratum);
        const covariate = values.map((value, i) => printPart(parts[i]!, value)).join(',');
        const [total, a = 0, b = 0, c = 0, d = 0] = counts as [number, number?, number?, number?, number?];
        if (directive.calculator === 'error') {
          // Picard drops ERROR strata with no bases (OVERLAPPING and INDEL keep them).
          if (total === 0) continue;
          rows.push({
            ERROR_BASES: a,
            Q_SCORE: q(a, total),
            COVARIATE: covariate,
            TOTAL_BASES: total,
            FRAC_ERROR: total === 0 ? 0 : a / total,
          });
        } else if (directive.calculator === 'indel_error')
          rows.push({
            NUM_INSERTIONS: a,
            NUM_INSERTED_BASES: b,
            INSERTIONS_Q: q(a, total),
            NUM_DELETIONS: c,
            NUM_DELETED_BASES: d,
            DELETIONS_Q: q(c, total),
            ERROR_BASES: b + d,
            // IndelErrorMetric.calculateDerivedFields does not compute BaseErrorMetric's Q_SCORE: Picard writes 0.
            Q_SCORE: 0,
            COVARIATE: covariate,
            TOTAL_BASES: total,
          });
        else
          rows.push({
            NUM_BASES_WITH_OVERLAPPING_READS: a,
            NUM_DISAGREES_WITH_REFERENCE_ONLY: b,
            DISAGREES_WITH_REFERENCE_ONLY_Q: q(b, a),
            NUM_DISAGREES_WITH_REF_AND_MATE: c,
            DISAGREES_WITH_REF_AND_MATE_ONLY_Q: q(c, a),
            NUM_THREE_WAYS_DISAGREEMENT: d,
            THREE_WAYS_DISAGREEMENT_ONLY_Q: q(d, a),
            COVARIATE: covariate,
            TOTAL_BASES: total,
          });
      }
      const columns = PICARD_COLUMNS[directive.calculator];
      outputs.push({
        picardSuffix: `.${directive.suffix}`,
        picardProgram: `CollectSamErrorMetrics ERROR_METRICS=${directive.text}`,
        metricsClass: METRICS_CLASS[directive.calculator],
        table: { columns, rows },
        rikerSuffix: `.${directive.suffix}`,
        only: 'picard',
      });
      const stratifier = directive.suffix.slice(directive.calculator.length + '_by_'.length);
      for (const row of rows) rikerRows[directive.calculator].push({ STRATIFIER: stratifier, ...row });
    }
    for (const calculator of ['error', 'overlapping_error', 'indel_error'] as const) {
      if (!this.aggregations.some((a) => a.directive.calculator === calculator)) continue;
      outputs.push({
        picardSuffix: `.${calculator}`,
        picardProgram: 'CollectSamErrorMetrics',
        metricsClass: METRICS_CLASS[calculator],
        table: { columns: RIKER_COLUMNS[calculator], rows: rikerRows[calculator] },
        rikerSuffix: RIKER_SUFFIX[calculator],
        only: 'riker',
      });
    }
    return outputs;
  }
}

/**
 * The stratum of part values in a directive's tree, made on first sight: `values[slots[i]]` (a base's parts by id), or
 * `values[i]` without slots (a partial state's stratum). Counting goes through the fast table first (stratumOf).
 */
function stratumAt(aggregation: Aggregation, values: (number | string)[], slots: number[] | undefined): Stratum {
  const { coders } = aggregation;
  const parts = coders.length;
  let node = aggregation.root;
  for (let i = 0; i < parts - 1; i++) {
    const code = coders[i]!.code(values[slots === undefined ? i : slots[i]!]!);
    let next = node[code] as unknown[] | undefined;
    if (next === undefined) node[code] = next = [];
    node = next;
  }
  const code = coders[parts - 1]!.code(values[slots === undefined ? parts - 1 : slots[parts - 1]!]!);
  let stratum = node[code] as Stratum | undefined;
  if (stratum === undefined) {
    const own: (number | string)[] = [];
    for (let i = 0; i < parts; i++) own.push(values[slots === undefined ? i : slots[i]!]!);
    stratum = { values: own, index: aggregation.strata.length };
    const needed = (stratum.index + 1) * aggregation.width;
    if (needed > aggregation.counts.length) {
      const grown = new Float64Array(Math.max(needed, aggregation.counts.length * 2));
      grown.set(aggregation.counts);
      aggregation.counts = grown;
    }
    node[code] = stratum;
    aggregation.strata.push(stratum);
  }
  return stratum;
}

/** Whether a read's CIGAR has a deletion at reference position pos (1-based). */
function deletionSpans(read: ErrorRead, pos: number): boolean {
  let refPos = read.start;
  for (const word of read.cigar) {
    const op = word & 15;
    const length = word >>> 4;
    if (op === 2 && pos >= refPos && pos < refPos + length) return true;
    if (CIGAR_CONSUMES_REFERENCE[op]) refPos += length;
    if (refPos > pos) return false;
  }
  return false;
}

/** OverlappingReadsErrorCalculator.areReadsMates. */
function areMates(read: ErrorRead, other: ErrorRead): boolean {
  const a = read.flag;
  const b = other.flag;
  return (
    (a & Flag.Paired) !== 0 &&
    (a & Flag.FirstOfPair) !== (b & Flag.FirstOfPair) &&
    (a & Flag.SecondOfPair) !== (b & Flag.SecondOfPair) &&
    (a & Flag.Unmapped) === 0 &&
    (b & Flag.Unmapped) === 0 &&
    (a & Flag.Secondary) === 0 &&
    (b & Flag.Secondary) === 0 &&
    read.mateStart === other.start &&
    read.mateRefId === other.refId
  );
}

const METRICS_CLASS: Record<CalculatorKind, string> = {
  error: 'picard.sam.SamErrorMetric.BaseErrorMetric',
  overlapping_error: 'picard.sam.SamErrorMetric.OverlappingErrorMetric',
  indel_error: 'picard.sam.SamErrorMetric.IndelErrorMetric',
};

const RIKER_SUFFIX: Record<CalculatorKind, string> = {
  error: '.error-mismatch.txt',
  overlapping_error: '.error-overlap.txt',
  indel_error: '.error-indel.txt',
};

/** Every column of the error files, once: Picard's layout and riker's are built from these objects (collect-docs). */
const column = (name: string, kind: Column['kind'], description: string, riker?: string | null, picard?: false): Column => ({
  name,
  kind,
  description,
  ...(riker === undefined ? {} : { riker }),
  ...(picard === undefined ? {} : { picard }),
});
const C = {
  stratifier: column(
    'STRATIFIER',
    'text',
    "The directive's stratifiers as its file suffix names them (base_quality, read_ordinality_and_cycle); riker's layout only.",
    undefined,
    false,
  ),
  covariate: column('COVARIATE', 'text', "The stratum: the stratifiers' values joined by commas (FIRST,3,A,C), as Java prints them."),
  totalBases: column(
    'TOTAL_BASES',
    'int',
    'Bases counted in the stratum: aligned bases that are not N with quality and MAPQ at or above the cutoffs, plus the length of each insertion.',
  ),
  errorBases: column('ERROR_BASES', 'int', 'Aligned bases that differ from the reference (IUPAC-aware, any case).'),
  fracError: column('FRAC_ERROR', 'double', "ERROR_BASES / TOTAL_BASES; riker's layout only.", undefined, false),
  qScore: column(
    'Q_SCORE',
    'int',
    'The error rate as a phred score: round(-10 log10((ERROR_BASES + 10^(-PRIOR_Q/10)) / (TOTAL_BASES + 1))).',
  ),
  indelErrorBases: column('ERROR_BASES', 'int', 'NUM_INSERTED_BASES + NUM_DELETED_BASES (Picard layout only).', null),
  indelQScore: column('Q_SCORE', 'int', 'Always 0: Picard does not compute it for indel metrics (Picard layout only).', null),
  insertions: column('NUM_INSERTIONS', 'int', 'Insertions (events) in the stratum, each counted at the locus before it.'),
  insertedBases: column('NUM_INSERTED_BASES', 'int', 'Bases inserted by those insertions.'),
  insertionsQ: column('INSERTIONS_Q', 'int', 'NUM_INSERTIONS per TOTAL_BASES as a phred score (with the prior, as Q_SCORE).'),
  deletions: column('NUM_DELETIONS', 'int', 'Deletions (events) in the stratum, each counted once, at the first locus processed.'),
  deletedBases: column('NUM_DELETED_BASES', 'int', 'Reference bases deleted by those deletions.'),
  deletionsQ: column('DELETIONS_Q', 'int', 'NUM_DELETIONS per TOTAL_BASES as a phred score (with the prior, as Q_SCORE).'),
  overlapping: column(
    'NUM_BASES_WITH_OVERLAPPING_READS',
    'int',
    'Bases whose mate also has a called aligned base at the locus (both not N).',
    'overlapping_read_bases',
  ),
  referenceOnly: column(
    'NUM_DISAGREES_WITH_REFERENCE_ONLY',
    'int',
    'Overlapping bases where read and mate agree with each other but not with the reference: a pre-sequencing error or an unknown variant.',
    'bases_matching_mate_but_not_ref',
  ),
  referenceOnlyQ: column(
    'DISAGREES_WITH_REFERENCE_ONLY_Q',
    'int',
    'NUM_DISAGREES_WITH_REFERENCE_ONLY per overlapping base as a phred score.',
    'q_matching_mate_but_not_ref',
  ),
  referenceAndMate: column(
    'NUM_DISAGREES_WITH_REF_AND_MATE',
    'int',
    'Overlapping bases that differ from both the mate and the reference while the mate agrees with the reference: a sequencing error.',
    'bases_mismatching_ref_and_mate',
  ),
  referenceAndMateQ: column(
    'DISAGREES_WITH_REF_AND_MATE_ONLY_Q',
    'int',
    'NUM_DISAGREES_WITH_REF_AND_MATE per overlapping base as a phred score.',
    'q_mismatching_ref_and_mate',
  ),
  threeWays: column(
    'NUM_THREE_WAYS_DISAGREEMENT',
    'int',
    'Overlapping bases where read, mate and reference all differ.',
    'bases_in_three_way_disagreement',
  ),
  threeWaysQ: column(
    'THREE_WAYS_DISAGREEMENT_ONLY_Q',
    'int',
    'NUM_THREE_WAYS_DISAGREEMENT per overlapping base as a phred score.',
    'q_three_way_disagreement',
  ),
};

/** Picard's columns, in the order htsjdk writes them (a metric class's own fields, then its superclasses'). */
const PICARD_COLUMNS: Record<CalculatorKind, Column[]> = {
  error: [C.errorBases, C.qScore, C.covariate, C.totalBases],
  indel_error: [
    C.insertions,
    C.insertedBases,
    C.insertionsQ,
    C.deletions,
    C.deletedBases,
    C.deletionsQ,
    C.indelErrorBases,
    C.indelQScore,
    C.covariate,
    C.totalBases,
  ],
  overlapping_error: [
    C.overlapping,
    C.referenceOnly,
    C.referenceOnlyQ,
    C.referenceAndMate,
    C.referenceAndMateQ,
    C.threeWays,
    C.threeWaysQ,
    C.covariate,
    C.totalBases,
  ],
};

/** riker's layout: one file per calculator, every directive's rows, stratifier and covariate first. */
const RIKER_COLUMNS: Record<CalculatorKind, Column[]> = {
  error: [C.stratifier, C.covariate, C.totalBases, C.errorBases, C.fracError, C.qScore],
  overlapping_error: [
    C.stratifier,
    C.covariate,
    C.totalBases,
    C.overlapping,
    C.referenceOnly,
    C.referenceAndMate,
    C.threeWays,
    C.referenceOnlyQ,
    C.referenceAndMateQ,
    C.threeWaysQ,
  ],
  indel_error: [
    C.stratifier,
    C.covariate,
    C.totalBases,
    C.insertions,
    C.insertedBases,
    C.deletions,
    C.deletedBases,
    C.insertionsQ,
    C.deletionsQ,
  ],
};

/** Both layouts' columns of a calculator, each once, riker's order first. */
const documented = (calculator: CalculatorKind): Column[] => [...new Set([...RIKER_COLUMNS[calculator], ...PICARD_COLUMNS[calculator]])];

export const errorCollector: CollectorFactory<ErrorPartial> = {
  name: 'error',
  report: errorReport,
  needsReference: true,
  ordered: true,
  options: ERROR_OPTIONS,
  docs: [
    {
      title: 'ERROR: mismatches of aligned bases, by stratum of each directive',
      rikerSuffix: RIKER_SUFFIX.error,
      picardSuffix: '.error_by_<stratifiers> (one file per directive)',
      columns: documented('error'),
    },
    {
      title: 'OVERLAPPING_ERROR: bases where the mate overlaps, read vs mate vs reference (pre-sequencing vs sequencing errors)',
      rikerSuffix: RIKER_SUFFIX.overlapping_error,
      picardSuffix: '.overlapping_error_by_<stratifiers> (one file per directive)',
      columns: documented('overlapping_error'),
    },
    {
      title: 'INDEL_ERROR: insertions and deletions, by stratum of each directive',
      rikerSuffix: RIKER_SUFFIX.indel_error,
      picardSuffix: '.indel_error_by_<stratifiers> (one file per directive)',
      columns: documented('indel_error'),
    },
  ],
  usageProblem({ options }) {
    try {
      parseDirectives((options.error as ErrorOptions | undefined)?.metrics);
    } catch (error) {
      return `--metrics: ${(error as Error).message}`;
    }
    return undefined;
  },
  create(context: CollectorContext) {
    const options = { ...ERROR_DEFAULTS, ...(context.options.error as Partial<ErrorOptions> | undefined) };
    // The FASTA opens at the first locus (ReferenceWindow), so a merge of partial states reads none.
    const reference = options.reference ?? context.reference;
    return new ErrorCollector(options, context.header, reference, context.region, context.input ?? 'input');
  },
};
