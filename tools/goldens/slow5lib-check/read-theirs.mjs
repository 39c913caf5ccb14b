// Prints the records of a SLOW5/BLOW5 file as SLOW5 text lines through our reader and writer
// (build first: npm run build). Usage: node read-theirs.mjs FILE
import { encodeSlow5File, openSlow5 } from '../../../packages/hts/dist/index.js';

const file = await openSlow5(process.argv[2]);
const records = [];
for await (const record of file.records()) records.push(record);
const text = new TextDecoder().decode(encodeSlow5File(file.header, records, { format: 'slow5' }));
process.stdout.write(
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('@'))
    .map((line) => `${line}\n`)
    .join(''),
);
