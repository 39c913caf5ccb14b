/**
 * ConcatTags: joins two or more String/Location tags. All-location inputs make a Location tag
 * (the hits listed together); otherwise a String (sequences joined by `separator`, default none).
 * `on_missing`: SetMissing (any missing input → missing) or MergePresent (join what is there).
 */
import { HtsError } from '@shoal/hts';
import type { Hit, TagKind, TagValue } from '../../block.js';
import { enumKey, outLabel, requireTag, tagNameProblem } from '../../config-keys.js';
import { utf8ToLatin1 } from '../byte-strings.js';
import { cloneHits } from '../hits.js';
import { defineStep } from '../types.js';

interface Config {
  labels: string[];
  label: string;
  kind: TagKind;
  separator: string | undefined;
  onMissing: 'MergePresent' | 'SetMissing';
}

export const concatTags = defineStep<Config>({
  action: 'ConcatTags',
  parse(table, env) {
    const raw = table.stringList('in_labels');
    const seen = new Set<string>();
    for (const label of raw) {
      if (label.length === 0) throw table.error('Must not be empty', 'in_labels');
      if (seen.has(label)) throw table.error(`Duplicate input label '${label}'`, 'in_labels');
      seen.add(label);
    }
    for (const inLabel of raw) {
      const problem = tagNameProblem(inLabel);
      if (problem) throw table.error(`Invalid label '${inLabel}': ${problem}`, 'in_labels');
    }
    const label = outLabel(table, env);
    const separator = table.has('separator')
      ? utf8ToLatin1(table.string('separator'))
      : (table.optional(() => undefined, 'separator'), undefined);
    const onMissing = enumKey(table, 'on_missing', { MergePresent: 'MergePresent', SetMissing: 'SetMissing' } as const);
    if (raw.length < 2) {
      const available = [...env.tags.entries()]
        .filter(([name, kind]) => !raw.includes(name) && (kind === 'location' || kind === 'string'))
        .map(([name]) => name)
        .sort();
      throw table.error(`Must have at least two input labels (available: ${available.join(', ')})`, 'in_labels');
    }
    for (const inLabel of raw) requireTag(table, env, inLabel, 'in_labels', ['location', 'string']);
    const kind: TagKind = raw.every((l) => env.tags.get(l) === 'location') ? 'location' : 'string';
    return { labels: raw, label, kind, separator, onMissing };
  },
  uses: (config) => config.labels,
  declares: (config) => [{ label: config.label, kind: config.kind }],
  apply(block, config) {
    const columns = config.labels.map((l) => block.tag(l));
    const out: TagValue[] = new Array<TagValue>(block.count);
    for (let i = 0; i < block.count; i++) {
      let anyMissing = false;
      let hasLocation = false;
      let hasString = false;
      for (const column of columns) {
        const value = column[i] ?? null;
        if (value === null) anyMissing = true;
        else if (Array.isArray(value)) hasLocation = true;
        else if (typeof value === 'string') hasString = true;
        else throw new HtsError(`ConcatTags does not support Numeric or Bool tags. Found in one of: ${JSON.stringify(config.labels)}`);
      }
      if (anyMissing && config.onMissing === 'SetMissing') {
        out[i] = null;
        continue;
      }
      if (hasLocation && !hasString) {
        const hits: Hit[] = [];
        for (const column of columns) {
          const value = column[i];
          if (Array.isArray(value)) hits.push(...cloneHits(value));
        }
        out[i] = hits.length ? hits : null;
      } else {
        const parts: string[] = [];
        for (const column of columns) {
          const value = column[i];
          if (Array.isArray(value)) parts.push(value.map((h) => h.sequence).join(''));
          else if (typeof value === 'string') parts.push(value);
        }
        out[i] = parts.length ? parts.join(config.separator ?? '') : null;
      }
    }
    block.setTag(config.label, out);
  },
});
