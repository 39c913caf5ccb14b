// Runs shoal's Picard-layout collectors and Picard 2.27.5 itself on Picard's own test inputs, and compares the
// metrics files from the "## METRICS CLASS" line to the end of file.
//
// Inputs: every SAM/BAM (CRAM skipped) under testdata/picard/{sam,metrics,quality,analysis} at tag 2.27.5 (else
// HEAD) of a bare git mirror of broadinstitute/picard, with identical blobs run once. References: every FASTA under
// testdata/picard, paired with an input as Picard's tests pair them (table TEST_REFERENCES, from
// CollectAlignmentSummaryMetricsTest, CollectWgsMetricsTest, CollectGcBiasMetricsTest, CollectMultipleMetricsTest),
// else by an exact, same-order match of the input's @SQ names and lengths with the FASTA's index. Option sets: the
// defaults, plus the option sets Picard's tests run on that input (table TEST_OPTION_SETS); a set that we cannot
// translate to our flags is counted as 'not offered'. Chart options (H=, CHART=, HISTOGRAM_FILE=) only draw charts
// and are given to Picard with a stand-in Rscript on PATH.
//
// Picard runs with its default VALIDATION_STRINGENCY (STRICT), as its metrics tests do; where it fails on a
// SAMFormatException under STRICT, the run is repeated with VALIDATION_STRINGENCY=SILENT and that comparison is
// marked 'SILENT retry' (our tools do not validate). wgs and gcbias need a paired reference and run on a
// coordinate-sorted copy (samtools sort) where the header is not SO:coordinate.
//
//   node tools/goldens/picard-testdata-compare.mjs [--mirror DIR] [--rev REV] [--keep] [--jobs N] [--only REGEX]
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const MIRROR = option('--mirror', '/work/.mirror/broadinstitute+picard/repo');
const JOBS = Number(option('--jobs', String(Math.max(2, os.cpus().length))));
const ONLY = option('--only', null);
const KEEP = args.includes('--keep');
const PICARD_TIMEOUT_MS = 60_000;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/collect/bin');
const DIRS = ['testdata/picard/sam', 'testdata/picard/metrics', 'testdata/picard/quality', 'testdata/picard/analysis'];

const git = (...gitArgs) => execFileSync('git', ['-C', MIRROR, ...gitArgs], { maxBuffer: 1 << 30 });
const rev = option('--rev', git('tag', '-l', '2.27.5').toString().trim() ? '2.27.5' : 'HEAD');

