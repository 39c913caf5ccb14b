// Shared by the bench scripts: timing with GNU time, interleaved rounds, tables, BENCHMARKS.md sections.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function flag(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export function requireTools(tools) {
  for (const tool of tools) {
    if (spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0) {
      console.error(`bench: needs ${tool}`);
      process.exit(1);
    }
  }
}

/** One timed run: wall seconds and peak RSS in MB, via GNU time. */
export function timeOnce(command) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`failed: ${command}\n${result.stderr}`);
  const [wall, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssMb: rssKb / 1024, stdout: result.stdout };
}

/** Interleaved rounds over a group of commands: 1 warm-up each, then `runs` rounds. */
export function measure(group, runs) {
  const samples = group.map(() => []);
  const outputs = group.map((c) => timeOnce(c.command).stdout);
  for (let round = 0; round < runs; round++) group.forEach((c, i) => samples[i].push(timeOnce(c.command)));
  return group.map((c, i) => {
    const walls = samples[i].map((s) => s.wall).sort((a, b) => a - b);
    return {
      ...c,
      min: walls[0],
      median: walls[Math.floor(walls.length / 2)],
      rssMb: Math.max(...samples[i].map((s) => s.rssMb)),
      output: outputs[i],
    };
  });
}

const fmt = (x) => x.toFixed(2);

/** A markdown table; ratios against the row marked `anchor`. */
export function table(rows) {
  const anchor = rows.find((r) => r.anchor);
  const lines = ['| command | min s | median s | ratio to anchor (min / median) | peak RSS MB |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const ratio = r.anchor ? 'anchor' : `${fmt(r.min / anchor.min)}x / ${fmt(r.median / anchor.median)}x`;
    lines.push(`| ${r.name} | ${fmt(r.min)} | ${fmt(r.median)} | ${ratio} | ${r.rssMb.toFixed(0)} |`);
  }
  return lines.join('\n');
}

/** Replaces (or appends) the `<!-- bench:NAME:start/end -->` section of BENCHMARKS.md. */
export function writeSection(name, text) {
  const file = path.join(root, 'BENCHMARKS.md');
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const pattern = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*<!-- bench:${name}:end -->`);
  const section = `<!-- bench:${name}:start -->\n${text}\n<!-- bench:${name}:end -->`;
  doc = pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}
