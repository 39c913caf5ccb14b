import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { planFromDocument } from './config.js';
import { allActions } from './steps/index.js';
import { TEMPLATE } from './template.js';
import { parseToml } from './toml.js';

/** The commented `# [[step]]` blocks: each block's lines with their leading `#` removed. */
function commentedStepBlocks(): string[] {
  const blocks: string[] = [];
  const lines = TEMPLATE.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '# [[step]]') continue;
    const body: string[] = ['[[step]]'];
    for (let j = i + 1; j < lines.length && /^\s*#/.test(lines[j]!) && lines[j]!.trim() !== '# [[step]]'; j++) {
      body.push(lines[j]!.replace(/^(\s*)# ?/, '$1'));
    }
    blocks.push(body.join('\n'));
  }
  return blocks;
}

describe('template', () => {
  it('is valid TOML', () => {
    const data = parse(TEMPLATE) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['input', 'output', 'step']);
    expect(data.step).toEqual([{ action: 'Head', n: 1000 }]);
  });

  it('its active part is a valid configuration', () => {
    const plan = planFromDocument(parseToml(TEMPLATE, 'template.toml'));
    expect(plan.input.segments).toEqual(['read1', 'read2']);
    expect(plan.steps.map((s) => s.action)).toContain('Head');
    expect(plan.output?.prefix).toBe('output');
  });

  it('lists every registered action as a commented step', () => {
    const missing = allActions().filter((action) => !new RegExp(`^\\s*#\\s*action = '${action}'`, 'm').test(TEMPLATE));
    expect(missing).toEqual([]);
  });

  it('lists only registered actions, each once', () => {
    const listed = commentedStepBlocks().map((block) => (parse(block) as { step: { action: string }[] }).step[0]!.action);
    expect([...listed].sort()).toEqual(allActions());
  });

  it('has commented step blocks that are valid TOML once uncommented', () => {
    for (const block of commentedStepBlocks()) expect(() => parse(block), block).not.toThrow();
  });

  it('has the commented sections, valid TOML once uncommented', () => {
    for (const section of ['[input.options]', '[options]', '[benchmark]']) {
      const start = TEMPLATE.indexOf(`\n# ${section}\n`);
      expect(start, section).toBeGreaterThanOrEqual(0);
      const lines = TEMPLATE.slice(start + 1).split('\n');
      const body = [section];
      for (const line of lines.slice(1)) {
        if (!/^\s+#/.test(line)) break;
        body.push(line.replace(/^(\s*)# ?/, '$1'));
      }
      expect(body.length, section).toBeGreaterThan(2);
      expect(() => parse(body.join('\n')), section).not.toThrow();
    }
  });
});
