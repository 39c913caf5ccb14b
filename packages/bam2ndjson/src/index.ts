export { bamToNdjson, parseFields, type BamToNdjsonOptions } from './bam2ndjson.js';
export { ndjsonToBam, type NdjsonToBamOptions } from './ndjson2bam.js';
