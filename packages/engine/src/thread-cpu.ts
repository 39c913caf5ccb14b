/**
 * CPU time of the calling thread, for per-step timings (mbf's timing collector reports wall and
 * CPU per step). Node 20 has no process.threadCpuUsage (it came in Node 23.9), so this asks the
 * C library for CLOCK_THREAD_CPUTIME_ID through koffi; without it, it returns NaN.
 */
import { createRequire } from 'node:module';

const CLOCK_THREAD_CPUTIME_ID = 3;
let reader: (() => number) | null | undefined;

function load(): (() => number) | null {
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    koffi.struct('shoal_timespec', { tv_sec: 'int64_t', tv_nsec: 'int64_t' });
    const clockGettime = libc.func('int clock_gettime(int clk, _Out_ shoal_timespec *ts)');
    // koffi gives an int64_t as a number, or as a bigint past Number.MAX_SAFE_INTEGER.
    const ts: { tv_sec: number | bigint; tv_nsec: number | bigint } = { tv_sec: 0, tv_nsec: 0 };
    return () => (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) === 0 ? Number(ts.tv_sec) * 1000 + Number(ts.tv_nsec) / 1e6 : Number.NaN);
  } catch {
    return null;
  }
}

/** Milliseconds of CPU this thread has used. */
export function threadCpuMs(): number {
  if (reader === undefined) reader = load();
  return reader ? reader() : Number.NaN;
}
