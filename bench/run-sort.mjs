#!/usr/bin/env node
/**
 * bam-sort beside samtools sort on a shuffled BAM: everything in memory (-m 768M, both tools'
 * default) and through runs on disk (-m 16M), at one thread and at two (samtools -@2). Checks that
 * every output holds samtools' records in samtools' order (`samtools view` of each, compared), then
 * writes its section of BENCHMARKS.md.
 *
 *   node bench/run-sort.mjs [--runs 3] [--pairs 200000]
 *
 * Needs: samtools and GNU time. The input is the bench data set (tools/dist/make-data.js, coordinate
 * sorted) with its records shuffled by a fixed seed, in bench/data/sort/ (git-ignored).
 */
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, measure, requireTools, root, table, writeSection } from './lib.mjs';
import { BamReader, BamWriter } from '../packages/hts/dist/index.js';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 200_000);
requireTools(['samtools', '/usr/bin/time']);

const dataDir = path.join(root, 'bench', 'data', 'sort', String(pairs));
const sorted = path.join(dataDir, 'bench.bam');
const shuffled = path.join(dataDir, 'shuffled.bam');
if (!fs.existsSync(shuffled)) {
  console.error(`bench: making ${shuffled} (${pairs} pairs, shuffled)…`);
  execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dataDir, '--pairs', String(pairs)], {
    stdio: 'inherit',
  });
  const reader = await BamReader.open(sorted);
  const records = [];
  for await (const batch of reader.batches()) for (let i = 0; i < batch.count; i++) records.push(batch.record(i).toBytes());
  reader.close();
  // Fisher-Yates with xorshift32 from a fixed seed: the same input on every run.
  let state = 20261206;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>>= 0);
  };
  for (let i = records.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [records[i], records[j]] = [records[j], records[i]];
  }
  const writer = await BamWriter.open(shuffled, reader.header);
  for (const record of records) await writer.writeRecordBytes(record);
  await writer.close();
}

const out = (name) => path.join(dataDir, `${name}.bam`);
const bamSort = (name, flags) =>
  `${process.execPath} ${path.join(root, 'packages/bam2ndjson/bin/bam-sort.js')} ${flags} -o ${out(name)} ${shuffled}`;
const samtoolsSort = (name, flags) => `samtools sort ${flags} -o ${out(name)} ${shuffled} 2> /dev/null`;

const oneThread = measure(
  [
    { name: 'samtools sort (-m 768M: in memory)', command: samtoolsSort('s-mem', ''), anchor: true },
    { name: 'bam-sort -t 1 (-m 768M: in memory)', command: bamSort('b-mem', '-t 1') },
    { name: 'samtools sort -m 16M (runs on disk)', command: samtoolsSort('s-runs', '-m 16M') },
    { name: 'bam-sort -t 1 -m 16M (runs on disk)', command: bamSort('b-runs', '-t 1 -m 16M') },
  ],
  runs,
);
const twoThreads = measure(
  [
    { name: 'samtools sort -@2', command: samtoolsSort('s-two', '-@2'), anchor: true },
    { name: 'bam-sort -t 2', command: bamSort('b-two', '-t 2') },
    { name: 'bam-sort -t 3', command: bamSort('b-three', '-t 3') },
  ],
  runs,
);

// Every output: samtools' records in samtools' order.
const digest = (name) => execSync(`samtools view ${out(name)} | md5sum`, { encoding: 'utf8' }).split(' ')[0];
const expected = digest('s-mem');
for (const name of ['s-runs', 's-two', 'b-mem', 'b-runs', 'b-two', 'b-three'])
  if (digest(name) !== expected) throw new Error(`${name}: records differ from samtools sort's`);

const records = Number(execFileSync('samtools', ['view', '-c', shuffled], { encoding: 'utf8' }).trim());
const samtoolsVersion = execFileSync('samtools', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const text = `## Sorting: bam-sort beside samtools sort

Made by \`node bench/run-sort.mjs --runs ${runs} --pairs ${pairs}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${samtoolsVersion}, load average ${os.loadavg()[0].toFixed(1)} at the end.
Input: ${records.toLocaleString('en-US')} simulated 2x150 records, shuffled (${(fs.statSync(shuffled).size / 1e6).toFixed(0)} MB of BAM). Interleaved rounds, 1 warm-up + ${runs} timed runs each; ratio = ours / anchor. Every output was checked to hold samtools' records in its order (\`samtools view\` of each).

${table(oneThread)}

${table(twoThreads)}`;
writeSection('sort', text);
console.log(text);
