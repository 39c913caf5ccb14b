/** Looks at the first bytes of a source without consuming them (format sniffing on stdin). */
import type { ByteSource } from './byte-source.js';

export async function peekSource(source: ByteSource, wanted: number): Promise<{ head: Uint8Array; source: ByteSource }> {
  const buffer = new Uint8Array(wanted);
  let filled = 0;
  while (filled < wanted) {
    const n = await source.read(buffer.subarray(filled));
    if (n === 0) break;
    filled += n;
  }
  const head = buffer.subarray(0, filled);
  let replay = head;
  const replaying: ByteSource = {
    name: source.name,
    sizeBytes: source.sizeBytes,
    seekable: source.seekable,
    async read(into) {
      if (replay.length > 0) {
        const n = Math.min(into.length, replay.length);
        into.set(replay.subarray(0, n));
        replay = replay.subarray(n);
        return n;
      }
      return source.read(into);
    },
    seek(position) {
      replay = new Uint8Array(0);
      source.seek(position);
    },
    close: () => source.close(),
  };
  return { head, source: replaying };
}
