/**
 * SLOW5/BLOW5 on the engine: a stage that decodes the stored records of a block
 * (slow5-pipeline.ts) and keeps per-thread checksums, for the pipeline's tests and as the pattern
 * for a tool's own decoding stage: `decodeSlow5Batch(slow5BatchOf(payload), layout)`.
 */
import { decodeSlow5Batch, type Slow5Layout, type StoredRecordBatch } from '@shoal/hts';
import type { Payload, StageDefinition } from '../stage.js';

interface Checksums {
  layout: Slow5Layout;
  records: number;
  samples: number;
  /** Sum of samples times their position in the read, wrapped to int32: catches reordered samples. */
  weighted: number;
  readIdCharacters: number;
}

export const stages: Record<string, StageDefinition> = {
  decodeChecksums: {
    kind: 'parallel',
    createState: (options: { layout: Slow5Layout }): Checksums => ({
      layout: options.layout,
      records: 0,
      samples: 0,
      weighted: 0,
      readIdCharacters: 0,
    }),
    process(payload: Payload, state: Checksums, context) {
      const batch = payload as unknown as StoredRecordBatch;
      const records = decodeSlow5Batch(batch, state.layout);
      for (const record of records) {
        const signal = record.rawSignal;
        let weighted = state.weighted;
        for (let i = 0; i < signal.length; i++) weighted = (weighted + Math.imul(signal[i]!, i + 1)) | 0;
        state.weighted = weighted;
        state.samples += signal.length;
        state.readIdCharacters += record.readId.length;
      }
      state.records += records.length;
      context.release(batch.bytes.buffer as ArrayBuffer);
      return { records: records.length };
    },
    exportState: (state: Checksums) => ({
      records: state.records,
      samples: state.samples,
      weighted: state.weighted,
      readIdCharacters: state.readIdCharacters,
    }),
  },
};
