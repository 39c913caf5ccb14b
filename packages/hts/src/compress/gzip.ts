/**
 * One gzip member from a buffer, through the formats library's DEFLATE backend (libdeflate when
 * loaded). Blocks compressed one member each, in parallel, and concatenated are a valid gzip file
 * (RFC 1952 §2.2) that every gunzip reads; the bytes depend only on the data and the level, so the
 * output is the same at every thread count.
 */
import { deflateBackend } from '../bgzf/native.js';

const HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);

export function gzipMember(input: Uint8Array, level: number): Uint8Array {
  const backend = deflateBackend();
  let capacity = input.length + (input.length >> 4) + 1024;
  for (;;) {
    const out = new Uint8Array(HEADER.length + capacity + 8);
    out.set(HEADER, 0);
    const size = backend.deflateRaw(input, out.subarray(HEADER.length, HEADER.length + capacity), level);
    if (size > 0 || input.length === 0) {
      const end = HEADER.length + size;
      const view = new DataView(out.buffer, out.byteOffset);
      view.setUint32(end, backend.crc32(input), true);
      view.setUint32(end + 4, input.length >>> 0, true);
      return out.subarray(0, end + 8);
    }
    capacity *= 2;
  }
}
