/**
 * The shell's error lines: an unexpected error names the input and how far the run got; a failed
 * system call names its file or stdout and is not reported as an internal error.
 */
import { describe, expect, it } from 'vitest';
import { classifyError, formatRate, Progress, readingFrom } from './index.js';

/** A Node system error as fs and streams raise them. */
function systemError(code: string, syscall: string, message: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall, ...(path === undefined ? {} : { path }) });
}

describe('error lines of the tool shell', () => {
  it('an internal error names the input and how far the run got, on one line', () => {
    readingFrom('in.bam');
    expect(classifyError(new TypeError('x is undefined')).message).toBe(
      'in.bam: internal error: x is undefined (set SHOAL_DEBUG=1 for a stack trace; please report it)',
    );
    // Progress records how far the run got even when it draws nothing.
    new Progress('tool', undefined, false).update(12345, 67890);
    const { message, exitCode } = classifyError(new RangeError('offset is outside the bounds of the DataView\n    at x'));
    expect(message).toBe(
      'in.bam (after 12,345 records, 67,890 bytes read): internal error: offset is outside the bounds of the DataView at x ' +
        '(set SHOAL_DEBUG=1 for a stack trace; please report it)',
    );
    expect(exitCode).toBe(1);
    readingFrom('-');
    expect(classifyError(new Error('boom')).message).toMatch(/^stdin: internal error: boom/);
  });

  it('a failed system call names its file, or stdout for a write without one; never an internal error', () => {
    expect(classifyError(systemError('ENOSPC', 'write', 'ENOSPC: no space left on device, write'))).toEqual({
      message: 'stdout: cannot write output: no space left on device',
      exitCode: 1,
    });
    expect(classifyError(systemError('EACCES', 'open', "EACCES: permission denied, open 'x.txt'", 'x.txt'))).toEqual({
      message: 'x.txt: permission denied',
      exitCode: 1,
    });
    // Codes without words of our own keep Node's message, which names the call and the path.
    const readOnly = classifyError(systemError('EROFS', 'open', "EROFS: read-only file system, open '/ro/x'", '/ro/x'));
    expect(readOnly).toEqual({ message: "EROFS: read-only file system, open '/ro/x'", exitCode: 1 });
  });
});

describe('formatRate', () => {
  it('keeps digits on screen: millions a second, units a second, or a minute', () => {
    expect(formatRate(2_345_678)).toBe('2.35 M/s');
    expect(formatRate(4_321)).toBe('4321/s');
    expect(formatRate(0.25)).toBe('15.0/min');
  });
});
