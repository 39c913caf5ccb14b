/**
 * slow5lib's record index, `<file>.idx` (src/slow5_idx.c slow5_idx_write / slow5_idx_read), and
 * random access by read id through it.
 *
 * Layout: the magic `SLOW5IDX\1`, the indexed file's version (3 bytes), zeros up to byte 64, then
 * per record in file order a u16le read-id length, the read id, a u64le offset and a u64le size, and
 * the end marker `XDI5WOLS`. For BLOW5 the offset is that of the record's u64 size and the size
 * counts those 8 bytes too; for SLOW5 text they are the line's, its newline included. slow5lib
 * refuses an index whose version differs from the file's; so do we. nanopolish `index --slow5`
 * writes and reads this same file.
 */
import fs from 'node:fs';
import { HtsError, quoted } from '../errors.js';
import { AtomicFile } from '../io/atomic.js';
import { describeFsError, requireRegularFile } from '../io/byte-source.js';
import { compareVersions } from './header.js';
import { decodeRecordBody, decompressRecordBody, parseRecordText } from './record.js';
import { openSlow5Reader, type OpenedSlow5 } from './reader.js';
import type { Slow5Header, Slow5Record } from './types.js';

const INDEX_MAGIC = new Uint8Array([0x53, 0x4c, 0x4f, 0x57, 0x35, 0x49, 0x44, 0x58, 0x01]); // "SLOW5IDX\1"
const INDEX_EOF = new Uint8Array([0x58, 0x44, 0x49, 0x35, 0x57, 0x4f, 0x4c, 0x53]); // "XDI5WOLS"
const INDEX_HEADER_BYTES = 64;
/** Index bytes gathered before a write while building. */
const WRITE_CHUNK_BYTES = 1 << 20;

/** Where a file's index lives: `<path>.idx` (slow5lib slow5_get_idx_path). */
export function indexPathOf(path: string): string {
  return `${path}.idx`;
}

/** Builds `<path>.idx` for a SLOW5 or BLOW5 file, written atomically. A read id seen twice is an error. */
export async function buildSlow5Index(path: string): Promise<{ records: number }> {
  requireRegularFile(path, 'an index needs a regular file, not a pipe');
  const reader = await openSlow5Reader(path);
  const target = indexPathOf(path);
  const output = AtomicFile.create(target);
  try {
    const head = new Uint8Array(INDEX_HEADER_BYTES);
    head.set(INDEX_MAGIC, 0);
    head.set(reader.header.version, INDEX_MAGIC.length);
    output.write(head);
    const encoder = new TextEncoder();
    const seen = new Map<string, number>();
    let chunk = new Uint8Array(WRITE_CHUNK_BYTES);
    let view = new DataView(chunk.buffer);
    let used = 0;
    let records = 0;
    for await (const entry of reader.indexEntries()) {
      const earlier = seen.get(entry.readId);
      if (earlier !== undefined) {
        throw new HtsError(
          `read id ${quoted(entry.readId)} appears twice (first at byte offset ${earlier}): cannot index by read id`,
          path,
          `byte offset ${entry.offset}`,
        );
      }
      seen.set(entry.readId, entry.offset);
      const id = encoder.encode(entry.readId);
      const need = 2 + id.length + 16;
      if (used + need > chunk.length) {
        output.write(chunk.subarray(0, used));
        used = 0;
        if (need > chunk.length) {
          chunk = new Uint8Array(need);
          view = new DataView(chunk.buffer);
        }
      }
      view.setUint16(used, id.length, true);
      chunk.set(id, used + 2);
      view.setBigUint64(used + 2 + id.length, BigInt(entry.offset), true);
      view.setBigUint64(used + 10 + id.length, BigInt(entry.size), true);
      used += need;
      records++;
    }
    output.write(chunk.subarray(0, used));
    output.write(INDEX_EOF);
    output.commit();
    return { records };
  } catch (error) {
    output.abort();
    throw error;
  } finally {
    await reader.close();
  }
}

interface IndexEntry {
  readonly offset: number;
  readonly size: number;
}

