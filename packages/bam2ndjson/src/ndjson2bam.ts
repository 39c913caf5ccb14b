/** ndjson2bam: bam2ndjson's NDJSON (or SAM/BAM) back to BAM, optionally indexed as it is written. */
import { BamWriter, openAlignments } from '@shoal/hts';
import { parallelBgzfCompression } from '@shoal/engine';

export interface NdjsonToBamOptions {
  input: string;
  output: string;
  writeIndex?: boolean;
  level?: number;
  /** Total threads; above 1, BGZF compression runs on the engine's workers. */
  threads?: number;
  /** Called now and then with the records written so far. */
  onProgress?: (records: number) => void;
}

export async function ndjsonToBam(options: NdjsonToBamOptions): Promise<{ records: number }> {
  const reader = await openAlignments(options.input);
  try {
    const threads = options.threads ?? 1;
    const writer = await BamWriter.open(options.output, reader.header, {
      writeIndex: options.writeIndex,
      level: options.level,
      parallel: threads > 1 ? parallelBgzfCompression(threads) : undefined,
    });
    try {
      for await (const batch of reader.batches()) {
        for (let i = 0; i < batch.count; i++) {
          const offset = batch.offsets[i]!;
          await writer.writeRecordBytes(batch.bytes.subarray(offset, offset + batch.record(i).byteLength));
        }
        options.onProgress?.(writer.recordsWritten);
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
