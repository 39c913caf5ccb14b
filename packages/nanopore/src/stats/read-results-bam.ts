/**
 * baleen's `read_results.bam`: every scored read, copied from its input BAM, with its condition as
 * the read group (`RG:Z:native` / `RG:Z:ivt`) and its per-site modification probabilities as
 * MM/ML/MN tags (SAMtags §1.7; @shoal/hts bam/modbases.ts), coordinate-sorted, with its .bai.
 *
 * Records. A record is copied byte for byte but for its tags: RG, MM, ML and MN (and the draft
 * Mm/Ml names htslib still reads) are dropped, since ours replace them, and RG, MM, ML, MN are
 * appended. A site's reference position becomes a query position through the CIGAR's aligned
 * pairs (M, =, X); a site inside a deletion or reference skip (D, N), or outside the alignment, has
 * no base in the read and is counted and left out.
 *
 * The modification code. A site whose read base is A on the original (as-sequenced) strand is
 * written as `A+a?` (6mA, SAMtags' table, the code dorado's m6A models write); any other site goes
 * in an `N+N?` group (`N` counts every base; code `N` is the spec's "unspecified modification of
 * any base type"). `N+n` is not a generic code: `n` is Xanthosine. So a read whose sites are all on
 * A carries only `A+a?`, and a site on A has the same code in every read. `?`: bases not listed
 * were not scored (not "unmodified").
 *
 * Threads and files: records are rebuilt on the main thread and handed to BamSorter (@shoal/hts
 * bam/sort), which holds them within its memory limit, spills sorted runs beside the output, and
 * with `threads` above 1 compresses on the engine's workers. The output and its .bai are written
 * under temporary names and renamed together at the end; a failure leaves neither (nor any run).
 */
import {
  BamRecordView,
  BamSorter,
  encodeModifiedBases,
  encodeRecord,
  Flag,
  headerLines,
  HtsError,
  makeHeader,
  smallestIntegerType,
  type BamHeader,
  type BamRecord,
  type ModifiedBaseGroup,
} from '@shoal/hts';

export type ReadCondition = 'native' | 'ivt';

export interface ReadSite {
  /** 0-based reference position of the base the site is about. */
  referencePosition: number;
  /** Probability of modification, 0..1. */
  probability: number;
}

export interface ReadResult {
  /**
   * The input record: a view (read before the next item is asked for), its bytes as
   * BamRecordView.toBytes() gives them (block_size first), or an owned record.
   */
  record: BamRecordView | Uint8Array | BamRecord;
  condition: ReadCondition;
  sites: readonly ReadSite[];
}

export interface ReadResultsBamOptions {
  /** The BAM to write; `-` for stdout (then no index). */
  output: string;
  /** The input's header: the records' reference ids index its dictionary. */
  header: BamHeader;
  records: Iterable<ReadResult> | AsyncIterable<ReadResult>;
  /** The CL of the @PG line (tabs and line breaks become spaces). */
  programCommandLine: string;
  /** Total threads; above 1, BGZF compression runs on the engine's workers. Default 1. */
  threads?: number;
  /** Also write `<output>.bai`. */
  writeIndex: boolean;
  /** Sort memory (BamSorter's memoryBytes); default samtools sort's 768 MiB. */
  memoryBytes?: number;
  /** Where sorted runs go; default the output's folder. */
  temporaryFolder?: string;
}

export interface ReadResultsBamSummary {
  records: number;
  nativeRecords: number;
  ivtRecords: number;
  /** Records written with MM/ML/MN (at least one site with a base in the read). */
  recordsWithModifications: number;
  /** Input records that carried MM or ML (replaced by ours, or dropped when no site mapped). */
  recordsWithReplacedModifications: number;
  /** Sites written to MM/ML. */
  sitesWritten: number;
  /** Of those, sites whose base is not A on the original strand (written as `N+N?`). */
  sitesNotOnA: number;
  /** Sites left out: inside a deletion or reference skip (CIGAR D, N). */
  sitesInDeletion: number;
  /** Sites left out: before the alignment's start, after its end, or on an unmapped record. */
  sitesOutsideAlignment: number;
  /** Sites left out: the record has no SEQ. */
  sitesWithoutSequence: number;
}

