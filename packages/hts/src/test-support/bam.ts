/** BAM helpers shared by this package's unit tests (not part of the library; excluded from the build). */
import { BamReader } from '../bam/reader.js';

/** One record as the BAM tests compare it: its bytes (hex), position, end and virtual offset. */
export interface RecordSummary {
  hex: string;
  refId: number;
  pos: number;
  end: number;
  virtualOffset: number;
}

/** Every record of `file`, read with the streaming reader (in chunks of `readChunkBytes`, if given). */
export async function readRecordSummaries(file: string, readChunkBytes?: number): Promise<RecordSummary[]> {
  const reader = await BamReader.open(file, readChunkBytes ? { readChunkBytes } : {});
  const out: RecordSummary[] = [];
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const r = batch.record(i);
      out.push({
        hex: Buffer.from(r.toBytes()).toString('hex'),
        refId: r.refId,
        pos: r.pos,
        end: r.alignmentEnd,
        virtualOffset: batch.virtualOffsetAt(batch.offsets[i]!),
      });
    }
  }
  reader.close();
  return out;
}
