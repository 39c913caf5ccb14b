/**
 * The one parallel engine (riker's reader + pool and mbf-fastq-processor's workpool as one machine).
 *
 * ## Threads
 * `threads` is the total, as riker counts it: the main thread plus `threads - 1` worker_threads,
 * started once per Engine and reused for every block. `threads: 1` starts no worker: every stage
 * runs inline on the main thread, through the same code path. The main thread reads the source,
 * coordinates, runs every `serial` stage, delivers output, and — when it has nothing else to do and
 * no worker is idle — runs `parallel` work itself, so that `--threads 2` keeps both cores busy.
 *
 * ## Blocks and stages
 * Work arrives as numbered blocks (a chunk of BGZF blocks, a batch of records or reads), each a
 * Payload whose typed arrays are *transferred* between threads (no copies, no structured clone of
 * record objects). A pipeline is a chain of stages. A `parallel` stage takes any block on any
 * thread in any order and keeps per-thread state, exported and merged by the caller at the end
 * (the data-parallel mode of the QC collectors). A `serial` stage sees blocks strictly in order,
 * one at a time, with one shared state on the main thread (FASTQ Head, duplicate tagging, cutting
 * inflated bytes at record boundaries). Scheduling is separate from work: the coordinator decides
 * which (block, stage) is ready; workers are stage-agnostic (mbf's design).
 *
 * ## Queues, backpressure, ordering
 * A block is "in flight" from the moment it is pulled from the source until it has been delivered
 * to the sink. At most `maxBlocksInFlight` are: the source is not pulled beyond that, so memory
 * stays flat on any input size, and a slow sink (a slow pipe) holds the reader back. Finished
 * blocks wait in a reorder map and reach the sink in block order, so output is byte-identical for
 * every thread count. Ready tasks are taken lowest block first. Buffers travel with their blocks
 * and come back: spare buffers ride along with tasks to workers and return with results (a
 * BufferPool per thread), so steady state allocates little.
 *
 * ## Errors (riker's poison flag)
 * The first error anywhere — the source, a stage on any thread, the sink — poisons the run: the
 * source is not pulled again (it stops within one block), queued tasks are not started, workers
 * are terminated, and the run rejects once, with that error. If the source (reader) failed, its
 * error wins over a stage's; otherwise the first stage error wins. Errors cross threads by value
 * and are rebuilt (an HtsError stays an HtsError, so the CLI prints one line). Nothing is left
 * pending: no hang, no unhandled rejection.
 *
 * ## Early stop and shutdown
 * The sink may return 'stop' (a consumer gone on EPIPE, a limit reached) and a stage may call
 * `context.markLast()` (Head): the source is no longer pulled, blocks after the last wanted one are
 * dropped, and the run ends once the last wanted block is delivered. At the end of a complete run
 * the per-thread states of parallel stages are exported and returned; `close()` terminates the
 * workers.
 */
import { Worker } from 'node:worker_threads';
import { HtsError } from '@shoal/hts';
import { BufferPool } from './buffer-pool.js';
import { loadStages, serializeError, transferablesOf, type Payload, type SerializedError, type StageContext, type StageDefinition, type StageSpec } from './stage.js';

/**
 * Default bound on blocks in flight per thread. Chosen by bench/sweep-engine.mjs (BENCHMARKS.md,
 * "Engine sweep"): with 4 MiB compressed BAM blocks, 3 blocks per thread reached the best decode
 * time at --threads 2; more only added memory.
 */
export const DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD = 3;

export interface EngineOptions {
  /** Total threads, main included (≥ 1). */
  threads: number;
  stages: StageSpec[];
  maxBlocksInFlight?: number;
}

/** Receives finished blocks in order; 'stop' ends the run early (EPIPE, a limit). */
export type Sink = (payload: Payload, blockIndex: number) => void | 'stop' | Promise<void | 'stop'>;

export interface RunSummary {
  /** Blocks delivered to the sink. */
  blocks: number;
  stoppedEarly: boolean;
  /** For each stage, the exported state of every thread that holds one (main first), or [] for stages without exportState. */
  states: unknown[][];
  /** Largest number of blocks in flight at once (for tests of the bound). */
  maxInFlightSeen: number;
}

interface Block {
  index: number;
  stage: number;
  payload: Payload;
  running: boolean;
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
  block?: Block;
  onStates?: (states: unknown[]) => void;
}

type Origin = 'source' | 'stage' | 'sink';

