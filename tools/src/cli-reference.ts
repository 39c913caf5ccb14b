/**
 * Every flag of every shoal tool, read from the tools' own --help, checked for one meaning per
 * flag and rendered as the table in docs/cli.md.
 *
 *   node tools/dist/cli-reference.js            # prints the problems, exit 1 when there are any
 *   node tools/dist/cli-reference.js --write    # rewrites the generated table in docs/cli.md
 *
 * The test test/cli-flags.test.ts runs the same checks, so a tool whose flags drift fails CI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One flag as a command's --help shows it. */
export interface HelpFlag {
  short?: string;
  long: string;
  /** `<n>`, `[dir]`, `<tool...>`, or '' for a switch. */
  argument: string;
  description: string;
}

/** A command line that has flags: a tool, or a tool's subcommand (`fq-transform process`). */
export interface CommandFlags {
  command: string;
  flags: HelpFlag[];
}

/**
 * The one meaning of each long flag in shoal. A flag that a tool shows and that is not here fails
 * the test: adding a flag means saying what it means, once, for all tools. Per-collector options
 * (`--isize::min-frac`) are listed under their unprefixed name.
 */
export const FLAG_MEANINGS: Record<string, string> = {
  '--help': 'help with examples',
  '--version': "print the tool's name and shoal's version, exit 0",
  '--input': 'the input file; - is stdin',
  '--output': 'where the output goes: a file (- is stdout) or, for tools that write several files, a prefix',
  '--output-dir': 'the folder outputs go to (created when missing)',
  '--reference': 'reference FASTA, indexed by its .fai',
  '--region': 'only records overlapping chr, chr:start or chr:start-end (1-based, inclusive), through the index',
  '--threads': 'total threads, the main thread included: 1 runs on the main thread, n adds n-1 workers',
  '--quiet': 'no progress and no summary on stderr; errors are still printed',
  '--progress': 'progress on stderr even when it is not a terminal',
  '--no-progress': 'never progress on stderr',
  '--format': 'output layout: riker or picard metrics (collect-*), tsv or frames (eventalign), frames or ndjson (dtw-gpu)',
  '--partial': 'write a mergeable partial state instead of metrics',
  '--tools': 'the collectors to run in one pass',
  '--fields': 'record fields to keep in NDJSON output',
  '--header-only': 'only the header record',
  '--no-header': 'no header record',
  '--write-index': 'also write the index beside the output',
  '--level': 'compression level',
  '--memory': 'bytes of records held in memory before a sorted run is written to disk (K, M, G suffixes)',
  '--temporary-folder': 'the folder for temporary files made while working (removed at the end)',
  '--allow-overwrite': 'replace existing output files',
  '--no-workpool': "fq-transform's classic thread-per-step pipeline instead of the workpool",
  '--timing': 'wall and CPU time per step on stderr',
  '--threads-list': 'thread counts to run each test case at',
  '--workpool-only': 'run test cases in the workpool only',
  // signal-sim
  '--seed': 'seed of every random draw: the same seed and settings give the same bytes',
  '--transcripts': 'how many random transcripts to make',
  '--transcriptome': 'a transcriptome FASTA to simulate from',
  '--transcript-length': 'length range of random transcripts',
  '--abundance': 'relative abundance per transcript (TSV)',
  '--reads-per-condition': 'reads per transcript in each condition (depth)',
  '--partial-fraction': "fraction of reads that lose their 5' end",
  '--min-read-length': 'shortest partial read',
  '--shift': 'current shift (pA) of the k-mers covering a modified site',
  '--dwell-factor': 'dwell multiplier of the k-mers covering a modified site',
  '--stoichiometry': 'fraction of native reads modified at a modified site (a value or a range)',
  '--fraction-modified-sites': 'fraction of DRACH sites that are modified',
  '--noise': "multiplier of the pore model's level deviation",
  '--substitution-rate': 'basecall substitutions per base',
  '--insertion-rate': 'basecall insertions per base',
  '--deletion-rate': 'basecall deletions per base',
  '--no-leader': 'no adaptor and poly(A) signal before the molecule',
  '--polya-length': 'poly(A) length range of the leader',
  '--pore': 'pore model: a preset name or a model file',
  '--record-compression': 'BLOW5 record compression',
  '--signal-compression': 'BLOW5 signal compression',
  // collector options, riker's names (Picard's in the descriptions)
  '--max-insert-size': 'pairs with a larger insert are chimeric (Picard MAX_INSERT_SIZE)',
  '--min-mapq': 'minimum mapping quality',
  '--aligned-length-over-aligned-reads': "riker's MEAN_ALIGNED_READ_LENGTH rule",
  '--improper-pairs-need-mapped-mate': "riker's improper-pair rule",
  '--exclude-qc-fail': 'drop QC-fail reads',
  '--aligned-reads-only': 'count aligned reads only',
  '--include-no-calls': 'count N bases in the quality distribution',
  '--include-duplicates': 'count duplicates too',
  '--min-frac': 'report an orientation holding at least this fraction of pairs (Picard MINIMUM_PCT)',
  '--min-bq': 'minimum base quality',
  '--accumulation-level': 'rows per sample, library and read group too (Picard METRIC_ACCUMULATION_LEVEL)',
  '--vcf': 'known variant sites, VCF or VCF.gz: their loci are skipped (Picard VCF)',
  '--prior-q': 'the prior error, phred-scaled, in the Q columns (Picard PRIOR_Q)',
  '--long-homopolymer': 'shortest homopolymer called long (Picard LONG_HOMOPOLYMER)',
  '--location-bin-size': 'bin size of flowcell X and Y (Picard LOCATION_BIN_SIZE)',
  '--max-isize': "riker's limit: larger inserts have no insert-length stratum",
  '--metrics': 'error directives ERROR|OVERLAPPING_ERROR|INDEL_ERROR[:STRATIFIER]* (Picard ERROR_METRICS)',
  '--coverage-cap': 'treat depth above this as this, counting the excess as capped (Picard COVERAGE_CAP)',
  '--count-unpaired': 'count unpaired reads and reads whose mate is unmapped (Picard COUNT_UNPAIRED)',
  '--deviations': 'trim to MEDIAN + DEVIATIONS x MAD (Picard DEVIATIONS)',
  '--by-region': 'per-locus collectors read an indexed BAM as genome regions on --threads worker threads',
  '--no-plots': 'do not draw the SVG plots beside the metrics',
  '--report': "also write the run's self-contained HTML report",
  '--targets': 'target intervals, BED or interval_list (Picard TARGET_INTERVALS)',
  '--intervals': 'only these loci and the reads overlapping them, BED or interval_list (Picard INTERVALS)',
  '--baits': 'bait intervals, BED or interval_list (Picard BAIT_INTERVALS)',
  '--bait-set-name': 'the BAIT_SET column (Picard BAIT_SET_NAME)',
  '--sample-size': 'samples per depth for the HET_SNP_SENSITIVITY estimate (Picard SAMPLE_SIZE)',
  '--near-distance': 'a read within this many bases of a bait is near it (Picard NEAR_DISTANCE)',
  '--count-overlaps': 'count both mates where they overlap (Picard CLIP_OVERLAPPING_READS=false)',
  '--per-target-coverage': 'also write per-target coverage (Picard PER_TARGET_COVERAGE)',
  '--per-base-coverage': 'also write the depth of every target base (Picard PER_BASE_COVERAGE)',
  // nanopore tools (nanopolish eventalign's flags keep nanopolish's names)
  '--reads': "the basecalls (FASTQ or FASTA); reads not in it are counted and skipped (nanopolish's -r, --reads)",
  '--bam': 'the alignments (BAM)',
  '--genome': "reference FASTA, indexed by its .fai (nanopolish's -g, --genome)",
  '--slow5': 'the signal file (BLOW5 or SLOW5), read by read id through its .idx',
  '--condition': 'native or ivt: the sample the reads come from',
  '--summary': 'also write a per-read summary to this file',
  '--scale-events': 'scale event levels to the pore model instead of the model to the events (nanopolish)',
  '--print-read-names': 'read names instead of read indexes',
  '--signal-index': 'the raw signal start and end index of each event',
  '--samples': 'the signal samples of each event',
  '--kmer-model': "pore model file in nanopolish's format (baleen's spelling of --pore <file>)",
  '--mode': 'alignment: banded (nanopolish, f5c) or dense (krill)',
  '--contig': 'only this reference sequence, through the index',
  // dtw-gpu (baleen's names)
  '--padding': "each read's DTW series joins its samples at positions t-p .. t+p",
  '--max-length': 'a longer DTW series is resampled to this many samples',
  '--positions': 'only k-mers centred on a site inside these BED intervals',
  '--motif': 'only k-mers whose centre bases match this IUPAC motif',
  '--device': 'where DTW runs: cuda, cpu, or auto',
  '--cuda-devices': 'CUDA devices to use, comma-separated',
  '--cuda-streams': 'CUDA streams per device',
  '--gpu-memory-limit': 'device memory a batch may use',
  // hmm-smooth (baleen's names, kebab-case)
  '--site-tsv': "baleen's site table (site_results.tsv columns) to this file",
  '--read-bam': 'the scored reads with MM/ML/MN tags to this BAM',
  '--native-bam': 'the native alignments (BAM)',
  '--ivt-bam': 'the IVT alignments (BAM)',
  '--score': 'how a read is scored against the IVT reads: level, knn or ivt-distance',
  '--no-hmm': 'per-read probabilities without the HMM along the read',
  '--hmm-params': 'HMM parameters (JSON)',
  '--hmm-states': 'states of the HMM: 2 (unmodified, modified) or 3 (with flanks)',
  '--mod-threshold': 'a read is modified at a site when p_mod is above this',
  '--read-ids': 'only the reads named in this file, one per line',
  '--command-line': "the CL of the output BAM's program (@PG) line",
  '--bam-slice': 'a per-contig read BAM to merge (repeatable)',
  '--native-fastq': 'the native basecalls (FASTQ)',
  '--native-blow5': 'the native signal (BLOW5)',
  '--ivt-fastq': 'the IVT basecalls (FASTQ)',
  '--ivt-blow5': 'the IVT signal (BLOW5)',
  '--ref': "the same as --reference (baleen's ref_fasta)",
  '--min-depth': 'a contig needs this depth in both conditions',
  '--depth-mode': 'depth as kept reads (read_count) or mean coverage (mean_coverage)',
  '--primary-only': 'count primary alignments only',
  '--no-primary-only': 'count secondary and supplementary alignments too',
  '--subsample': 'at most --subsample-n reads per condition and contig',
  '--no-subsample': 'every read',
  '--subsample-n': 'reads kept per condition and contig',
  '--target-contigs': 'only these contigs (comma-separated)',
  '--write-bam': 'write the read BAM',
  '--no-write-bam': 'no read BAM',
  '--run-hmm': 'smooth along each read with the HMM',
  '--no-run-hmm': "hmm-smooth's --no-hmm for every contig (the seed's run_hmm = false)",
  '--legacy-scoring': 'score by median DTW distance to the IVT reads (hmm-smooth --score ivt-distance)',
  '--read-intersection': 'keep reads present in the BAM, the FASTQ and the BLOW5 alike',
  '--no-read-intersection': 'keep every BAM read',
  '--motif-flank': 'k-mers centred within this many bases of a motif site',
  '--keep-intermediate': 'keep the per-contig slices after merging',
  '--cleanup-temp': "remove the plan and the tools' logs after merging",
  '--no-cleanup-temp': "keep the plan and the tools' logs",
  '--jobs': "the same as --threads (GNU parallel's -j, --jobs)",
  '--resume': 'skip the work an earlier run in the same output folder finished under the same parameters',
  '--halt': "when failures stop the run: never, soon,fail=N or now,fail=N (GNU parallel's --halt)",
  '--plan-only': 'write the plan and stop',
};

