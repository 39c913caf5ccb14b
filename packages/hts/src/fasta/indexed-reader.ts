/**
 * Random access to an uncompressed FASTA through its `.fai` index: a fetch reads only the
 * bytes of the requested range with `fs.readSync` at offsets computed from the index, so
 * fetching a window of chr1 costs the same whether the file holds a phage or a human genome.
 *
 * The API is synchronous on purpose: callers (GC-bias windows, reference bases for error
 * metrics) fetch many small ranges from inside per-record loops, where an await per fetch
 * would cost more than the read, and the reads hit the page cache.
 *
 * Bases are returned exactly as stored: lower case (soft-masked repeats) stays lower case,
 * because some metrics count masked bases separately.
 */
import { closeSync, existsSync, fstatSync, readSync } from 'node:fs';
import { HtsError } from '../errors.js';
import { hasGzipMagic, openForReading } from '../text-file.js';
import { buildFaiIndex, faiBaseOffset, GZIP_FASTA_MESSAGE, readFaiIndex, writeFaiFile, type FaiEntry, type FaiIndex } from './fai.js';

export interface IndexedFastaOpenOptions {
  /** Build the index by scanning the FASTA when `<path>.fai` is missing (default true). */
  buildIndexIfMissing?: boolean;
  /** Save a freshly built index as `<path>.fai` when the directory is writable (default true). */
  writeIndex?: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class IndexedFastaReader {
  private readonly entryByName: Map<string, FaiEntry>;
  /** The index entries in file order. */
  readonly entries: readonly FaiEntry[];
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    index: FaiIndex,
  ) {
    this.fd = fd;
    this.entries = index.entries;
    this.entryByName = index.byName;
  }

  /**
   * Opens `path`, using `<path>.fai` when present. Without one, the index is built in memory
   * (unless `buildIndexIfMissing` is false) and, with `writeIndex`, saved next to the FASTA;
   * a failed save (read-only directory) is ignored because the in-memory index still works.
   */
  static open(path: string, options: IndexedFastaOpenOptions = {}): IndexedFastaReader {
    const { buildIndexIfMissing = true, writeIndex = true } = options;
    const fd = openForReading(path);
    try {
      const magic = Buffer.alloc(2);
      if (readSync(fd, magic, 0, 2, 0) === 2 && hasGzipMagic(magic)) {
        throw new HtsError(GZIP_FASTA_MESSAGE, path);
      }
      const faiPath = `${path}.fai`;
      let index: FaiIndex;
      if (existsSync(faiPath)) {
        index = readFaiIndex(faiPath);
        checkIndexFitsFile(index.entries, fstatSync(fd).size, path, faiPath);
      } else if (buildIndexIfMissing) {
        const entries = buildFaiIndex(path);
        index = { entries, byName: new Map(entries.map((entry) => [entry.name, entry])) };
        if (writeIndex) {
          try {
            writeFaiFile(faiPath, entries);
          } catch {
            // Read-only reference directories are common on clusters; the index in memory suffices.
          }
        }
      } else {
        throw new HtsError(`no FASTA index ${faiPath}; create it with 'samtools faidx ${path}'`, path);
      }
      return new IndexedFastaReader(path, fd, index);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Sequence names in file order. */
  sequenceNames(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  hasSequence(name: string): boolean {
    return this.entryByName.has(name);
  }

  /** Length in bases of sequence `name`; HtsError if the FASTA has no such sequence. */
  sequenceLength(name: string): number {
    return this.entry(name).length;
  }

  /**
   * Bases `[start0, end0)` of sequence `name` (0-based half-open), case as stored.
   * HtsError for an unknown sequence or a range outside `0 <= start0 <= end0 <= length`.
   */
  fetch(name: string, start0: number, end0: number): string {
    const bases = this.fetchBytes(name, start0, end0);
    return Buffer.from(bases.buffer, bases.byteOffset, bases.length).toString('latin1');
  }

  /**
   * The bases of [start0, end0) as bytes, line ends dropped: in `into` when it holds the range's bytes as stored (line
   * ends included), else in a new buffer of its own (keep it to pass as `into` next time). Valid until `into` is reused.
   * For callers that map bases through a table: a string of megabases costs a copy and a call per base to read.
   */
  fetchBytes(name: string, start0: number, end0: number, into?: Uint8Array): Uint8Array {
    const entry = this.entry(name);
    if (!Number.isInteger(start0) || !Number.isInteger(end0) || start0 < 0 || start0 > end0 || end0 > entry.length) {
      throw new HtsError(
        `range ${name}:${start0}-${end0} (0-based, half-open) is outside ${name}, which has ${entry.length} bases`,
        this.path,
      );
    }
    if (start0 === end0) return new Uint8Array(0);
    const firstByteOffset = faiBaseOffset(entry, start0);
    const byteCount = faiBaseOffset(entry, end0 - 1) + 1 - firstByteOffset;
    const bytes = into !== undefined && into.length >= byteCount ? into : new Uint8Array(Buffer.allocUnsafeSlow(byteCount).buffer);
    const bytesRead = readSync(this.openFd(), bytes, 0, byteCount, firstByteOffset);
    // Drop line terminators in place; a typed-array loop, since a fetch can span megabases.
    let baseCount = 0;
    for (let index = 0; index < bytesRead; index++) {
      const byte = bytes[index]!;
      if (byte !== NEWLINE && byte !== CARRIAGE_RETURN) bytes[baseCount++] = byte;
    }
    if (baseCount !== end0 - start0) {
      throw new HtsError(
        `the FASTA does not match its index at ${name}:${start0}-${end0} (got ${baseCount} bases, expected ${end0 - start0}); delete ${this.path}.fai and let it be rebuilt`,
        this.path,
        `byte offset ${firstByteOffset}`,
      );
    }
    return bytes.subarray(0, baseCount);
  }

  /** Closes the file; later calls to fetch fail. Safe to call twice. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private entry(name: string): FaiEntry {
    const entry = this.entryByName.get(name);
    if (!entry) {
      throw new HtsError(`sequence '${name}' is not in this FASTA (it has ${describeNames(this.entries)})`, this.path);
    }
    return entry;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`IndexedFastaReader for ${this.path} is closed`);
    return this.fd;
  }
}

/** A cheap staleness check: an index made for a longer or different FASTA points past its end. */
function checkIndexFitsFile(entries: readonly FaiEntry[], fileBytes: number, path: string, faiPath: string): void {
  for (const entry of entries) {
    const endOffset = entry.length === 0 ? entry.offset : faiBaseOffset(entry, entry.length - 1) + 1;
    if (endOffset > fileBytes) {
      throw new HtsError(
        `index ${faiPath} says '${entry.name}' ends at byte ${endOffset} but the FASTA has ${fileBytes} bytes; the index is stale, delete it and let it be rebuilt`,
        path,
      );
    }
  }
}

function describeNames(entries: readonly FaiEntry[]): string {
  if (entries.length === 0) return 'no sequences';
  const shown = entries
    .slice(0, 5)
    .map((entry) => entry.name)
    .join(', ');
  return entries.length > 5 ? `${entries.length} sequences: ${shown}, …` : shown;
}
