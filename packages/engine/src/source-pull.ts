/**
 * A pipeline's source, pulled one payload at a time: the engine and the classic pipeline ask for
 * the next payload only when a block may enter (their bound on blocks in flight), and learn of it,
 * of the end, or of a failure through callbacks that wake their coordinator.
 */
import type { Payload } from './stage.js';

export interface SourceEvents {
  /** The next payload arrived. */
  payload(payload: Payload): void;
  /** After a payload or the end (not after a failure, which `failed` reports): look again. */
  settled(): void;
  /** The source threw, synchronously or not; it is done. */
  failed(error: unknown): void;
}

export class SourcePull {
  /** A payload has been asked for and has not arrived yet. */
  pulling = false;
  /** The source has ended or failed. */
  done = false;
  private readonly iterator: AsyncIterator<Payload> | Iterator<Payload>;

  constructor(
    source: AsyncIterable<Payload> | Iterable<Payload>,
    private readonly events: SourceEvents,
  ) {
    this.iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Payload>)[Symbol.asyncIterator]()
        : (source as Iterable<Payload>)[Symbol.iterator]();
  }

  /** Asks for the next payload; only while not `pulling` and not `done`. */
  next(): void {
    this.pulling = true;
    // Through a promise, so a source that throws synchronously takes the same failure path.
    Promise.resolve()
      .then(() => this.iterator.next())
      .then(
        (result) => {
          this.pulling = false;
          if (result.done) this.done = true;
          else this.events.payload(result.value);
          this.events.settled();
        },
        (error: unknown) => {
          this.pulling = false;
          this.done = true;
          this.events.failed(error);
        },
      );
  }

  /** Ends the source early (the iterator's return), when a run stops before the source's end. */
  async stop(): Promise<void> {
    await this.iterator.return?.();
  }
}
