// Writes the same four reads (two read groups, the standard aux fields plus an enum and an int32
// array, an empty signal, int16 extremes) as BLOW5 in every (record, signal) compression pair and
// as SLOW5 text, with our writer (build first: npm run build). Usage: node write-ours.mjs OUT_FOLDER
import fs from 'node:fs';
import path from 'node:path';
import { encodeSlow5File, STANDARD_AUX_FIELDS } from '../../../packages/hts/dist/index.js';

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const header = {
  version: [0, 2, 0],
  readGroups: [
    new Map([
      ['run_id', 'x'],
      ['experiment_type', 'rna'],
    ]),
    new Map([['run_id', 'y']]),
  ],
  auxFields: [...STANDARD_AUX_FIELDS, { name: 'end_reason', type: 'enum{unknown,partial,mux_change}' }, { name: 'arr', type: 'int32_t*' }],
};
const read = (i, samples) => ({
  readId: `read-${i}`,
  readGroup: i % 2,
  digitisation: 8192,
  offset: 12 + i,
  range: 1467.61,
  samplingRate: 3012,
  rawSignal: Int16Array.from({ length: samples }, (_, k) => (k === 1 ? -32768 : k === 2 ? 32767 : 400 + ((k * 7919 + i) % 301) - 150)),
  aux: new Map([
    ['channel_number', String(100 + i)],
    ['median_before', 200.5 + i],
    ['read_number', i],
    ['start_mux', 1],
    ['start_time', BigInt(1000 * i)],
    ['end_reason', i % 3],
    ['arr', Int32Array.from([i, -i, 2 ** 31 - 2])],
  ]),
});
const records = [read(0, 1000), read(1, 0), read(2, 5), read(3, 20000)];
for (const recordCompression of ['none', 'zlib', 'zstd']) {
  for (const signalCompression of ['none', 'svb-zd']) {
    const file = path.join(out, `ours-${recordCompression}-${signalCompression}.blow5`);
    fs.writeFileSync(file, encodeSlow5File(header, records, { recordCompression, signalCompression }));
  }
}
fs.writeFileSync(path.join(out, 'ours.slow5'), encodeSlow5File(header, records, { format: 'slow5' }));
