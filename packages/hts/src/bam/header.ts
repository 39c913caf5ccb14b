/**
 * The BAM header (SAM spec §4.2): magic, SAM header text, and the binary reference dictionary.
 * The dictionary, not the text's @SQ lines, defines reference ids; we keep both.
 */
import { HtsError, quoted } from '../errors.js';

export interface ReferenceSequence {
  name: string;
  length: number;
}

export interface BamHeader {
  /** The SAM header text, as stored (may be empty). */
  text: string;
  references: ReferenceSequence[];
  /** Reference name → id. */
  referenceIds: Map<string, number>;
}

/** One header line's tags, e.g. @RG ID:x SM:y → { ID: 'x', SM: 'y' }. */
export type HeaderLineFields = Record<string, string>;

/**
 * A header from its text and dictionary. The name → id map is built on first use: a header of 200,000 contigs took
 * ~100 ms to map on every thread that opened it, and most never look a name up.
 */
export function makeHeader(text: string, references: ReferenceSequence[]): BamHeader {
  return lazyHeader(text, () => references);
}

/** A header whose dictionary (and name → id map) is made when first read. */
function lazyHeader(text: string, makeReferences: () => ReferenceSequence[]): BamHeader {
  let references: ReferenceSequence[] | undefined;
  let referenceIds: Map<string, number> | undefined;
  return {
    text,
    get references(): ReferenceSequence[] {
      references ??= makeReferences();
      return references;
    },
    get referenceIds(): Map<string, number> {
      if (referenceIds === undefined) {
        referenceIds = new Map<string, number>();
        const dictionary = this.references;
        for (let id = 0; id < dictionary.length; id++) referenceIds.set(dictionary[id]!.name, id);
      }
      return referenceIds;
    },
  };
}

/**
 * A header as it travels to worker threads (postMessage): the names in one NUL-separated string (a BAM name cannot hold
 * a NUL) and the lengths in one typed array. Structured cloning 200,000 `{ name, length }` objects cost ~350 ms between
 * two threads; one string and one array clone in a few.
 */
export interface PackedHeader {
  text: string;
  names: string;
  lengths: Float64Array;
}

/** The header each packed one came from, so that the thread which packed it (the engine's main thread) unpacks nothing. */
const PACKED_FROM = new WeakMap<PackedHeader, BamHeader>();

/** `withText` false leaves the text out, for workers that need only the dictionary. */
export function packHeader(header: BamHeader, withText = true): PackedHeader {
  const references = header.references;
  const names: string[] = new Array<string>(references.length);
  const lengths = new Float64Array(references.length);
  for (let i = 0; i < references.length; i++) {
    names[i] = references[i]!.name;
    lengths[i] = references[i]!.length;
  }
  const packed = { text: withText ? header.text : '', names: names.join('\0'), lengths };
  PACKED_FROM.set(packed, withText ? header : makeHeader('', references));
  return packed;
}

export function unpackHeader(packed: PackedHeader): BamHeader {
  const original = PACKED_FROM.get(packed);
  if (original !== undefined) return original;
  // The dictionary is made only on a thread that reads it: 200,000 objects cost ~70 ms, and most stages never look.
  return lazyHeader(packed.text, () => {
    const references: ReferenceSequence[] = new Array<ReferenceSequence>(packed.lengths.length);
    let from = 0;
    for (let i = 0; i < references.length; i++) {
      const to = i === references.length - 1 ? packed.names.length : packed.names.indexOf('\0', from);
      references[i] = { name: packed.names.slice(from, to), length: packed.lengths[i]! };
      from = to + 1;
    }
    return references;
  });
}

/** Header lines of one record type (`RG`, `PG`, `SQ`…), each as its tag → value map. */
export function headerLines(text: string, recordType: string): HeaderLineFields[] {
  const lines: HeaderLineFields[] = [];
  const prefix = `@${recordType}\t`;
  // Found by search, not by splitting the text: a header of 200,000 @SQ lines has a few @RG lines, and every
  // collector on every thread asks for those.
  const linePrefix = `\n${prefix}`;
  let at = text.startsWith(prefix) ? 0 : text.indexOf(linePrefix) + 1;
  if (at === 0 && !text.startsWith(prefix)) return lines;
  for (;;) {
    const lineEnd = text.indexOf('\n', at);
    const line = text.slice(at + prefix.length, lineEnd < 0 ? text.length : lineEnd);
    const fields: HeaderLineFields = {};
    for (const field of line.replace(/\r$/, '').split('\t')) {
      const colon = field.indexOf(':');
      if (colon > 0) fields[field.slice(0, colon)] = field.slice(colon + 1);
    }
    lines.push(fields);
    if (lineEnd < 0) break;
    const next = text.indexOf(linePrefix, lineEnd);
    if (next < 0) break;
    at = next + 1;
  }
  return lines;
}

/**
 * Builds a reference dictionary from the @SQ lines of SAM header text (SAM input has no other).
 * Errors name the line of the header text, which is the file's line for SAM (its header comes first).
 */
