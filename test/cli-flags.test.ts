/**
 * One meaning per flag across all tools: reads every tool's --help (as a user would) and checks
 * that short and long forms pair up one to one, that no meaning is spelled twice, that every flag
 * has a declared meaning, and that docs/cli.md lists exactly what the tools show.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flagProblems,
  parseHelpFlags,
  readAllFlags,
  renderFlagTable,
  withFlagTable,
  type CommandFlags,
} from '../tools/dist/cli-reference.js';
import { repoRoot } from './helpers.js';

describe('flags across tools', () => {
  const commands = readAllFlags(repoRoot);

  it('reads the flags of every tool and subcommand', () => {
    const names = commands.map((c) => c.command);
    for (const tool of [
      'bam2ndjson',
      'ndjson2bam',
      'bam-index',
      'bam-sort',
      'collect-multi',
      'collect-merge',
      'fq-transform process',
      'fq-transform verify',
      'shoal mods',
      'merge-slices',
    ])
      expect(names).toContain(tool);
    const threads = commands.filter((c) => c.flags.some((f) => f.long === '--threads'));
    expect(threads.map((c) => c.command).sort()).toEqual([
      'bam-sort',
      'bam2ndjson',
      'collect-alignment',
      'collect-basic',
      'collect-error',
      'collect-gcbias',
      'collect-hybcap',
      'collect-isize',
      'collect-multi',
      'collect-wgs',
      'dtw-gpu',
      'eventalign',
      'fq-transform process',
      'ndjson2bam',
      'shoal mods',
      'signal-sim',
    ]);
  });

  it('--version prints the tool and the release on stdout and exits 0, for a plain tool and a tool of commands', () => {
    const release = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    for (const [tool, bin] of [
      ['collect-basic', 'packages/collect/bin/collect-basic.js'],
      ['fq-transform', 'packages/fq-transform/bin/fq-transform.js'],
    ]) {
      const result = spawnSync(process.execPath, [path.join(repoRoot, bin!), '--version'], { encoding: 'utf8' });
      expect(result.status, tool).toBe(0);
      expect(result.stdout).toBe(`${tool} (shoal) ${release}\n`);
      expect(result.stderr).toBe('');
    }
  });

  it('gives each short and long flag one meaning and one spelling', () => {
    expect(flagProblems(commands)).toEqual([]);
  });

  it('is listed in docs/cli.md exactly as the tools show it', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'cli.md'), 'utf8');
    expect(withFlagTable(doc, renderFlagTable(commands)), 'run: node tools/dist/cli-reference.js --write').toBe(doc);
  });
});

describe('the flag checks themselves', () => {
  const command = (name: string, help: string): CommandFlags => ({ command: name, flags: parseHelpFlags(help) });
  const help = (...lines: string[]): string =>
    `Usage: x [options]\n\nOptions:\n${lines.map((l) => `  ${l}`).join('\n')}\n  -h, --help   display help\n`;

  it('parses commander help', () => {
    expect(
      parseHelpFlags(help('-t, --threads <n>   total threads (default: 2)', '--isize::min-frac <n>  fraction', '--no-header   no header')),
    ).toEqual([
      { short: '-t', long: '--threads', argument: '<n>', description: 'total threads (default: 2)' },
      { short: undefined, long: '--isize::min-frac', argument: '<n>', description: 'fraction' },
      { short: undefined, long: '--no-header', argument: '', description: 'no header' },
      { short: '-h', long: '--help', argument: '', description: 'display help' },
    ]);
  });

  it('finds a short flag with two meanings (bam2ndjson -r region, collect -r reference)', () => {
    const problems = flagProblems([command('a', help('-r, --region <r>  region')), command('b', help('-r, --reference <f>  fasta'))]);
    expect(problems).toContain('-r means --region and --reference');
  });

  it('finds a long flag spelled with two short forms', () => {
    const problems = flagProblems([command('a', help('-t, --threads <n>  t')), command('b', help('--threads <n>  t'))]);
    expect(problems.join('\n')).toMatch(/--threads is spelled -t in a; \(none\) in b/);
  });

  it('finds one meaning spelled twice (--min-mapq and --min-mapping-quality)', () => {
    const problems = flagProblems([command('a', help('--min-mapq <n>  q')), command('b', help('--minimum-mapping-quality <n>  q'))]);
    expect(problems).toContain('--min-mapq and --minimum-mapping-quality are two spellings of one meaning');
    expect(problems.join('\n')).toMatch(/--minimum-mapping-quality has no meaning declared/);
  });

  it('exempts an anchor spelling in its own command only (eventalign keeps nanopolish’s -r, --reads and -g, --genome)', () => {
    const nanopolish = command('eventalign', help('-r, --reads <fastq>  reads', '-g, --genome <fasta>  genome'));
    const collect = command('collect-basic', help('-r, --reference <fasta>  fasta'));
    expect(flagProblems([nanopolish, collect])).toEqual([]);
    const elsewhere = command('other-tool', help('-r, --reads <fastq>  reads'));
    expect(flagProblems([elsewhere, collect])).toContain('-r means --reads and --reference');
  });

  it('takes a collector-prefixed option as its unprefixed flag', () => {
    expect(flagProblems([command('a', help('--isize::min-frac <n>  f')), command('b', help('--min-frac <n>  f'))])).toEqual([]);
  });
});