// ---- Picard's tests: which reference goes with which input, and which option sets run on it ----------------------
const CHR_M = 'testdata/picard/reference/chrM.reference.fasta'; // CommandLineProgramTest.CHR_M_REFERENCE
const ASM = 'testdata/picard/sam/AlignmentSummaryMetrics';
const ASM_REF = `${ASM}/summary_alignment_stats_test.fasta`;
const TEST_REFERENCES = {
  [`${ASM}/summary_alignment_stats_test.sam`]: ASM_REF, // CollectAlignmentSummaryMetricsTest.test
  [`${ASM}/summary_alignment_bisulfite_test.sam`]: ASM_REF, // testBisulfite, testBisulfiteButNot
  [`${ASM}/summary_alignment_stats_test_chimeras.sam`]: ASM_REF, // testChimeras
  [`${ASM}/summary_alignment_stats_test_adapter_reads.sam`]: CHR_M, // testAdapterReads
  'testdata/picard/sam/forMetrics.sam': 'testdata/picard/sam/merger.fasta', // CollectWgsMetricsTest.testLargeIntervals
  'testdata/picard/metrics/AlignedAdapterReads.sam': CHR_M, // CollectWgsMetricsTest.testAdapterReads
  'testdata/picard/metrics/chrMReads.sam': CHR_M, // CollectGcBiasMetricsTest (duplicates test)
  'testdata/picard/metrics/chrM_NO_SEQ.sam': CHR_M, // CollectGcBiasMetricsTest (no-sequence test)
  // testdata/picard/sam/CollectGcBiasMetrics/CollectGcBias*.bam are leftovers of CollectMultipleMetricsTest's GC-bias
  // test (chrM only): paired by dictionary. insert_size_metrics_test.sam (85 contigs) does not match the FASTA that
  // CollectMultipleMetricsTest.testInsertSize passes, and Picard refuses the pair: paired by dictionary too.
};
const LARGE_INTERVALS = 'testdata/picard/sam/largeIntervals.interval_list'; // CollectWgsMetricsTest.testLargeIntervals
const HS = 'testdata/picard/analysis/directed/CollectHsMetrics';
// CollectHsMetricsTest.collectHsMetricsDataProvider: input, intervals (targets and baits), MINIMUM_MAPPING_QUALITY,
// MINIMUM_BASE_QUALITY, CLIP_OVERLAPPING_READS.
const HS_CASES = [
  [`${HS}/lowbaseq.sam`, `${HS}/chrM.interval_list`, 1, 10, true],
  [`${HS}/lowbaseq.sam`, `${HS}/chrM_100bp.interval_list`, 1, 10, true],
  [`${HS}/lowmapq.sam`, `${HS}/chrM.interval_list`, 2, 0, true],
  [`${HS}/lowmapq.sam`, `${HS}/chrM_100bp.interval_list`, 2, 0, true],
  [`${HS}/overlapping.sam`, `${HS}/chrM.interval_list`, 0, 0, true],
  [`${HS}/overlapping.sam`, `${HS}/chrM.interval_list`, 0, 0, false],
  [`${HS}/overlapping.sam`, `${HS}/chrM_100bp.interval_list`, 0, 0, true],
  [`${HS}/overlapping.sam`, `${HS}/chrM_100bp.interval_list`, 0, 0, false],
  [`${HS}/single-short-read.sam`, `${HS}/two-small.interval_list`, 20, 20, true],
  [`${HS}/someLowbaseq.sam`, `${HS}/two-small.interval_list`, 0, 21, true],
];
// { name, picard: [Picard args], ours: [our flags] | null (not offered) }; an argument [prefix, file] or [file] names a
// testdata file, extracted when the job runs.

