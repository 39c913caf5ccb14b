import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HtsError } from '../errors.js';
import { zstdAvailable } from '../compress/zstd.js';
import { openSlow5 } from './reader.js';
import { Slow5Writer, encodeSlow5File, type Slow5WriterOptions } from './writer.js';
import { Blow5IndexedReader, buildSlow5Index } from './idx.js';
import { STANDARD_AUX_FIELDS, type Slow5AuxValue, type Slow5Header, type Slow5Record } from './types.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-slow5-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Every aux type slow5lib knows, scalar and array. */
const ALL_AUX_FIELDS = [
  ...STANDARD_AUX_FIELDS,
  { name: 'end_reason', type: 'enum{unknown,partial,mux_change,unblock_mux_change,signal_positive,signal_negative}' },
  { name: 'i8', type: 'int8_t' },
  { name: 'i16', type: 'int16_t' },
  { name: 'i64', type: 'int64_t' },
  { name: 'u16', type: 'uint16_t' },
  { name: 'u32', type: 'uint32_t' },
  { name: 'f32', type: 'float' },
  { name: 'c', type: 'char' },
  { name: 'a_i8', type: 'int8_t*' },
  { name: 'a_i16', type: 'int16_t*' },
  { name: 'a_i32', type: 'int32_t*' },
  { name: 'a_i64', type: 'int64_t*' },
  { name: 'a_u8', type: 'uint8_t*' },
  { name: 'a_u16', type: 'uint16_t*' },
  { name: 'a_u32', type: 'uint32_t*' },
  { name: 'a_u64', type: 'uint64_t*' },
  { name: 'a_f32', type: 'float*' },
  { name: 'a_f64', type: 'double*' },
  { name: 'a_enum', type: 'enum*{open,closed}' },
];

const HEADER: Slow5Header = {
  version: [0, 2, 0],
  readGroups: [
    new Map([
      ['run_id', 'run-a'],
      ['experiment_type', 'rna'],
      ['sequencing_kit', 'sqk-rna002'],
    ]),
    // A second read group without sequencing_kit (written as `.`) and with an attribute of its own.
    new Map([
      ['run_id', 'run-b'],
      ['experiment_type', 'genomic_dna'],
      ['flow_cell_id', 'FAK00001'],
    ]),
    new Map([['run_id', 'run-c']]),
  ],
  auxFields: ALL_AUX_FIELDS,
};

function signalOf(length: number, seed: number): Int16Array {
  const out = new Int16Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = 450 + (state % 301) - 150;
  }
  if (length > 3) {
    out[1] = -32768;
    out[2] = 32767;
  }
  return out;
}

function auxOf(entries: Record<string, Slow5AuxValue>): Map<string, Slow5AuxValue> {
  const map = new Map<string, Slow5AuxValue>();
  for (const field of ALL_AUX_FIELDS) map.set(field.name, entries[field.name] ?? null);
  return map;
}

const RECORDS: Slow5Record[] = [
  {
    readId: 'read-full',
    readGroup: 0,
    digitisation: 8192,
    offset: 13,
    range: 1467.6099853515625,
    samplingRate: 3012,
    rawSignal: signalOf(5003, 1),
    aux: auxOf({
      channel_number: '123',
      median_before: 212.71337890625,
      read_number: -7,
      start_mux: 3,
      start_time: 18446744073709551614n,
      end_reason: 4,
      i8: -128,
      i16: 32766,
      i64: -9223372036854775808n,
      u16: 0,
      u32: 4294967294,
      f32: Math.fround(0.1),
      c: 'x',
      a_i8: Int8Array.from([-128, 0, 126]),
      a_i16: Int16Array.from([-32768, 5, 32767]),
      a_i32: Int32Array.from([-2147483648, 2147483646]),
      a_i64: [-9223372036854775808n, 0n, 9223372036854775806n],
      a_u8: Uint8Array.from([0, 254]),
      a_u16: Uint16Array.from([65534]),
      a_u32: Uint32Array.from([0, 1, 4294967294]),
      a_u64: [0n, 18446744073709551614n],
      a_f32: Float32Array.from([1.5, -0.25, 3.4028234663852886e38]),
      a_f64: Float64Array.from([Math.PI, -1e-300, 123456789.123]),
      a_enum: Uint8Array.from([1, 0, 1]),
    }),
  },
  {
    // Every aux value missing; the empty signal.
    readId: 'read-empty',
    readGroup: 1,
    digitisation: 2048,
    offset: -3.5,
    range: 748.58,
    samplingRate: 4000,
    rawSignal: new Int16Array(0),
    aux: auxOf({}),
  },
  {
    readId: 'read-group-2',
    readGroup: 2,
    digitisation: 8192,
    offset: 0,
    range: 1e-7,
    samplingRate: 5000.5,
    rawSignal: signalOf(1, 9),
    aux: auxOf({ channel_number: '7', start_time: 0n, a_i16: Int16Array.from([1]) }),
  },
];

