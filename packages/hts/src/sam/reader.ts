/**
 * SAM text reader giving the same record interface as BAM: each line is parsed into an owned
 * record and encoded to BAM layout, so every consumer walks RecordBatches of BamRecordViews.
 * SAM is the slow, convenient path; BAM is the fast one.
 */
import { escaped, HtsError, quoted } from '../errors.js';
import type { ByteSource } from '../io/byte-source.js';
import { readLines, type NumberedLine } from '../io/lines.js';
import { makeHeader, referencesFromText, type BamHeader } from '../bam/header.js';
import { parseCigar, queryLengthOf } from '../bam/record/cigar.js';
import { phredFromText } from '../bam/record/sequence.js';
import { encodeRecord, type BamRecord } from '../bam/record/owned.js';
import { smallestIntegerType, type Tag, type TagType } from '../bam/record/tags.js';
import { EncodedRecordBatcher, type RecordBatch } from '../bam/reader.js';
import { Flag } from '../bam/record/view.js';

export function parseSamTag(field: string, where: () => string): Tag {
  // Any two characters name a tag, as in htslib (its test data has `A!`).
  const match = /^([!-~]{2}):([AifZHB]):(.*)$/s.exec(field);
  if (!match) throw new HtsError(`bad optional field '${escaped(field)}' (expected TAG:TYPE:VALUE)`, undefined, where());
  const [, name, type, text] = match as unknown as [string, string, string, string];
  switch (type) {
    case 'A':
      if (text.length !== 1) throw new HtsError(`tag ${name}: type A needs one character (got ${quoted(text)})`, undefined, where());
      return { name, type: 'A', value: text };
    case 'i': {
      const value = Number(text);
      const integerType = /^[-+]?\d+$/.test(text) ? smallestIntegerType(value) : undefined;
      if (!integerType) throw new HtsError(`tag ${name}: ${quoted(text)} is not a 32-bit integer`, undefined, where());
      return { name, type: integerType, value };
    }
    case 'f': {
      const value = parseSamFloat(text);
      if (value === undefined) throw new HtsError(`tag ${name}: ${quoted(text)} is not a number`, undefined, where());
      return { name, type: 'f', value };
    }
    case 'Z':
    case 'H':
      return { name, type, value: text };
    default: {
      const [subtype, ...items] = text.split(',');
      if (!subtype || !'cCsSiIf'.includes(subtype) || subtype.length !== 1)
        throw new HtsError(`tag ${name}: bad B array subtype ${quoted(subtype ?? '')}`, undefined, where());
      const values = items.map((item) => (subtype === 'f' ? parseSamFloat(item) : /^[-+]?\d+$/.test(item) ? Number(item) : undefined));
      if (values.some((v) => v === undefined)) throw new HtsError(`tag ${name}: non-numeric B array element`, undefined, where());
      return { name, type: `B:${subtype}` as TagType, value: values as number[] };
    }
  }
}

/** A float as C's strtod reads it in htslib (inf, infinity and nan in any case, signed), rounded to float32; or undefined. */
function parseSamFloat(text: string): number | undefined {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Math.fround(Number(text));
}

