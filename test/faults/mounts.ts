/**
 * Folders a case cannot write to, made for real: a full disk is a tiny tmpfs filled to the last
 * byte, a read-only folder a tmpfs mounted read-only (root ignores a folder's mode bits, and the
 * tests run as root here, so `chmod 555` would not bite; a read-only mount does). Mounting needs
 * root and `mount`; where either is missing the rows that need it are skipped with the reason, and
 * a read-only folder falls back to `chmod 555` when not root (which then does bite).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Mount points still mounted, unmounted by the suite's afterAll when a case could not. */
export const mounted: string[] = [];

const isRoot = process.getuid?.() === 0;

let tmpfsProbe: string | undefined | null = null;
/** Why a small tmpfs cannot be mounted here, or undefined when it can (probed once). */
function tmpfsProblem(): string | undefined {
  if (tmpfsProbe !== null) return tmpfsProbe;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-tmpfs-probe-'));
  try {
    mount(probe, ['size=8k']);
    unmount(probe);
    tmpfsProbe = undefined;
  } catch (error) {
    tmpfsProbe = `a small tmpfs cannot be mounted here (${isRoot ? '' : 'not root: '}${(error as Error).message.split('\n')[0]!})`;
  }
  fs.rmSync(probe, { recursive: true, force: true });
  return tmpfsProbe;
}

/** Why a full disk cannot be made here (the row is then skipped with this reason). */
export function fullDiskProblem(): string | undefined {
  const problem = tmpfsProblem();
  return problem && `a full disk needs a tmpfs: ${problem}`;
}

/** Why a read-only folder cannot be made here: only as root without mount (root writes through mode 555). */
export function readOnlyProblem(): string | undefined {
  const problem = tmpfsProblem();
  return problem && isRoot ? `a read-only folder needs a read-only tmpfs as root: ${problem}` : undefined;
}

/** An 8 KiB tmpfs at `dir`, filled to the last byte by `dir/filler`: every write there fails with ENOSPC. */
export function makeFullDisk(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  mount(dir, ['size=8k']);
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  try {
    const page = Buffer.alloc(1024);
    for (;;) fs.writeSync(fd, page);
  } catch {
    // ENOSPC: full.
  } finally {
    fs.closeSync(fd);
  }
}

/** A folder at `dir` that nothing can be written to: a read-only tmpfs, or mode 555 when not root. */
export function makeReadOnly(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  if (tmpfsProblem() === undefined) mount(dir, ['ro', 'size=8k']);
  else fs.chmodSync(dir, 0o555);
}

function mount(dir: string, options: string[]): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  mounted.push(dir);
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const at = mounted.indexOf(dir);
  if (at >= 0) mounted.splice(at, 1);
}
