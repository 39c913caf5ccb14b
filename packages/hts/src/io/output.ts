/**
 * Where output bytes go. Files are written under a temporary name beside the target and renamed
 * on success, so a failed run never leaves a half-written file under the real name. `-` is stdout,
 * written with backpressure; a closed pipe (`| head`) surfaces as an EpipeError the CLI exits on
 * quietly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HtsError } from '../errors.js';
import { describeFsError } from './byte-source.js';

export interface ByteSink {
  readonly name: string;
  /**
   * Writes a chunk; the promise resolves once the chunk has been handed to the system (so the
   * caller may reuse its memory) and the sink can take more (backpressure).
   */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and, for files, renames the temporary file into place. */
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

export function openOutput(target: string): ByteSink {
  return target === '-' ? stdoutSink() : atomicFileSink(target);
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
    commit() {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        stdout.write(new Uint8Array(0), (error) => (error ? reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new EpipeError() : error) : resolve()));
      });
    },
    abort() {},
  };
}

function atomicFileSink(target: string): ByteSink {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let fd: number;
  try {
    fd = fs.openSync(temporary, 'w');
  } catch (error) {
    throw new HtsError(`cannot create output: ${describeFsError(error)}`, target);
  }
  let open = true;
  const close = (): void => {
    if (open) {
      open = false;
      fs.closeSync(fd);
    }
  };
  return {
    name: target,
    async write(chunk) {
      try {
        let written = 0;
        while (written < chunk.length) written += fs.writeSync(fd, chunk, written, chunk.length - written);
      } catch (error) {
        throw new HtsError(`cannot write output: ${describeFsError(error)}`, target);
      }
    },
    async commit() {
      close();
      try {
        fs.renameSync(temporary, target);
      } catch (error) {
        throw new HtsError(`cannot move output into place: ${describeFsError(error)}`, target);
      }
    },
    abort() {
      close();
      fs.rmSync(temporary, { force: true });
    },
  };
}
