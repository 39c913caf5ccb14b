/**
 * `fq-transform validate` and `template` plan and print without loading a native library: koffi
 * (and through it libdeflate, libzstd, libc's thread clock) is for runs that touch data. A
 * preloaded script replaces process.dlopen, the door every native addon comes through, with one
 * that records the attempt and makes the process exit 70.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';

const BIN = path.join(repoRoot, 'packages', 'fq-transform', 'bin', 'fq-transform.js');

const NO_DLOPEN = `let loaded;
process.dlopen = function (_module, filename) {
  loaded ??= filename;
  throw new Error('native library loaded: ' + filename);
};
process.on('exit', () => {
  if (loaded) {
    process.stderr.write('native library loaded: ' + loaded + '\\n');
    process.exitCode = 70;
  }
});
`;

/** Every kind of step whose keys touch compression, PHRED tables or regexes, and compressed output. */
const CONFIG = `[input]
    read1 = 'r1.fq.gz'
    read2 = 'r2.fq.gz'
[[step]]
    action = 'ConvertQuality'
    from = 'Illumina1.3'
    to = 'Sanger'
[[step]]
    action = 'Rename'
    search = '^(.*)$'
    replacement = '$1'
[[step]]
    action = 'ExtractRegex'
    search = 'AC(G)T'
    source = 'read1'
    out_label = 'hit'
[[step]]
    action = 'StoreTagsInTable'
    infix = 'tags'
    compression = 'Gzip'
[[step]]
    action = 'Inspect'
    n = 10
    infix = 'peek'
    segment = 'read2'
    compression = 'Zstd'
[output]
    prefix = 'out'
    compression = 'Zstd'
`;

describe('fq-transform without native libraries', () => {
  let dir: string;
  let preload: string;
  beforeAll(() => {
    dir = tempDir('fq-native-');
    preload = path.join(dir, 'no-dlopen.cjs');
    fs.writeFileSync(preload, NO_DLOPEN);
    fs.writeFileSync(path.join(dir, 'config.toml'), CONFIG);
  });
  const run = (args: string[]) => spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd: dir, encoding: 'utf8' });

  it('validate loads none', () => {
    const result = run(['validate', 'config.toml']);
    expect(result.stderr).not.toMatch(/native library loaded/);
    expect(result.stderr).toMatch(/config\.toml: ok/);
    expect(result.status).toBe(0);
  });

  it('template loads none, and its configuration validates without one either', () => {
    const template = run(['template']);
    expect(template.stderr).not.toMatch(/native library loaded/);
    expect(template.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'template.toml'), template.stdout);
    const result = run(['validate', 'template.toml']);
    expect(result.stderr).not.toMatch(/native library loaded/);
    expect(result.status).toBe(0);
  });

  it('the guard works: loading koffi is caught', () => {
    // Without this, a preload that silently failed to replace dlopen would pass the tests above.
    const result = spawnSync(process.execPath, ['--require', preload, '-e', "require('koffi')"], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toMatch(/native library loaded/);
    expect(result.status).toBe(70);
  });
});
