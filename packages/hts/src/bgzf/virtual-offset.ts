/**
 * BGZF virtual file offsets (SAM spec §4.1.1): the compressed offset of a block's first byte in
 * the upper 48 bits, the offset inside its inflated data in the lower 16. JavaScript numbers hold
 * integers exactly to 2^53, so we keep them as plain numbers (coffset * 65536 + uoffset): files up to
 * 128 TiB, with none of BigInt's cost on the hot path.
 */
export function makeVirtualOffset(compressedOffset: number, uncompressedOffset: number): number {
  return compressedOffset * 65536 + uncompressedOffset;
}

export function compressedOffsetOf(virtualOffset: number): number {
  return Math.floor(virtualOffset / 65536);
}

export function uncompressedOffsetOf(virtualOffset: number): number {
  return virtualOffset % 65536;
}

/** Reads a u64 little-endian virtual offset (BAI) as a number. */
export function readVirtualOffset(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * 4294967296 + view.getUint32(at, true);
}

export function writeVirtualOffset(view: DataView, at: number, virtualOffset: number): void {
  view.setUint32(at, virtualOffset % 4294967296, true);
  view.setUint32(at + 4, Math.floor(virtualOffset / 4294967296), true);
}
