/** ndjson2bam: bam2ndjson's NDJSON (or SAM/BAM) back to BAM, optionally indexed as it is written. */
import { AtomicFile, BamWriter, openAlignments } from '@shoal/hts';
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
  // The BAM and its index appear together or not at all; a folder in the way of either is found
  // now, not after the whole input is converted.
  const outputs = options.output === '-' ? [] : options.writeIndex ? [options.output, `${options.output}.bai`] : [options.output];
  AtomicFile.refuseFolders(outputs);
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
      await writer.finish();
      // One group: when the index cannot take its name, the BAM an earlier run left there is put back.
      const group = AtomicFile.group();
      try {
        await group.renameAsync(outputs, () => writer.commit());
      } catch (error) {
        group.rollback();
        throw error;
      }
      group.release();
      return { records: writer.recordsWritten };
    } catch (error) {
      writer.abort();
      throw error;
    }
  } finally {
    reader.close();
  }
}
