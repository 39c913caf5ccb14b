#!/usr/bin/env node
// The README's demo: makes the built-in demo data and runs the tools on it, as a user would in a
// shell, then says where every output went. Later tool families add their steps here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'demo-output');
fs.mkdirSync(out, { recursive: true });
const run = (tool, args) => execFileSync(process.execPath, [path.join(root, 'packages/bam2ndjson/bin', `${tool}.js`), ...args], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
const say = (text) => process.stdout.write(`${text}\n`);

execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'demo', out], { stdio: 'inherit' });
const bam = path.join(out, 'demo.bam');

say(`\n$ bam2ndjson --threads 2 demo-output/demo.bam -o demo-output/demo.ndjson`);
run('bam2ndjson', ['--threads', '2', bam, '-o', path.join(out, 'demo.ndjson')]);
const lines = fs.readFileSync(path.join(out, 'demo.ndjson'), 'utf8').split('\n').filter(Boolean);
say(`  ${lines.length - 1} records (+ 1 header line); the first record:\n  ${lines[1]}`);

say(`\n$ bam2ndjson --region chr2:100-2,000 --fields qname,flag,pos,cigar demo-output/demo.bam -o demo-output/region.ndjson`);
run('bam2ndjson', ['--region', 'chr2:100-2,000', '--fields', 'qname,flag,pos,cigar', bam, '-o', path.join(out, 'region.ndjson')]);
const region = fs.readFileSync(path.join(out, 'region.ndjson'), 'utf8').split('\n').filter(Boolean);
say(`  ${region.length - 1} records overlap chr2:100-2,000 (through demo.bam.bai); e.g. ${region[1]}`);

say(`\n$ bam2ndjson --threads 2 demo-output/demo.bam | ndjson2bam --threads 2 --write-index -o demo-output/roundtrip.bam`);
execFileSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" packages/bam2ndjson/bin/bam2ndjson.js --threads 2 demo-output/demo.bam | "${process.execPath}" packages/bam2ndjson/bin/ndjson2bam.js --threads 2 --write-index -o demo-output/roundtrip.bam`], { cwd: root, stdio: 'inherit' });
const same = fs.readFileSync(path.join(out, 'roundtrip.bam')).equals(fs.readFileSync(bam));
say(`  roundtrip.bam is ${same ? 'byte-identical to' : 'DIFFERENT from'} demo.bam`);

say(`\n$ collect-multi -i demo-output/demo.bam -o demo-output/qc/demo --threads 2   (tools: basic isize)`);
fs.mkdirSync(path.join(out, 'qc'), { recursive: true });
execFileSync(process.execPath, [path.join(root, 'packages/collect/bin/collect-multi.js'), '-i', bam, '-o', path.join(out, 'qc', 'demo'), '--threads', '2', '-q'], { stdio: 'inherit' });
const isize = fs.readFileSync(path.join(out, 'qc', 'demo.isize-metrics.txt'), 'utf8').split('\n');
say(`  ${isize[0]}\n  ${isize[1]}`);

say(`\nOutputs in ${path.relative(process.cwd(), out) || '.'}/:`);
const list = (dir, label) => {
  for (const file of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isDirectory()) list(full, `${label}${file}/`);
    else say(`  ${(label + file).padEnd(40)} ${fs.statSync(full).size.toLocaleString('en-US').padStart(10)} bytes`);
  }
};
list(out, '');