/** The records as plain JSON-able data, so that toEqual compares values and not container classes. */
function plain(record: Slow5Record): unknown {
  const aux: Record<string, unknown> = {};
  for (const [name, value] of record.aux) {
    aux[name] =
      value === null || typeof value !== 'object'
        ? typeof value === 'bigint'
          ? `${value}n`
          : value
        : {
            kind: value.constructor.name,
            values: Array.from(value as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? `${v}n` : v)),
          };
  }
  return { ...record, rawSignal: Array.from(record.rawSignal), aux };
}

/** Signals compared as bytes: toEqual walks a typed array element by element, seconds for millions. */
function expectSameSignal(actual: Int16Array, expected: Int16Array): void {
  expect(actual.length).toBe(expected.length);
  const bytes = (signal: Int16Array): Buffer => Buffer.from(signal.buffer, signal.byteOffset, signal.byteLength);
  expect(bytes(actual).equals(bytes(expected))).toBe(true);
}

async function readAll(file: string): Promise<{ records: Slow5Record[]; header: Slow5Header; format: string; compressions: string[] }> {
  const opened = await openSlow5(file);
  const records: Slow5Record[] = [];
  for await (const record of opened.records()) records.push(record);
  await opened.close();
  return { records, header: opened.header, format: opened.format, compressions: [opened.recordCompression, opened.signalCompression] };
}

const RECORD_COMPRESSIONS = ['none', 'zlib', ...(zstdAvailable() ? (['zstd'] as const) : [])] as const;
const SIGNAL_COMPRESSIONS = ['none', 'svb-zd'] as const;

