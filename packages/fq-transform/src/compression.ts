/**
 * Compression of output files and of steps' side files (Inspect, StoreTagsInTable): mbf's formats
 * under their TOML names, their default levels, the keys that choose them, the file extension,
 * and the one function that compresses bytes.
 *
 * gzip goes through libdeflate and zstd through libzstd, native libraries reached with koffi.
 * @shoal/hts loads each on its first call, not when it is imported, so importing this module loads
 * nothing native: `fq-transform validate` and `template` never touch either library
 * (test/fq-transform-native.test.ts fails if they do).
 */
import { gzipMember, HtsError, zstdAvailable, zstdCompress } from '@shoal/hts';
import { enumKey } from './config-keys.js';
import type { Table } from './table.js';

/** mbf's CompressionFormat. */
export type Compression = 'Uncompressed' | 'Gzip' | 'Zstd';

const SPELLINGS: Record<string, Compression> = {
  Uncompressed: 'Uncompressed',
  Raw: 'Uncompressed',
  Gzip: 'Gzip',
  Gz: 'Gzip',
  Zstd: 'Zstd',
  Zst: 'Zstd',
};

/** mbf's default levels. */
const DEFAULT_LEVEL: Record<Compression, number> = { Uncompressed: 0, Gzip: 6, Zstd: 5 };

export function defaultCompressionLevel(compression: Compression): number {
  return DEFAULT_LEVEL[compression];
}

/** A compression key: Uncompressed (alias Raw, the default), Gzip (Gz), Zstd (Zst). */
export function compressionKey(table: Table, key = 'compression'): Compression {
  return enumKey(table, key, SPELLINGS, { default: 'Uncompressed' });
}

/** A side file's compression_level, checked as mbf's validate_compression_level_u8 does; undefined: the default. */
export function compressionLevelKey(table: Table, compression: Compression, key = 'compression_level'): number | undefined {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    return undefined;
  }
  const level = table.integer(key, { min: 0, max: 255 });
  if (compression === 'Uncompressed' && level !== 0)
    throw table.error(`compression level ${level} specified for uncompressed output; remove compression_level`, key);
  if (compression === 'Gzip' && level > 9) throw table.error(`invalid value ${level}: valid range is 0-9 for gzip`, key);
  if (compression === 'Zstd' && (level === 0 || level > 22)) throw table.error(`invalid value ${level}: valid range is 1-22 for zstd`, key);
  return level;
}

/** `name` with the extension of its compression: `x.fq` → `x.fq.gz`, `x.fq.zst`, or `x.fq` as is. */
export function compressedFileName(name: string, compression: Compression): string {
  return compression === 'Gzip' ? `${name}.gz` : compression === 'Zstd' ? `${name}.zst` : name;
}

interface CompressionSettings {
  compression: Compression;
  /** Undefined: the format's default level. */
  level?: number;
}

/**
 * `bytes` as one gzip member or one zstd frame (or as they are, uncompressed). Members and frames
 * compressed one block at a time and concatenated make a valid file, so blocks compress in parallel.
 * Empty input still makes a member or frame: a caller that wants no bytes for no data checks first.
 */
export function compress(bytes: Uint8Array, settings: CompressionSettings): Uint8Array {
  const level = settings.level ?? DEFAULT_LEVEL[settings.compression];
  if (settings.compression === 'Gzip') return gzipMember(bytes, level);
  if (settings.compression === 'Zstd') {
    if (!zstdAvailable()) throw new HtsError('zstd compression is not available in this build (the zstd library could not be loaded)');
    return zstdCompress(bytes, level);
  }
  return bytes;
}
