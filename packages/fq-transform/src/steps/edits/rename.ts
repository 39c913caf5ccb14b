/**
 * Rename: a regex replace_all on every segment's read name (Rust regex syntax and `$1` / `${name}`
 * replacements). `{{READ_INDEX}}` in the replacement makes the step serial: it becomes a counter
 * over the molecules reaching the step (0-based), the same for every segment of a molecule.
 */
import { nameOf, setName } from '@shoal/hts';
import { bytesToLatin1, latin1ToBytes, utf8ToLatin1 } from '../byte-strings.js';
import { rustRegex, rustReplaceAll } from '../rust-regex.js';
import { defineStep } from '../types.js';

interface Config {
  search: string;
  /** The replacement as a binary string of its UTF-8 bytes. */
  replacement: string;
  counting: boolean;
}

const PLACEHOLDER = '{{READ_INDEX}}';

export const rename = defineStep<Config, { next: number }, RegExp>({
  action: 'Rename',
  parse(table) {
    const search = table.string('search');
    try {
      rustRegex(search);
    } catch (error) {
      throw table.error(`Invalid regex: ${(error as Error).message}`, 'search');
    }
    const replacement = utf8ToLatin1(table.string('replacement'));
    return { search, replacement, counting: replacement.includes(PLACEHOLDER) };
  },
  needsSerial: (config) => config.counting,
  followsDemultiplex: true, // {{READ_INDEX}} counts every molecule, whatever its output (one counter in mbf too)
  initState: () => ({ next: 0 }),
  compile: (config) => rustRegex(config.search),
  apply(block, config, context) {
    const regex = context.compiled;
    const base = config.counting ? context.state.next : 0;
    if (config.counting) context.state.next += block.count;
    for (const reads of block.segments) {
      for (let i = 0; i < block.count; i++) {
        let renamed = rustReplaceAll(bytesToLatin1(nameOf(reads, i)), regex, config.replacement);
        if (config.counting) renamed = renamed.split(PLACEHOLDER).join(String(base + i));
        setName(reads, i, latin1ToBytes(renamed));
      }
    }
  },
});
