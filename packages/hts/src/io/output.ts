/**
 * Where output bytes go. Files are written through io/atomic.ts (a temporary name beside the
 * target, renamed on success), so a failed run never leaves a half-written file under the real name. `-` is stdout,
 * written with backpressure; a closed pipe (`| head`) surfaces as an EpipeError the CLI exits on
 * quietly.
 */
import fs from 'node:fs';
import { HtsError } from '../errors.js';
import { describeFsError } from './byte-source.js';
import { AtomicFile } from './atomic.js';

export interface ByteSink {
  readonly name: string;
  /** Written in place (a device or FIFO): there is no file of ours to remove after a failure. */
  readonly inPlace?: boolean;
  /**
   * Writes a chunk; the promise resolves once the chunk has been handed to the system (so the
   * caller may reuse its memory) and the sink can take more (backpressure).
   */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Flushes and closes, keeping a file under its temporary name: the first half of a group
   * commit (commitSinks), where a full disk or a failed write shows before any final name exists.
   */
  finish(): Promise<void>;
  /** Finishes (if not yet) and, for files, renames the temporary file into place. */
  commit(): Promise<void>;
  /** Drops a file output's temporary file (after an error). Safe to call twice. */
  abort(): void;
}

/** The reader of our stdout went away: not an error for a Unix filter, so exit 0 quietly. */
export class EpipeError extends Error {
  constructor() {
    super('EPIPE: output closed by the reader');
    this.name = 'EpipeError';
  }
}

export interface OutputOptions {
  /**
   * Write files behind the caller's back: write() returns at once (until `backgroundBytes` are
   * queued) and the bytes go to the file from libuv's thread pool, so the main thread keeps working
   * while the disk catches up. The caller must not reuse a chunk's memory after handing it over.
   */
  background?: boolean;
  backgroundBytes?: number;
}

export function openOutput(target: string, options: OutputOptions = {}): ByteSink {
  if (target === '-') return stdoutSink();
  const file = isSpecialFile(target) ? deviceSink(target) : atomicFileSink(target);
  return options.background ? backgroundFileSink(file, target, options.backgroundBytes ?? 64 << 20) : file;
}

/**
 * A character device, FIFO or socket already at the target (`-o /dev/null`, `-o /dev/stderr`, a named pipe): written
 * in place. A temporary file renamed over it would replace the device with a regular file (as root: /dev/null).
 */
function isSpecialFile(target: string): boolean {
  try {
    const stat = fs.statSync(target);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false;
  }
}

function deviceSink(target: string): ByteSink & { fd: number } {
  let fd: number;
  try {
    fd = fs.openSync(target, 'w');
  } catch (error) {
    throw new HtsError(`cannot create output: ${describeFsError(error)}`, target);
  }
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    fs.closeSync(fd);
  };
  return {
    name: target,
    inPlace: true,
    fd,
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a failed writeSync into a rejection, as ByteSink has it
    async write(chunk) {
      let written = 0;
      try {
        while (written < chunk.length) written += fs.writeSync(fd, chunk, written, chunk.length - written);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') throw new EpipeError();
        throw new HtsError(`cannot write output: ${describeFsError(error)}`, target);
      }
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a failed close into a rejection
    async finish() {
      close();
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- as finish: there is nothing to rename
    async commit() {
      close();
    },
    abort() {
      try {
        close();
      } catch {
        // Nothing to remove: a device has no temporary file.
      }
    },
  };
}

/** A write-behind queue in front of a file sink (see OutputOptions.background). */
function backgroundFileSink(file: ByteSink & { fd?: number }, target: string, limitBytes: number): ByteSink {
  const fd = file.fd!;
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let writing = false;
  let failure: Error | undefined;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
  };
  const pump = (): void => {
    if (writing || failure) return;
    const chunk = queue[0];
    if (!chunk) {
      settle();
      return;
    }
    writing = true;
    let written = 0;
    const step = (): void =>
      fs.write(fd, chunk, written, chunk.length - written, null, (error, bytes) => {
        if (error) {
          failure = new HtsError(`cannot write output: ${describeFsError(error)}`, target);
          writing = false;
          settle();
          return;
        }
        written += bytes;
        if (written < chunk.length) return step();
        queue.shift();
        queuedBytes -= chunk.length;
        writing = false;
        if (queuedBytes <= limitBytes) settle();
        pump();
      });
    step();
  };
  const until = (condition: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (failure) reject(failure);
        else if (condition()) resolve();
        else waiters.push(check);
      };
      check();
    });
  return {
    name: file.name,
    inPlace: file.inPlace,
    async write(chunk) {
      if (failure) throw failure;
      if (chunk.length === 0) return;
      queue.push(chunk);
      queuedBytes += chunk.length;
      pump();
      if (queuedBytes > limitBytes) await until(() => queuedBytes <= limitBytes);
    },
    async finish() {
      await until(() => queue.length === 0 && !writing);
      await file.finish();
    },
    async commit() {
      await until(() => queue.length === 0 && !writing);
      await file.commit();
    },
    abort() {
      failure ??= new Error('aborted');
      queue.length = 0;
      // A write in flight finishes on a file that abort() then removes.
      file.abort();
    },
  };
}

function stdoutSink(): ByteSink {
  const stdout = process.stdout;
  let failure: Error | undefined;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    failure = error.code === 'EPIPE' ? new EpipeError() : error;
  });
  return {
    name: 'stdout',
    write(chunk) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        stdout.write(chunk, (error) => {
          if (error) reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new EpipeError() : error);
          else resolve();
        });
      });
    },
    finish() {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        stdout.write(new Uint8Array(0), (error) =>
          error ? reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new EpipeError() : error) : resolve(),
        );
      });
    },
    commit() {
      return this.finish();
    },
    abort() {
      // Nothing to remove: stdout has no temporary file.
    },
  };
}

/** A file output: an AtomicFile (io/atomic.ts) behind the ByteSink interface. */
function atomicFileSink(target: string): ByteSink & { fd: number } {
  const file = AtomicFile.create(target);
  return {
    name: target,
    fd: file.fd,
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a failed writeSync into a rejection, as ByteSink has it
    async write(chunk) {
      file.write(chunk);
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a failed close into a rejection
    async finish() {
      file.close();
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a failed flush or rename into a rejection
    async commit() {
      file.commit();
    },
    abort() {
      file.abort();
    },
  };
}

/**
 * Commits sinks as one: every sink is finished first (flushed and closed under its temporary
 * name), then each is renamed into place; when a rename fails, the ones already renamed are
 * removed again. So a failed write leaves no final name, and a failed group leaves none either.
 */
export async function commitSinks(sinks: readonly ByteSink[]): Promise<void> {
  try {
    for (const sink of sinks) await sink.finish();
  } catch (error) {
    for (const sink of sinks) sink.abort();
    throw error;
  }
  const done: ByteSink[] = [];
  try {
    for (const sink of sinks) {
      await sink.commit();
      done.push(sink);
    }
  } catch (error) {
    for (const sink of done) if (!sink.inPlace && sink.name !== '-' && sink.name !== 'stdout') fs.rmSync(sink.name, { force: true });
    for (const sink of sinks) sink.abort();
    throw error;
  }
}
