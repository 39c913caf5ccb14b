/**
 * The FASTA index (`.fai`, samtools faidx): one line per sequence with five tab-separated
 * columns, NAME LENGTH OFFSET LINEBASES LINEWIDTH.
 *
 * - LENGTH: bases in the sequence.
 * - OFFSET: byte offset in the FASTA of the sequence's first base.
 * - LINEBASES: bases on each full line; LINEWIDTH: bytes on each full line including its
 *   terminator (LINEBASES + 1 for `\n`, + 2 for `\r\n`).
 *
 * Random access depends on every line of a sequence but the last having the same length
 * and the same terminator, so building an index checks exactly that and names the first
 * line that breaks it. The name is the header text up to the first space or tab, as in
 * samtools.
 *
 * One deliberate difference from samtools 1.16: a zero-length sequence (a header followed
 * directly by another header) is kept, with LENGTH 0, so its name is still listed; samtools
 * drops it, or fails when it is the last record.
 */
import { closeSync, readFileSync, readSync } from 'node:fs';
import { ParsedFileCache } from '../io/parsed-file-cache.js';
import { writeFileAtomic } from '../io/atomic.js';
import { HtsError } from '../errors.js';
import { fileOpenError, hasGzipMagic, openForReading } from '../text-file.js';

export interface FaiEntry {
  name: string;
  /** Bases in the sequence. */
  length: number;
  /** Byte offset of the first base in the FASTA file. */
  offset: number;
  /** Bases per full line. */
  lineBases: number;
  /** Bytes per full line, terminator included. */
  lineWidth: number;
}

export const GZIP_FASTA_MESSAGE = 'gzip-compressed FASTA is not supported for random access; use bgzip-free FASTA or samtools faidx';

/** 1 MiB: large enough that the per-read syscall cost vanishes, small enough to stay in cache. */
const SCAN_CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const HEADER_START = 0x3e; // '>'
const WHOLE_NUMBER = /^\d+$/;

/**
 * Parses `.fai` text; `file` names the index in errors. Lines are scanned by hand (four tabs, digits): splitting and
 * regular expressions cost ~2.5 µs a line, 0.5 s for an assembly's 200,000 contigs on every thread that opened it. A
 * line the scan does not accept goes through parseFaiLine, which names what is wrong.
 */
export function parseFai(text: string, file?: string): FaiEntry[] {
  return parseFaiIndexed(text, file).entries;
}

/** An index's entries in file order, and by name (made once: hashing 200,000 names costs ~80 ms). */
export interface FaiIndex {
  entries: FaiEntry[];
  byName: Map<string, FaiEntry>;
}

function parseFaiIndexed(text: string, file?: string): FaiIndex {
  const entries: FaiEntry[] = [];
  const byName = new Map<string, FaiEntry>();
  let lineNumber = 0;
  for (let start = 0; start < text.length;) {
    lineNumber++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
    if (end > start) {
      const entry = scanFaiLine(text, start, end) ?? parseFaiLine(text.slice(start, end), `line ${lineNumber}`, file);
      if (byName.has(entry.name)) throw new HtsError(`sequence name '${entry.name}' appears twice`, file, `line ${lineNumber}`);
      byName.set(entry.name, entry);
      entries.push(entry);
    }
    start = next;
  }
  return { entries, byName };
}