export function referencesFromText(text: string, file = 'SAM header'): ReferenceSequence[] {
  const references: ReferenceSequence[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('@SQ\t')) continue;
    const fields = headerLines(lines[i]!, 'SQ')[0]!;
    const where = `line ${i + 1}`;
    const lengthText = fields.LN ?? '';
    if (!fields.SN || !/^\d+$/.test(lengthText))
      throw new HtsError(`@SQ needs SN and an integer LN (got SN ${quoted(fields.SN ?? '')}, LN ${quoted(lengthText)})`, file, where);
    const length = Number(lengthText);
    // BAM's l_ref is 32 bits and its positions are int32: htslib writes longer references only to SAM.
    if (length > MAX_REFERENCE_LENGTH)
      throw new HtsError(
        `@SQ ${quoted(fields.SN)}: LN ${lengthText} does not fit BAM's 32-bit reference length (at most ${MAX_REFERENCE_LENGTH})`,
        file,
        where,
      );
    references.push({ name: fields.SN, length });
  }
  return references;
}

const BAM_MAGIC = [66, 65, 77, 1];
/** BAM positions are int32, so a reference longer than this cannot be addressed (SAM spec: LN in [1, 2^31-1]). */
const MAX_REFERENCE_LENGTH = 0x7fffffff;

/**
 * Parses the header from the start of the inflated stream. Returns undefined when `bytes` does not
 * yet hold the whole header (the caller reads more), else the header and its length in bytes.
 */
export function parseBamHeader(bytes: Uint8Array, file: string): { header: BamHeader; length: number } | undefined {
  if (bytes.length >= 4 && BAM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new HtsError('not a BAM file (BGZF data without the BAM\\1 magic)', file, 'inflated byte offset 0');
  }
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textLength = view.getInt32(4, true);
  if (textLength < 0) throw new HtsError('corrupt BAM header (negative l_text)', file, 'inflated byte offset 4');
  let at = 8 + textLength;
  if (bytes.length < at + 4) return undefined;
  // Callers call again as more bytes arrive: find that the whole header is here before decoding
  // anything, so a header of 200,000 contigs over many chunks is decoded once, not once a chunk.
  const end = dictionaryEnd(bytes, view, at);
  if (end === undefined) return undefined;
  // Text may be NUL-padded (samtools pads after edits); the spec says "not necessarily NUL-terminated".
  let textEnd = 8 + textLength;
  while (textEnd > 8 && bytes[textEnd - 1] === 0) textEnd--;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + 8, textEnd - 8).toString('utf8');
  const referenceCount = view.getInt32(at, true);
  if (referenceCount < 0) throw new HtsError('corrupt BAM header (negative n_ref)', file, `inflated byte offset ${at}`);
  at += 4;
  const references: ReferenceSequence[] = [];
  // The dictionary decoded once as latin1 (one character per byte, so offsets carry over) and each name sliced from it:
  // a decode per name cost ~200 ns each, 40 ms for 200,000 contigs. dictionaryEnd has found that it is all here.
  const dictionary = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', at, end);
  const dictionaryStart = at;
  for (let i = 0; i < referenceCount; i++) {
    if (bytes.length < at + 4) return undefined;
    const nameLength = view.getInt32(at, true);
    if (nameLength < 1) throw new HtsError('corrupt BAM header (bad l_name)', file, `inflated byte offset ${at}`);
    if (bytes.length < at + 4 + nameLength + 4) return undefined;
    // htslib adds a missing NUL to a reference name (bam_hdr_read) rather than losing its last character.
    const nameEnd = at + 4 + nameLength - (bytes[at + 4 + nameLength - 1] === 0 ? 1 : 0);
    const name = dictionary.slice(at + 4 - dictionaryStart, nameEnd - dictionaryStart);
    // l_ref is a uint32 in the spec (htslib reads it so), but BAM's int32 positions cannot reach past 2^31-1.
    const length = view.getInt32(at + 4 + nameLength, true);
    if (length < 0)
      throw new HtsError(
        `corrupt BAM header: reference ${references.length + 1} (${quoted(name)}) has length ${length} (${length >>> 0} as an unsigned l_ref), beyond BAM's 32-bit positions (at most ${MAX_REFERENCE_LENGTH})`,
        file,
        `inflated byte offset ${at + 4 + nameLength}`,
      );
    references.push({ name, length });
    at += 8 + nameLength;
  }
  return { header: makeHeader(text, references), length: at };
}

/**
 * Where the reference dictionary starting at `at` (its n_ref) ends within `bytes`, or undefined when it runs past them.
 * A bad l_name ends the walk where it is: the parse reports it.
 */
function dictionaryEnd(bytes: Uint8Array, view: DataView, at: number): number | undefined {
  const referenceCount = view.getInt32(at, true);
  let probe = at + 4;
  for (let i = 0; i < referenceCount; i++) {
    if (bytes.length < probe + 4) return undefined;
    const nameLength = view.getInt32(probe, true);
    if (nameLength < 1) return probe;
    probe += 8 + nameLength;
    if (bytes.length < probe) return undefined;
  }
  return probe;
}

export function encodeBamHeader(header: BamHeader): Uint8Array {
  const text = Buffer.from(header.text, 'utf8');
  let size = 12 + text.length;
  const names = header.references.map((reference) => Buffer.from(reference.name, 'latin1'));
  for (const name of names) size += 9 + name.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(BAM_MAGIC, 0);
  view.setInt32(4, text.length, true);
  out.set(text, 8);
  let at = 8 + text.length;
  view.setInt32(at, header.references.length, true);
  at += 4;
  header.references.forEach((reference, i) => {
    const name = names[i]!;
    view.setInt32(at, name.length + 1, true);
    out.set(name, at + 4);
    out[at + 4 + name.length] = 0;
    view.setInt32(at + 5 + name.length, reference.length, true);
    at += 9 + name.length;
  });
  return out;
}