export function rebuildError(serialized: SerializedError): Error {
  if (serialized.name === 'HtsError') return new HtsError(serialized.detail ?? serialized.message, serialized.file, serialized.location);
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

export class Engine {
  readonly pool = new BufferPool();
  private readonly workers: PoolWorker[] = [];
  private definitions: StageDefinition[] = [];
  private mainStates: unknown[] = [];
  private failure: { error: unknown; origin: Origin } | undefined;
  private wake: () => void = () => {};
  private closed = false;
  private ran = false;

  private constructor(private readonly options: EngineOptions) {}

  get threads(): number {
    return this.options.threads;
  }

  get maxBlocksInFlight(): number {
    return Math.max(1, this.options.maxBlocksInFlight ?? DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD * this.options.threads);
  }

  static async start(options: EngineOptions): Promise<Engine> {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`threads must be a whole number ≥ 1, got ${options.threads}`);
    const engine = new Engine(options);
    engine.definitions = await loadStages(options.stages);
    engine.mainStates = engine.definitions.map((d, i) => d.createState?.(options.stages[i]!.options, 0));
    try {
      await Promise.all(Array.from({ length: options.threads - 1 }, () => engine.startWorker()));
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  private startWorker(): Promise<void> {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    const member: PoolWorker = { worker, busy: false };
    this.workers.push(member);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: { type: string; payload?: Payload; last?: boolean; spares?: ArrayBuffer[]; error?: SerializedError; states?: unknown[] }) => {
        if (message.type === 'ready') {
          ready = true;
          resolve();
        } else if (message.type === 'done') {
          for (const spare of message.spares ?? []) this.pool.release(spare);
          const block = member.block!;
          member.busy = false;
          member.block = undefined;
          block.payload = message.payload!;
          block.running = false;
          block.stage++;
          if (message.last) this.lastWanted(block.index);
          this.wake();
        } else if (message.type === 'states') {
          member.onStates?.(message.states!);
        } else if (message.type === 'error') {
          const error = rebuildError(message.error!);
          if (!ready) reject(error);
          else this.fail(error, 'stage');
        }
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        else this.fail(error, 'stage');
      });
      worker.on('exit', (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`), 'stage');
      });
      worker.postMessage({ type: 'init', stages: this.options.stages });
    });
  }

  private stopAt: number | undefined;
  private lastWanted(index: number): void {
    if (this.stopAt === undefined || index < this.stopAt) this.stopAt = index;
    this.wake();
  }

  private fail(error: unknown, origin: Origin): void {
    // The reader's error wins over a stage's; otherwise the first error stands.
    if (!this.failure || (origin === 'source' && this.failure.origin !== 'source')) this.failure = { error, origin };
    this.wake();
  }

  /** Runs every block of `source` through the stages into `sink`. An Engine runs once. */
  async run(source: AsyncIterable<Payload> | Iterable<Payload>, sink: Sink): Promise<RunSummary> {
    if (this.ran) throw new Error('an Engine runs one pipeline; start another');
    this.ran = true;
    const iterator: AsyncIterator<Payload> | Iterator<Payload> =
      Symbol.asyncIterator in source ? (source as AsyncIterable<Payload>)[Symbol.asyncIterator]() : (source as Iterable<Payload>)[Symbol.iterator]();
    const stageCount = this.definitions.length;
    const blocks = new Map<number, Block>();
    const serialNext = new Array<number>(stageCount).fill(0);
    let nextIndex = 0;
    let outputNext = 0;
    let sourceDone = false;
    let pulling = false;
    let delivered = 0;
    let stoppedEarly = false;
    let maxInFlightSeen = 0;
    const inFlight = (): number => blocks.size;

    const pull = (): void => {
      pulling = true;
      Promise.resolve(iterator.next()).then(
        (result) => {
          pulling = false;
          if (result.done) sourceDone = true;
          else if (!this.failure) {
            blocks.set(nextIndex, { index: nextIndex, stage: 0, payload: result.value, running: false });
            nextIndex++;
            maxInFlightSeen = Math.max(maxInFlightSeen, inFlight());
          }
          this.wake();
        },
        (error) => {
          pulling = false;
          sourceDone = true;
          this.fail(error, 'source');
        },
      );
    };

    /** The ready task of this kind with the lowest block index, marked running; or undefined. */
    const takeReady = (kind: 'serial' | 'parallel'): Block | undefined => {
      let best: Block | undefined;
      for (const block of blocks.values()) {
        if (block.running || block.stage >= stageCount) continue;
        if (this.stopAt !== undefined && block.index > this.stopAt) continue;
        const serial = this.definitions[block.stage]!.kind === 'serial';
        if (serial !== (kind === 'serial') || (serial && serialNext[block.stage] !== block.index)) continue;
        if (!best || block.index < best.index) best = block;
      }
      if (best) best.running = true;
      return best;
    };

    const runInline = (block: Block): void => {
      const definition = this.definitions[block.stage]!;
      let last = false;
      const context: StageContext = {
        threadId: 0,
        blockIndex: block.index,
        allocate: (bytes) => this.pool.allocate(bytes),
        release: (buffer) => this.pool.release(buffer),
        markLast: () => {
          last = true;
        },
      };
      try {
        block.payload = definition.process(block.payload, this.mainStates[block.stage], context);
      } catch (error) {
        this.fail(error, 'stage');
        return;
      }
      if (definition.kind === 'serial') serialNext[block.stage]++;
      block.running = false;
      block.stage++;
      if (last) this.lastWanted(block.index);
    };

    try {
      for (;;) {
        if (this.failure) break;
        // Blocks past the last wanted one are dropped; their running tasks are ignored on return.
        if (this.stopAt !== undefined) {
          for (const block of blocks.values()) if (block.index > this.stopAt && !block.running) blocks.delete(block.index);
        }
        if (!pulling && !sourceDone && this.stopAt === undefined && inFlight() < this.maxBlocksInFlight) pull();

        // Serial stages first, on the main thread, in block order.
        const serialTask = takeReady('serial');
        if (serialTask) {
          runInline(serialTask);
          await yieldToEvents();
          continue;
        }
        // Parallel tasks to idle workers; one to the main thread when none is idle.
        for (const member of this.workers) {
          if (member.busy) continue;
          const block = takeReady('parallel');
          if (!block) break;
          this.dispatch(member, block);
        }
        // Delivery in block order.
        let deliveredSome = false;
        for (let block = blocks.get(outputNext); block && block.stage >= stageCount && !block.running; block = blocks.get(outputNext)) {
          blocks.delete(outputNext);
          outputNext++;
          delivered++;
          deliveredSome = true;
          let verdict: void | 'stop';
          try {
            verdict = await sink(block.payload, block.index);
          } catch (error) {
            this.fail(error, 'sink');
            break;
          }
          if (verdict === 'stop') {
            stoppedEarly = true;
            this.lastWanted(block.index);
          }
          if (this.stopAt !== undefined && block.index >= this.stopAt) break;
        }
        if (this.failure) break;
        const finished = this.stopAt !== undefined ? outputNext > this.stopAt : sourceDone && !pulling && blocks.size === 0;
        if (finished) {
          if (this.stopAt !== undefined) stoppedEarly = true;
          break;
        }
        if (deliveredSome) continue;
        const mainTask = takeReady('parallel');
        if (mainTask) {
          runInline(mainTask);
          await yieldToEvents();
          continue;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.wake = () => {};
    }
    if (this.failure) {
      await this.close();
      throw this.failure.error;
    }
    if (stoppedEarly) {
      // Blocks may still be running on workers; their results are not wanted.
      await iterator.return?.();
      await this.close();
      return { blocks: delivered, stoppedEarly, states: this.definitions.map(() => []), maxInFlightSeen };
    }
    const states = await this.exportStates();
    return { blocks: delivered, stoppedEarly, states, maxInFlightSeen };
  }

  private dispatch(member: PoolWorker, block: Block): void {
    member.busy = true;
    member.block = block;
    const spares = this.pool.take(2);
    const transfer = [...transferablesOf(block.payload), ...spares];
    member.worker.postMessage({ type: 'task', stageIndex: block.stage, blockIndex: block.index, payload: block.payload, spares }, transfer);
  }

  private async exportStates(): Promise<unknown[][]> {
    const perWorker = await Promise.all(
      this.workers.map(
        (member) =>
          new Promise<unknown[]>((resolve) => {
            member.onStates = resolve;
            member.worker.postMessage({ type: 'export' });
          }),
      ),
    );
    if (this.failure) throw this.failure.error;
    return this.definitions.map((definition, stage) => {
      if (!definition.exportState) return [];
      const main = definition.exportState(this.mainStates[stage]);
      return definition.kind === 'serial' ? [main] : [main, ...perWorker.map((states) => states[stage])];
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((member) => member.worker.terminate()));
  }
}

/** Lets queued worker messages run between inline tasks. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** start → run → close, in one call. */
export async function runPipeline(options: EngineOptions, source: AsyncIterable<Payload> | Iterable<Payload>, sink: Sink): Promise<RunSummary> {
  const engine = await Engine.start(options);
  try {
    return await engine.run(source, sink);
  } finally {
    await engine.close();
  }
}

export { serializeError };
