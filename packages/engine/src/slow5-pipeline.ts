/**
 * Reading a whole SLOW5 or BLOW5 file on the engine. The main thread reads the file in chunks and
 * cuts it into whole stored records (BLOW5 records carry their size, SLOW5 records end at a
 * newline, so no serial split stage is needed), gathers them into blocks of about
 * SLOW5_BLOCK_BYTES (StoredRecordBatch: the still-compressed bytes, the record ends and file
 * offsets, in pooled buffers), and hands the blocks to the caller's stages, which decompress and
 * decode them on the worker threads with `decodeSlow5Batch(slow5BatchOf(payload), layout)`.
 * Results reach the sink in file order. A missing `5WOLB` end marker, a truncated or oversized
 * record fails the run with the reader's one-line error.
 */
import { openSlow5Reader, type Slow5Header, type Slow5Layout, type StoredRecordBatch } from '@shoal/hts';
import { Engine, type RunSummary, type Sink } from './engine.js';
import type { BufferPool } from './buffer-pool.js';
import type { Payload, StageSpec } from './stage.js';

/** The stage module of stages/slow5.ts (decodeChecksums: the test stage and the pattern for a tool's own). */
export const SLOW5_STAGES_MODULE = new URL('./stages/slow5.js', import.meta.url).href;

/**
 * Stored bytes per engine block. Not swept yet: 1 MiB of zlib/svb-zd BLOW5 decodes to about
 * 4-8 MiB of samples (a few hundred ONT reads), enough work per block to hide the hand-over.
 */
export const SLOW5_BLOCK_BYTES = 1 << 20;

export interface Slow5PipelineOptions {
  threads: number;
  /** The caller's stages; a function when they need the header or the layout (to pass on as stage options). */
  stages: StageSpec[] | ((header: Slow5Header, layout: Slow5Layout) => StageSpec[]);
  maxBlocksInFlight?: number;
  blockBytes?: number;
}

export interface Slow5Pipeline {
  header: Slow5Header;
  /** What decodeSlow5Batch needs: give it to the stages as options. */
  layout: Slow5Layout;
  pool: BufferPool;
  sizeBytes: number | undefined;
  run(sink: Sink): Promise<RunSummary>;
  close(): Promise<void>;
}

/** The StoredRecordBatch a block carries (on whatever thread holds it). */
export function slow5BatchOf(payload: Payload): StoredRecordBatch {
  return payload as unknown as StoredRecordBatch;
}

/** Opens a SLOW5/BLOW5 file (path or `-`) for a whole-file pass on the engine. */
export async function openSlow5Pipeline(path: string, options: Slow5PipelineOptions): Promise<Slow5Pipeline> {
  const reader = await openSlow5Reader(path);
  let engine: Engine | undefined;
  try {
    const layout = reader.layout;
    const header = reader.header;
    engine = await Engine.start({
      threads: options.threads,
      maxBlocksInFlight: options.maxBlocksInFlight,
      stages: typeof options.stages === 'function' ? options.stages(header, layout) : options.stages,
    });
    const started = engine;
    const pool = engine.pool;
    const blockBytes = options.blockBytes ?? SLOW5_BLOCK_BYTES;
    async function* blocks(): AsyncGenerator<Payload> {
      const allocate = (bytes: number): Uint8Array => new Uint8Array(pool.allocate(bytes), 0, bytes);
      for await (const batch of reader.storedBatches(blockBytes, allocate)) yield { ...batch };
    }
    return {
      header,
      layout,
      pool,
      sizeBytes: reader.sizeBytes,
      run: async (sink) => {
        try {
          return await started.run(blocks(), sink);
        } finally {
          await reader.close();
        }
      },
      close: async () => {
        await started.close();
        await reader.close();
      },
    };
  } catch (error) {
    await engine?.close();
    await reader.close();
    throw error;
  }
}
