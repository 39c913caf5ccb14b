/**
 * EvalExpression: a numeric or bool tag computed from other tags with mbf's expression language
 * (fasteval; see expression-language.ts). Variables: any tag (numbers as they are, bools 1/0,
 * strings and locations 1 when present, missing 0), `len_<segment>` (read length),
 * `len_<tag>` (a string tag's length, a location tag's covered length, 0 when missing), and
 * `read_no` (0-based count of the molecules reaching this step; the step is serial then).
 * Bool results are true when |value| > ε.
 */
import { HtsError, seqLength } from '@shoal/hts';
import type { TagKind } from '../../block.js';
import { enumKey, outLabel, requireTag } from '../../config-keys.js';
import { coveredLength } from '../hits.js';
import { defineStep } from '../types.js';
import { compileExpression, evaluate, ExpressionError, variableNames, type Instr } from './expression-language.js';

type Variable =
  | { name: string; kind: 'tag'; label: string }
  | { name: string; kind: 'segmentLength'; segment: number }
  | { name: string; kind: 'tagLength'; label: string }
  | { name: string; kind: 'readNo' };

interface Config {
  label: string;
  expression: string;
  resultType: 'Numeric' | 'Bool';
  variables: Variable[];
  usedTags: string[];
}

export const evalExpression = defineStep<Config, { next: number }, Instr>({
  action: 'EvalExpression',
  parse(table, env) {
    const label = outLabel(table, env);
    const expression = table.string('expression', { aliases: ['expr'] });
    if (expression.trim().length === 0) throw table.error('expression cannot be empty', table.has('expression') ? 'expression' : 'expr');
    const resultType = enumKey(table, 'result_type', { Numeric: 'Numeric', Bool: 'Bool' } as const, { aliases: ['output_type'] });
    let compiled: Instr;
    try {
      compiled = compileExpression(expression);
    } catch (error) {
      if (error instanceof ExpressionError)
        throw table.error(`Syntax error (Inner error message ${error.message})`, table.has('expression') ? 'expression' : 'expr');
      throw error;
    }
    const variables: Variable[] = [];
    const usedTags: string[] = [];
    const use = (name: string, kinds: TagKind[]): void => {
      requireTag(table, env, name, table.has('expression') ? 'expression' : 'expr', kinds);
      if (!usedTags.includes(name)) usedTags.push(name);
    };
    for (const name of variableNames(compiled)) {
      if (name.startsWith('len_')) {
        const suffix = name.slice(4);
        const segment = env.segments.indexOf(suffix);
        if (segment >= 0) variables.push({ name, kind: 'segmentLength', segment });
        else {
          use(suffix, ['string', 'location']);
          variables.push({ name, kind: 'tagLength', label: suffix });
        }
      } else if (name === 'read_no') variables.push({ name, kind: 'readNo' });
      else {
        use(name, ['bool', 'numeric', 'string', 'location']);
        variables.push({ name, kind: 'tag', label: name });
      }
    }
    return { label, expression, resultType, variables, usedTags };
  },
  needsSerial: (config) => config.variables.some((v) => v.kind === 'readNo'),
  followsDemultiplex: true, // read_no counts every molecule, whatever its output (one counter in mbf too)
  uses: (config) => config.usedTags,
  declares: (config) => [{ label: config.label, kind: config.resultType === 'Bool' ? 'bool' : 'numeric' }],
  initState: () => ({ next: 0 }),
  compile: (config) => compileExpression(config.expression),
  apply(block, config, context) {
    const columns = config.variables.map((v) => (v.kind === 'tag' || v.kind === 'tagLength' ? block.tag(v.label) : undefined));
    const base = context.state?.next ?? 0;
    const vars = new Map<string, number>();
    const out = new Array<boolean | number>(block.count);
    for (let i = 0; i < block.count; i++) {
      config.variables.forEach((variable, k) => {
        let value: number;
        if (variable.kind === 'segmentLength') value = seqLength(block.segments[variable.segment]!, i);
        else if (variable.kind === 'readNo') value = base + i;
        else {
          const tag = columns[k]![i] ?? null;
          if (variable.kind === 'tagLength')
            value = tag === null ? 0 : typeof tag === 'string' ? tag.length : Array.isArray(tag) ? coveredLength(tag) : 0;
          else value = typeof tag === 'number' ? tag : typeof tag === 'boolean' ? (tag ? 1 : 0) : tag === null ? 0 : 1;
        }
        vars.set(variable.name, value);
      });
      let result: number;
      try {
        result = evaluate(context.compiled, vars);
      } catch (error) {
        if (error instanceof ExpressionError)
          throw new HtsError(`EvalExpression: error evaluating expression '${config.expression}' for read ${i}: ${error.message}`);
        throw error;
      }
      out[i] = config.resultType === 'Bool' ? Math.abs(result) > Number.EPSILON : result;
    }
    if (context.state) context.state.next = base + block.count;
    block.setTag(config.label, out);
  },
});
