import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AtomicFile, checkOutputPrefix, temporaryPathFor, writeFileAtomic, writeFilesAtomically } from './atomic.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-atomic-'));
const list = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('the atomic writer', () => {
  it('writes under a hidden temporary name beside the target and renames on commit', () => {
    const dir = tempDir();
    const target = path.join(dir, 'out.txt');
    const file = AtomicFile.create(target);
    file.write('hello ');
    file.write(new TextEncoder().encode('world'));
    expect(list(dir)).toEqual([path.basename(file.temporary)]);
    expect(path.basename(file.temporary)).toMatch(/^\.out\.txt\.tmp-\d+-[a-z0-9]+$/);
    file.commit();
    expect(list(dir)).toEqual(['out.txt']);
    expect(fs.readFileSync(target, 'utf8')).toBe('hello world');
  });

  it('removes the temporary file on abort, and abort twice is harmless', () => {
    const dir = tempDir();
    const file = AtomicFile.create(path.join(dir, 'out.txt'));
    file.write('x');
    file.abort();
    file.abort();
    expect(list(dir)).toEqual([]);
  });

  it('gives two writers of one target their own temporary files', () => {
    expect(temporaryPathFor('/a/b.txt')).not.toBe(temporaryPathFor('/a/b.txt'));
  });

  it('creates missing output folders', () => {
    const dir = tempDir();
    writeFileAtomic(path.join(dir, 'a', 'b', 'c.txt'), 'x');
    expect(fs.readFileSync(path.join(dir, 'a', 'b', 'c.txt'), 'utf8')).toBe('x');
    checkOutputPrefix(path.join(dir, 'd', 'e', 'sample'));
    expect(fs.statSync(path.join(dir, 'd', 'e')).isDirectory()).toBe(true);
  });

  it('refuses a prefix whose folder cannot be made, naming it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(() => checkOutputPrefix(path.join(dir, 'file', 'sample'))).toThrow(/cannot create the output folder/);
  });

  it('writes a group of files all or nothing', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'taken.txt')); // a folder where the second file should go
    expect(() =>
      writeFilesAtomically([
        { path: path.join(dir, 'first.txt'), contents: '1' },
        { path: path.join(dir, 'taken.txt'), contents: '2' },
        { path: path.join(dir, 'third.txt'), contents: '3' },
      ]),
    ).toThrow(/taken\.txt/);
    expect(list(dir)).toEqual(['taken.txt']);
    writeFilesAtomically([
      { path: path.join(dir, 'first.txt'), contents: '1' },
      { path: path.join(dir, 'third.txt'), contents: '3' },
    ]);
    expect(list(dir)).toEqual(['first.txt', 'taken.txt', 'third.txt']);
  });

  it('removes live temporary files when the process exits', () => {
    const dir = tempDir();
    // A child process runs the built module (dist/), as the tools do.
    const built = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'io', 'atomic.js')).href;
    const script = `import { AtomicFile } from ${JSON.stringify(built)};
      AtomicFile.create(${JSON.stringify(path.join(dir, 'out.txt'))}).write('partial');
      process.exit(1);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(1);
    expect(list(dir)).toEqual([]);
  });
});
