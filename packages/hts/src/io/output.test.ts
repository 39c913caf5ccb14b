import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitSinks, openOutput } from './output.js';

const hasMkfifo = spawnSync('bash', ['-c', 'command -v mkfifo']).status === 0;

describe('openOutput onto something that is not a regular file', () => {
  it.skipIf(!hasMkfifo)('writes a FIFO in place (no temporary file renamed over it), with and without the background writer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-output-'));
    for (const background of [false, true]) {
      const fifo = path.join(dir, `out-${String(background)}.fifo`);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const captured = path.join(dir, `captured-${String(background)}`);
      const reader = spawn('bash', ['-c', `cat "${fifo}" > "${captured}"`]);
      const done = new Promise((resolve) => reader.on('exit', resolve));
      const sink = openOutput(fifo, { background });
      expect(sink.inPlace).toBe(true);
      await sink.write(new TextEncoder().encode('hello\n'));
      await commitSinks([sink]);
      await done;
      expect(fs.readFileSync(captured, 'utf8')).toBe('hello\n');
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    }
    expect(fs.readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a regular file atomically, as before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-output-'));
    const file = path.join(dir, 'out.txt');
    const sink = openOutput(file);
    expect(sink.inPlace).toBeUndefined();
    await sink.write(new TextEncoder().encode('x'));
    expect(fs.existsSync(file)).toBe(false);
    await commitSinks([sink]);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
