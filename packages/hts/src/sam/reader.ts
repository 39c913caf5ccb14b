/**
 * SAM text reader giving the same record interface as BAM: each line is parsed into an owned
 * record and encoded to BAM layout, so every consumer walks RecordBatches of BamRecordViews.
 * SAM is the slow, convenient path; BAM is the fast one.
 */
import { HtsError } from '../errors.js';
import type { ByteSource } from '../io/byte-source.js';
import { readLines, type NumberedLine } from '../io/lines.js';
import { makeHeader, referencesFromText, type BamHeader } from '../bam/header.js';
import { parseCigar } from '../bam/record/cigar.js';
import { encodeRecord, type BamRecord } from '../bam/record/owned.js';
import { smallestIntegerType, type Tag, type TagType } from '../bam/record/tags.js';
import { EncodedRecordBatcher, type RecordBatch } from '../bam/reader.js';
import { Flag } from '../bam/record/view.js';

export function parseSamTag(field: string, where: () => string): Tag {
  // Any two characters name a tag, as in htslib (its test data has `A!`).
  const match = /^([!-~]{2}):([AifZHB]):(.*)$/s.exec(field);
  if (!match) throw new HtsError(`bad optional field '${field.slice(0, 40)}' (expected TAG:TYPE:VALUE)`, undefined, where());
  const [, name, type, text] = match as unknown as [string, string, string, string];
  switch (type) {
    case 'A':
      if (text.length !== 1) throw new HtsError(`tag ${name}: type A needs one character`, undefined, where());
      return { name, type: 'A', value: text };
    case 'i': {
      const value = Number(text);
      const integerType = /^[-+]?\d+$/.test(text) ? smallestIntegerType(value) : undefined;
      if (!integerType) throw new HtsError(`tag ${name}: '${text}' is not a 32-bit integer`, undefined, where());
      return { name, type: integerType, value };
    }
    case 'f': {
      const value = parseSamFloat(text);
      if (value === undefined) throw new HtsError(`tag ${name}: ${JSON.stringify(text.slice(0, 40))} is not a number`, undefined, where());
      return { name, type: 'f', value };
    }
    case 'Z':
    case 'H':
      return { name, type, value: text };
    default: {
      const [subtype, ...items] = text.split(',');
      if (!subtype || !'cCsSiIf'.includes(subtype) || subtype.length !== 1)
        throw new HtsError(`tag ${name}: bad B array subtype '${subtype}'`, undefined, where());
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
  // A line ending in a tab (Picard's and others' test data) is read as samtools reads it.
  while (fields.length > 11 && fields[fields.length - 1] === '') fields.pop();
  if (fields.length < 11) throw new HtsError(`SAM record has ${fields.length} fields, needs at least 11`, undefined, where());
  const integer = (text: string, what: string): number => {
    if (!/^-?\d+$/.test(text)) throw new HtsError(`${what} '${text}' is not an integer`, undefined, where());
    return Number(text);
  };
  const referenceId = (name: string): number => {
    if (name === '*') return -1;
    const id = header.referenceIds.get(name);
    if (id === undefined) throw new HtsError(`reference '${name}' is not in the header's @SQ lines`, undefined, where());
    return id;
  };
  const refId = referenceId(fields[2]!);
  const cigar = parseCigar(fields[5]!);
  if (!cigar) throw new HtsError(`bad CIGAR '${fields[5]!.slice(0, 40)}'`, undefined, where());
  const sequence = fields[9] === '*' ? '' : fields[9]!;
  const qualText = fields[10]!;
  let qualities: Uint8Array | null = null;
  if (qualText !== '*') {
    if (qualText.length !== sequence.length)
      throw new HtsError(`QUAL has ${qualText.length} characters for ${sequence.length} bases`, undefined, where());
    qualities = new Uint8Array(qualText.length);
    for (let i = 0; i < qualText.length; i++) qualities[i] = qualText.charCodeAt(i) - 33;
  }
  let flag = integer(fields[1]!, 'FLAG');
  // As htslib's sam_parse1: a read without a reference, or mapped without a CIGAR, is unmapped.
  if (refId < 0 || cigar.length === 0) flag |= Flag.Unmapped;
  const mapq = integer(fields[4]!, 'MAPQ');
  return {
    readName: fields[0]!,
    flag,
    refId,
    pos: integer(fields[3]!, 'POS') - 1,
    // htslib stores a MAPQ above 255 as 255 ("unavailable"); below 0 is refused (by encodeRecord).
    mapq: mapq > 255 ? 255 : mapq,
    cigar,
    mateRefId: fields[6] === '=' ? refId : referenceId(fields[6]!),
    matePos: integer(fields[7]!, 'PNEXT') - 1,
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
