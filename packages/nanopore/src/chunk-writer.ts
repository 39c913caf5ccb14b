/**
 * Gathers small output chunks into writes of about `flushBytes` (frames are a few hundred bytes each; a write per
 * frame would cost more than the frame). Copies them: frame payloads view memory that moves on.
 */
import { concatBytes, type ByteSink } from '@shoal/hts';

export class ChunkWriter {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  constructor(
    private readonly sink: ByteSink,
    private readonly flushBytes = 1 << 20,
  ) {}

  async add(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= this.flushBytes) await this.flush();
  }

  async addAll(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) await this.add(chunk);
  }

  async flush(): Promise<void> {
    if (this.bytes === 0) return;
    const data = concatBytes(this.chunks);
    this.chunks = [];
    this.bytes = 0;
    await this.sink.write(data);
  }
}
