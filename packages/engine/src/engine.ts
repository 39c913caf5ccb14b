/**
 * The one parallel engine (riker's reader + pool and mbf-fastq-processor's workpool as one machine).
 *
 * ## Threads
 * `threads` is the total, as riker counts it: the main thread plus up to `threads - 1` worker_threads,
 * each started the first time there is a ready task that no running worker can take, and reused for
 * every later block: a small input starts only the workers it can use (`--threads 8` on one block
 * starts one worker, not seven; each costs ~100 ms of loading on this machine). `threads: 1` starts no worker: every stage
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
 * ## The coordinator
 * One loop on the main thread (`coordinate`) does all the scheduling. Each time round it drops
 * blocks past the last wanted one, pulls the source when a block may enter, starts a ready serial
 * task, hands parallel tasks to workers, delivers finished blocks in order, or runs a parallel task
 * itself; when none of that applies it sleeps until a worker's result, the source or a stage wakes it.
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
import { SourcePull } from './source-pull.js';
import {
  loadStages,
  serializeError,
  transferablesOf,
  type Payload,
  type SerializedError,
  type StageContext,
  type StageDefinition,
  type StageSpec,
  type WorkerReply,
} from './stage.js';

/**
 * Default bound on blocks in flight per thread. Chosen by bench/sweep-engine.mjs (BENCHMARKS.md,
 * "Engine sweep", 2026-11-23): with 256 KiB BAM chunks at --threads 2, 1 per thread took 1.43 s,
 * 2 and 3 tied at 0.95 s, 6 took 0.95 s with more memory; 3 leaves room for a slow sink.
 */
export const DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD = 3;

export interface EngineOptions {
  /** Total threads, main included (≥ 1). */
  threads: number;
  stages: StageSpec[];
  maxBlocksInFlight?: number;
  /** Called (once) when a stage asks to end the input (StageContext.endInput). */
  onEndInput?: () => void;
  /**
   * The sink is the slow part (collect-multi's per-locus collectors count every record on the main thread): with
   * workers, the main thread takes a parallel task only when it has nothing to deliver and every worker already has
   * its queue full, not the blocks it would otherwise call its own (the default), which left it a third of the
   * parallel work on top of the sink. collect-multi with all six collectors on 15% of the benchmark BAM, --threads 2:
   * 11.7 s by default, 7.7 s so, 8.3 s with the main thread on the sink alone (the worker then the slower thread).
   */
  sinkOwnsMainThread?: boolean;
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
  /** Where its last parallel stage ran (-1: main): later parallel stages prefer that thread, whose cache holds the data. */
  home: number;
}

interface PoolWorker {
  worker: Worker;
  /** Settles when the worker has loaded its stages (or failed or exited): close() waits for it. */
  loaded: Promise<void>;
  /** Blocks sent and not yet returned, in the order the worker will run them. */
  queue: Block[];
  onStates?: (states: unknown[]) => void;
}

/**
 * Tasks queued per worker. Two, so a worker that finishes a task starts the next at once instead of
 * waiting for the main thread to come back from an inline task (bench/sweep-engine.mjs: with one,
 * the worker idled ~40% of a --threads 2 decode).
 */
const TASKS_PER_WORKER = 2;