/** Parses an index file's bytes into read id → entry, in file order. */
function parseIndex(bytes: Uint8Array, file: string, fileVersion: readonly number[]): { ids: string[]; entries: Map<string, IndexEntry> } {
  if (bytes.length < INDEX_HEADER_BYTES || !INDEX_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new HtsError('not a SLOW5 index (no SLOW5IDX\\1 magic)', file, 'byte offset 0');
  }
  const version = [bytes[9]!, bytes[10]!, bytes[11]!];
  if (compareVersions(version, fileVersion) !== 0) {
    throw new HtsError(
      `index version ${version.join('.')} differs from the file's ${fileVersion.join('.')}: rebuild the index`,
      file,
      'byte offset 9',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const ids: string[] = [];
  const entries = new Map<string, IndexEntry>();
  let at = INDEX_HEADER_BYTES;
  for (;;) {
    if (at + INDEX_EOF.length === bytes.length && INDEX_EOF.every((byte, i) => bytes[at + i] === byte)) break;
    if (at + 2 > bytes.length) throw new HtsError('truncated SLOW5 index: no XDI5WOLS end marker', file, `byte offset ${at}`);
    const length = view.getUint16(at, true);
    if (at + 2 + length + 16 > bytes.length)
      throw new HtsError('truncated SLOW5 index: an entry runs past the end', file, `byte offset ${at}`);
    const readId = decoder.decode(bytes.subarray(at + 2, at + 2 + length));
    const offset = Number(view.getBigUint64(at + 2 + length, true));
    const size = Number(view.getBigUint64(at + 10 + length, true));
    if (entries.has(readId)) throw new HtsError(`SLOW5 index lists read id ${quoted(readId)} twice`, file, `byte offset ${at}`);
    entries.set(readId, { offset, size });
    ids.push(readId);
    at += 2 + length + 16;
  }
  return { ids, entries };
}

/** Random access to the records of a SLOW5 or BLOW5 file by read id, through `<path>.idx`. */
export class Blow5IndexedReader {
  private constructor(
    private readonly path: string,
    private readonly opened: OpenedSlow5,
    private readonly handle: fs.promises.FileHandle,
    private readonly fileSize: number,
    private readonly ids: readonly string[],
    private readonly entries: ReadonlyMap<string, IndexEntry>,
  ) {}

  /**
   * Opens `path` and its index `<path>.idx`. Without an index the open fails, unless `buildIndex`
   * is set: then the index is built (and written) first.
   */
  static async open(path: string, options: { buildIndex?: boolean } = {}): Promise<Blow5IndexedReader> {
    requireRegularFile(path, 'random access needs a regular file, not a pipe');
    const indexPath = indexPathOf(path);
    if (!fs.existsSync(indexPath)) {
      if (!options.buildIndex)
        throw new HtsError(`no index ${indexPath}: build it first (buildSlow5Index, or nanopolish index --slow5)`, path);
      await buildSlow5Index(path);
    }
    const reader = await openSlow5Reader(path);
    const opened = reader.opened;
    await reader.close();
    let indexBytes: Uint8Array;
    let handle: fs.promises.FileHandle;
    try {
      indexBytes = await fs.promises.readFile(indexPath);
      handle = await fs.promises.open(path, 'r');
    } catch (error) {
      throw new HtsError(describeFsError(error), indexPath);
    }
    try {
      const { ids, entries } = parseIndex(indexBytes, indexPath, opened.header.version);
      const { size } = await handle.stat();
      return new Blow5IndexedReader(path, opened, handle, size, ids, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get header(): Slow5Header {
    return this.opened.header;
  }

  /** The read ids in file order. */
  readIds(): readonly string[] {
    return this.ids;
  }

  /** The record with `readId`, or undefined when the index does not list it. */
  async get(readId: string): Promise<Slow5Record | undefined> {
    const entry = this.entries.get(readId);
    if (!entry) return undefined;
    const origin = { file: this.path, location: `record ${quoted(readId)} at byte offset ${entry.offset}` };
    if (entry.offset + entry.size > this.fileSize || entry.size < (this.opened.format === 'blow5' ? 8 : 1)) {
      throw new HtsError(
        `the index places this record past the end of the file (${this.fileSize} bytes): rebuild the index`,
        origin.file,
        origin.location,
      );
    }
    const bytes = new Uint8Array(entry.size);
    const { bytesRead } = await this.handle.read(bytes, 0, entry.size, entry.offset);
    if (bytesRead !== entry.size) throw new HtsError(`short read: ${bytesRead} of ${entry.size} bytes`, origin.file, origin.location);
    const groups = this.opened.header.readGroups.length;
    let record: Slow5Record;
    if (this.opened.format === 'slow5') {
      if (bytes[bytes.length - 1] !== 10)
        throw new HtsError('the index does not point at a whole SLOW5 line: rebuild the index', origin.file, origin.location);
      record = parseRecordText(new TextDecoder().decode(bytes.subarray(0, -1)), this.opened.auxTypes, groups, origin);
    } else {
      const stated = new DataView(bytes.buffer).getBigUint64(0, true);
      if (stated !== BigInt(entry.size - 8)) {
        throw new HtsError(
          `the record states ${stated} bytes, the index ${entry.size - 8}: rebuild the index`,
          origin.file,
          origin.location,
        );
      }
      const body = decompressRecordBody(bytes.subarray(8), this.opened.recordCompression, origin);
      record = decodeRecordBody(body, this.opened.auxTypes, this.opened.signalCompression, groups, origin);
    }
    if (record.readId !== readId) {
      throw new HtsError(
        `the index points at read ${quoted(record.readId)}, not ${quoted(readId)}: rebuild the index`,
        origin.file,
        origin.location,
      );
    }
    return record;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
