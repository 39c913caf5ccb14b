/**
 * Parallel BGZF compression for every BGZF/BAM writer: the writer hands over batches of whole
 * blocks (submit), the engine compresses them on its threads, and the compressed blocks are
 * written to the sink in order. submit() resolves once the engine has taken the batch, so a
 * writer faster than its compressors waits (memory bounded by the engine's in-flight limit).
 */
import type { ByteSink, ParallelBlockCompressor, ParallelCompressorFactory } from '@shoal/hts';
import { Engine } from './engine.js';
import type { Payload } from './stage.js';

export const BGZF_STAGES_MODULE = new URL('./stages/bgzf.js', import.meta.url).href;

/** An async queue the engine pulls from: push() resolves when the item has been taken. */
class PushSource implements AsyncIterable<Payload> {
  private waitingPull: ((result: IteratorResult<Payload>) => void) | undefined;
  private waitingPush: { item: Payload; taken: () => void } | undefined;
  private ended = false;

  push(item: Payload): Promise<void> {
    return new Promise((taken) => {
      if (this.waitingPull) {
        const pull = this.waitingPull;
        this.waitingPull = undefined;
        pull({ value: item, done: false });
        taken();
      } else {
        this.waitingPush = { item, taken };
      }
    });
  }

  end(): void {
    this.ended = true;
    if (this.waitingPull) {
      this.waitingPull({ value: undefined, done: true });
      this.waitingPull = undefined;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Payload> {
    return {
      next: () =>
        new Promise((resolve) => {
          if (this.waitingPush) {
            const { item, taken } = this.waitingPush;
            this.waitingPush = undefined;
            resolve({ value: item, done: false });
            taken();
          } else if (this.ended) {
            resolve({ value: undefined, done: true });
          } else {
            this.waitingPull = resolve;
          }
        }),
    };
  }
}

/** A compressor factory for BgzfWriter/BamWriter's `parallel` option, running on `threads` threads. */
export function parallelBgzfCompression(threads: number): ParallelCompressorFactory {
  return (sink: ByteSink, level: number, onCompressedSizes: (sizes: Uint32Array) => void): ParallelBlockCompressor => {
    const source = new PushSource();
    // Typed Error to be rethrown as one; what the engine and the sink throw is an Error.
    let failure: Error | undefined;
    const started = Engine.start({ threads, stages: [{ module: BGZF_STAGES_MODULE, name: 'compressBlocks' }] });
    const running = started.then((engine) =>
      engine
        .run(source, async (payload) => {
          const compressed = payload.compressed as Uint8Array;
          onCompressedSizes(payload.compressedSizes as Uint32Array);
          await sink.write(compressed);
          engine.pool.release(compressed.buffer as ArrayBuffer);
        })
        .finally(() => engine.close()),
    );
    // Remember the first failure; submit/finish report it.
    running.catch((error: unknown) => {
      failure ??= error as Error;
      source.end();
    });
    return {
      async submit(data, blockSizes) {
        if (failure) throw failure;
        await Promise.race([source.push({ data, sizes: blockSizes, level }), running.then(() => undefined)]);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- set to an Error in the await; tsc narrowing misses it (TS #9998)
        if (failure) throw failure;
      },
      async finish() {
        source.end();
        await running;
      },
      async abort() {
        source.end();
        await running.catch(() => {});
      },
    };
  };
}