/** A block no parallel stage has touched yet. */
const NO_HOME = -2;
/** The main thread, as a block's home. */
const MAIN = -1;

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
  /** Milliseconds per (where, stage) when SHOAL_ENGINE_TRACE=1: for tuning, printed to stderr at the end. */
  private readonly trace = process.env.SHOAL_ENGINE_TRACE === '1' ? new Map<string, number>() : undefined;
  private traceAdd(key: string, ms: number): void {
    this.trace?.set(key, (this.trace.get(key) ?? 0) + ms);
  }

  private constructor(private readonly options: EngineOptions) {}

  get threads(): number {
    return this.options.threads;
  }

  get maxBlocksInFlight(): number {
    return Math.max(1, this.options.maxBlocksInFlight ?? DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD * this.options.threads);
  }

  static async start(options: EngineOptions): Promise<Engine> {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new Error(`threads must be a whole number ≥ 1, got ${options.threads}`);
    const engine = new Engine(options);
    engine.definitions = await loadStages(options.stages);
    engine.mainStates = engine.definitions.map((d, i) => d.createState?.(options.stages[i]!.options, 0));
    return engine;
  }

  /**
   * Starts a worker and returns it at once: tasks posted before it has loaded its stages wait in its
   * port and run in order after the init message. A failure to start fails the run.
   */
  private startWorker(): PoolWorker {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    let settleLoading = (): void => {};
    const member: PoolWorker = { worker, queue: [], loaded: new Promise((resolve) => (settleLoading = resolve)) };
    this.workers.push(member);
    worker.once('exit', () => settleLoading());
    worker.on('message', (message: WorkerReply) => {
      if (message.type === 'ready') {
        // Tasks were already queued behind the init message.
        settleLoading();
      } else if (message.type === 'done') {
        for (const spare of message.spares ?? []) this.pool.release(spare);
        const block = member.queue.shift()!;
        if (this.trace) this.traceAdd(`worker stage ${block.stage}`, message.taskMs ?? 0);
        if (this.definitions[block.stage]!.kind === 'serial') {
          // A portable serial stage's state comes home.
          this.mainStates[block.stage] = message.serialState;
          this.stateOut[block.stage] = false;
          this.serialNext[block.stage]!++;
        }
        block.payload = message.payload!;
        block.running = false;
        block.stage++;
        if (message.last) this.lastWanted(block.index);
        if (message.endInput) this.endInput();
        this.wake();
      } else if (message.type === 'states') {
        member.onStates?.(message.states!);
      } else if (message.type === 'error') {
        // A task's error: that task is over (the worker runs its queue in order). An init error fails the run.
        if (message.task) member.queue.shift();
        else settleLoading();
        this.fail(rebuildError(message.error!), 'stage');
      }
    });
    worker.on('error', (error) => this.fail(error, 'stage'));
    worker.on('exit', (code) => {
      // Any exit of a live worker is a failure.
      if (!this.closed) this.fail(new Error(`a worker thread exited with code ${code}`), 'stage');
    });
    worker.postMessage({ type: 'init', stages: this.options.stages });
    return member;
  }

  /** Next block index each serial stage may take. */
  private serialNext: number[] = [];
  /** Whether a portable serial stage's state is out on a worker. */
  private stateOut: boolean[] = [];

  private inputEnded = false;
  private endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    try {
      this.options.onEndInput?.();
    } catch (error) {
      this.fail(error, 'source');
    }
    this.wake();
  }

  private stopAt: number | undefined;
  private lastWanted(index: number): void {
    if (this.stopAt === undefined || index < this.stopAt) this.stopAt = index;
    this.wake();
  }

  private onExportFailure: ((error: unknown) => void) | undefined;

  /** Every distinct error seen (by message), in order: the first is thrown, the rest ride along. */
  private readonly errors: unknown[] = [];

  private fail(error: unknown, origin: Origin): void {
    const message = (error as Error)?.message ?? String(error);
    if (!this.errors.some((e) => ((e as Error)?.message ?? String(e)) === message)) this.errors.push(error);
    this.onExportFailure?.(error);
    // The reader's error wins over a stage's; otherwise the first error stands.
    if (!this.failure || (origin === 'source' && this.failure.origin !== 'source')) this.failure = { error, origin };
    this.wake();
  }

  // ─── One run (an Engine runs once) ────────────────────────────────────────────────────────────
  /** Blocks in flight, by index: pulled from the source and not yet delivered (or dropped). */
  private readonly blocks = new Map<number, Block>();
  /** Index the next block from the source gets. */
  private nextIndex = 0;
  /** Index of the next block the sink gets. */
  private outputNext = 0;
  private delivered = 0;
  private stoppedEarly = false;
  private maxInFlightSeen = 0;

  /** Runs every block of `source` through the stages into `sink`. An Engine runs once. */
  async run(source: AsyncIterable<Payload> | Iterable<Payload>, sink: Sink): Promise<RunSummary> {
    if (this.ran) throw new Error('an Engine runs one pipeline; start another');
    this.ran = true;
    const input = new SourcePull(source, {
      payload: (payload) => this.admit(payload),
      settled: () => this.wake(),
      failed: (error) => this.fail(error, 'source'),
    });
    const stageCount = this.definitions.length;
    this.serialNext = new Array<number>(stageCount).fill(0);
    this.stateOut = new Array<boolean>(stageCount).fill(false);
    try {
      await this.coordinate(input, sink);
    } finally {
      this.wake = () => {};
      if (this.trace)
        process.stderr.write(
          `engine trace (ms): ${JSON.stringify(Object.fromEntries([...this.trace].map(([k, v]) => [k, Math.round(v)])))}\n`,
        );
    }
    if (this.failure) return this.rejectWithFirstError();
    if (this.stoppedEarly) {
      // Blocks may still be running on workers; their results are not wanted.
      await input.stop();
      await this.close();
      const states = this.definitions.map(() => []);
      return { blocks: this.delivered, stoppedEarly: this.stoppedEarly, states, maxInFlightSeen: this.maxInFlightSeen };
    }
    const states = await this.exportStates();
    return { blocks: this.delivered, stoppedEarly: this.stoppedEarly, states, maxInFlightSeen: this.maxInFlightSeen };
  }

  /**
   * The coordinator's loop, until the run fails or every wanted block is delivered: pull when a
   * block may enter, start serial tasks first, hand parallel tasks to workers, deliver in order,
   * run a parallel task on the main thread, and otherwise sleep until woken. It awaits only after
   * starting or delivering something, and then looks at everything again: between its last look and
   * the sleep nothing runs, so no wake (a worker's result, the source, a stage) is missed.
   */
  private async coordinate(input: SourcePull, sink: Sink): Promise<void> {
    for (;;) {
      if (this.failure) return;
      this.dropBlocksPastLastWanted();
      if (!input.pulling && !input.done && this.stopAt === undefined && this.blocks.size < this.maxBlocksInFlight) input.next();

      // Serial stages first, in block order: on the main thread, or — for a portable stage — on
      // the worker that holds the block, when that worker has room.
      const serialTask = this.takeReady('serial');
      if (serialTask) {
        if (!this.lendToHomeWorker(serialTask)) {
          this.runInline(serialTask);
          await yieldToEvents();
        }
        continue;
      }
      this.dispatchParallelTasks(input.done);
      const deliveredSome = this.nextDeliverable() !== undefined;
      if (deliveredSome) await this.deliverInOrder(sink);
      if (this.failure) return;
      if (this.allWantedDelivered(input)) {
        if (this.stopAt !== undefined) this.stoppedEarly = true;
        return;
      }
      if (deliveredSome) continue;
      // The main thread takes its own blocks (their data is in its cache), and others' only when
      // every worker already has a task waiting.
      const workersFull = this.workers.every((m) => m.queue.length >= TASKS_PER_WORKER);
      const mainTask =
        this.options.sinkOwnsMainThread === true && this.options.threads > 1
          ? workersFull && this.workers.length > 0
            ? this.takeReady('parallel')
            : undefined
          : this.takeReady('parallel', MAIN, workersFull);
      if (mainTask) {
        this.runInline(mainTask);
        await yieldToEvents();
        continue;
      }
      const waitStartedMs = this.trace ? performance.now() : 0;
      await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.trace) this.traceAdd('main waiting', performance.now() - waitStartedMs);
    }
  }

  /** A payload from the source becomes the next block, unless the run has already failed. */
  private admit(payload: Payload): void {
    if (this.failure) return;
    this.blocks.set(this.nextIndex, { index: this.nextIndex, stage: 0, payload, running: false, home: NO_HOME });
    this.nextIndex++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.blocks.size);
  }

  /** Blocks past the last wanted one are dropped; their running tasks are ignored on return. */
  private dropBlocksPastLastWanted(): void {
    if (this.stopAt === undefined) return;
    for (const block of this.blocks.values()) if (block.index > this.stopAt && !block.running) this.blocks.delete(block.index);
  }

  /**
   * The ready task of this kind with the lowest block index, marked running; or undefined. For
   * `home`, a block last worked on by that thread comes first: its data is still in that core's
   * cache (measured: a walk over cold data cost 45% more, BENCHMARKS.md "Engine").
   */
  private takeReady(kind: 'serial' | 'parallel', home?: number, allowForeign = true): Block | undefined {
    const stageCount = this.definitions.length;
    let best: Block | undefined;
    let bestAtHome: Block | undefined;
    for (const block of this.blocks.values()) {
      if (block.running || block.stage >= stageCount) continue;
      if (this.stopAt !== undefined && block.index > this.stopAt) continue;
      const serial = this.definitions[block.stage]!.kind === 'serial';
      if (serial !== (kind === 'serial') || (serial && (this.serialNext[block.stage] !== block.index || this.stateOut[block.stage])))
        continue;
      if (!best || block.index < best.index) best = block;
      const atHome = block.home === home || block.home === NO_HOME;
      if (home !== undefined && atHome && (!bestAtHome || block.index < bestAtHome.index)) bestAtHome = block;
    }
    const chosen = home === undefined ? best : (bestAtHome ?? (allowForeign ? best : undefined));
    if (chosen) {
      chosen.running = true;
      if (kind === 'parallel' && home !== undefined) chosen.home = home;
    }
    return chosen;
  }

  /** A portable serial stage's task goes, with the stage's state, to the worker holding its block, when that worker has room. */
  private lendToHomeWorker(task: Block): boolean {
    const home = this.workers[task.home];
    if (!this.definitions[task.stage]!.portable || !home || home.queue.length >= TASKS_PER_WORKER) return false;
    this.stateOut[task.stage] = true;
    this.dispatch(home, task, this.mainStates[task.stage]);
    this.mainStates[task.stage] = undefined;
    return true;
  }

  /** Runs a block's current stage on the main thread. */
  private runInline(block: Block): void {
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
      endInput: () => this.endInput(),
    };
    const startedMs = this.trace ? performance.now() : 0;
    try {
      block.payload = definition.process(block.payload, this.mainStates[block.stage], context);
      if (this.trace) this.traceAdd(`main stage ${block.stage}`, performance.now() - startedMs);
    } catch (error) {
      this.fail(error, 'stage');
      return;
    }
    if (definition.kind === 'serial') this.serialNext[block.stage]++;
    block.running = false;
    block.stage++;
    if (last) this.lastWanted(block.index);
  }

  /** Parallel tasks to idle workers, the emptiest queues filled first so that work spreads over every worker. */
  private dispatchParallelTasks(sourceDone: boolean): void {
    // Another thread's block only when the pipeline would otherwise stall.
    const allowForeign = this.blocks.size >= this.maxBlocksInFlight || sourceDone;
    for (let depth = 0; depth < TASKS_PER_WORKER; depth++) {
      for (const [w, member] of this.workers.entries()) {
        if (member.queue.length > depth) continue;
        const block = this.takeReady('parallel', w, allowForeign);
        if (!block) continue; // with affinity, the next worker may still have blocks of its own
        this.dispatch(member, block);
      }
      // Ready tasks that every running worker already has one of start a new worker each, up to the limit.
      while (depth === 0 && !this.closed && this.workers.length < this.options.threads - 1) {
        const block = this.takeReady('parallel', this.workers.length, allowForeign);
        if (!block) break;
        this.dispatch(this.startWorker(), block);
      }
    }
  }

  /** The block the sink gets next, when it has been through every stage. */
  private nextDeliverable(): Block | undefined {
    const block = this.blocks.get(this.outputNext);
    return block && block.stage >= this.definitions.length && !block.running ? block : undefined;
  }

  /** Hands finished blocks to the sink in block order, as far as they go; a sink error or the last wanted block ends it. */
  private async deliverInOrder(sink: Sink): Promise<void> {
    for (let block = this.nextDeliverable(); block; block = this.nextDeliverable()) {
      this.blocks.delete(this.outputNext);
      this.outputNext++;
      this.delivered++;
      let verdict: void | 'stop';
      const sinkStartedMs = this.trace ? performance.now() : 0;
      try {
        verdict = await sink(block.payload, block.index);
        if (this.trace) this.traceAdd('main sink', performance.now() - sinkStartedMs);
      } catch (error) {
        this.fail(error, 'sink');
        return;
      }
      if (verdict === 'stop') {
        this.stoppedEarly = true;
        this.lastWanted(block.index);
      }
      if (this.stopAt !== undefined && block.index >= this.stopAt) return;
    }
  }

  private allWantedDelivered(input: SourcePull): boolean {
    return this.stopAt !== undefined ? this.outputNext > this.stopAt : input.done && !input.pulling && this.blocks.size === 0;
  }

  /**
   * Blocks already on workers finish (nothing new starts), so that every error among the blocks in
   * flight is reported, once each, beside the one that stopped the run; then the run rejects.
   */
  private async rejectWithFirstError(): Promise<never> {
    await this.drainWorkers(2000);
    await this.close();
    // Read after the drain: a source error arriving meanwhile still wins over a stage's.
    const failure = this.failure!;
    const others = this.errors.filter((e) => e !== failure.error);
    if (others.length && failure.error && typeof failure.error === 'object')
      (failure.error as { alsoFailed?: unknown[] }).alsoFailed = others;
    throw failure.error;
  }

  /** Waits (at most `limitMs`) until no worker has a task queued. */
  private async drainWorkers(limitMs: number): Promise<void> {
    const deadline = performance.now() + limitMs;
    while (this.workers.some((m) => m.queue.length > 0) && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 20);
      });
    }
    this.wake = () => {};
  }

  private dispatch(member: PoolWorker, block: Block, serialState?: unknown): void {
    member.queue.push(block);
    const spares = this.pool.take(2);
    const transfer = [...transferablesOf(block.payload), ...spares];
    const hasSerialState = this.definitions[block.stage]!.kind === 'serial';
    member.worker.postMessage(
      { type: 'task', stageIndex: block.stage, blockIndex: block.index, payload: block.payload, spares, serialState, hasSerialState },
      transfer,
    );
  }

  private async exportStates(): Promise<unknown[][]> {
    const perWorker = await Promise.all(
      this.workers.map(
        (member) =>
          new Promise<unknown[]>((resolve, reject) => {
            member.onStates = resolve;
            // An error while exporting must not leave this promise pending forever.
            this.onExportFailure = reject;
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
    // A worker terminated while it loads a native addon (koffi) aborts the whole process: let it finish loading first.
    await Promise.all(
      this.workers.map(async (member) => {
        await member.loaded;
        await member.worker.terminate();
      }),
    );
  }
}

/** Lets queued worker messages run between inline tasks. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** start → run → close, in one call. */
export async function runPipeline(
  options: EngineOptions,
  source: AsyncIterable<Payload> | Iterable<Payload>,
  sink: Sink,
): Promise<RunSummary> {
  const engine = await Engine.start(options);
  try {
    return await engine.run(source, sink);
  } finally {
    await engine.close();
  }
}

export { serializeError };
