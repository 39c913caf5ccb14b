// How far nanopolish eventalign's output (<condition>.eventalign.tsv, with --signal-index --print-read-names
// --scale-events) agrees with signal-sim's truth in the same folder. Prints JSON: per condition, the reads, the reads
// eventalign aligned, the fraction of event samples that lie inside the true sample range of the event's k-mer
// (truth_reads.ndjson.gz: k-mer i of a read, position end-k-i, has samples [b[i], b[i+1])), and the mean of
// event_level_mean - model_mean over k-mers covering a site modified in that read (IVT: over k-mers covering a site
// that is modified in native reads, where IVT reads have nothing) and over the other k-mers.
//
//   node tools/goldens/sim-eventalign-agreement.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const dir = process.argv[2];
const lines = gunzipSync(fs.readFileSync(path.join(dir, 'truth_reads.ndjson.gz')))
  .toString('utf8')
  .trimEnd()
  .split('\n');
const k = JSON.parse(lines[0]).kmer_size;
const truth = new Map(
  lines
    .slice(1)
    .map((line) => JSON.parse(line))
    .map((read) => [read.read_id, read]),
);
const modifiedSites = new Set(
  fs
    .readFileSync(path.join(dir, 'truth_sites.tsv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((row) => row.split('\t'))
    .filter((fields) => fields[3] === '1')
    .map((fields) => `${fields[0]}:${fields[1]}`),
);

const report = {};
for (const condition of ['native', 'ivt']) {
  const rows = fs
    .readFileSync(path.join(dir, `${condition}.eventalign.tsv`), 'utf8')
    .trimEnd()
    .split('\n');
  const columns = rows[0].split('\t');
  const at = (name) => columns.indexOf(name);
  const [contigColumn, positionColumn, readColumn, levelColumn, modelKmerColumn, modelMeanColumn, startColumn, endColumn] = [
    'contig',
    'position',
    'read_name',
    'event_level_mean',
    'model_kmer',
    'model_mean',
    'start_idx',
    'end_idx',
  ].map(at);
  const aligned = new Set();
  let inside = 0;
  let samples = 0;
  const shift = { modified: [0, 0], other: [0, 0] };
  for (const row of rows.slice(1)) {
    const fields = row.split('\t');
    const read = truth.get(fields[readColumn]);
    if (read === undefined || read.condition !== condition) throw new Error(`${condition}: read ${fields[readColumn]} is not in the truth`);
    aligned.add(read.read_id);
    const position = Number(fields[positionColumn]);
    const start = Number(fields[startColumn]);
    const end = Number(fields[endColumn]);
    const index = read.end - k - position;
    const boundaries = read.kmer_sample_boundaries;
    if (index >= 0 && index + 1 < boundaries.length)
      inside += Math.max(0, Math.min(boundaries[index + 1], end) - Math.max(boundaries[index], start));
    samples += end - start;
    if (fields[modelKmerColumn] === 'NNNNN') continue;
    const covers = (site) => site >= position && site < position + k;
    const modified =
      condition === 'native'
        ? read.modified_sites.some(covers)
        : Array.from({ length: k }, (_, offset) => `${fields[contigColumn]}:${position + offset}`).some((key) => modifiedSites.has(key));
    const bucket = modified ? shift.modified : shift.other;
    bucket[0] += Number(fields[levelColumn]) - Number(fields[modelMeanColumn]);
    bucket[1]++;
  }
  const reads = [...truth.values()].filter((read) => read.condition === condition).length;
  const round = (value) => Math.round(value * 1000) / 1000;
  report[condition] = {
    reads,
    alignedReads: aligned.size,
    samplesInTrueKmer: round(inside / samples),
    modifiedKmerShift: round(shift.modified[0] / shift.modified[1]),
    modifiedKmerEvents: shift.modified[1],
    otherKmerShift: round(shift.other[0] / shift.other[1]),
  };
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
