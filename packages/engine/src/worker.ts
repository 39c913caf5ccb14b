/**
 * A pool worker: imports the stage modules once, keeps its own state for each parallel stage,
 * and runs whatever (stage, block) the coordinator sends. See engine.ts for the whole model.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { BufferPool } from './buffer-pool.js';
import {
  largeBuffersIn,
  loadStages,
  serializeError,
  transferablesOf,
  type Payload,
  type StageDefinition,
  type StageSpec,
  type WorkerReply,
} from './stage.js';

interface InitMessage {
  type: 'init';
  stages: StageSpec[];
}
interface TaskMessage {
  type: 'task';
  stageIndex: number;
  blockIndex: number;
  payload: Payload;
  spares: ArrayBuffer[];
  /** A portable serial stage's state, lent for this task. */
  serialState?: unknown;
  hasSerialState?: boolean;
  /**
   * Classic pipeline: this worker owns the serial stage's state for the whole run (it arrives with
   * the first task and stays here), since the next task may already be queued behind this one.
   */
  ownSerialState?: boolean;
}
interface ExportMessage {
  type: 'export';
}

const port = parentPort!;
/** Every message to the coordinator goes through here, so it has the one shape both coordinators read. */
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const pool = new BufferPool();
let definitions: StageDefinition[] = [];
let states: unknown[] = [];
const ownedSerial = new Set<number>();

/**
 * Messages that arrive while the stage modules load (the coordinator posts tasks right after init,
 * without waiting for 'ready'), run in arrival order once they have loaded.
 */
let waitingForInit: (TaskMessage | ExportMessage)[] | undefined;

port.on('message', (message: InitMessage | TaskMessage | ExportMessage) => {
  if (message.type === 'init') {
    waitingForInit = [];
    loadStages(message.stages).then(
      (loaded) => {
        definitions = loaded;
        states = loaded.map((definition, i) =>
          definition.kind === 'parallel' ? definition.createState?.(message.stages[i]!.options, threadId) : undefined,
        );
        reply({ type: 'ready' });
        const waiting = waitingForInit ?? [];
        waitingForInit = undefined;
        for (const queued of waiting) handle(queued);
      },
      (error: unknown) => reply({ type: 'error', error: serializeError(error) }),
    );
  } else if (waitingForInit) waitingForInit.push(message);
  else handle(message);
});

function handle(message: TaskMessage | ExportMessage): void {
  if (message.type === 'task') {
    for (const spare of message.spares) pool.release(spare);
    let last = false;
    let endInput = false;
    const startedMs = performance.now();
    try {
      const definition = definitions[message.stageIndex]!;
      if (message.ownSerialState && !ownedSerial.has(message.stageIndex)) {
        ownedSerial.add(message.stageIndex);
        states[message.stageIndex] = message.serialState;
      }
      const state = message.hasSerialState && !message.ownSerialState ? message.serialState : states[message.stageIndex];
      const payload = definition.process(message.payload, state, {
        threadId,
        blockIndex: message.blockIndex,
        allocate: (bytes) => pool.allocate(bytes),
        release: (buffer) => pool.release(buffer),
        markLast: () => {
          last = true;
        },
        endInput: () => {
          endInput = true;
        },
      });
      const spares = pool.take(Number.MAX_SAFE_INTEGER);
      const serialState = message.hasSerialState && !message.ownSerialState ? state : undefined;
      reply({ type: 'done', payload, last, endInput, spares, serialState, taskMs: performance.now() - startedMs }, [
        ...transferablesOf(payload),
        ...spares,
      ]);
    } catch (error) {
      reply({ type: 'error', task: true, error: serializeError(error) });
    }
  } else if (message.type === 'export') {
    try {
      // Serial stages' state lives with the coordinator, not here.
      const exported = definitions.map((definition, i) =>
        definition.kind === 'parallel' || ownedSerial.has(i) ? definition.exportState?.(states[i]) : undefined,
      );
      // The states are this thread's last word: their large arrays move to the coordinator instead of being copied.
      reply({ type: 'states', states: exported }, largeBuffersIn(exported));
    } catch (error) {
      reply({ type: 'error', error: serializeError(error) });
    }
  }
}
