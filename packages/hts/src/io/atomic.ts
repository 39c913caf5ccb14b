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
 * Several outputs of one run are renamed as a group (commitAll, CommitGroup): all appear, or none
 * does and every old file under a final name is as it was (docs/cli.md, "Outputs appear all
 * together or not at all").
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

function untrackTemporary(file: string): void {
  liveTemporaryFiles.delete(file);
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
    makeFolders(folder);
  } catch (error) {
    throw new HtsError(`cannot create the output folder: ${describeFsError(error)}`, folder);
  }
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdir reports ENOENT where the parent is on a
 * read-only file system (EROFS is lost on its way back up), so the levels are made one by one
 * and the first failure is the true one.
 */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let at = folder; !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      // Another process made it in between: that is what was wanted.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  // It was there already, or another process made it: it must be a folder.
  if (!fs.statSync(folder).isDirectory())
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: 'ENOTDIR' });
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
    // A folder under the output's name would fail only at the rename, after all the work.
    AtomicFile.refuseFolders([target]);
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
    untrackTemporary(this.temporary);
  }

  /**
   * Fails, naming it, when a target is a folder: a rename onto a folder fails, and in a group that
   * would be after other files were renamed. Tools call it before any work for the outputs they
   * know, and commitAll before the first rename.
   */
  static refuseFolders(targets: readonly string[]): void {
    for (const target of targets) {
      let folder = false;
      try {
        // lstat: a rename replaces a link to a folder, so only a folder itself is in the way.
        folder = fs.lstatSync(target).isDirectory();
      } catch {
        // Missing (the usual case) or unreadable: the create or the rename reports what is wrong.
      }
      if (folder) throw new HtsError('cannot write output: is a directory, not a file', target);
    }
  }

  /** A group of renames that succeed or fail together (see CommitGroup). */
  static group(): CommitGroup {
    return new CommitGroup();
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
    untrackTemporary(this.temporary);
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
export function writeFilesAtomically(
  files: readonly { path: string; contents: Uint8Array | string | Iterable<string | Uint8Array> }[],
): void {
  const pending: AtomicFile[] = [];
  try {
    for (const file of files) {
      const atomic = AtomicFile.create(file.path);
      pending.push(atomic);
      const contents = file.contents;
      // A text in pieces (made while it is written, too large for one string) goes out piece by piece.
      if (typeof contents === 'string' || contents instanceof Uint8Array) atomic.write(contents);
      else for (const piece of contents) atomic.write(piece);
      atomic.close();
    }
    commitAll(pending);
  } catch (error) {
    for (const atomic of pending) atomic.abort();
    throw error;
  }
}

/** A target's state before a group renamed into it: whether a file was there, and where it was kept. */
interface KeptTarget {
  target: string;
  existed: boolean;
  /** The old file, hard-linked under a hidden temporary name until the group settles. */
  backup: string | undefined;
}

/**
 * Renames that succeed or fail together: the last step of a run that writes several files. Before
 * each rename the file already under the final name (an output of an earlier run, where the tool
 * replaces outputs) is hard-linked aside; when a later rename fails, `rollback` puts every target
 * back as it was before the run (old files restored, new ones removed), so a failed run leaves
 * neither a partial set of new outputs nor a hole where an old one was. `release` drops the kept
 * files after success. A file system without hard links keeps nothing aside; then rollback can only
 * remove new files where there was none.
 *
 * Signals cannot land between the renames: they are synchronous (or awaits of settled promises),
 * and the tool shell handles a signal on a later turn of the event loop.
 */
export class CommitGroup {
  private readonly kept: KeptTarget[] = [];

  /** Renames into `targets` with `rename` (which may rename several files, e.g. a BAM and its BAI). */
  rename(targets: readonly string[], rename: () => void): void {
    // Recorded before the rename: a step that fails half way is rolled back with the others.
    for (const target of targets) this.kept.push(keepAside(target));
    rename();
  }

  /** As `rename`, for a rename behind a promise (a ByteSink's or BamWriter's commit). */
  async renameAsync(targets: readonly string[], rename: () => Promise<void>): Promise<void> {
    for (const target of targets) this.kept.push(keepAside(target));
    await rename();
  }

  /** After a failure: every target as it was before the group. */
  rollback(): void {
    for (const { target, existed, backup } of this.kept.reverse()) {
      try {
        if (backup !== undefined) fs.renameSync(backup, target);
        else if (!existed && !isFolder(target)) fs.rmSync(target, { force: true });
      } catch {
        // Undoing what can be undone: the error that started the rollback is the one to report.
      }
      if (backup !== undefined) untrackTemporary(backup);
    }
    this.kept.length = 0;
  }

  /** After success: drops the old files kept aside. */
  release(): void {
    for (const { backup } of this.kept) {
      if (backup === undefined) continue;
      fs.rmSync(backup, { force: true });
      untrackTemporary(backup);
    }
    this.kept.length = 0;
  }
}

function isFolder(target: string): boolean {
  try {
    return fs.lstatSync(target).isDirectory();
  } catch {
    return false;
  }
}

function keepAside(target: string): KeptTarget {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return { target, existed: false, backup: undefined };
  }
  if (stat.isDirectory()) throw new HtsError('cannot write output: is a directory, not a file', target);
  const backup = temporaryPathFor(target);
  try {
    fs.linkSync(target, backup);
  } catch {
    return { target, existed: true, backup: undefined };
  }
  trackTemporary(backup);
  return { target, existed: true, backup };
}

/**
 * Renames closed files into place as one group (CommitGroup): a folder under any final name fails
 * the group before the first rename; a rename that fails puts back every target as it was.
 */
export function commitAll(files: readonly AtomicFile[]): void {
  AtomicFile.refuseFolders(files.map((file) => file.target));
  const group = new CommitGroup();
  try {
    for (const file of files) group.rename([file.target], () => file.commit());
  } catch (error) {
    group.rollback();
    throw error;
  }
  group.release();
}
