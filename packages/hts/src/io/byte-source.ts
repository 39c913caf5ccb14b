/**
 * Where input bytes come from: a file (positioned reads, so it can seek) or stdin (`-`).
 * Reads go through libuv's thread pool, so the next read overlaps the caller's CPU work.
 */
import fs from 'node:fs';
import { HtsError } from '../errors.js';

export interface ByteSource {
  /** The name used in error messages: the path, or `stdin`. */
  readonly name: string;
  /** Size in bytes when known (regular files), for progress bars. */
  readonly sizeBytes: number | undefined;
  readonly seekable: boolean;
  /** Reads up to `into.length` bytes at the current position; 0 at end of input. */
  read(into: Uint8Array): Promise<number>;
  /** Moves the read position (seekable sources only). */
  seek(position: number): void;
  close(): void;
}

function readFd(fd: number, into: Uint8Array, position: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = (): void =>
      fs.read(fd, into, 0, into.length, position, (error, bytesRead) => {
        // A non-blocking stdin (rare: some terminals and parents set O_NONBLOCK) answers EAGAIN
        // instead of waiting; poll until data arrives rather than failing.
        if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') setTimeout(attempt, 2);
        else if (error) reject(error);
        else resolve(bytesRead);
      });
    attempt();
  });
}

export function openByteSource(path: string): ByteSource {
  if (path === '-' || path === '/dev/stdin') {
    return {
      name: 'stdin',
      sizeBytes: undefined,
      seekable: false,
      read: (into) => readFd(0, into, null),
      seek() {
        throw new HtsError('cannot seek on stdin', 'stdin');
      },
      close() {
        // stdin stays open: it is not ours to close.
      },
    };
  }
  let fd: number;
  let stat: fs.Stats;
  try {
    fd = fs.openSync(path, 'r');
    stat = fs.fstatSync(fd);
  } catch (error) {
    throw new HtsError(describeFsError(error), path);
  }
  if (stat.isDirectory()) {
    fs.closeSync(fd);
    throw new HtsError('is a directory, not a file', path);
  }
  const regular = stat.isFile();
  let position = 0;
  let closed = false;
  // The descriptor is closed only once no read is in flight, so an early stop never lets a
  // thread-pool read land on a closed (or reused) descriptor.
  let inFlight: Promise<unknown> = Promise.resolve();
  return {
    name: path,
    sizeBytes: regular ? stat.size : undefined,
    seekable: regular,
    async read(into) {
      if (closed) throw new HtsError('read after close', path);
      const reading = readFd(fd, into, regular ? position : null);
      inFlight = reading.catch(() => {});
      const n = await reading;
      position += n;
      return n;
    },
    seek(newPosition) {
      if (!regular) throw new HtsError('cannot seek in a pipe', path);
      position = newPosition;
    },
    close() {
      if (closed) return;
      closed = true;
      void inFlight.then(() => {
        try {
          fs.closeSync(fd);
        } catch {
          // Nothing useful to do about a failed close of a file we only read.
        }
      });
    },
  };
}

/** `ENOENT: no such file…` → `no such file or directory`, the words a shell user knows. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    default:
      return (error as Error)?.message ?? String(error);
  }
}

/**
 * Refuses at once what cannot be read twice or at an offset (a pipe, a FIFO, a device): opening a
 * FIFO a second time would wait for a writer that is gone. `why` says what needs the regular file.
 */
export function requireRegularFile(path: string, why: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw new HtsError(describeFsError(error), path);
  }
  if (stat.isDirectory()) throw new HtsError('is a folder, not a file', path);
  if (!stat.isFile()) throw new HtsError(why, path);
}