const notOffered = (name, picard) => ({ name, picard, ours: null });
const GCBIAS_TEST_ARGS = [
  'SCAN_WINDOW_SIZE=100',
  'MINIMUM_GENOME_FRACTION=1.0E-5',
  'IS_BISULFITE_SEQUENCED=false',
  'LEVEL=ALL_READS',
  'LEVEL=SAMPLE',
  'LEVEL=READ_GROUP',
  'ASSUME_SORTED=false',
];
const TEST_OPTION_SETS = {
  alignment: {
    [`${ASM}/summary_alignment_stats_test.sam`]: [
      notOffered('COLLECT_ALIGNMENT_INFORMATION=false (no R)', ['COLLECT_ALIGNMENT_INFORMATION=false']),
    ],
    [`${ASM}/summary_alignment_bisulfite_test.sam`]: [notOffered('IS_BISULFITE_SEQUENCED=true', ['IS_BISULFITE_SEQUENCED=true'])],
    [`${ASM}/summary_alignment_stats_test2.sam`]: [
      notOffered('COLLECT_ALIGNMENT_INFORMATION=false', ['COLLECT_ALIGNMENT_INFORMATION=false']),
    ],
    [`${ASM}/summary_alignment_stats_test_multiple.sam`]: [
      notOffered('METRIC_ACCUMULATION_LEVEL=ALL_READS,SAMPLE,LIBRARY,READ_GROUP COLLECT_ALIGNMENT_INFORMATION=false', [
        'METRIC_ACCUMULATION_LEVEL=ALL_READS',
        'METRIC_ACCUMULATION_LEVEL=SAMPLE',
        'METRIC_ACCUMULATION_LEVEL=LIBRARY',
        'METRIC_ACCUMULATION_LEVEL=READ_GROUP',
        'COLLECT_ALIGNMENT_INFORMATION=false',
      ]),
    ],
    [`${ASM}/summary_alignment_stats_test_chimeras.sam`]: [
      { name: 'MAX_INSERT_SIZE=20', picard: ['MAX_INSERT_SIZE=20'], ours: ['--max-insert-size', '20'] },
    ],
    [`${ASM}/summary_alignment_stats_test_adapter_reads.sam`]: [
      { name: 'MAX_INSERT_SIZE=200', picard: ['MAX_INSERT_SIZE=200'], ours: ['--max-insert-size', '200'] },
    ],
  },
  isize: {
    'testdata/picard/sam/insert_size_metrics_test.sam': [
      notOffered('LEVEL=SAMPLE,LIBRARY,READ_GROUP', ['LEVEL=SAMPLE', 'LEVEL=LIBRARY', 'LEVEL=READ_GROUP']), // test, testPercentCharInPdfFilename
      notOffered('LEVEL=null,READ_GROUP', ['LEVEL=null', 'LEVEL=READ_GROUP']), // testHistogramWidthIsSetProperly
      notOffered('HISTOGRAM_WIDTH=58 LEVEL=LIBRARY,READ_GROUP', ['HISTOGRAM_WIDTH=58', 'LEVEL=LIBRARY', 'LEVEL=READ_GROUP']), // CollectMultipleMetricsTest
    ],
  },
  wgs: {
    'testdata/picard/sam/forMetrics.sam': [
      {
        name: 'INTERVALS=largeIntervals SAMPLE_SIZE=1000',
        picard: [['INTERVALS=', LARGE_INTERVALS], 'SAMPLE_SIZE=1000'],
        ours: ['--intervals', [LARGE_INTERVALS], '--sample-size', '1000'],
      },
      notOffered('INTERVALS=largeIntervals SAMPLE_SIZE=1000 USE_FAST_ALGORITHM=true', ['SAMPLE_SIZE=1000', 'USE_FAST_ALGORITHM=true']),
    ],
    'testdata/picard/metrics/AlignedAdapterReads.sam': [
      { name: 'SAMPLE_SIZE=10', picard: ['SAMPLE_SIZE=10'], ours: ['--sample-size', '10'] },
      notOffered('SAMPLE_SIZE=10 USE_FAST_ALGORITHM=true', ['SAMPLE_SIZE=10', 'USE_FAST_ALGORITHM=true']),
    ],
  },
  // CollectHsMetricsTest.collectHsMetricsDataProvider: the intervals are both targets and baits; SAMPLE_SIZE=1000.
  hybcap: Object.fromEntries(
    Object.entries(
      HS_CASES.reduce((byInput, [input, intervals, mmq, mbq, clip]) => {
        (byInput[input] ??= []).push({
          name: `TARGET_INTERVALS=BAIT_INTERVALS=${path.basename(intervals)} MINIMUM_MAPPING_QUALITY=${mmq} MINIMUM_BASE_QUALITY=${mbq} CLIP_OVERLAPPING_READS=${clip}`,
          picard: [
            ['TARGET_INTERVALS=', intervals],
            ['BAIT_INTERVALS=', intervals],
            `MINIMUM_MAPPING_QUALITY=${mmq}`,
            `MINIMUM_BASE_QUALITY=${mbq}`,
            `CLIP_OVERLAPPING_READS=${clip}`,
            'SAMPLE_SIZE=1000',
          ],
          ours: [
            '--targets',
            [intervals],
            '--baits',
            [intervals],
            '--min-mapq',
            String(mmq),
            '--min-bq',
            String(mbq),
            ...(clip ? [] : ['--count-overlaps']),
            '--sample-size',
            '1000',
          ],
        });
        return byInput;
      }, {}),
    ),
  ),
  gcbias: {
    'testdata/picard/metrics/chrMReads.sam': [
      notOffered('runGcBias(ALSO_IGNORE_DUPLICATES=true, LEVEL=ALL_READS,SAMPLE,READ_GROUP)', [
        ...GCBIAS_TEST_ARGS,
        'ALSO_IGNORE_DUPLICATES=true',
      ]),
    ],
    'testdata/picard/metrics/chrM_NO_SEQ.sam': [
      notOffered('runGcBias(LEVEL=ALL_READS,SAMPLE,READ_GROUP)', [...GCBIAS_TEST_ARGS, 'ALSO_IGNORE_DUPLICATES=false']),
    ],
    'testdata/picard/sam/CollectGcBiasMetrics/CollectGcBias11612750771983880335.bam': [
      notOffered('runGcBias(LEVEL=ALL_READS,SAMPLE,READ_GROUP)', [...GCBIAS_TEST_ARGS, 'ALSO_IGNORE_DUPLICATES=false']),
    ],
    'testdata/picard/sam/CollectGcBiasMetrics/CollectGcBias6837461464900918747.bam': [
      notOffered('runGcBias(LEVEL=ALL_READS,SAMPLE,READ_GROUP)', [...GCBIAS_TEST_ARGS, 'ALSO_IGNORE_DUPLICATES=false']),
    ],
  },
};