/** The read groups of the two conditions, and the program that writes the file. */
export const READ_GROUPS: readonly ReadCondition[] = ['native', 'ivt'];
export const PROGRAM_ID = 'hmm-smooth';

/** Tags dropped from input records: ours replace them (Mm/Ml: the draft names htslib still reads). */
const REPLACED_TAGS = new Set(['RG', 'MM', 'ML', 'MN', 'Mm', 'Ml']);

/** CIGAR ops: M I D N S H P = X (SAM spec §1.4.6). */
const CONSUMES_REFERENCE = 0b110001101;
const CONSUMES_QUERY = 0b110010011;
const CIGAR_DELETION = 2;
const CIGAR_SKIP = 3;

/**
 * The header of read_results.bam: the input's, with `@RG ID:native SM:native` and `@RG ID:ivt
 * SM:ivt` (an @RG of that ID already there is kept as it is) after the last @RG (else after the
 * @HD/@SQ lines), and `@PG ID:hmm-smooth PN:hmm-smooth PP:<chain end> CL:<command line>` after the
 * last @PG. An ID already taken gets `.1`, `.2`… as htslib names a repeated program; PP names the
 * last @PG that no other @PG names as its PP (the end of the chain), as samtools chains its own.
 */
export function readResultsHeader(header: BamHeader, commandLine: string): BamHeader {
  const lines = header.text.split('\n').filter((line) => line.length > 0);
  const groups = new Set(headerLines(header.text, 'RG').map((fields) => fields.ID));
  const newGroups = READ_GROUPS.filter((id) => !groups.has(id)).map((id) => `@RG\tID:${id}\tSM:${id}`);
  const lastIndex = (test: (line: string) => boolean): number => {
    for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i]!)) return i;
    return -1;
  };
  const isType = (type: string) => (line: string) => line.startsWith(`@${type}\t`) || line === `@${type}`;
  let groupAt = lastIndex(isType('RG'));
  if (groupAt < 0) groupAt = lastIndex((line) => isType('HD')(line) || isType('SQ')(line));
  lines.splice(groupAt + 1, 0, ...newGroups);

  const programs = headerLines(header.text, 'PG');
  const ids = new Set(programs.map((fields) => fields.ID));
  const named = new Set(programs.map((fields) => fields.PP));
  let id = PROGRAM_ID;
  for (let n = 1; ids.has(id); n++) id = `${PROGRAM_ID}.${n}`;
  const chainEnd = programs.filter((fields) => fields.ID !== undefined && !named.has(fields.ID)).pop()?.ID;
  const commandText = commandLine.replace(/[\t\r\n]+/g, ' ');
  const program = ['@PG', `ID:${id}`, `PN:${PROGRAM_ID}`, ...(chainEnd === undefined ? [] : [`PP:${chainEnd}`]), `CL:${commandText}`].join(
    '\t',
  );
  const programAt = lastIndex(isType('PG'));
  if (programAt < 0) lines.push(program);
  else lines.splice(programAt + 1, 0, program);
  return makeHeader(`${lines.join('\n')}\n`, header.references);
}

/** Per-record counts, added into the summary. */
interface SiteCounts {
  written: number;
  notOnA: number;
  inDeletion: number;
  outside: number;
  withoutSequence: number;
}

/**
 * Query positions of the sites (-1: in a deletion or skip, -2: outside the alignment), by walking
 * the CIGAR once over the sites in reference order. `order` lists the sites by reference position.
 */
function queryPositionsOf(view: BamRecordView, sites: readonly ReadSite[], order: readonly number[]): Int32Array {
  const out = new Int32Array(sites.length).fill(-2);
  if (view.flag & Flag.Unmapped || view.refId < 0 || view.pos < 0) return out;
  const opCount = view.cigarLength;
  let op = 0;
  let referenceAt = view.pos;
  let queryAt = 0;
  for (const s of order) {
    const target = sites[s]!.referencePosition;
    if (target < view.pos) continue;
    // Pass every op that ends at or before the target (ops without reference length, I S H P, always).
    while (op < opCount) {
      const packed = view.cigarOp(op);
      const length = packed >>> 4;
      const code = packed & 15;
      const referenceLength = (CONSUMES_REFERENCE >> code) & 1 ? length : 0;
      if (referenceLength > 0 && target < referenceAt + referenceLength) break;
      referenceAt += referenceLength;
      if ((CONSUMES_QUERY >> code) & 1) queryAt += length;
      op++;
    }
    if (op === opCount) break;
    const code = view.cigarOp(op) & 15;
    out[s] = code === CIGAR_DELETION || code === CIGAR_SKIP ? -1 : queryAt + (target - referenceAt);
  }
  return out;
}