/** A well-formed line's entry: a name, then four whole numbers of at most 15 digits, tab-separated; else undefined. */
function scanFaiLine(text: string, start: number, end: number): FaiEntry | undefined {
  const firstTab = text.indexOf('\t', start);
  if (firstTab < 0 || firstTab >= end) return undefined;
  const numbers = [0, 0, 0, 0];
  let at = firstTab + 1;
  for (let column = 0; column < 4; column++) {
    let value = 0;
    const from = at;
    while (at < end) {
      const code = text.charCodeAt(at);
      if (code < 48 || code > 57) break;
      value = value * 10 + (code - 48);
      at++;
    }
    // Empty, over 15 digits (past exact integers), or not followed by the right separator: the careful parse says why.
    if (at === from || at - from > 15) return undefined;
    if (column < 3 ? text.charCodeAt(at) !== 9 : at !== end) return undefined;
    numbers[column] = value;
    at++;
  }
  const [length, offset, lineBases, lineWidth] = numbers as [number, number, number, number];
  if (length > 0 && (lineBases === 0 || lineWidth < lineBases)) return undefined;
  return { name: text.slice(start, firstTab), length, offset, lineBases, lineWidth };
}

/** One `.fai` line, checked column by column; throws naming what is wrong. */
function parseFaiLine(line: string, location: string, file: string | undefined): FaiEntry {
  const fields = line.split('\t');
  if (fields.length === 6) {
    throw new HtsError('this is a FASTQ index (6 columns); a FASTA .fai has 5', file, location);
  }
  if (fields.length !== 5) {
    throw new HtsError(
      `a .fai line needs 5 tab-separated columns (name, length, offset, line bases, line width) but this one has ${fields.length}`,
      file,
      location,
    );
  }
  const [name, ...numberTexts] = fields as [string, ...string[]];
  const numbers = numberTexts.map((numberText, column) => {
    if (!WHOLE_NUMBER.test(numberText) || !Number.isSafeInteger(Number(numberText))) {
      const columnName = ['length', 'offset', 'line bases', 'line width'][column];
      throw new HtsError(`${columnName} '${numberText}' is not a whole number`, file, location);
    }
    return Number(numberText);
  });
  const [length, offset, lineBases, lineWidth] = numbers as [number, number, number, number];
  if (length > 0 && (lineBases === 0 || lineWidth < lineBases)) {
    throw new HtsError(`line bases ${lineBases} and line width ${lineWidth} are inconsistent for '${name}'`, file, location);
  }
  return { name, length, offset, lineBases, lineWidth };
}

/** Formats entries as `.fai` text, byte-identical to samtools faidx for the same FASTA. */
export function formatFai(entries: readonly FaiEntry[]): string {
  let text = '';
  for (const entry of entries) {
    text += `${entry.name}\t${entry.length}\t${entry.offset}\t${entry.lineBases}\t${entry.lineWidth}\n`;
  }
  return text;
}

/** Reads and parses a `.fai` file. */
export function readFaiFile(faiPath: string): FaiEntry[] {
  return readFaiIndex(faiPath).entries;
}

/** Indexes read in this thread: every collector on every thread opens the reference. */
const FAI_INDEXES = new ParsedFileCache<FaiIndex>();

/**
 * Reads and parses a `.fai` file, once per thread while it is unchanged (the entries are shared: treat them as
 * read-only).
 */
export function readFaiIndex(faiPath: string): FaiIndex {
  return FAI_INDEXES.get(faiPath, () => {
    let text: string;
    try {
      text = readFileSync(faiPath, 'utf8');
    } catch (error) {
      throw fileOpenError(faiPath, error);
    }
    return parseFaiIndexed(text, faiPath);
  });
}

/**
 * Writes a `.fai` atomically (io/atomic.ts), so a concurrent reader (another shard of the same
 * workflow) never sees half an index.
 */
export function writeFaiFile(faiPath: string, entries: readonly FaiEntry[]): void {
  writeFileAtomic(faiPath, formatFai(entries));
}

/** Byte offset in the FASTA of base `position0` (0-based) of the indexed sequence. */
export function faiBaseOffset(entry: FaiEntry, position0: number): number {
  const fullLines = Math.floor(position0 / entry.lineBases);
  return entry.offset + fullLines * entry.lineWidth + (position0 - fullLines * entry.lineBases);
}

/**
 * Builds the index by scanning the FASTA once, in chunks (memory does not grow with the
 * file), checking that each sequence's lines are evenly wrapped.
 */
