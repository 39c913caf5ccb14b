/**
 * What a stage is. A stage lives in a module that exports `stages: Record<string, StageDefinition>`;
 * the engine imports that module on the main thread and in every worker and refers to the stage by
 * (module URL, name), since functions cannot be sent between threads.
 */

/** Data moving between stages. Top-level typed arrays and ArrayBuffers (also inside top-level arrays) are transferred, not copied. */
export type Payload = Record<string, unknown>;

export interface StageSpec {
  /** Module URL (`import.meta.url`-relative `new URL(...).href`, or a file: URL). */
  module: string;
  /** Key in the module's `stages` export. */
  name: string;
  /** Given to createState on every thread (structured-cloned once per thread). */
  options?: unknown;
}

export interface StageContext {
  /** 0 on the main thread, else the worker's threadId. */
  readonly threadId: number;
  readonly blockIndex: number;
  /**
   * A byte buffer of at least `bytes`: a recycled one when the pool has one that fits, else new.
   * Recycling saves page faults and zero-filling of fresh memory on every block.
   */
  allocate(bytes: number): ArrayBuffer;
  /** Gives a buffer this stage no longer needs (e.g. its input) back to the pool. Callable unbound. */
  release(this: void, buffer: ArrayBuffer): void;
  /**
   * Marks this block as the last one wanted (a Head reached): later blocks are dropped, the
   * source stops, and the run ends once this block has been delivered.
   */
  markLast(): void;
  /**
   * Asks the source to stop reading (a Head reached): the engine calls EngineOptions.onEndInput
   * once, and the source decides what it still yields (a final sentinel block, say). Unlike
   * markLast, blocks already in flight are still processed and delivered.
   */
  endInput(): void;
}

export interface StageDefinition<Options = unknown, State = unknown> {
  /**
   * `parallel`: any block, any thread, any order; state is per thread (merged at the end with
   * exportState). `serial`: blocks strictly in order, one at a time, always on the main thread,
   * with one shared state.
   */
  readonly kind: 'parallel' | 'serial';
  /**
   * Serial stages only: the state is plain data (structured-clonable) and may travel with the
   * task to the thread that already holds the block, so a block's stages run where its data is
   * in cache. The state still visits blocks strictly in order, one at a time.
   */
  readonly portable?: boolean;
  createState?(options: Options, threadId: number): State;
  process(payload: Payload, state: State, context: StageContext): Payload;
  /**
   * The per-thread state at the end of a run, sent to the main thread: its ArrayBuffers of 64 KB or more move (are
   * transferred, not copied), so a worker's state is not to be used after it is exported.
   */
  exportState?(state: State): unknown;
}

export type StageModule = { stages: Record<string, StageDefinition> };

/** ArrayBuffers a payload can hand over without copying. */
export function transferablesOf(payload: Payload): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (value: unknown): void => {
    if (value instanceof ArrayBuffer) found.add(value);
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  };
  for (const value of Object.values(payload)) {
    if (Array.isArray(value)) value.forEach(visit);
    else visit(value);
  }
  return [...found];
}

/**
 * The large ArrayBuffers anywhere in a thread's exported state (plain objects and arrays, walked once each), to transfer
 * rather than copy: a collector's per-cycle arrays for a 1 Mbp read are ~100 MB, and a copy is written to fresh pages
 * on the receiving side (~3 ms a MB on a slow VM). Only buffers of at least `minBytes`: Node's Buffer pool (8 KB,
 * shared by small Buffers) must never be detached.
 */
export function largeBuffersIn(value: unknown, minBytes = 1 << 16): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (item: unknown): void => {
    if (item === null || typeof item !== 'object' || seen.has(item)) return;
    seen.add(item);
    if (item instanceof ArrayBuffer) {
      if (item.byteLength >= minBytes) found.add(item);
    } else if (ArrayBuffer.isView(item)) {
      if (item.buffer instanceof ArrayBuffer && item.buffer.byteLength >= minBytes) found.add(item.buffer);
    } else if (Array.isArray(item)) {
      for (const element of item) visit(element);
    } else if (Object.getPrototypeOf(item) === Object.prototype) {
      for (const element of Object.values(item)) visit(element);
    }
  };
  visit(value);
  return [...found];
}

/** The error of a stage, carried between threads by value. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  file?: string;
  location?: string;
  detail?: string;
}

/**
 * What a worker thread (worker.ts) posts to the coordinator, Engine or the classic pipeline:
 * 'ready' once its stages are loaded; 'done' with the block it processed (its payload, whether
 * it was the last, spare buffers to reuse, a portable serial stage's state, the time taken);
 * 'states' with the exported stage states; 'error', from a task (`task`) or the thread.
 */
export interface WorkerReply {
  type: 'ready' | 'done' | 'states' | 'error';
  task?: boolean;
  payload?: Payload;
  last?: boolean;
  endInput?: boolean;
  spares?: ArrayBuffer[];
  error?: SerializedError;
  states?: unknown[];
  taskMs?: number;
  serialState?: unknown;
}

export function serializeError(error: unknown): SerializedError {
  const e = error as Partial<SerializedError> & Error;
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    stack: e?.stack,
    file: e?.file,
    location: e?.location,
    detail: e?.detail,
  };
}

/** Imports each stage's module and finds the stage in its `stages` export. */
export async function loadStages(specs: StageSpec[]): Promise<StageDefinition[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const module = (await import(spec.module)) as StageModule;
      const definition = module.stages?.[spec.name];
      if (!definition) throw new Error(`stage '${spec.name}' not found in ${spec.module}`);
      return definition;
    }),
  );
}