/**
 * Flags a tool spells as its anchor does, so that the anchor's command lines run unchanged, where that spelling
 * breaks one meaning per flag: per command, the long flags and whose spelling they keep. They are exempt from the
 * short-form and same-meaning checks in that command only; each still needs its meaning in FLAG_MEANINGS.
 */
export const ANCHOR_SPELLINGS: Record<string, Record<string, string>> = {
  eventalign: {
    // -r is --reference in every other tool; nanopolish's -r is the reads.
    '--reads': 'nanopolish eventalign -r, --reads',
    // --genome is what the other tools call --reference.
    '--genome': 'nanopolish eventalign -g, --genome',
  },
  'shoal mods': {
    // The seed's ref_fasta, in kebab-case as the issue asks; -r, --reference is there too.
    '--ref': "baleen's ref_fasta",
    // GNU parallel's -j, --jobs: the fan-out is parallel's; --threads is the same number.
    '--jobs': 'GNU parallel --jobs',
  },
};

/**
 * Word forms that spell one meaning: two flags whose words map to the same forms are one meaning
 * spelled twice (`--min-mapq` and `--min-mapping-quality`).
 */
const SAME_WORD: Record<string, string> = {
  min: 'minimum',
  max: 'maximum',
  mapq: 'mapping-quality',
  mq: 'mapping-quality',
  qual: 'quality',
  bq: 'base-quality',
  dir: 'directory',
  folder: 'directory',
  ref: 'reference',
  genome: 'reference',
  out: 'output',
  in: 'input',
  n: 'count',
  num: 'count',
  number: 'count',
  len: 'length',
  frac: 'fraction',
  pct: 'fraction',
  percent: 'fraction',
  thread: 'threads',
  jobs: 'threads',
  cpus: 'threads',
  idx: 'index',
  reads: 'read',
  bases: 'base',
  silent: 'quiet',
  verbose: 'verbosity',
};