describe('SLOW5/BLOW5 round trip', () => {
  for (const recordCompression of RECORD_COMPRESSIONS) {
    for (const signalCompression of SIGNAL_COMPRESSIONS) {
      it(`BLOW5 with ${recordCompression} records and ${signalCompression} signal`, async () => {
        const file = path.join(folder, `rt-${recordCompression}-${signalCompression}.blow5`);
        const options: Slow5WriterOptions = { recordCompression, signalCompression };
        const writer = await Slow5Writer.open(file, HEADER, options);
        for (const record of RECORDS) await writer.write(record);
        await writer.close();
        const bytes = fs.readFileSync(file);
        expect(bytes[9]).toBe({ none: 0, zlib: 1, zstd: 2 }[recordCompression]);
        expect(bytes[14]).toBe({ none: 0, 'svb-zd': 1 }[signalCompression]);
        expect(Buffer.from(bytes.subarray(-5)).toString('latin1')).toBe('5WOLB');
        expect(new Uint8Array(bytes)).toEqual(encodeSlow5File(HEADER, RECORDS, options));
        const read = await readAll(file);
        expect(read.format).toBe('blow5');
        expect(read.compressions).toEqual([recordCompression, signalCompression]);
        expect(read.header).toEqual(HEADER);
        expect(read.records.map(plain)).toEqual(RECORDS.map(plain));
      });
    }
  }

  it('SLOW5 text, named by its extension', async () => {
    const file = path.join(folder, 'rt.slow5');
    const writer = await Slow5Writer.open(file, HEADER);
    expect(writer.format).toBe('slow5');
    for (const record of RECORDS) await writer.write(record);
    await writer.close();
    const text = fs.readFileSync(file, 'latin1');
    expect(text.startsWith('#slow5_version\t0.2.0\n#num_read_groups\t3\n@run_id\trun-a\trun-b\trun-c\n')).toBe(true);
    expect(text).toContain('\n@sequencing_kit\tsqk-rna002\t.\t.\n');
    const read = await readAll(file);
    expect(read.format).toBe('slow5');
    expect(read.header).toEqual(HEADER);
    expect(read.records.map(plain)).toEqual(RECORDS.map(plain));
    // The empty record: every aux value `.`, the signal column empty.
    expect(text).toContain(`read-empty\t1\t2048\t-3.5\t748.58\t4000\t0\t\t${ALL_AUX_FIELDS.map(() => '.').join('\t')}\n`);
  });

  it('a 1 M-sample signal, svb-zd and zstd/zlib, and in text', async () => {
    const long: Slow5Record = { ...RECORDS[0]!, readId: 'long', rawSignal: signalOf(1_000_000, 5) };
    for (const options of [
      { recordCompression: RECORD_COMPRESSIONS.at(-1)!, signalCompression: 'svb-zd' as const },
      { format: 'slow5' as const },
    ]) {
      const file = path.join(folder, `long.${options.format ?? 'blow5'}`);
      fs.writeFileSync(file, encodeSlow5File(HEADER, [long, RECORDS[1]!], options));
      const read = await readAll(file);
      expectSameSignal(read.records[0]!.rawSignal, long.rawSignal);
      expect(read.records[1]!.readId).toBe('read-empty');
    }
  });

  it('streams records across read-chunk boundaries in order', async () => {
    // 40 records of 120 000 samples, uncompressed: about 9.6 MB, so records straddle the 4 MiB chunks.
    const records = Array.from({ length: 40 }, (_, i) => ({ ...RECORDS[2]!, readId: `r${i}`, rawSignal: signalOf(120_000, i + 1) }));
    const file = path.join(folder, 'many.blow5');
    fs.writeFileSync(file, encodeSlow5File(HEADER, records, { recordCompression: 'none', signalCompression: 'none' }));
    let count = 0;
    for await (const record of (await openSlow5(file)).records()) {
      expect(record.readId).toBe(`r${count}`);
      expectSameSignal(record.rawSignal, records[count]!.rawSignal);
      count++;
    }
    expect(count).toBe(40);
  });

  it('abort() leaves no file behind', async () => {
    const file = path.join(folder, 'aborted.blow5');
    const writer = await Slow5Writer.open(file, HEADER);
    await writer.write(RECORDS[0]!);
    await writer.abort();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(folder).filter((name) => name.includes('aborted'))).toEqual([]);
  });

  it('refuses a value its aux type cannot hold', () => {
    const bad = { ...RECORDS[1]!, aux: auxOf({ i8: 200 }) };
    expect(() => encodeSlow5File(HEADER, [bad])).toThrow(/aux field "i8" \(int8_t\) cannot hold 200/);
  });
});

describe('the .idx index and random access', () => {
  for (const format of ['blow5', 'slow5'] as const) {
    it(`${format}: builds slow5lib's index and fetches every read by id`, async () => {
      const file = path.join(folder, `indexed.${format}`);
      fs.writeFileSync(file, encodeSlow5File(HEADER, RECORDS, { format }));
      expect(await buildSlow5Index(file)).toEqual({ records: 3 });
      const index = fs.readFileSync(`${file}.idx`);
      expect(index.subarray(0, 9).toString('latin1')).toBe('SLOW5IDX\u0001');
      expect(Array.from(index.subarray(9, 12))).toEqual([0, 2, 0]);
      expect(index.subarray(-8).toString('latin1')).toBe('XDI5WOLS');
      const reader = await Blow5IndexedReader.open(file);
      expect(reader.readIds()).toEqual(RECORDS.map((r) => r.readId));
      for (const record of [...RECORDS].reverse()) expect(plain((await reader.get(record.readId))!)).toEqual(plain(record));
      expect(await reader.get('absent')).toBeUndefined();
      await reader.close();
    });
  }

  it('builds the index on open when asked, and refuses to open without one otherwise', async () => {
    const file = path.join(folder, 'unindexed.blow5');
    fs.writeFileSync(file, encodeSlow5File(HEADER, RECORDS));
    await expect(Blow5IndexedReader.open(file)).rejects.toThrow(/no index .*unindexed\.blow5\.idx/);
    const reader = await Blow5IndexedReader.open(file, { buildIndex: true });
    expect((await reader.get('read-group-2'))!.readGroup).toBe(2);
    await reader.close();
    expect(fs.existsSync(`${file}.idx`)).toBe(true);
  });

  it('refuses a file with a read id twice', async () => {
    const file = path.join(folder, 'duplicate.blow5');
    fs.writeFileSync(file, encodeSlow5File(HEADER, [RECORDS[1]!, RECORDS[1]!]));
    await expect(buildSlow5Index(file)).rejects.toThrow(/read id "read-empty" appears twice/);
    expect(fs.existsSync(`${file}.idx`)).toBe(false);
  });
});

