/**
 * The classic pipeline of mbf-fastq-processor's seed plan, kept beside the workpool for comparison
 * (`fq-transform --no-workpool`): one thread per stage, blocks flowing from stage to stage in
 * order, ordering kept by buffering. Each stage's thread runs only that stage, so a serial stage
 * sees blocks in order simply because its one thread takes them first-in first-out; a parallel
 * stage is not parallel here (that is the design's weakness the workpool fixes: a slow stage
 * holds the whole chain back while other threads idle).
 *
 * It reuses the pool worker (worker.ts): worker i is only ever sent tasks of stage i. Serial state
 * is lent with each task and comes back with the result, as in the engine. Same contract as
 * runPipeline: blocks in flight bounded, output in order, first error poisons, endInput and
 * markLast honoured, per-thread states exported at the end.
 */
import { Worker } from 'node:worker_threads';
import { rebuildError, type EngineOptions, type RunSummary, type Sink } from './engine.js';
import { SourcePull } from './source-pull.js';
import { loadStages, transferablesOf, type Payload, type WorkerReply } from './stage.js';

interface StageThread {
  worker: Worker;
  /** Block indexes sent and not yet back, in order. */
  queue: number[];
  serialState?: unknown;
  stateSent?: boolean;
  onStates?: (states: unknown[]) => void;
}

export async function runClassicPipeline(
  options: EngineOptions,
  source: AsyncIterable<Payload> | Iterable<Payload>,
  sink: Sink,
): Promise<RunSummary> {
  const definitions = await loadStages(options.stages);
  const maxInFlight = Math.max(1, options.maxBlocksInFlight ?? 2 * Math.max(1, definitions.length));
  let inFlight = 0;
  let nextIndex = 0;
  let outputNext = 0;
  let delivered = 0;
  let stoppedEarly = false;
  let maxInFlightSeen = 0;
  // Typed Error to be rethrown as one; what stages, sources and sinks throw is an Error.
  let failure: Error | undefined;
  let wake: () => void = () => {};
  const fail = (error: unknown): void => {
    failure ??= error as Error;
    wake();
  };
  let inputEnded = false;
  const endInput = (): void => {
    if (inputEnded) return;
    inputEnded = true;
    try {
      options.onEndInput?.();
    } catch (error) {
      fail(error);
    }
  };
  let stopAt: number | undefined;
  /** Finished blocks waiting for delivery. */
  const finished = new Map<number, Payload>();
  const threads: StageThread[] = [];
  let closed = false;
  const input = new SourcePull(source, {
    payload: (payload) => {
      if (failure) return;
      const index = nextIndex++;
      inFlight++;
      maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
      forward(0, index, payload);
    },
    settled: () => wake(),
    failed: (error) => fail(error),
  });

  const forward = (stage: number, index: number, payload: Payload): void => {
    if (stopAt !== undefined && index > stopAt) {
      inFlight--;
      return;
    }
    if (stage >= threads.length) {
      finished.set(index, payload);
      wake();
      return;
    }
    const thread = threads[stage]!;
    thread.queue.push(index);
    const serial = definitions[stage]!.kind === 'serial';
    // The serial state travels once, with the first task; the stage's thread keeps it.
    const serialState = serial && !thread.stateSent ? thread.serialState : undefined;
    if (serial) thread.stateSent = true;
    thread.worker.postMessage(
      {
        type: 'task',
        stageIndex: stage,
        blockIndex: index,
        payload,
        spares: [],
        serialState,
        hasSerialState: serial,
        ownSerialState: serial,
      },
      transferablesOf(payload),
    );
  };

  await Promise.all(
    definitions.map(
      (definition, stage) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./worker.js', import.meta.url));
          const thread: StageThread = {
            worker,
            queue: [],
            serialState: definition.kind === 'serial' ? definition.createState?.(options.stages[stage]!.options, 0) : undefined,
          };
          threads[stage] = thread;
          let ready = false;
          worker.on('message', (message: WorkerReply) => {
            if (message.type === 'ready') {
              ready = true;
              resolve();
            } else if (message.type === 'done') {
              const index = thread.queue.shift()!;
              if (message.last && (stopAt === undefined || index < stopAt)) stopAt = index;
              if (message.endInput) endInput();
              forward(stage + 1, index, message.payload!);
              wake();
            } else if (message.type === 'states') thread.onStates?.(message.states!);
            else if (message.type === 'error') {
              const error = rebuildError(message.error!);
              if (!ready) reject(error);
              else fail(error);
            }
          });
          worker.on('error', (error) => (ready ? fail(error) : reject(error)));
          worker.on('exit', (code) => {
            if (closed) return;
            const error = new Error(`a stage thread exited with code ${code}`);
            if (!ready) reject(error);
            else fail(error);
          });
          worker.postMessage({ type: 'init', stages: options.stages });
        }),
    ),
  ).catch(async (error: unknown) => {
    await Promise.all(threads.map((t) => t?.worker.terminate()));
    throw error;
  });

  const close = async (): Promise<void> => {
    closed = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  };

  try {
    for (;;) {
      if (failure) break;
      if (!input.pulling && !input.done && stopAt === undefined && inFlight < maxInFlight) input.next();
      let deliveredSome = false;
      for (let payload = finished.get(outputNext); payload; payload = finished.get(outputNext)) {
        deliveredSome = true;
        finished.delete(outputNext);
        const index = outputNext++;
        inFlight--;
        delivered++;
        let verdict: void | 'stop';
        try {
          verdict = await sink(payload, index);
        } catch (error) {
          fail(error);
          break;
        }
        if (verdict === 'stop' && (stopAt === undefined || index < stopAt)) stopAt = index;
      }
      if (failure) break;
      if (stopAt !== undefined ? outputNext > stopAt : input.done && !input.pulling && inFlight === 0) {
        stoppedEarly = stopAt !== undefined;
        break;
      }
      // Delivery freed room in flight: pull again before waiting (nothing else would wake us if
      // every block was delivered — the hang a chunked output once showed under load).
      if (deliveredSome) continue;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    wake = () => {};
  }
  if (failure) {
    await close();
    throw failure;
  }
  if (stoppedEarly) {
    await input.stop();
    await close();
    return { blocks: delivered, stoppedEarly, states: definitions.map(() => []), maxInFlightSeen };
  }
  const perThread = await Promise.all(
    threads.map(
      (thread) =>
        new Promise<unknown[]>((resolve) => {
          thread.onStates = resolve;
          thread.worker.postMessage({ type: 'export' });
        }),
    ),
  );
  await close();
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- set to an Error in the awaits; tsc narrowing misses it (TS #9998)
  if (failure) throw failure;
  const states = definitions.map((definition, stage) => {
    if (!definition.exportState) return [];
    // A serial stage that never saw a block still holds its state here.
    return [
      definition.kind === 'serial' && !threads[stage]!.stateSent
        ? definition.exportState(threads[stage]!.serialState)
        : perThread[stage]![stage],
    ];
  });
  return { blocks: delivered, stoppedEarly, states, maxInFlightSeen };
}
