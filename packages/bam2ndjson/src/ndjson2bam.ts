/** ndjson2bam: bam2ndjson's NDJSON (or SAM/BAM) back to BAM, optionally indexed as it is written. */
import { BamWriter, openAlignments } from '@shoal/hts';

export interface NdjsonToBamOptions {
  input: string;
  output: string;
  writeIndex?: boolean;
  level?: number;
}

export async function ndjsonToBam(options: NdjsonToBamOptions): Promise<{ records: number }> {
  const reader = await openAlignments(options.input);
  try {
    const writer = await BamWriter.open(options.output, reader.header, { writeIndex: options.writeIndex, level: options.level });
    try {
      for await (const batch of reader.batches()) {
        for (let i = 0; i < batch.count; i++) {
          const offset = batch.offsets[i]!;
          await writer.writeRecordBytes(batch.bytes.subarray(offset, offset + batch.record(i).byteLength));
        }
      }
      await writer.close();
      return { records: writer.recordsWritten };
    } catch (error) {
      writer.abort();
      throw error;
    }
  } finally {
    reader.close();
  }
}