// ---- collectors: our tool, Picard's programs, and the files each writes -------------------------------------------
// outputs: [label, our suffix, Picard program, Picard output args (given the output path)]
const COLLECTORS = {
  alignment: {
    bin: 'collect-alignment.js',
    reference: 'optional',
    outputs: [['alignment_summary_metrics', 'CollectAlignmentSummaryMetrics', (o) => [`O=${o}`]]],
  },
  isize: {
    bin: 'collect-isize.js',
    reference: 'none',
    outputs: [['insert_size_metrics', 'CollectInsertSizeMetrics', (o) => [`O=${o}`, `H=${o}.pdf`]]],
  },
  basic: {
    bin: 'collect-basic.js',
    reference: 'none',
    outputs: [
      ['base_distribution_by_cycle_metrics', 'CollectBaseDistributionByCycle', (o) => [`O=${o}`, `CHART=${o}.pdf`]],
      ['quality_by_cycle_metrics', 'MeanQualityByCycle', (o) => [`O=${o}`, `CHART=${o}.pdf`]],
      ['quality_distribution_metrics', 'QualityScoreDistribution', (o) => [`O=${o}`, `CHART=${o}.pdf`]],
    ],
  },
  wgs: { bin: 'collect-wgs.js', reference: 'required', sorted: true, outputs: [['wgs_metrics', 'CollectWgsMetrics', (o) => [`O=${o}`]]] },
  // Intervals are required: runs only with the option sets of CollectHsMetricsTest (onlyTestOptions).
  hybcap: {
    bin: 'collect-hybcap.js',
    reference: 'optional',
    sorted: true,
    onlyTestOptions: true,
    outputs: [['hs_metrics', 'CollectHsMetrics', (o) => [`O=${o}`]]],
  },
  gcbias: {
    bin: 'collect-gcbias.js',
    reference: 'required',
    sorted: true,
    // one Picard run writes both files
    outputs: [
      ['gc_bias.detail_metrics', 'CollectGcBiasMetrics', (o, p) => [`O=${o}`, `S=${p}.gc_bias.summary_metrics`, `CHART=${o}.pdf`]],
      ['gc_bias.summary_metrics', null, null],
    ],
  },
};

// ---- helpers -------------------------------------------------------------------------------------------------------
// Picard does not exit after an uncaught exception while the thread pool that ran its Rscript check is alive
// (about 60 s): stop it once it has printed the exception.
const run = (cmd, cmdArgs, options = {}) =>
  new Promise((resolve) => {
    const started = Date.now();
    let failedEarly = false;
    const child = execFile(cmd, cmdArgs, { maxBuffer: 1 << 28, ...options }, (error, stdout, stderr) => {
      clearTimeout(grace);
      const code = error ? (failedEarly ? 1 : error.killed ? 'timeout' : (error.code ?? 1)) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - started });
    });
    let grace;
    child.stdin.end();
    child.stderr.on('data', (chunk) => {
      if (!failedEarly && /Exception in thread "main"/.test(String(chunk))) {
        failedEarly = true;
        grace = setTimeout(() => child.kill(), 1500);
      }
    });
  });
const pool = async (items, jobs, work) => {
  let next = 0;
  const workers = Array.from({ length: jobs }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(workers);
};
const metricsPart = (file) => {
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('## METRICS CLASS');
  return at < 0 ? '' : text.slice(at);
};
// data rows of the metrics table (lines after the column header, before the first blank or ## line)
const metricsRows = (part) => {
  if (!part) return 0;
  const lines = part.split('\n');
  let rows = 0;
  for (let i = 2; i < lines.length && lines[i] !== '' && !lines[i].startsWith('#'); i++) rows++;
  return rows;
};
const shortDiff = (ours, picard) => {
  const a = ours.split('\n');
  const b = picard.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 6; i++) {
    if (a[i] === b[i]) continue;
    out.push(`    line ${i + 1}\n      picard: ${JSON.stringify(b[i] ?? '<none>')}\n      ours:   ${JSON.stringify(a[i] ?? '<none>')}`);
  }
  return out.join('\n');
};
const errorLine = (text) => text.split('\n').find((line) => /Exception in thread|^ERROR|error:/.test(line)) ?? lastLines(text, 1);
const lastLines = (text, n = 3) =>
  text
    .trim()
    .split('\n')
    .filter((line) => !/^(JavOpt|PicardProg|PicardOpts):/.test(line))
    .slice(-n)
    .join(' | ');

