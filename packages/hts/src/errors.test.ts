/** Input quoted in messages: escaped as JSON.stringify escapes it, every non-printable character as \uNNNN, cut at 60. */
import { describe, expect, it } from 'vitest';
import { escaped, HtsError, jsonText, quoted, quotedBytes } from './errors.js';

describe('input in error messages', () => {
  it('leaves printable ASCII as it is and escapes everything else, so no raw byte reaches a terminal', () => {
    expect(quoted('read_1 (x)')).toBe('"read_1 (x)"');
    expect(quoted('a"b\\c\td\ne\u0001\u007f\u00e9\u2192')).toBe('"a\\"b\\\\c\\td\\ne\\u0001\\u007f\\u00e9\\u2192"');
    expect(escaped('x'.repeat(70))).toBe(`${'x'.repeat(60)}…`);
    expect(quoted('x'.repeat(70))).toBe(`"${'x'.repeat(60)}"…`);
    expect(quotedBytes(Uint8Array.of(0x72, 0x00, 0xff, 0x1b), 0, 4)).toBe('"r\\u0000\\u00ff\\u001b"');
    expect(jsonText({ a: 'é\u0000' })).toBe('{"a":"\\u00e9\\u0000"}');
    expect(jsonText(1.5)).toBe('1.5');
  });

  it('puts the file and the location before the message', () => {
    expect(new HtsError('bad', 'in.bam', 'byte offset 4').message).toBe('in.bam (byte offset 4): bad');
    expect(new HtsError('bad', undefined, 'line 3').inFile('in.sam').message).toBe('in.sam (line 3): bad');
  });
});