describe('errors name the file and the byte offset', () => {
  const good = encodeSlow5File(HEADER, RECORDS, { recordCompression: 'zlib', signalCompression: 'svb-zd' });
  const headerBytes = encodeSlow5File(HEADER, [], { recordCompression: 'zlib', signalCompression: 'svb-zd' }).length - 5;
  /** Offset of the second record's u64 size. */
  const secondRecord = headerBytes + 8 + Number(new DataView(good.buffer).getBigUint64(headerBytes, true));

  async function failure(bytes: Uint8Array, name: string): Promise<HtsError> {
    const file = path.join(folder, name);
    fs.writeFileSync(file, bytes);
    try {
      await readAll(file);
    } catch (error) {
      expect(error).toBeInstanceOf(HtsError);
      expect((error as Error).message).not.toContain('\n');
      return error as HtsError;
    }
    throw new Error(`${name} was read without an error`);
  }

  it('a bad magic', async () => {
    const bytes = good.slice();
    bytes[0] = 0x00;
    const error = await failure(bytes, 'bad-magic.blow5');
    expect(error.message).toMatch(/bad-magic\.blow5 \(byte offset 0\): not a SLOW5 or BLOW5 file/);
  });

  it('a file cut before its EOF marker is truncated, at the offset where it stops', async () => {
    const error = await failure(good.subarray(0, good.length - 5), 'no-eof.blow5');
    expect(error.message).toBe(
      `${path.join(folder, 'no-eof.blow5')} (byte offset ${good.length - 5}): truncated BLOW5 file: it ends without the end-of-file marker 5WOLB`,
    );
    const cut = await failure(good.subarray(0, good.length - 3), 'cut-eof.blow5');
    expect(cut.message).toMatch(/\(byte offset \d+\): truncated BLOW5 file: it ends with 2 bytes/);
  });

  it('a record cut short and a record size past the end', async () => {
    const error = await failure(good.subarray(0, secondRecord + 20), 'cut-record.blow5');
    expect(error.message).toMatch(
      new RegExp(
        `\\(byte offset ${secondRecord}\\): corrupt BLOW5 record: its size \\d+ runs past the end of the file \\(12 bytes left\\)`,
      ),
    );
  });

  it('a corrupt zlib record is a decompression failure', async () => {
    const bytes = good.slice();
    bytes[headerBytes + 8] ^= 0xff; // the zlib header byte of the first record
    const error = await failure(bytes, 'bad-zlib.blow5');
    expect(error.message).toMatch(
      new RegExp(`\\(record 0 at byte offset ${headerBytes}\\): corrupt BLOW5 record: zlib decompression failed`),
    );
  });

  it('a signal length that does not match the record', async () => {
    const plainFile = encodeSlow5File(HEADER, [RECORDS[2]!], { recordCompression: 'none', signalCompression: 'none' });
    const start = encodeSlow5File(HEADER, [], { recordCompression: 'none', signalCompression: 'none' }).length - 5;
    const bytes = plainFile.slice();
    // The signal length field: after the u64 size, u16 id length, the id, u32 group and 4 doubles.
    const lengthField = start + 8 + 2 + 'read-group-2'.length + 4 + 32;
    new DataView(bytes.buffer).setBigUint64(lengthField, 100000n, true);
    const error = await failure(bytes, 'bad-length.blow5');
    expect(error.message).toMatch(
      new RegExp(`\\(record 0 at byte offset ${start}\\): signal length mismatch: record "read-group-2" states 100000 samples`),
    );
  });

  it('an unknown aux type in the header', async () => {
    const text =
      '#slow5_version\t0.2.0\n#num_read_groups\t1\n@run_id\tr\n#char*\tuint32_t\tdouble\tdouble\tdouble\tdouble\tuint64_t\tint16_t*\tint128_t\n#read_id\tread_group\tdigitisation\toffset\trange\tsampling_rate\tlen_raw_signal\traw_signal\tbig\n';
    const error = await failure(new TextEncoder().encode(text), 'bad-aux.slow5');
    expect(error.message).toMatch(/bad-aux\.slow5 \(byte offset 50\): unknown aux type "int128_t" for field "big"/);
  });

  it('a read-group count no header line confirms is refused before anything is allocated for it', async () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(10, 50_000_000, true);
    const error = await failure(bytes, 'many-groups.blow5');
    expect(error.message).toMatch(
      /many-groups\.blow5 \(byte offset \d+\): the header declares 50000000 read groups but its first attribute line has 3 values/,
    );
  });

  it('a header text size past any real header', async () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(64, 0xfffffff0, true);
    const error = await failure(bytes, 'huge-header.blow5');
    expect(error.message).toMatch(/huge-header\.blow5 \(byte offset 64\): corrupt BLOW5 header: a header text of 4294967280 bytes/);
  });

  it('a SLOW5 text signal length larger than its column could hold', async () => {
    const text = new TextDecoder().decode(encodeSlow5File(HEADER, [RECORDS[2]!], { format: 'slow5' }));
    const changed = text.replace('\t5000.5\t1\t', '\t5000.5\t99999999999999999999\t');
    const error = await failure(new TextEncoder().encode(changed), 'huge-length.slow5');
    expect(error.message).toMatch(/len_raw_signal 100000000000000000000 does not fit its raw_signal column/);
  });

  it('an enum index without a label in a BLOW5 record', async () => {
    const bytes = encodeSlow5File(HEADER, RECORDS, { recordCompression: 'none', signalCompression: 'none' });
    const labels = 'unknown,partial,mux_change,unblock_mux_change,signal_positive,signal_negative';
    const at = Buffer.from(bytes).indexOf(labels);
    expect(at).toBeGreaterThan(0);
    // Same length, three labels: the record's end_reason 4 names none of them.
    bytes.set(new TextEncoder().encode('unknown_partial_mux_change_unblock_mux_change,signal_positive,signal_negative'), at);
    const error = await failure(bytes, 'enum.blow5');
    expect(error.message).toMatch(/corrupt BLOW5 record: aux field "end_reason" holds enum index 4, which has no label \(3 labels\)/);
  });

  it('bytes after the EOF marker', async () => {
    const bytes = new Uint8Array(good.length + 3);
    bytes.set(good);
    const error = await failure(bytes, 'after-eof.blow5');
    expect(error.message).toMatch(/bytes follow the end-of-file marker 5WOLB/);
  });

  it('a SLOW5 text record with fewer samples than it states, and a last line without newline', async () => {
    const text = new TextDecoder().decode(encodeSlow5File(HEADER, [RECORDS[2]!], { format: 'slow5' }));
    const recordAt = text.indexOf('read-group-2');
    const changed = text.replace('\t5000.5\t1\t', '\t5000.5\t2\t');
    const error = await failure(new TextEncoder().encode(changed), 'short-signal.slow5');
    expect(error.message).toMatch(
      new RegExp(`\\(record 0 at byte offset ${recordAt}\\): signal length mismatch: record "read-group-2" states 2 samples but lists 1`),
    );
    const cut = await failure(new TextEncoder().encode(text.slice(0, -1)), 'no-newline.slow5');
    expect(cut.message).toMatch(new RegExp(`\\(byte offset ${recordAt}\\): truncated SLOW5 file`));
  });
});
