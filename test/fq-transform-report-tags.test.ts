/**
 * Report's count_oligos and tag_histograms as mbf writes them, on hand-made reads whose expected
 * numbers are counted here: oligos upper-cased and counted once each, `count_oligos = []` still
 * written, the `tag_histogram` alias, i64 keys past 2^53, UTF-8 keys; and the final block of a
 * FilterReservoirSample (the whole sample arrives there) seen by Report, QuantifyTag and
 * Demultiplex; an empty compressed StoreTagInFastQ file is still valid gzip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { processConfig } from '@shoal/fq-transform';

const reads = [
  { name: 'r1 sample=café', seq: 'ACGTACGTGG' },
  { name: 'r2 sample=tea', seq: 'TTTTACGTAA' },
  { name: 'r3 sample=café', seq: 'GGGGGGGGGG' },
  { name: 'r4 sample=mate', seq: 'CCCCCACGTC' },
];

async function run(steps: string, output = 'report_json = true\n'): Promise<{ dir: string; json: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-report-tags-'));
  fs.writeFileSync(path.join(dir, 'in.fq'), reads.map((r) => `@${r.name}\n${r.seq}\n+\n${'I'.repeat(r.seq.length)}\n`).join(''));
  fs.writeFileSync(
    path.join(dir, 'c.toml'),
    `[input]\n    read1 = '${dir}/in.fq'\n[options]\n    block_size = 2\n${steps}[output]\n    prefix = 'o'\n    format = 'None'\n    ${output}`,
  );
  await processConfig({ configFile: path.join(dir, 'c.toml'), outputDirectory: dir, threads: 2 });
  const file = path.join(dir, 'o.json');
  return { dir, json: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '' };
}

/** The text of one report's section in the JSON file (the key order matters, so it is compared as text). */
const sectionText = (json: string, name: string): string => {
  const start = json.indexOf(`  "${name}": `);
  const end = json.indexOf('\n  },\n', start);
  return json.slice(start, end + 5);
};

describe("Report's count_oligos and tag_histograms", () => {
  it('upper-cases oligos, counts a read once per oligo, writes a repeated oligo or tag once, takes tag_histogram', async () => {
    const { json } = await run(
      "[[step]]\n    action = 'CalcLength'\n    segment = 'read1'\n    out_label = 'len'\n" +
        "[[step]]\n    action = 'Report'\n    name = 'r'\n    count = false\n    count_oligos = ['acgt', 'GG', 'ACGT', 'TTTTT']\n    tag_histogram = ['len', 'len']\n",
    );
    // ACGT: r1, r2, r4 (r1 holds it twice: once); GG: r1, r3; TTTTT: none
    expect(sectionText(json, 'r')).toBe(
      '  "r": {\n    "count_oligos": {\n      "ACGT": 3,\n      "GG": 2,\n      "TTTTT": 0\n    },\n    "histogram": {\n      "len": {\n        "10": 4\n      }\n    }\n  },',
    );
  });

  it('writes count_oligos = [] as an empty object; keys past 2^53 with every digit; string keys as UTF-8 in byte order', async () => {
    const { json } = await run(
      "[[step]]\n    action = 'CalcLength'\n    segment = 'read1'\n    out_label = 'len'\n" +
        "[[step]]\n    action = 'EvalExpression'\n    expression = 'len * 2^58'\n    out_label = 'big'\n    result_type = 'Numeric'\n" +
        "[[step]]\n    action = 'ExtractRegex'\n    segment = 'name:read1'\n    search = 'sample=(.*)'\n    replacement = '$1'\n    out_label = 'sample'\n" +
        "[[step]]\n    action = 'Report'\n    name = 'r'\n    count = false\n    count_oligos = []\n    tag_histograms = ['big', 'sample']\n",
    );
    // 10 * 2^58 = 2882303761517117440 (a double holds it exactly; its shortest text would end in zeros)
    expect(sectionText(json, 'r')).toBe(
      '  "r": {\n    "count_oligos": {},\n    "histogram": {\n      "big": {\n        "2882303761517117440": 4\n      },\n      "sample": {\n        "café": 2,\n        "mate": 1,\n        "tea": 1\n      }\n    }\n  },',
    );
  });

  it('Report, QuantifyTag and Demultiplex see the molecules a FilterReservoirSample hands over in the final block', async () => {
    const { dir, json } = await run(
      "[[step]]\n    action = 'FilterReservoirSample'\n    n = 3\n    seed = 1\n" +
        "[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 1\n    anchor = 'Start'\n    out_label = 'first'\n" +
        "[[step]]\n    action = 'QuantifyTag'\n    in_label = 'first'\n    infix = 'q'\n" +
        "[[step]]\n    action = 'Report'\n    name = 'r'\n    tag_histograms = ['first']\n",
    );
    expect(json).toMatch(/"r": \{\n {4}"molecule_count": 3,/);
    const quantified = JSON.parse(fs.readFileSync(path.join(dir, 'o_q.qr.json'), 'utf8')) as Record<string, number>;
    expect(Object.values(quantified).reduce((a, b) => a + b, 0)).toBe(3);
    // r3 is the one read starting with G: before the fix Demultiplex saw no molecule and failed the run
    const demultiplexed = await run(
      "[[step]]\n    action = 'FilterReservoirSample'\n    n = 4\n    seed = 1\n" +
        "[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 1\n    anchor = 'Start'\n    out_label = 'first'\n" +
        "[[step]]\n    action = 'Demultiplex'\n    in_label = 'first'\n    barcodes = 'b'\n    output_unmatched = false\n" +
        "[[step]]\n    action = 'Report'\n    name = 'd'\n[barcodes.b]\n    G = 'g'\n",
    );
    expect(sectionText(demultiplexed.json, 'd')).toBe('  "d": {\n    "g": {\n      "molecule_count": 1\n    }\n  },');
  });

  it('StoreTagInFastQ writes a valid empty gzip file when no molecule has the tag', async () => {
    const { dir } = await run(
      "[[step]]\n    action = 'ExtractIUPAC'\n    segment = 'read1'\n    search = 'AAAAAAAA'\n    anchor = 'Anywhere'\n    max_mismatches = 0\n    out_label = 'hit'\n" +
        "[[step]]\n    action = 'StoreTagInFastQ'\n    in_label = 'hit'\n    compression = 'Gzip'\n",
      '',
    );
    const file = path.join(dir, 'o_tag.hit.fq.gz');
    expect(zlib.gunzipSync(fs.readFileSync(file)).length).toBe(0);
  });
});
