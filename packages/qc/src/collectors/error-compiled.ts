/**
 * collect-error's per-base counter for aligned bases, compiled for the run's directives.
 *
 * Every aligned base is counted in each directive that is not read-level (Picard's defaults have twelve), and the
 * general path pays for that in calls through each part's value function (one call site for all parts: megamorphic),
 * generic loops over each directive's parts and a stratum object per look-up: about 30 ns per directive and base,
 * three quarters of collect-error's time. This file writes one function for the run's directives instead: each part's
 * digit from its `matchDigit` expression (error-stratifiers.ts) once per base, then per directive the mixed-radix index
 * with its radices as constants, the fast-table look-up and the calculator's additions unrolled. The general path
 * stays the reference: a digit outside a part's fast range (SLOW_DIGIT) or a stratum not yet in the table goes through
 * it (`slow`), and indels and directives that cannot be compiled use it throughout.
 *
 * The code is made from the stratifier table's own expressions and numbers, never from input text.
 */
import { MATCH_DIGIT_SCOPE, NULL_DIGIT, PARTS, type ErrorRead, type StratifierContext } from './error-stratifiers.js';

/** One directive as the compiled counter sees it. */
export interface CompiledDirective {
  /** PARTS ids of its parts, in order. */
  partIds: readonly number[];
  /** Its fast table (stratum index + 1 by mixed-radix number of the digits; 0: not seen yet). */
  fastTable: Int32Array;
  /** Its counts, read through this object each time (they grow when a stratum is added). */
  holder: { counts: Float64Array };
  /** Counts per stratum, and where its calculator's additions start in the base's delta. */
  width: number;
  deltaAt: number;
}

/**
 * Counts one aligned base: `ref` is the reference byte at its locus, `delta` the base's additions per calculator.
 * Calls slow(k) for directive k where the general path must decide.
 */
export type MatchCounter = (read: ErrorRead, offset: number, ref: number, delta: Float64Array) => void;

/** Whether the compiled counter can count a directive's aligned bases: every part read-level or with a matchDigit. */
export function compilable(partIds: readonly number[]): boolean {
  return partIds.every((id) => PARTS[id]!.readLevel || PARTS[id]!.matchDigit !== undefined);
}

/**
 * The read-level parts the counter reads from `read.digits`, in slot order (the collector fills them once per read,
 * NULL_DIGIT for a null value).
 */
export function readDigitParts(directives: readonly CompiledDirective[]): number[] {
  return [...new Set(directives.flatMap((d) => d.partIds.filter((id) => PARTS[id]!.readLevel)))];
}

export function compileMatchCounter(
  directives: readonly CompiledDirective[],
  context: StratifierContext,
  slow: (directive: number) => void,
): MatchCounter {
  const readSlots = new Map(readDigitParts(directives).map((id, slot) => [id, slot]));
  const baseParts = [...new Set(directives.flatMap((d) => d.partIds.filter((id) => !PARTS[id]!.readLevel)))];
  const digit = (id: number): string => (PARTS[id]!.readLevel ? `r${id}` : `p${id}`);
  const lines: string[] = [READ_LOCALS, 'const rd = read.digits;'];
  for (const [id, slot] of readSlots) lines.push(`const r${id} = rd[${slot}];`);
  for (const id of baseParts) lines.push(`const p${id} = ${PARTS[id]!.matchDigit!};`);
  directives.forEach((directive, k) => {
    const ids = directive.partIds;
    let index = digit(ids[0]!);
    for (let i = 1; i < ids.length; i++) index = `(${index}) * ${PARTS[ids[i]!]!.fastRadix} + ${digit(ids[i]!)}`;
    const adds = Array.from({ length: directive.width }, (_, i) => `c[f + ${i}] += delta[${directive.deltaAt + i}];`).join(' ');
    lines.push(
      `if (${ids.map((id) => `${digit(id)} >= 0`).join(' && ')}) {`,
      `  const s = T${k}[${index}];`,
      `  if (s > 0) { const c = H${k}.counts, f = (s - 1) * ${directive.width}; ${adds} } else slow(${k});`,
      `} else if (${ids.map((id) => `${digit(id)} !== ${NULL_DIGIT}`).join(' && ')}) slow(${k});`,
    );
  });
  const scope: Record<string, unknown> = { context, slow };
  directives.forEach((directive, k) => {
    scope[`T${k}`] = directive.fastTable;
    scope[`H${k}`] = directive.holder;
  });
  return compile('countMatch(read, offset, ref, delta)', lines, scope) as MatchCounter;
}

/** One part's matchDigit as a function of (read, offset, ref), for tests: what the compiled counter computes for it. */
export function compileMatchDigit(partId: number, context: StratifierContext): (read: ErrorRead, offset: number, ref: number) => number {
  return compile('digit(read, offset, ref)', [READ_LOCALS, `return ${PARTS[partId]!.matchDigit!};`], { context }) as (
    read: ErrorRead,
    offset: number,
    ref: number,
  ) => number;
}

/** The locals every matchDigit expression may use, besides offset and ref. */
const READ_LOCALS = 'const bases = read.bases, quals = read.qualities, len = bases.length, rev = (read.flag & 16) !== 0;';

/** A function `signature` { lines } that sees MATCH_DIGIT_SCOPE and `scope` by name. */
function compile(signature: string, lines: string[], scope: Record<string, unknown>): unknown {
  const bindings: Record<string, unknown> = { ...MATCH_DIGIT_SCOPE, ...scope };
  const names = Object.keys(bindings);
  const body = `'use strict';\nreturn function ${signature} {\n  ${lines.join('\n  ')}\n};`;
  // The file comment says why: code made from the stratifier table, once per run.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(...names, body) as (...values: unknown[]) => unknown;
  return make(...names.map((name) => bindings[name]));
}
