import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePy2Str, PickleError, readPickle, type PyValue } from '../../src/data/pickle.js';
import { PICKLES } from '../helpers/fixtures.js';

const load = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(PICKLES, name)));
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

// What scripts/make_pickle_fixtures.py pickles (cpython_plain()), as groundcam reads it.
const PLAIN = {
  none: null,
  true: true,
  false: false,
  small: 7,
  neg: -3,
  int16: 40000,
  int32: -(2 ** 31),
  big: 2 ** 40,
  huge: 2n ** 70n,
  neghuge: -(2n ** 70n),
  float: 1.5,
  negfloat: -0.1,
  inf: Infinity,
  str: 'hello',
  unicode: 'naïve café ☕ 𝔘',
  escapes: 'back\\slash\nnew\rline\x00nul \\u0041 end',
  empty_str: '',
  list: [1, 2, 3],
  one: [42],
  empty_list: [],
  tuple0: [],
  tuple1: [1],
  tuple2: [1, 'a'],
  tuple3: [1, 2, 3],
  tuple5: [1, 2, 3, 4, 5],
  nested: { a: [{ b: null }] },
  intkeys: { '1': 'one', '2': 'two' },
  shared1: ['shared', 1],
  shared2: ['shared', 1],
  long_list: Array.from({ length: 1100 }, (_, i) => i),
};

describe('readPickle on pickles written by CPython 3', () => {
  it.each([0, 1, 2, 3, 4, 5])('protocol %i: plain data comes back exactly', (proto) => {
    const v = readPickle(load(`cpython3-plain-p${proto}.pickle`)) as Record<string, PyValue>;
    expect(v).toEqual(PLAIN);
    expect(Object.keys(v)).toEqual(Object.keys(PLAIN)); // insertion order kept
    expect(v.shared1).toBe(v.shared2); // memo: one list, referenced twice
    expect(Object.isFrozen(v.tuple2)).toBe(true); // tuples are frozen arrays
    expect(Object.isFrozen(v.list)).toBe(false);
    expect(typeof v.huge).toBe('bigint');
  });

  it.each([3, 4, 5])('protocol %i: bytes → Uint8Array', (proto) => {
    expect(readPickle(load(`cpython3-bytes-p${proto}.pickle`))).toEqual({
      bytes: Uint8Array.from([0, 255, 97, 98]),
      empty_bytes: new Uint8Array(0),
    });
  });

  it.each([4, 5])('protocol %i: set and frozenset → Set', (proto) => {
    expect(readPickle(load(`cpython3-sets-p${proto}.pickle`))).toEqual({ set: new Set([1, 2, 3]), frozenset: new Set(['a']) });
  });

  it('protocol 5: bytearray (BYTEARRAY8)', () => {
    expect(readPickle(load('cpython3-bytearray-p5.pickle'))).toEqual({ ba: Uint8Array.from([120, 121, 122]) });
  });
});

describe('readPickle on Python-2-style pickles (protocol 2, BINSTRING / SHORT_BINSTRING)', () => {
  const MIXED = {
    str: 'plain',
    utf8: 'café',
    latin1: 'naïve',
    unicode: 'ünï ☕',
    long_str: 'y'.repeat(300),
    int64: 2 ** 40,
    negint64: -(2 ** 40),
    long: 5,
    biglong: 2n ** 70n,
    neglong: -300,
    zerolong: 0,
    float: 0.25,
    none: null,
    true: true,
    false: false,
    tuple: [1, 'a', null],
    tuple4: [1, 2, 3, 4],
    empty_tuple: [],
    shared_a: ['x'],
    shared_b: ['x'],
    one_item: { k: 1 },
    empty: [],
  };

  it('decodes str as UTF-8 when valid, else latin-1; unicode, 64-bit INT, LONG1, tuples, memo', () => {
    const v = readPickle(load('py2-style-mixed.pickle')) as Record<string, PyValue>;
    expect(v).toEqual(MIXED);
    expect(v.shared_a).toBe(v.shared_b);
  });

  it("py2str: 'bytes' keeps Python 2 str as bytes (and dict keys as text)", () => {
    const v = readPickle(load('py2-style-mixed.pickle'), { py2str: 'bytes' }) as Record<string, PyValue>;
    expect(v.utf8).toEqual(Uint8Array.from([0x63, 0x61, 0x66, 0xc3, 0xa9]));
    expect(v.latin1).toEqual(Uint8Array.from([0x6e, 0x61, 0xef, 0x76, 0x65]));
    expect(v.unicode).toBe('ünï ☕');
  });

  it('reads the refer fixture refs(unc).p: a list of ref dicts with memoized keys past index 255', () => {
    const refs = readPickle(load('../datasets/refer/refcoco+/refs(unc).p')) as Record<string, PyValue>[];
    expect(refs).toHaveLength(47);
    expect(refs[0]).toEqual({
      image_id: 1,
      split: 'testA',
      sentences: [
        { tokens: ['woman', 'in', 'front'], raw: 'Woman in front.', sent_id: 1000, sent: 'woman in front' },
        { tokens: ['left', 'lady'], raw: 'left lady', sent_id: 1001, sent: 'left lady' },
      ],
      file_name: 'COCO_train2014_000000000001_10.jpg',
      category_id: 1,
      ann_id: 101,
      sent_ids: [1000, 1001],
      ref_id: 10,
    });
    expect(refs[46]).toMatchObject({ ref_id: 139, split: 'train', sent_ids: [2078, 2079] });
  });

  it('protocol 0 as Python 2 wrote it: quoted STRING escapes, I01/I00 booleans, L...L longs, PUT/GET', () => {
    // Checked once against CPython: pickle.loads(data, encoding='bytes') gives the same values.
    const data = bytes(
      "(lp0\n(dp1\nS'sent'\np2\nS'caf\\xc3\\xa9 \\'q\\' \\\\ \\n'\np3\nsS'ok'\np4\nI01\nsS'no'\np5\nI00\n" +
        "sS'n'\np6\nL12345678901234567890L\nsS'f'\np7\nF-1.25\nsS'u'\np8\nVna\xefve \\u2615\np9\nsg2\ng3\nsa(I7\nS\"dq\"\ntp10\na.",
    );
    expect(readPickle(data)).toEqual([
      { sent: "café 'q' \\ \n", ok: true, no: false, n: 12345678901234567890n, f: -1.25, u: 'naïve ☕' },
      [7, 'dq'],
    ]);
  });

  it('decodePy2Str: UTF-8 when valid, latin-1 otherwise', () => {
    expect(decodePy2Str(Uint8Array.from([0xe2, 0x98, 0x95]))).toBe('☕');
    expect(decodePy2Str(Uint8Array.from([0xe9, 0x74, 0xe9]))).toBe('été');
  });
});

