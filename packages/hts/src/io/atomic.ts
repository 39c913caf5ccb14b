/**
 * The one way shoal writes a file: under a temporary name in the target's folder, renamed to the
 * final name only when every byte is written. A run that fails, or is stopped by SIGINT, SIGTERM or
 * SIGHUP (the tool shell turns those into `process.exit`), removes its temporary files; only a
 * SIGKILL can leave one behind, and never a file under a final name.
 *
 * Temporary names are `.<final name>.tmp-<pid>-<random>`: hidden, beside the target (so the rename
 * is atomic on one file system), and unique per process and call (two writers of one target in one
 * process, or two shards of a workflow, never share a temporary file).
 *
 * Output folders: a folder named by an output path that does not exist yet is created, as
 * mbf-fastq-processor does for its prefixes and `mkdir -p` would; one rule for every tool
 * (docs/cli.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { HtsError } from '../errors.js';
import { describeFsError } from './byte-source.js';

/** Temporary files of this process that are not yet renamed or removed. */
const liveTemporaryFiles = new Set<string>();
let exitHookInstalled = false;

function removeLiveTemporaryFiles(): void {
  for (const file of liveTemporaryFiles) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Exiting anyway: a file that cannot be removed now cannot be removed later either.
    }
  }
  liveTemporaryFiles.clear();
}

function trackTemporary(file: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', removeLiveTemporaryFiles);
  }
  liveTemporaryFiles.add(file);
}

/** The temporary name for `target`: hidden, in the same folder, unique per process and call. */
export function temporaryPathFor(target: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${random}`);
}

/** Creates the folder that will hold `target` (a file or an output prefix) when it is missing. */
export function ensureOutputFolder(target: string): void {
  const folder = path.dirname(path.resolve(target));
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new HtsError(`cannot create the output folder: ${describeFsError(error)}`, folder);
  }
}

/**
 * Checks, before any work, that outputs named by `prefix` (`<prefix>.<metric>.txt`, …) can be
 * written: creates the folder when missing, then asks for write permission.
 */
export function checkOutputPrefix(prefix: string): void {
  ensureOutputFolder(prefix);
  const folder = path.dirname(path.resolve(prefix));
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw new HtsError(`cannot write outputs with prefix ${prefix}: ${describeFsError(error)}`, folder);
  }
}

/** A file being written under its temporary name; `commit` renames it into place. */
export class AtomicFile {
  private open = true;
  private settled = false;

  private constructor(
    readonly target: string,
    readonly temporary: string,
    readonly fd: number,
  ) {}

  static create(target: string): AtomicFile {
    ensureOutputFolder(target);
    const temporary = temporaryPathFor(target);
    let fd: number;
    try {
      fd = fs.openSync(temporary, 'wx');
    } catch (error) {
      throw new HtsError(`cannot create output: ${describeFsError(error)}`, target);
    }
    trackTemporary(temporary);
    return new AtomicFile(target, temporary, fd);
  }

  /** Writes all of `chunk` (synchronously). */
  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      throw new HtsError(`cannot write output: ${describeFsError(error)}`, this.target);
    }
  }

  /** Closes the file, keeping it under its temporary name (for a group commit). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      fs.closeSync(this.fd);
    } catch (error) {
      throw new HtsError(`cannot write output: ${describeFsError(error)}`, this.target);
    }
  }

  /** Closes the file and renames it to its final name. */
  commit(): void {
    this.close();
    try {
      fs.renameSync(this.temporary, this.target);
    } catch (error) {
      throw new HtsError(`cannot move output into place: ${describeFsError(error)}`, this.target);
    }
    this.settled = true;
    liveTemporaryFiles.delete(this.temporary);
  }

  /** Removes the temporary file (after an error). Safe to call twice and after commit. */
  abort(): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.close();
    } catch {
      // The file is being removed: a failed close changes nothing.
    }
    fs.rmSync(this.temporary, { force: true });
    liveTemporaryFiles.delete(this.temporary);
  }
}

/** Writes one whole file atomically. */
export function writeFileAtomic(target: string, contents: Uint8Array | string): void {
  writeFilesAtomically([{ path: target, contents }]);
}

/**
 * Writes several files as one: every file under its temporary name first, then all renamed. When
 * any write fails, none of the final names appears and every temporary file is removed.
 */
export function writeFilesAtomically(files: readonly { path: string; contents: Uint8Array | string }[]): void {
  const pending: AtomicFile[] = [];
  try {
    for (const file of files) {
      const atomic = AtomicFile.create(file.path);
      pending.push(atomic);
      atomic.write(file.contents);
      atomic.close();
    }
    commitAll(pending);
  } catch (error) {
    for (const atomic of pending) atomic.abort();
    throw error;
  }
}

/**
 * Renames closed files into place, in order. The renames are the last step of a run: each is one
 * system call on one file system, so after the first succeeds the others only fail when the
 * folder itself is taken away; then the ones already renamed are removed again, so that a failed
 * run leaves no final-named output.
 */
export function commitAll(files: readonly AtomicFile[]): void {
  const done: AtomicFile[] = [];
  try {
    for (const file of files) {
      file.commit();
      done.push(file);
    }
  } catch (error) {
    for (const file of done) fs.rmSync(file.target, { force: true });
    throw error;
  }
}
