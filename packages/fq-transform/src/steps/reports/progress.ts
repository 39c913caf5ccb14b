/**
 * Progress: every `n` molecules (default 1,000,000) a "Processed Total" line, and at the end the
 * total time and rate. With `output_infix` the lines go to `{prefix}{ix_separator}{infix}.progress`
 * (a side file, created even when empty); otherwise to standard error (mbf: standard output, which
 * fq-transform keeps for `output.stdout`). Serial, so the counts are exact; mbf's arithmetic for
 * which multiples of n get a line is kept as is (lines come at block starts that are multiples of n).
 */
import { joinNonEmpty } from '../../output-names.js';
import { thousandsFormat } from '../rust-display.js';
import { defineStep } from '../types.js';

interface Config {
  n: number;
  /** The side file the lines go to, or undefined for standard error. */
  file?: string;
}

interface State {
  count: number;
  /** Date.now() when the run was planned (mbf: when the step was initialised). */
  start: number;
}

function hhmmss(seconds: number): string {
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
}

const encoder = new TextEncoder();

export const progress = defineStep<Config, State>({
  action: 'Progress',
  parse(table, env) {
    const n = table.integer('n', { default: 1_000_000, min: 1 });
    const infix = table.optional(() => table.string('output_infix'), 'output_infix');
    const filename = table.optional(() => table.string('filename'), 'filename');
    let file: string | undefined;
    if (infix !== undefined) file = `${joinNonEmpty([env.output.prefix, infix], env.output.ixSeparator)}.progress`;
    else if (filename !== undefined) file = filename;
    return { n, file };
  },
  sideFiles: (config) => (config.file !== undefined ? [config.file] : []),
  needsSerial: () => true,
  followsDemultiplex: true, // counts every molecule, whatever its output
  initState: () => ({ count: 0, start: Date.now() }),
  apply(block, config, context) {
    const state = context.state;
    const lines: string[] = [];
    const counter = state.count;
    const next = counter + block.count;
    state.count = next;
    const elapsed = () => (Date.now() - state.start) / 1000;
    const offset = counter % config.n;
    for (let ii = counter + offset; ii < next; ii += config.n) {
      const seconds = elapsed();
      lines.push(
        seconds > 1
          ? `Processed Total: ${thousandsFormat(ii, 0)} (${thousandsFormat(ii / seconds, 2)} molecules/s), Elapsed: ${Math.floor(seconds)}s`
          : `Processed Total: ${thousandsFormat(ii, 0)}, Elapsed: ${Math.floor(seconds)}s`,
      );
    }
    if (block.final) {
      const seconds = elapsed();
      lines.push(
        `Took ${seconds.toFixed(2)} s (${hhmmss(Math.floor(seconds))}) to process ${thousandsFormat(next, 0)} molecules for an effective rate of ${thousandsFormat(next / seconds, 2)} molecules/s`,
      );
    }
    if (lines.length === 0) return;
    const text = lines.map((line) => `${line}\n`).join('');
    if (config.file !== undefined) block.side.push({ file: config.file, bytes: encoder.encode(text) });
    else process.stderr.write(text);
  },
});
