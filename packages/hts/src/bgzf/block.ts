/**
 * BGZF block framing (SAM spec §4.1): a gzip member whose extra field carries `BC` with BSIZE,
 * the total block size minus one. Splitting a stream into blocks needs only those headers, so it
 * is cheap and serial; inflating the blocks is the costly part and runs anywhere (inflate.ts).
 */
import { HtsError } from '../errors.js';

/** Inflated data per block is at most 64 KiB; writers fill blocks to 0xff00 as htslib does. */
export const MAX_BLOCK_SIZE = 65536;
export const WRITER_BLOCK_DATA_SIZE = 0xff00;

/** The 28-byte empty block every BGZF file must end with (SAM spec §4.1.2). */
export const EOF_BLOCK = Uint8Array.from([
  0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00,
]);

/** Where one block's compressed data lies inside a byte chunk. */
export interface BlockLayout {
  /** Offset of the block in the chunk. */
  start: number;
  /** Total block size (BSIZE + 1). */
  size: number;
  /** Offset of the raw DEFLATE data in the chunk. */
  dataStart: number;
  dataSize: number;
  crc32: number;
  inflatedSize: number;
}

/**
 * Reads the total size of the block that starts at `at`, or returns -1 when fewer than the header's
 * bytes are available. `fileOffset` is where `bytes[0]` lies in the file, for error messages.
 */
export function blockSizeAt(bytes: Uint8Array, at: number, end: number, file: string, fileOffset: number): number {
  if (end - at < 12) return -1;
  if (bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || bytes[at + 2] !== 8 || (bytes[at + 3]! & 4) === 0) {
    const where = fileOffset + at;
    if (where === 0) {
      const gzip = bytes[at] === 0x1f && bytes[at + 1] === 0x8b;
      throw new HtsError(
        gzip ? 'plain gzip, not BGZF (recompress with bgzip)' : 'not a BGZF file (no gzip magic at the start)',
        file,
        'byte offset 0',
      );
    }
    throw new HtsError('corrupt BGZF block header', file, `byte offset ${where}`);
  }
  const extraLength = bytes[at + 10]! | (bytes[at + 11]! << 8);
  if (end - at < 12 + extraLength) return -1;
  // Walk the extra subfields for BC (66, 67) with SLEN 2.
  let field = at + 12;
  const extraEnd = field + extraLength;
  while (field + 4 <= extraEnd) {
    const subfieldLength = bytes[field + 2]! | (bytes[field + 3]! << 8);
    if (bytes[field] === 66 && bytes[field + 1] === 67 && subfieldLength === 2) {
      return (bytes[field + 4]! | (bytes[field + 5]! << 8)) + 1;
    }
    field += 4 + subfieldLength;
  }
  throw new HtsError('gzip block without the BGZF BC field', file, `byte offset ${fileOffset + at}`);
}

/** Lays out the complete block at `at` (whose total size is `size`). */
export function layoutBlock(bytes: Uint8Array, at: number, size: number, file: string, fileOffset: number): BlockLayout {
  const extraLength = bytes[at + 10]! | (bytes[at + 11]! << 8);
  const dataStart = at + 12 + extraLength;
  const dataSize = size - 12 - extraLength - 8;
  if (dataSize < 0) throw new HtsError('corrupt BGZF block (BSIZE smaller than its header)', file, `byte offset ${fileOffset + at}`);
  const tail = at + size - 8;
  const crc32 = (bytes[tail]! | (bytes[tail + 1]! << 8) | (bytes[tail + 2]! << 16) | (bytes[tail + 3]! << 24)) >>> 0;
  const inflatedSize = (bytes[tail + 4]! | (bytes[tail + 5]! << 8) | (bytes[tail + 6]! << 16) | (bytes[tail + 7]! << 24)) >>> 0;
  if (inflatedSize > MAX_BLOCK_SIZE) {
    throw new HtsError(`corrupt BGZF block (ISIZE ${inflatedSize} over 64 KiB)`, file, `byte offset ${fileOffset + at}`);
  }
  return { start: at, size, dataStart, dataSize, crc32, inflatedSize };
}

export function isEofBlock(bytes: Uint8Array, at: number, size: number): boolean {
  if (size !== EOF_BLOCK.length) return false;
  for (let i = 0; i < size; i++) if (bytes[at + i] !== EOF_BLOCK[i]) return false;
  return true;
}