export function buildFaiIndex(fastaPath: string): FaiEntry[] {
  const fd = openForReading(fastaPath);
  try {
    return new FaiBuilder(fastaPath).scan(fd);
  } finally {
    closeSync(fd);
  }
}

/** Kinds of the line being scanned; plain numbers, compared in the per-line loop. */
const LineKind = {
  /** No byte of the line seen yet. */
  Unknown: 0,
  Header: 1,
  Sequence: 2,
} as const;
type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** Scanner state for one pass over a FASTA file; see buildFaiIndex. */
class FaiBuilder {
  private readonly entries: FaiEntry[] = [];
  private readonly seenNames = new Set<string>();

  // The line being scanned (it may span chunks).
  private lineNumber = 1;
  private lineStartOffset = 0;
  private lineByteCount = 0;
  private lineKind: LineKind = LineKind.Unknown;
  private lineEndsWithCarriageReturn = false;
  private headerParts: Buffer[] = [];

  // The sequence being scanned.
  private current: FaiEntry | undefined;
  private currentLineCount = 0;
  private currentTerminatorBytes = 0;
  /** Line number of a line shorter than lineBases: legal only as the sequence's last line. */
  private shortLineNumber = 0;
  private shortLineBases = 0;
  /** Line number of a blank line: legal only after the sequence's last line. */
  private blankLineNumber = 0;

  constructor(private readonly fastaPath: string) {}

  scan(fd: number): FaiEntry[] {
    const chunk = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
    let chunkFileOffset = 0;
    for (;;) {
      const bytesRead = readSync(fd, chunk, 0, SCAN_CHUNK_BYTES, chunkFileOffset);
      if (bytesRead === 0) break;
      const bytes = chunk.subarray(0, bytesRead);
      if (chunkFileOffset === 0 && hasGzipMagic(bytes)) {
        throw new HtsError(GZIP_FASTA_MESSAGE, this.fastaPath);
      }
      let position = 0;
      while (position < bytesRead) {
        if (this.lineKind === LineKind.Unknown) {
          this.lineKind = bytes[position] === HEADER_START ? LineKind.Header : LineKind.Sequence;
        }
        const newlineIndex = bytes.indexOf(NEWLINE, position);
        const segmentEnd = newlineIndex < 0 ? bytesRead : newlineIndex;
        if (segmentEnd > position) {
          if (this.lineKind === LineKind.Header) {
            // Copied because `chunk` is reused for the next read.
            this.headerParts.push(Buffer.from(bytes.subarray(position, segmentEnd)));
          }
          this.lineByteCount += segmentEnd - position;
          this.lineEndsWithCarriageReturn = bytes[segmentEnd - 1] === CARRIAGE_RETURN;
        }
        if (newlineIndex < 0) break;
        this.endLine(true);
        this.lineStartOffset = chunkFileOffset + newlineIndex + 1;
        position = newlineIndex + 1;
      }
      chunkFileOffset += bytesRead;
    }
    if (this.lineKind !== LineKind.Unknown) this.endLine(false);
    this.endSequence();
    return this.entries;
  }

  private endLine(hasNewline: boolean): void {
    const carriageReturnBytes = this.lineEndsWithCarriageReturn ? 1 : 0;
    const contentBytes = this.lineByteCount - carriageReturnBytes;
    const terminatorBytes = carriageReturnBytes + (hasNewline ? 1 : 0);
    if (this.lineKind === LineKind.Header) {
      const headerText = Buffer.concat(this.headerParts).toString('utf8', 1, contentBytes);
      this.startSequence(headerText, this.lineStartOffset + this.lineByteCount + (hasNewline ? 1 : 0));
    } else {
      this.addSequenceLine(contentBytes, terminatorBytes, hasNewline);
    }
    this.lineNumber++;
    this.lineByteCount = 0;
    this.lineKind = LineKind.Unknown;
    this.lineEndsWithCarriageReturn = false;
    this.headerParts = [];
  }