export function parseSamRecord(line: string, header: BamHeader, where: () => string): BamRecord {
  const fields = line.split('\t');
  // One tab after the last field is read as samtools reads it (Picard's test data has such lines);
  // two are an empty optional field, which samtools refuses ("incomplete aux field").
  if (fields.length > 11 && fields[fields.length - 1] === '') fields.pop();
  if (fields.length < 11) throw new HtsError(`SAM record has ${fields.length} fields, needs at least 11`, undefined, where());
  const fail = (message: string): never => {
    throw new HtsError(message, undefined, where());
  };
  const integer = (text: string, what: string): number =>
    /^[-+]?\d+$/.test(text) ? Number(text) : fail(`${what} ${quoted(text)} is not an integer`);
  const referenceId = (name: string): number => {
    if (name === '*') return -1;
    const id = header.referenceIds.get(name);
    // samtools warns and makes the read unmapped; a header that does not match its records is refused here.
    if (id === undefined) fail(`reference '${escaped(name)}' is not in the header's @SQ lines`);
    return id!;
  };
  const readName = fields[0]!;
  // The spec's QNAME is printable ASCII; samtools takes any byte but tab, we refuse what would print as garbage.
  for (let i = 0; i < readName.length; i++) {
    const c = readName.charCodeAt(i);
    if (c < 32 || c > 126) fail(`read name ${quoted(readName)} is not printable text`);
  }
  // In sam_parse1's order: POS 0 on a reference is "treated as unmapped" (RNAME becomes *, and so
  // does an RNEXT of =), a mate at PNEXT 0 likewise; a read without a reference, or mapped
  // without a CIGAR, gets the unmapped flag.
  let flag = integer(fields[1]!, 'FLAG');
  let refId = referenceId(fields[2]!);
  const pos = integer(fields[3]!, 'POS') - 1;
  if (pos < 0 && refId >= 0) refId = -1;
  const mapq = integer(fields[4]!, 'MAPQ');
  const cigar = parseCigar(fields[5]!);
  if (!cigar) fail(`bad CIGAR '${escaped(fields[5]!)}'`);
  if (refId < 0 || cigar!.length === 0) flag |= Flag.Unmapped;
  let mateRefId = fields[6] === '=' ? refId : referenceId(fields[6]!);
  const matePos = integer(fields[7]!, 'PNEXT') - 1;
  if (matePos < 0 && mateRefId >= 0) mateRefId = -1;
  const sequence = fields[9] === '*' ? '' : fields[9]!;
  // sam_parse1 checks CIGAR against SEQ on every record with both, unmapped too (BAM's reader only on mapped ones).
  if (cigar!.length > 0 && sequence.length > 0 && queryLengthOf(cigar!) !== sequence.length)
    fail(`CIGAR and query sequence lengths differ (${queryLengthOf(cigar!)} and ${sequence.length})`);
  const qualText = fields[10]!;
  let qualities: Uint8Array | null = null;
  if (qualText !== '*') {
    if (qualText.length !== sequence.length) fail(`QUAL has ${qualText.length} characters for ${sequence.length} bases`);
    qualities = phredFromText(qualText, fail);
  }
  return {
    readName,
    flag,
    refId,
    pos,
    // samtools 1.16 stores a MAPQ above 255 as 255 ("unavailable"); htslib 1.21 and later refuse it. Below 0 is refused (encodeRecord).
    mapq: mapq > 255 ? 255 : mapq,
    cigar: cigar!,
    mateRefId,
    matePos,
    templateLength: integer(fields[8]!, 'TLEN'),
    sequence,
    qualities,
    tags: fields.slice(11).map((field) => parseSamTag(field, where)),
  };
}

export class SamReader {
  private constructor(
    readonly source: ByteSource,
    readonly header: BamHeader,
    private readonly rest: AsyncGenerator<NumberedLine>,
    private firstRecordLine: NumberedLine | undefined,
  ) {}

  static async fromSource(source: ByteSource): Promise<SamReader> {
    const lineStream = readLines(source);
    const headerLines: string[] = [];
    let first: NumberedLine | undefined;
    for (;;) {
      const next = await lineStream.next();
      if (next.done) break;
      if (next.value.text.startsWith('@')) headerLines.push(next.value.text);
      else if (next.value.text !== '') {
        first = next.value;
        break;
      }
    }
    const text = headerLines.length ? `${headerLines.join('\n')}\n` : '';
    return new SamReader(source, makeHeader(text, referencesFromText(text, source.name)), lineStream, first);
  }

  async *batches(): AsyncGenerator<RecordBatch> {
    const batcher = new EncodedRecordBatcher();
    const take = (line: NumberedLine): void => {
      if (line.text === '') return;
      batcher.add(
        wrap(() => encodeRecord(parseSamRecord(line.text, this.header, () => `line ${line.number}`)), this.source.name, line.number),
        line.number,
      );
    };
    if (this.firstRecordLine) take(this.firstRecordLine);
    this.firstRecordLine = undefined;
    for await (const line of this.rest) {
      take(line);
      if (batcher.full) yield batcher.flush();
    }
    if (batcher.count > 0) yield batcher.flush();
  }

  close(): void {
    this.source.close();
  }
}

export function wrap<T>(work: () => T, file: string, lineNumber: number): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HtsError) throw error.inFile(file, `line ${lineNumber}`);
    throw error;
  }
}
