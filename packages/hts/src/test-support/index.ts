/** Helpers shared by this package's unit tests (not part of the library; excluded from the build). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { HtsError } from '../errors.js';

/** A temporary folder for one test file, removed after its tests. */
export function testDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Runs `action`, which must throw an HtsError, and returns that error. */
export function errorOf(action: () => unknown): HtsError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(HtsError);
    return error as HtsError;
  }
  throw new Error('expected an HtsError');
}

/** A file of test/fixtures/hts/ (public htslib and Picard test data; its README names each origin). */
export function fixture(name: string): string {
  return join(fileURLToPath(new URL('../../../../test/fixtures/hts/', import.meta.url)), name);
}
