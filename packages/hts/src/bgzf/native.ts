/**
 * Debian's libdeflate (`libdeflate.so.0`) through koffi, with Node's zlib as the fallback.
 *
 * Why: measured on this machine (shared/research/node-toolchain.md §7) libdeflate inflates BGZF
 * blocks 1.83x faster than `zlib.inflateRawSync`, and no npm package wraps native libdeflate.
 * The library is in the fresh machine image; where it cannot be loaded we fall back silently
 * (set SHOAL_NO_LIBDEFLATE=1 to force the fallback, which tests use to cover both paths).
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

export interface DeflateBackend {
  readonly name: 'libdeflate' | 'zlib';
  /** Inflates a raw DEFLATE stream into exactly `out.length` bytes; returns bytes written or -1 on bad data. */
  inflateRaw(input: Uint8Array, out: Uint8Array): number;
  /** Raw DEFLATE at `level`, into `out`; returns compressed size, or 0 if it did not fit. */
  deflateRaw(input: Uint8Array, out: Uint8Array, level: number): number;
  crc32(data: Uint8Array, initial?: number): number;
}

const zlibCrc32: (data: Uint8Array, value?: number) => number = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;

const zlibBackend: DeflateBackend = {
  name: 'zlib',
  inflateRaw(input, out) {
    try {
      const result = zlib.inflateRawSync(input, { info: false, maxOutputLength: Math.max(out.length, 1) }) as Buffer;
      if (result.length !== out.length) return result.length;
      out.set(result);
      return result.length;
    } catch {
      return -1;
    }
  },
  deflateRaw(input, out, level) {
    const result = zlib.deflateRawSync(input, { level });
    if (result.length > out.length) return 0;
    out.set(result);
    return result.length;
  },
  crc32(data, initial = 0) {
    return zlibCrc32(data, initial) >>> 0;
  },
};

function loadLibdeflate(): DeflateBackend | undefined {
  if (process.env.SHOAL_NO_LIBDEFLATE === '1') return undefined;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libdeflate.so.0');
    const allocDecompressor = lib.func('void *libdeflate_alloc_decompressor(void)');
    const allocCompressor = lib.func('void *libdeflate_alloc_compressor(int level)');
    const decompress = lib.func(
      'int libdeflate_deflate_decompress(void *d, const uint8_t *in, size_t in_nbytes, uint8_t *out, size_t out_avail, _Out_ size_t *actual_out)',
    );
    const compress = lib.func(
      'size_t libdeflate_deflate_compress(void *c, const uint8_t *in, size_t in_nbytes, uint8_t *out, size_t out_avail)',
    );
    const crc32 = lib.func('uint32_t libdeflate_crc32(uint32_t crc, const uint8_t *buf, size_t len)');
    const decompressor: unknown = allocDecompressor();
    // One compressor per level, made on first use; they live as long as the process.
    const compressors = new Map<number, unknown>();
    const actualOut = [0];
    return {
      name: 'libdeflate',
      inflateRaw(input, out) {
        const status = decompress(decompressor, input, input.length, out, out.length, actualOut) as number;
        return status === 0 ? (actualOut[0] as number) : -1;
      },
      deflateRaw(input, out, level) {
        let compressor = compressors.get(level);
        if (compressor === undefined) {
          compressor = allocCompressor(level);
          compressors.set(level, compressor);
        }
        return Number(compress(compressor, input, input.length, out, out.length));
      },
      crc32(data, initial = 0) {
        return (crc32(initial, data, data.length) as number) >>> 0;
      },
    };
  } catch {
    return undefined;
  }
}

let backend: DeflateBackend | undefined;

/** The deflate implementation in use in this thread (libdeflate when it loads, else zlib). */
export function deflateBackend(): DeflateBackend {
  backend ??= loadLibdeflate() ?? zlibBackend;
  return backend;
}