// ---- extract inputs and references ---------------------------------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'picard-testdata-'));
const fakeR = path.join(work, 'fakeR');
fs.mkdirSync(fakeR);
fs.writeFileSync(path.join(fakeR, 'Rscript'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const env = { ...process.env, PATH: `${fakeR}:${process.env.PATH}` };

const tree = git('ls-tree', '-r', rev, 'testdata/picard')
  .toString()
  .trimEnd()
  .split('\n')
  .map((line) => {
    const [meta, file] = line.split('\t');
    const [, , blob] = meta.split(' ');
    return { blob, file };
  });
const extract = (file) => {
  const target = path.join(work, 'data', file);
  if (!fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, git('show', `${rev}:${file}`));
  }
  return target;
};

const fastaFiles = tree.filter(({ file }) => /\.(fasta|fa|fna)$/.test(file)).map(({ file }) => file);
const references = new Map(); // repo path -> { path, contigs: "name:len,..." }
for (const file of fastaFiles) {
  const local = extract(file);
  const stem = file.replace(/\.(fasta|fa|fna)$/, '');
  for (const { file: companion } of tree)
    if (companion === `${file}.fai` || companion === `${stem}.dict` || companion === `${file}.dict`) extract(companion);
  try {
    if (!fs.existsSync(`${local}.fai`)) execFileSync('samtools', ['faidx', local], { stdio: 'ignore' });
    // no .dict is made where testdata has none: Picard checks the input's dictionary against the reference's only when
    // the reference has one (SinglePassSamProgram), as in Picard's own tests
    const contigs = fs
      .readFileSync(`${local}.fai`, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t').slice(0, 2).join(':'))
      .join(',');
    references.set(file, { path: local, contigs });
  } catch {
    // unindexable FASTA (e.g. duplicate names): not a candidate
  }
}

const inputFiles = tree.filter(({ file }) => DIRS.some((dir) => file.startsWith(`${dir}/`)) && /\.(sam|bam)$/.test(file));
const cramSkipped = tree.filter(({ file }) => DIRS.some((dir) => file.startsWith(`${dir}/`)) && /\.cram$/.test(file)).length;
const byBlob = new Map();
for (const entry of inputFiles) {
  if (!byBlob.has(entry.blob)) byBlob.set(entry.blob, []);
  byBlob.get(entry.blob).push(entry.file);
}
const inputs = [];
for (const files of byBlob.values()) {
  const file = files[0];
  if (ONLY && !files.some((name) => new RegExp(ONLY).test(name))) continue;
  const local = extract(file);
  const header = await run('samtools', ['view', '-H', local]);
  const sq = [...header.stdout.matchAll(/^@SQ\t(.*)$/gm)].map((match) => {
    const fields = Object.fromEntries(match[1].split('\t').map((field) => [field.slice(0, 2), field.slice(3)]));
    return `${fields.SN}:${fields.LN}`;
  });
  const sortOrder = /^@HD.*\tSO:(\S+)/m.exec(header.stdout)?.[1] ?? 'unknown';
  let reference = files.map((name) => TEST_REFERENCES[name]).find(Boolean) ?? null;
  let referenceHow = reference ? 'test' : null;
  if (!reference && sq.length > 0) {
    const contigs = sq.join(',');
    const preference = [CHR_M, ...references.keys()];
    reference = preference.find((name) => references.get(name)?.contigs === contigs) ?? null;
    if (reference) referenceHow = 'dictionary';
  }
  inputs.push({ file, aliases: files.slice(1), local, sortOrder, reference, referenceHow, headerOk: header.code === 0 });
}

// ---- jobs ----------------------------------------------------------------------------------------------------------
const results = []; // one per compared file: { collector, label, input, options, status, note, diff }
const jobs = [];
for (const input of inputs) {
  for (const [collector, spec] of Object.entries(COLLECTORS)) {
    if (spec.reference === 'required' && !input.reference) continue;
    const testSets = TEST_OPTION_SETS[collector]?.[input.file] ?? [];
    const sets = spec.onlyTestOptions ? testSets : [{ name: 'defaults', picard: [], ours: [] }, ...testSets];
    for (const set of sets) jobs.push({ input, collector, spec, set });
  }
}

const sortedCopies = new Map();
const sortedInput = async (input) => {
  if (input.sortOrder === 'coordinate') return { path: input.local, note: null };
  if (!sortedCopies.has(input.file)) {
    const target = path.join(work, 'sorted', `${input.file}.sorted.bam`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    sortedCopies.set(
      input.file,
      run('samtools', ['sort', '-o', target, input.local]).then((result) =>
        result.code === 0
          ? { path: target, note: `sorted with samtools (header SO:${input.sortOrder})` }
          : { path: null, note: `samtools sort failed: ${lastLines(result.stderr, 1)}` },
      ),
    );
  }
  return sortedCopies.get(input.file);
};

let done = 0;
const startedAt = Date.now();
await pool(jobs, JOBS, async (job, index) => {
  const { input, collector, spec, set } = job;
  const outDir = path.join(work, 'out', String(index));
  fs.mkdirSync(outDir, { recursive: true });
  const record = (label, fields) => results.push({ collector, label, input: input.file, options: set.name, ...fields });
  const labels = spec.outputs.map(([label]) => label);
  let source = { path: input.local, note: null };
  if (spec.sorted) {
    source = await sortedInput(input);
    if (!source.path) {
      for (const label of labels) record(label, { status: 'skipped', note: source.note });
      return;
    }
  }
  if (set.ours === null) {
    for (const label of labels) record(label, { status: 'not offered' });
    return;
  }
  // Testdata files named in an option set ([file] or [prefix, file]), extracted where they are used.
  const resolve = (args) =>
    args.map((arg) => (typeof arg === 'string' ? arg : arg.length === 1 ? extract(arg[0]) : arg[0] + extract(arg[1])));
  const reference = input.reference ? references.get(input.reference).path : null;
  const notes = [source.note, reference ? `R=${input.reference} (${input.referenceHow})` : null].filter(Boolean);

  // ours
  const prefix = path.join(outDir, 'ours');
  const ours = await run(
    'node',
    [
      path.join(BIN, spec.bin),
      '-i',
      source.path,
      '-o',
      prefix,
      '--format',
      'picard',
      '-q',
      ...(reference && spec.reference !== 'none' ? ['-r', reference] : []),
      ...resolve(set.ours),
    ],
    { timeout: 120_000 },
  );

  // Picard: one run per program; gcbias writes both files in one run
  const picardParts = {};
  const picardStatus = {};
  for (const [label, program, outputArgs] of spec.outputs) {
    if (!program) continue;
    const base = path.join(outDir, 'picard');
    const out = `${base}.${label}`;
    const picardArgs = [
      program,
      `I=${source.path}`,
      ...outputArgs(out, base),
      ...(reference && spec.reference !== 'none' ? [`R=${reference}`] : []),
      ...resolve(set.picard),
    ];
    let result = await run('PicardCommandLine', picardArgs, { timeout: PICARD_TIMEOUT_MS, env, cwd: outDir });
    let silent = false;
    if (result.code !== 0 && /SAMFormatException|SAMException|Error parsing|validation/i.test(result.stderr + result.stdout)) {
      for (const stale of fs.readdirSync(outDir)) if (stale.startsWith('picard.')) fs.rmSync(path.join(outDir, stale));
      const retry = await run('PicardCommandLine', [...picardArgs, 'VALIDATION_STRINGENCY=SILENT'], {
        timeout: PICARD_TIMEOUT_MS,
        env,
        cwd: outDir,
      });
      silent = { strictError: errorLine(result.stderr + result.stdout) };
      result = retry;
    }
    const written = spec.outputs.filter(([, p]) => p === program || (program === 'CollectGcBiasMetrics' && p === null)).map(([l]) => l);
    for (const l of written) {
      picardStatus[l] = { result, silent };
      picardParts[l] = result.code === 0 ? metricsPart(`${base}.${l}`) : null;
    }
  }

  for (const label of labels) {
    const { result, silent } = picardStatus[label];
    const note = [...notes, silent ? `SILENT retry (STRICT failed: ${silent.strictError.slice(0, 160)})` : null].filter(Boolean).join('; ');
    const oursPart = ours.code === 0 ? metricsPart(`${prefix}.${label}`) : null;
    if (result.code !== 0) {
      record(label, {
        status: 'picard failed',
        silent: Boolean(silent),
        note: `${note ? `${note}; ` : ''}picard: ${result.code === 'timeout' ? 'timeout' : errorLine(result.stderr + result.stdout).slice(0, 200)}; ours: ${ours.code === 0 ? (oursPart === null ? 'no file' : `${metricsRows(oursPart)} rows`) : `failed (${lastLines(ours.stderr, 1).slice(0, 120)})`}`,
      });
      continue;
    }
    const picardPart = picardParts[label];
    if (ours.code !== 0 || (oursPart === null && picardPart !== null)) {
      record(label, {
        status: 'ours failed',
        silent: Boolean(silent),
        note: `${note ? `${note}; ` : ''}${ours.code !== 0 ? lastLines(ours.stderr, 2).slice(0, 300) : 'no output file'}`,
      });
      continue;
    }
    if (picardPart === null) {
      const rows = oursPart === null ? 0 : metricsRows(oursPart);
      if (rows === 0) record(label, { status: 'picard wrote nothing', silent: Boolean(silent), note });
      else
        record(label, {
          status: 'differ',
          silent: Boolean(silent),
          note,
          diff: `    picard wrote no file; ours has ${rows} rows:\n${shortDiff(oursPart, '')}`,
        });
      continue;
    }
    if (oursPart === picardPart) record(label, { status: 'equal', silent: Boolean(silent), note });
    else record(label, { status: 'differ', silent: Boolean(silent), note, diff: shortDiff(oursPart, picardPart) });
  }
  done++;
  if (done % 50 === 0) process.stderr.write(`${done}/${jobs.length} jobs, ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
});

// ---- report --------------------------------------------------------------------------------------------------------
const STATUSES = ['equal', 'differ', 'picard failed', 'ours failed', 'picard wrote nothing', 'not offered', 'skipped'];
const table = [['collector', 'file', 'comparisons', ...STATUSES, 'via SILENT']];
const order = Object.entries(COLLECTORS).flatMap(([collector, spec]) => spec.outputs.map(([label]) => [collector, label]));
const totals = Array(STATUSES.length + 2).fill(0);
for (const [collector, label] of order) {
  const rows = results.filter((row) => row.collector === collector && row.label === label);
  const counts = STATUSES.map((status) => rows.filter((row) => row.status === status).length);
  const comparisons = counts[0] + counts[1] + counts[4];
  const silent = rows.filter((row) => row.silent && ['equal', 'differ', 'picard wrote nothing'].includes(row.status)).length;
  const line = [comparisons, ...counts, silent];
  line.forEach((value, i) => (totals[i] += value));
  table.push([collector, label, ...line.map(String)]);
}
table.push(['total', '', ...totals.map(String)]);
const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
console.log(
  `Picard ${rev} testdata (${DIRS.join(', ')}): ${inputFiles.length} SAM/BAM files, ${inputs.length} distinct inputs, ${cramSkipped} CRAM skipped; ${jobs.length} runs; work dir ${work}`,
);
console.log('comparisons = equal + differ + picard wrote nothing (ours wrote a file without rows where Picard wrote none)\n');
for (const row of table)
  console.log(row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));

const section = (title, status, withDiff) => {
  const rows = results.filter((row) => row.status === status);
  if (rows.length === 0) return;
  console.log(`\n== ${title} (${rows.length})`);
  for (const row of rows) {
    console.log(`- ${row.collector}/${row.label}  ${row.input}  [${row.options}]${row.note ? `  (${row.note})` : ''}`);
    if (withDiff && row.diff) console.log(row.diff);
  }
};
section('differences', 'differ', true);
section('ours failed', 'ours failed', false);
section('picard failed', 'picard failed', false);
section('skipped', 'skipped', false);
if (!KEEP) fs.rmSync(work, { recursive: true, force: true });
