import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fanOut, joblogLine, parseHalt, type Job, type JobOutcome } from './jobs.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-jobs-'));

/** A job of one `sh -c` stage per script; its stderr goes to a file of its own. */
function shellJob(label: string, ...scripts: string[]): Job {
  return {
    label,
    stages: scripts.map((script) => ({ name: 'sh', command: 'sh', args: ['-c', script] })),
    display: scripts.join(' | '),
    stderrFile: path.join(folder, `${label}.log`),
  };
}

describe('parseHalt', () => {
  it("reads GNU parallel's spellings and refuses others", () => {
    expect(parseHalt('never')).toEqual({ when: 'never' });
    expect(parseHalt('soon,fail=2')).toEqual({ when: 'soon', failures: 2 });
    expect(parseHalt('now,fail=1')).toEqual({ when: 'now', failures: 1 });
    for (const bad of ['now', 'now,fail=0', 'soon,success=1', 'later,fail=1']) expect(parseHalt(bad)).toBeUndefined();
  });
});

describe('joblogLine', () => {
  it("has parallel --joblog's columns: runtime %10.3f, start in epoch seconds", () => {
    const outcome: JobOutcome = {
      job: shellJob('x', 'true'),
      seq: 3,
      exitCode: 1,
      signal: 0,
      startMs: 1_700_000_000_123,
      runtimeMs: 2_500,
    };
    expect(joblogLine(outcome)).toBe('3\t:\t1700000000.123\t     2.500\t0\t0\t1\t0\ttrue\n');
    // Killed by SIGTERM (15): parallel writes Exitval 0 and the signal.
    expect(joblogLine({ ...outcome, exitCode: 143, signal: 15 })).toBe('3\t:\t1700000000.123\t     2.500\t0\t0\t0\t15\ttrue\n');
  });
});

describe('fanOut', () => {
  it('runs every job, reports them in Seq order with the failing stage and its last error line', async () => {
    const { outcomes, halted } = await fanOut(
      [shellJob('a', 'exit 0'), shellJob('b', 'echo "tool: error: bad input" >&2; exit 4'), shellJob('c', 'exit 0')],
      { jobs: 2, halt: { when: 'never' } },
    );
    expect(halted).toBe(false);
    expect(outcomes.map((outcome) => [outcome.seq, outcome.exitCode])).toEqual([
      [1, 0],
      [2, 4],
      [3, 0],
    ]);
    expect(outcomes[1]!.failure).toBe('sh exited 4: tool: error: bad input');
  });

  it('halt soon,fail=1 starts no new job after a failure; the running ones finish', async () => {
    const { outcomes, halted } = await fanOut([shellJob('s1', 'exit 1'), shellJob('s2', 'exit 0'), shellJob('s3', 'exit 0')], {
      jobs: 1,
      halt: { when: 'soon', failures: 1 },
    });
    expect(halted).toBe(true);
    expect(outcomes.map((outcome) => outcome.job.label)).toEqual(['s1']);
  });

  it('halt now,fail=1 stops the running jobs, which are not counted as failures of their own', async () => {
    const { outcomes, halted } = await fanOut([shellJob('n1', 'sleep 30'), shellJob('n2', 'sleep 0.2; exit 1')], {
      jobs: 2,
      halt: { when: 'now', failures: 1 },
    });
    expect(halted).toBe(true);
    expect(outcomes.map((outcome) => [outcome.job.label, outcome.haltedByOthers === true])).toEqual([
      ['n1', true],
      ['n2', false],
    ]);
    expect(outcomes[0]!.signal).toBe(os.constants.signals.SIGTERM);
  });

  it('a stage blocked opening a FIFO whose other end died is released, and its SIGTERM handler runs', async () => {
    const fifo = path.join(folder, 'blocked.fifo');
    const released = path.join(folder, 'released');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Node runs no JavaScript while open() blocks: only the release lets the handler write its file.
    const writer = `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(released)}, 'yes'); process.exit(143); });
      require('fs').openSync(${JSON.stringify(fifo)}, 'w'); setTimeout(() => {}, 30000);`;
    const job: Job = {
      label: 'fifo',
      stages: [
        { name: 'writer', command: process.execPath, args: ['-e', writer] },
        { name: 'reader', command: 'sh', args: ['-c', 'sleep 0.3; echo "reader: error: gave up" >&2; exit 1'] },
      ],
      display: 'writer > fifo; reader',
      stderrFile: path.join(folder, 'fifo.log'),
      fifos: [fifo],
    };
    const { outcomes } = await fanOut([job], { jobs: 1, halt: { when: 'never' } });
    expect(outcomes[0]!.failure).toBe('reader exited 1: reader: error: gave up');
    expect(fs.readFileSync(released, 'utf8')).toBe('yes');
  });
});