/** `--isize::min-frac` → `--min-frac`. */
export function unprefixed(long: string): string {
  return long.replace(/^--[a-z]+::/, '--');
}

export function wordForms(long: string): string {
  return unprefixed(long)
    .replace(/^--/, '')
    .split('-')
    .flatMap((word) => (SAME_WORD[word] ?? word).split('-'))
    .join('-');
}

/** The option lines of a commander help text. */
export function parseHelpFlags(help: string): HelpFlag[] {
  const flags: HelpFlag[] = [];
  let inOptions = false;
  for (const line of help.split('\n')) {
    if (/^\S/.test(line)) inOptions = line.startsWith('Options:');
    if (!inOptions) continue;
    const match = /^ {2}(?:(-[A-Za-z0-9]), )?(--[A-Za-z0-9:-]+)((?: [<[][^>\]]+[>\]])?)(?: {2,}(.*))?$/.exec(line);
    if (match) flags.push({ short: match[1], long: match[2]!, argument: match[3]!.trim(), description: match[4] ?? '' });
  }
  return flags;
}

/** The subcommands a commander help text lists (not `help`). */
function parseSubcommands(help: string): string[] {
  const names: string[] = [];
  let inCommands = false;
  for (const line of help.split('\n')) {
    if (/^\S/.test(line)) inCommands = line.startsWith('Commands:');
    const match = inCommands ? /^ {2}([a-z][a-z0-9-]*)\b/.exec(line) : null;
    if (match && match[1] !== 'help') names.push(match[1]!);
  }
  return names;
}

