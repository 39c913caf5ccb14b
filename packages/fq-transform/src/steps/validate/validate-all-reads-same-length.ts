/**
 * ValidateAllReadsSameLength: every molecule's length on `source` (alias `segment`: a segment, All
 * = sum over segments, `name:<segment>` = name up to the comment, `tag:<label>` = a string's length
 * or a location tag's covered length; missing tags skipped) must equal the first one seen.
 * Serial, so "the first one" is the first in input order.
 */
import { HtsError, nameOf, seqLength } from '@shoal/hts';
import { nameWithoutComment, type SourceAll, sourceAllKey, sourceName, sourceUses } from '../sources.js';
import { defineStep } from '../types.js';

interface Config {
  source: SourceAll;
  name: string;
}

export const validateAllReadsSameLength = defineStep<Config, { expected: number | null }>({
  action: 'ValidateAllReadsSameLength',
  parse(table, env) {
    const source = sourceAllKey(table, env, 'source', ['segment']);
    return { source, name: sourceName(source, env.segments) };
  },
  uses: (config) => sourceUses(config.source),
  needsSerial: () => true,
  followsDemultiplex: true, // one check over every read, whatever its output
  initState: () => ({ expected: null }),
  apply(block, config, context) {
    const state = context.state;
    const check = (length: number): void => {
      if (state.expected === null) state.expected = length;
      else if (state.expected !== length) {
        throw new HtsError(
          `ValidateAllReadsSameLength: Observed differing read lengths for source '${config.name}' (${state.expected}, ${length}). Check your input FASTQ or remove the step if this is expected.`,
        );
      }
    };
    const source = config.source;
    if (source.kind === 'tag') {
      for (const value of block.tag(source.tag)) {
        if (value === null) continue;
        if (Array.isArray(value)) check(value.reduce((sum, hit) => sum + (hit.location ? hit.location.len : 0), 0));
        else if (typeof value === 'string') check(value.length);
      }
      return;
    }
    const segments = source.segment < 0 ? block.segments : [block.segments[source.segment]!];
    for (let i = 0; i < block.count; i++) {
      let length = 0;
      for (const reads of segments)
        length += source.kind === 'segment' ? seqLength(reads, i) : nameWithoutComment(nameOf(reads, i), source.split).length;
      check(length);
    }
  },
});