/** The MM/ML/MN groups of one record's sites, and its counts. */
function modificationGroups(
  view: BamRecordView,
  sites: readonly ReadSite[],
  counts: SiteCounts,
): { sequence: string; reverse: boolean; groups: ModifiedBaseGroup[] } {
  const name = view.readName;
  const order = sites.map((_, i) => i).sort((a, b) => sites[a]!.referencePosition - sites[b]!.referencePosition);
  for (let i = 0; i < order.length; i++) {
    const site = sites[order[i]!]!;
    if (!Number.isInteger(site.referencePosition) || site.referencePosition < 0)
      throw new HtsError(`read ${name}: site reference position ${site.referencePosition} is not a whole number ≥ 0`);
    if (!(site.probability >= 0 && site.probability <= 1))
      throw new HtsError(
        `read ${name}: the probability at reference position ${site.referencePosition} is ${site.probability}, outside 0-1`,
      );
    if (i > 0 && sites[order[i - 1]!]!.referencePosition === site.referencePosition)
      throw new HtsError(`read ${name}: reference position ${site.referencePosition} has two sites`);
  }
  const reverse = (view.flag & Flag.Reverse) !== 0;
  if (view.seqLength === 0) {
    counts.withoutSequence += sites.length;
    return { sequence: '', reverse, groups: [] };
  }
  const positions = queryPositionsOf(view, sites, order);
  // The read base that is A on the original strand: A in SEQ, or T in SEQ for a reverse record.
  const baseA = reverse ? 84 : 65;
  const onA: ModifiedBaseGroup = { base: 'A', strand: '+', code: 'a', mode: '?', queryPositions: [], probabilities: [] };
  const other: ModifiedBaseGroup = { base: 'N', strand: '+', code: 'N', mode: '?', queryPositions: [], probabilities: [] };
  for (const s of order) {
    const q = positions[s]!;
    if (q === -1) counts.inDeletion++;
    else if (q < 0) counts.outside++;
    else {
      const group = view.baseAt(q) === baseA ? onA : other;
      (group.queryPositions as number[]).push(q);
      (group.probabilities as number[]).push(sites[s]!.probability);
    }
  }
  counts.written += onA.queryPositions.length + other.queryPositions.length;
  counts.notOnA += other.queryPositions.length;
  const groups = [onA, other].filter((group) => group.queryPositions.length > 0);
  return { sequence: groups.length > 0 ? view.sequence() : '', reverse, groups };
}

const ascii = new TextEncoder();

/** A Z tag's bytes: name, `Z`, the text, NUL. */
function stringTag(name: string, text: string): Uint8Array {
  const body = ascii.encode(text);
  const out = new Uint8Array(4 + body.length);
  out[0] = name.charCodeAt(0);
  out[1] = name.charCodeAt(1);
  out[2] = 90;
  out.set(body, 3);
  return out;
}

/** ML:B:C: name, `B`, `C`, count (u32 little-endian), the bytes. */
function byteArrayTag(name: string, values: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + values.length);
  out[0] = name.charCodeAt(0);
  out[1] = name.charCodeAt(1);
  out[2] = 66;
  out[3] = 67;
  new DataView(out.buffer).setUint32(4, values.length, true);
  out.set(values, 8);
  return out;
}

/** An integer tag in the smallest unsigned type that holds it (as samtools stores `MN:i:` from SAM). */
function integerTag(name: string, value: number): Uint8Array {
  const type = smallestIntegerType(value) ?? 'i';
  const size = type === 'C' ? 1 : type === 'S' ? 2 : 4;
  const out = new Uint8Array(3 + size);
  out[0] = name.charCodeAt(0);
  out[1] = name.charCodeAt(1);
  out[2] = type.charCodeAt(0);
  const data = new DataView(out.buffer);
  if (type === 'C') data.setUint8(3, value);
  else if (type === 'S') data.setUint16(3, value, true);
  else if (type === 'I') data.setUint32(3, value, true);
  else data.setInt32(3, value, true);
  return out;
}