/** Every executable the workspace packages declare in their package.json "bin". */
export function toolExecutables(root = repoRoot): { tool: string; bin: string }[] {
  const tools: { tool: string; bin: string }[] = [];
  const packagesDir = path.join(root, 'packages');
  for (const name of fs.readdirSync(packagesDir).sort()) {
    const manifest = path.join(packagesDir, name, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
    for (const [tool, file] of Object.entries(bin)) tools.push({ tool, bin: path.join(packagesDir, name, file) });
  }
  return tools.sort((a, b) => a.tool.localeCompare(b.tool));
}

function helpOf(bin: string, args: string[]): string {
  const result = spawnSync(process.execPath, [bin, ...args, '--help'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, COLUMNS: '400' },
  });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} --help exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Reads the flags of every tool and subcommand from their --help. */
export function readAllFlags(root = repoRoot): CommandFlags[] {
  const commands: CommandFlags[] = [];
  for (const { tool, bin } of toolExecutables(root)) {
    const help = helpOf(bin, []);
    const subcommands = parseSubcommands(help);
    if (subcommands.length === 0) commands.push({ command: tool, flags: parseHelpFlags(help) });
    for (const sub of subcommands) commands.push({ command: `${tool} ${sub}`, flags: parseHelpFlags(helpOf(bin, [sub])) });
  }
  return commands;
}

/**
 * What breaks one meaning per flag: a short form with two long forms, a long form with two short forms, two spellings of one
 * meaning, a flag without a declared meaning.
 */