  private startSequence(headerText: string, nextLineOffset: number): void {
    this.endSequence();
    const name = /^[^ \t]*/.exec(headerText)![0];
    if (name === '') {
      throw new HtsError("header line has no sequence name after '>'", this.fastaPath, `line ${this.lineNumber}`);
    }
    if (this.seenNames.has(name)) {
      throw new HtsError(`sequence name '${name}' appears twice`, this.fastaPath, `line ${this.lineNumber}`);
    }
    this.seenNames.add(name);
    // An empty sequence keeps the offset just past its header line.
    this.current = { name, length: 0, offset: nextLineOffset, lineBases: 0, lineWidth: 0 };
    this.currentLineCount = 0;
    this.currentTerminatorBytes = 0;
    this.shortLineNumber = 0;
    this.blankLineNumber = 0;
  }

  private addSequenceLine(contentBytes: number, terminatorBytes: number, hasNewline: boolean): void {
    const location = `line ${this.lineNumber}`;
    if (contentBytes === 0) {
      // Blank lines are fine before the first header and after a sequence's last line.
      if (this.current && this.blankLineNumber === 0) this.blankLineNumber = this.lineNumber;
      return;
    }
    const sequence = this.current;
    if (!sequence) {
      throw new HtsError("sequence data before the first '>' header line", this.fastaPath, location);
    }
    if (this.blankLineNumber !== 0) {
      throw new HtsError(
        `blank line inside sequence '${sequence.name}'; random access needs every line but the last to be full`,
        this.fastaPath,
        `line ${this.blankLineNumber}`,
      );
    }
    if (this.currentLineCount === 0) {
      sequence.offset = this.lineStartOffset;
      sequence.lineBases = contentBytes;
      sequence.lineWidth = contentBytes + terminatorBytes;
      this.currentTerminatorBytes = terminatorBytes;
    } else {
      if (this.shortLineNumber !== 0) {
        throw raggedLineError(this.fastaPath, sequence, this.shortLineNumber, this.shortLineBases);
      }
      if (contentBytes > sequence.lineBases) {
        throw raggedLineError(this.fastaPath, sequence, this.lineNumber, contentBytes);
      }
      // A missing terminator is fine on the file's last line; a different one is not.
      if (hasNewline && terminatorBytes !== this.currentTerminatorBytes) {
        throw new HtsError(
          `line ends with ${terminatorName(terminatorBytes)} but earlier lines of '${sequence.name}' end with ${terminatorName(this.currentTerminatorBytes)}; use one kind of line ending throughout`,
          this.fastaPath,
          location,
        );
      }
    }
    // A one-line sequence at the very end with no final newline: samtools still counts one
    // terminator byte in LINEWIDTH, and matching it keeps our .fai byte-identical to theirs.
    if (this.currentLineCount === 0 && !hasNewline) sequence.lineWidth += 1;
    if (contentBytes < sequence.lineBases) {
      this.shortLineNumber = this.lineNumber;
      this.shortLineBases = contentBytes;
    }
    sequence.length += contentBytes;
    this.currentLineCount++;
  }

  private endSequence(): void {
    if (this.current) this.entries.push(this.current);
    this.current = undefined;
  }
}

function raggedLineError(file: string, sequence: FaiEntry, lineNumber: number, lineBases: number): HtsError {
  return new HtsError(
    `sequence '${sequence.name}' is not evenly wrapped: this line has ${lineBases} bases but its first line has ${sequence.lineBases}; every line but the last must have the same length for random access (re-wrap it, e.g. 'seqkit seq -w 60' or 'samtools faidx' output)`,
    file,
    `line ${lineNumber}`,
  );
}

function terminatorName(terminatorBytes: number): string {
  return terminatorBytes === 2 ? '\\r\\n' : '\\n';
}