/**
 * The output record: the input's bytes up to its tags, its tags less REPLACED_TAGS, then RG and,
 * when a site has a base in the read, MM, ML and MN. Returns whether the input had MM/ML.
 */
function rebuildRecord(
  view: BamRecordView,
  condition: ReadCondition,
  added: readonly Uint8Array[],
): { bytes: Uint8Array; hadModifications: boolean } {
  const { bytes, start, end } = view;
  const tagsStart = view.tagsStart;
  const kept: [number, number][] = [];
  let hadModifications = false;
  for (let at = tagsStart; at < end;) {
    const next = view.nextTag(at);
    const name = String.fromCharCode(bytes[at]!, bytes[at + 1]!);
    if (REPLACED_TAGS.has(name)) {
      if (name !== 'RG' && name !== 'MN') hadModifications = true;
    } else {
      kept.push([at, next]);
    }
    at = next;
  }
  const tags = [stringTag('RG', condition), ...added];
  let size = tagsStart - start;
  for (const [from, to] of kept) size += to - from;
  for (const tag of tags) size += tag.length;
  const out = new Uint8Array(size);
  out.set(bytes.subarray(start, tagsStart), 0);
  let at = tagsStart - start;
  for (const [from, to] of kept) {
    out.set(bytes.subarray(from, to), at);
    at += to - from;
  }
  for (const tag of tags) {
    out.set(tag, at);
    at += tag.length;
  }
  new DataView(out.buffer).setUint32(0, size - 4, true);
  return { bytes: out, hadModifications };
}

function viewOf(record: ReadResult['record'], scratch: BamRecordView): BamRecordView {
  if (record instanceof BamRecordView) return record;
  if (record instanceof Uint8Array) return scratch.setPosition(record, 0);
  return scratch.setPosition(encodeRecord(record), 0);
}

/**
 * Writes read_results.bam (see the module comment): the records with RG and MM/ML/MN, the header
 * with the two read groups and the @PG line, coordinate-sorted, with `<output>.bai` when asked.
 */
export async function writeReadResultsBam(options: ReadResultsBamOptions): Promise<ReadResultsBamSummary> {
  const summary: ReadResultsBamSummary = {
    records: 0,
    nativeRecords: 0,
    ivtRecords: 0,
    recordsWithModifications: 0,
    recordsWithReplacedModifications: 0,
    sitesWritten: 0,
    sitesNotOnA: 0,
    sitesInDeletion: 0,
    sitesOutsideAlignment: 0,
    sitesWithoutSequence: 0,
  };
  const header = readResultsHeader(options.header, options.programCommandLine);
  const sorter = await BamSorter.open(options.output, header, {
    threads: options.threads,
    writeIndex: options.writeIndex,
    memoryBytes: options.memoryBytes,
    temporaryFolder: options.temporaryFolder,
  });
  const scratch = new BamRecordView();
  const counts: SiteCounts = { written: 0, notOnA: 0, inDeletion: 0, outside: 0, withoutSequence: 0 };
  try {
    for await (const result of options.records) {
      const { condition } = result;
      if (condition !== 'native' && condition !== 'ivt')
        throw new Error(`read results: condition must be native or ivt, got ${String(condition)}`);
      const view = viewOf(result.record, scratch);
      const { sequence, reverse, groups } = modificationGroups(view, result.sites, counts);
      const added: Uint8Array[] = [];
      if (groups.length > 0) {
        const encoded = encodeModifiedBases(sequence, reverse, groups);
        added.push(stringTag('MM', encoded.mm), byteArrayTag('ML', encoded.ml), integerTag('MN', encoded.mn));
        summary.recordsWithModifications++;
      }
      const { bytes, hadModifications } = rebuildRecord(view, condition, added);
      if (hadModifications) summary.recordsWithReplacedModifications++;
      await sorter.add(bytes);
      summary.records++;
      if (condition === 'native') summary.nativeRecords++;
      else summary.ivtRecords++;
    }
    await sorter.finish();
  } catch (error) {
    await sorter.abort();
    throw error;
  }
  summary.sitesWritten = counts.written;
  summary.sitesNotOnA = counts.notOnA;
  summary.sitesInDeletion = counts.inDeletion;
  summary.sitesOutsideAlignment = counts.outside;
  summary.sitesWithoutSequence = counts.withoutSequence;
  return summary;
}