export function flagProblems(commands: CommandFlags[]): string[] {
  const problems: string[] = [];
  const shortToLong = new Map<string, Set<string>>();
  const longToShort = new Map<string, Map<string, string[]>>();
  const byForm = new Map<string, Set<string>>();
  for (const { command, flags } of commands) {
    for (const flag of flags) {
      const long = unprefixed(flag.long);
      if (!(long in FLAG_MEANINGS))
        problems.push(`${command}: ${flag.long} has no meaning declared in FLAG_MEANINGS (tools/src/cli-reference.ts)`);
      if (ANCHOR_SPELLINGS[command]?.[long] !== undefined) continue;
      if (flag.short) (shortToLong.get(flag.short) ?? shortToLong.set(flag.short, new Set()).get(flag.short)!).add(long);
      // A collect-multi tool option (--error::reference) never has a short form: it cannot differ from the tool's own.
      if (long !== flag.long) continue;
      const shorts = longToShort.get(long) ?? longToShort.set(long, new Map()).get(long)!;
      const key = flag.short ?? '(none)';
      (shorts.get(key) ?? shorts.set(key, []).get(key)!).push(command);
      const form = wordForms(flag.long);
      (byForm.get(form) ?? byForm.set(form, new Set()).get(form)!).add(long);
    }
  }
  for (const [short, longs] of shortToLong) if (longs.size > 1) problems.push(`${short} means ${[...longs].join(' and ')}`);
  for (const [long, shorts] of longToShort) {
    if (shorts.size > 1)
      problems.push(`${long} is spelled ${[...shorts].map(([short, where]) => `${short} in ${where.join(', ')}`).join('; ')}`);
  }
  for (const longs of byForm.values()) if (longs.size > 1) problems.push(`${[...longs].join(' and ')} are two spellings of one meaning`);
  return problems;
}

const START = '<!-- cli-reference:start -->';
const END = '<!-- cli-reference:end -->';

/** The generated part of docs/cli.md: one row per flag, the commands that take it, its meaning. */
export function renderFlagTable(commands: CommandFlags[]): string {
  const rows = new Map<string, { short?: string; argument: string; commands: string[] }>();
  for (const { command, flags } of commands) {
    for (const flag of flags) {
      if (flag.long === '--help') continue;
      const prefix = /^--([a-z]+)::/.exec(flag.long)?.[1];
      const long = unprefixed(flag.long);
      const row = rows.get(long) ?? rows.set(long, { short: flag.short, argument: flag.argument, commands: [] }).get(long)!;
      const where = prefix ? `${command} (\`--${prefix}::\`)` : command;
      if (!row.commands.includes(where)) row.commands.push(where);
    }
  }
  const lines = [
    START,
    "<!-- made by `node tools/dist/cli-reference.js --write` from every tool's --help; test/cli-flags.test.ts fails when it is out of date -->",
    '',
    '| flag | short | argument | meaning | tools |',
    '| --- | --- | --- | --- | --- |',
  ];
  const ordered = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [long, row] of ordered) {
    lines.push(
      `| \`${long}\` | ${row.short ? `\`${row.short}\`` : ''} | ${row.argument ? `\`${row.argument}\`` : ''} | ${FLAG_MEANINGS[long] ?? '**undeclared**'} | ${row.commands.join(', ')} |`,
    );
  }
  lines.push('', `Every command also takes \`-h, --help\`. Commands: ${commands.map((c) => `\`${c.command}\``).join(', ')}.`, END);
  return lines.join('\n');
}

/** docs/cli.md with its generated table replaced by `table`. */
export function withFlagTable(doc: string, table: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`docs/cli.md has no ${START} … ${END} section`);
  return doc.slice(0, start) + table + doc.slice(end + END.length);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const commands = readAllFlags();
  const problems = flagProblems(commands);
  for (const problem of problems) process.stderr.write(`cli-reference: ${problem}\n`);
  if (process.argv.includes('--write')) {
    const file = path.join(repoRoot, 'docs', 'cli.md');
    fs.writeFileSync(file, withFlagTable(fs.readFileSync(file, 'utf8'), renderFlagTable(commands)));
    process.stderr.write(`cli-reference: wrote ${file}\n`);
  }
  process.exit(problems.length > 0 ? 1 : 0);
}