describe('readPickle refuses anything that is not plain data', () => {
  it.each([
    ['malicious-system-p0.pickle', 'GLOBAL', 0x63],
    ['malicious-system-p2.pickle', 'GLOBAL', 0x63],
    ['malicious-system-p4.pickle', 'STACK_GLOBAL', 0x93],
    ['malicious-nested-p2.pickle', 'GLOBAL', 0x63],
  ])('%s: os.system is refused at its %s opcode, never called', (file, opcode, byte) => {
    const data = load(file);
    let err: unknown;
    try {
      readPickle(data);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PickleError);
    const pe = err as PickleError;
    expect(pe.opcode).toBe(opcode);
    expect(data[pe.offset]).toBe(byte);
    expect(pe.message).toMatch(new RegExp(`opcode ${opcode} at byte ${pe.offset}\\)$`));
    expect(pe.message).toContain('never executes a pickle');
    if (opcode === 'GLOBAL') expect(pe.message).toMatch(/(posix|os)\.system/);
  });

  it.each([
    ['REDUCE', bytes([0x80, 2], 'N)R.'), 4],
    ['BUILD', bytes([0x80, 2], '}}b.'), 4],
    ['INST', bytes('(ios\nsystem\n.'), 1],
    ['OBJ', bytes('(N)o.'), 3],
    ['NEWOBJ', bytes([0x80, 2], 'N)', [0x81], '.'), 4],
    ['NEWOBJ_EX', bytes([0x80, 4], 'N)}', [0x92], '.'), 5],
    ['PERSID', bytes('P1\n.'), 0],
    ['BINPERSID', bytes('NQ.'), 1],
    ['EXT1', bytes([0x80, 2, 0x82, 1], '.'), 2],
    ['EXT2', bytes([0x80, 2, 0x83, 1, 0], '.'), 2],
    ['EXT4', bytes([0x80, 2, 0x84, 1, 0, 0, 0], '.'), 2],
    ['STACK_GLOBAL', bytes([0x80, 4, 0x8c, 2], 'os', [0x8c, 6], 'system', [0x93], '.'), 14],
    ['NEXT_BUFFER', bytes([0x80, 5, 0x97], '.'), 2],
    ['READONLY_BUFFER', bytes([0x80, 5], 'N', [0x98], '.'), 3],
  ])('%s', (opcode, data, offset) => {
    expect(() => readPickle(data)).toThrow(PickleError);
    try {
      readPickle(data);
    } catch (e) {
      expect((e as PickleError).opcode).toBe(opcode);
      expect((e as PickleError).offset).toBe(offset);
    }
  });

  it.each([
    ['truncated data', bytes([0x80, 2], 'U', [10], 'abc'), /ends early/],
    ['no STOP', bytes([0x80, 2], 'N'), /without a STOP/],
    ['unknown opcode', bytes([0x80, 2, 0xff]), /unknown opcode/],
    ['memo index never stored', bytes([0x80, 2], 'h', [7], '.'), /memo index 7/],
    ['stack underflow', bytes('a.'), /stack underflow/],
    ['a dict key that is a tuple', bytes([0x80, 2], '}', 'K', [1], [0x85], 'N', 's.'), /dict key of type tuple/],
    ['str and int keys that read the same', bytes([0x80, 2], '}(K', [1], 'NU', [1], '1N', 'u.'), /would read the same/],
    ['items left on the stack', bytes('NN.'), /left on the stack/],
    ['protocol 6', bytes([0x80, 6], 'N.'), /protocol above 5/],
  ])('%s is an error with its offset', (_what, data, reason) => {
    expect(() => readPickle(data)).toThrow(reason);
  });

  it('a "__proto__" key is an ordinary own property, never the prototype', () => {
    const v = readPickle(bytes([0x80, 2], '}', 'U', [9], '__proto__', '}', 'U', [1], 'x', 'K', [1], 's', 's.')) as Record<string, PyValue>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ x: 1 });
    expect((v as { x?: unknown }).x).toBeUndefined();
  });
});
