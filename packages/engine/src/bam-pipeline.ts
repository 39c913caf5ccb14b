/**
 * Reading a whole BAM on the engine. The main thread reads compressed chunks (4 MiB, into pooled
 * buffers) and parses the header first (inflating the first chunks inline); then every chunk goes
 * inflate (parallel) → splitRecords (serial) → the caller's stages (parallel), and results reach
 * the sink in file order. The EOF marker block is checked on the main thread as chunks pass.
 */
import {
  EOF_BLOCK,
  HtsError,
  compressedChunks,
  inflateChunk,
  openByteSource,
  parseBamHeader,
  type BamHeader,
  type ByteSource,
} from '@shoal/hts';
import { Engine, type RunSummary, type Sink } from './engine.js';
import type { BufferPool } from './buffer-pool.js';
import type { Payload, StageSpec } from './stage.js';

export const BAM_STAGES_MODULE = new URL('./stages/bam.js', import.meta.url).href;

/**
 * Compressed bytes per engine block. Chosen by bench/sweep-engine.mjs (BENCHMARKS.md, "Engine
 * sweep", 2026-11-23): full decode medians at --threads 2 were 1.10 s (64 KiB), 0.95 s (256 KiB),
 * 0.96 s (1 MiB), 1.17 s (4 MiB), with peak RSS 91, 106, 166, 339 MB. A 256 KiB block inflates to
 * ~1 MiB, which stays in a core's cache from inflate through decode.
 */
export const PIPELINE_READ_CHUNK_BYTES = 256 << 10;
/** The most a header buffer is sized up front from l_text (a corrupt l_text must not allocate gigabytes). */
const HEADER_PRESIZE_LIMIT = 256 << 20;

export interface BamPipelineOptions {
  threads: number;
  /** The caller's parallel stages after the split (they receive RecordBlocks, stages/bam.ts); a function when they need the header. */
  stages: StageSpec[] | ((header: BamHeader) => StageSpec[]);
  maxBlocksInFlight?: number;
  readChunkBytes?: number;
  /** EngineOptions.sinkOwnsMainThread. */
  sinkOwnsMainThread?: boolean;
}

export interface BamPipeline {
  header: BamHeader;
  /** The engine's buffer pool on the main thread: give output buffers back here once written. */
  pool: BufferPool;
  /** Compressed size, when known (progress bars). */
  sizeBytes: number | undefined;
  run(sink: Sink): Promise<RunSummary>;
  close(): Promise<void>;
}

function endsWithEofBlock(bytes: Uint8Array): boolean {
  if (bytes.length < EOF_BLOCK.length) return false;
  const tail = bytes.length - EOF_BLOCK.length;
  for (let i = 0; i < EOF_BLOCK.length; i++) if (bytes[tail + i] !== EOF_BLOCK[i]) return false;
  return true;
}

/** Opens a BAM (path, `-`, or an opened ByteSource) for a whole-file pass on the engine. */
export async function openBamPipeline(input: string | ByteSource, options: BamPipelineOptions): Promise<BamPipeline> {
  const source = typeof input === 'string' ? openByteSource(input) : input;
  let engine: Engine | undefined;
  try {
    const file = source.name;
    // The engine's pool is not there yet while we read the header; chunks read later use it.
    let allocate = (bytes: number): Uint8Array => new Uint8Array(bytes);
    const chunks = compressedChunks(source, {
      readChunkBytes: options.readChunkBytes ?? PIPELINE_READ_CHUNK_BYTES,
      allocate: (bytes) => allocate(bytes),
    });
    const replay: { bytes: Uint8Array; fileOffset: number }[] = [];
    // The header's bytes so far, in a buffer that doubles, and jumps to the text's length once l_text is read: a 16 MB
    // header (200,000 contigs) arrives ~1 MB a chunk; a copy at every chunk was quadratic, and every doubling copies and
    // touches fresh pages.
    let buffer = new Uint8Array(1 << 20);
    let inflatedLength = 0;
    let parsed: ReturnType<typeof parseBamHeader>;
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        if (replay.length === 0) throw new HtsError('empty file, not BGZF', file, 'byte offset 0');
        throw new HtsError('truncated BAM header', file, `inflated byte offset ${inflatedLength}`);
      }
      replay.push(next.value);
      const data = inflateChunk({ bytes: next.value.bytes, fileOffset: next.value.fileOffset, file }).data;
      if (inflatedLength + data.length > buffer.length) {
        // l_text (bytes 4-7) bounds the header from below; a corrupt one is capped (the parse reports the truncation).
        const textLength = inflatedLength >= 8 ? new DataView(buffer.buffer).getInt32(4, true) : 0;
        const expected = Math.min(8 + Math.max(0, textLength) + (1 << 20), HEADER_PRESIZE_LIMIT);
        const bigger = new Uint8Array(Math.max(buffer.length * 2, inflatedLength + data.length, expected));
        bigger.set(buffer.subarray(0, inflatedLength));
        buffer = bigger;
      }
      buffer.set(data, inflatedLength);
      inflatedLength += data.length;
      parsed = parseBamHeader(buffer.subarray(0, inflatedLength), file);
      if (parsed) break;
    }
    const header = parsed.header;
    engine = await Engine.start({
      threads: options.threads,
      maxBlocksInFlight: options.maxBlocksInFlight,
      sinkOwnsMainThread: options.sinkOwnsMainThread,
      stages: [
        { module: BAM_STAGES_MODULE, name: 'inflate' },
        {
          module: BAM_STAGES_MODULE,
          name: 'splitRecords',
          options: { file, headerLength: parsed.length, referenceCount: parsed.header.references.length },
        },
        ...(typeof options.stages === 'function' ? options.stages(header) : options.stages),
      ],
    });
    const pool = engine.pool;
    allocate = (bytes) => new Uint8Array(pool.allocate(bytes), 0, bytes);
    const started = engine;
    async function* blocks(): AsyncGenerator<Payload> {
      let lastEndsWithEof = false;
      let endOffset = 0;
      const emit = (chunk: { bytes: Uint8Array; fileOffset: number }): Payload => {
        lastEndsWithEof = endsWithEofBlock(chunk.bytes);
        endOffset = chunk.fileOffset + chunk.bytes.length;
        return { bytes: chunk.bytes, fileOffset: chunk.fileOffset, file };
      };
      for (const chunk of replay.splice(0)) yield emit(chunk);
      for await (const chunk of chunks) yield emit(chunk);
      if (!lastEndsWithEof) throw new HtsError('missing BGZF EOF marker block: the file is truncated', file, `byte offset ${endOffset}`);
      yield { end: true };
    }
    return {
      header,
      pool,
      sizeBytes: source.sizeBytes,
      run: async (sink) => {
        try {
          return await started.run(blocks(), sink);
        } finally {
          await chunks.return(undefined);
          source.close();
        }
      },
      close: async () => {
        await started.close();
        source.close();
      },
    };
  } catch (error) {
    await engine?.close();
    source.close();
    throw error;
  }
}
