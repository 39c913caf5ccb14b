/**
 * The collectors as an engine stage: each thread keeps its own collector instances (data-parallel),
 * and their partial states are merged on the main thread at the end.
 */
import { unpackHeader, type PackedHeader } from '@shoal/hts';
import { batchesOf, recordCountOf, type Payload, type StageDefinition } from '@shoal/engine';
import type { Collector } from './collector.js';
import { COLLECTORS } from './collectors/index.js';

export interface CollectStageOptions {
  tools: string[];
  header: PackedHeader;
  options: Record<string, unknown>;
  reference?: string;
  /**
   * Hand the records on (to the sink on the main thread, where per-locus collectors count them in file order) instead
   * of releasing their buffers.
   */
  passRecords?: boolean;
}

export const stages: Record<string, StageDefinition> = {
  collect: {
    kind: 'parallel',
    createState: (options: CollectStageOptions): { collectors: Collector[]; passRecords: boolean } => {
      const header = unpackHeader(options.header);
      return {
        collectors: options.tools.map((tool) =>
          COLLECTORS[tool]!.create({ header, options: options.options, reference: options.reference }),
        ),
        passRecords: options.passRecords === true,
      };
    },
    process(payload: Payload, { collectors, passRecords }: { collectors: Collector[]; passRecords: boolean }, context) {
      for (const batch of batchesOf(payload)) {
        for (let i = 0; i < batch.count; i++) {
          const record = batch.record(i);
          for (const collector of collectors) collector.accept(record);
        }
      }
      if (passRecords) return payload;
      const data = payload.data as Uint8Array | null;
      if (data) context.release(data.buffer as ArrayBuffer);
      return { records: recordCountOf(payload), endFileOffset: payload.endFileOffset };
    },
    exportState: ({ collectors }: { collectors: Collector[] }) => collectors.map((collector) => collector.toPartial()),
  },
};
