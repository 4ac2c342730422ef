// A restricted reader for Python pickles holding plain data only (the refer toolkit's `refs(unc).p`).
// It interprets the opcodes of protocols 0–5 that build dicts, lists, tuples, sets, strings, bytes,
// ints, floats, booleans and None, and refuses every opcode that names or calls Python code (GLOBAL,
// STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID, EXT1/2/4) or needs
// out-of-band buffers (NEXT_BUFFER, READONLY_BUFFER). Nothing in a pickle is ever executed.
//
// Python → JavaScript:
// - dict → plain object (a "__proto__" key becomes an own property, never the prototype); str keys
//   as they are, bytes keys (Python 2 str) decoded as below, int keys in decimal; other key types
//   (tuple, float, None, bool) are refused, as are a str and an int key that would read the same.
// - list and tuple → array (tuples frozen); set and frozenset → Set.
// - Python 3 str and Python 2 unicode → string.
// - Python 2 str (STRING, BINSTRING, SHORT_BINSTRING): bytes decoded as UTF-8 when they are valid
//   UTF-8, else as latin-1 (each byte one code point), unless `py2str: 'bytes'` asks for Uint8Array.
// - bytes / bytearray (protocol 3+) → Uint8Array.
// - int → number when it is a safe integer, else bigint; float → number; bool → boolean; None → null.

/** A plain value read from a pickle. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Set<PyValue>
  | { [key: string]: PyValue };

export interface PickleReadOptions {
  /** How Python 2 `str` (byte strings) come back: 'utf8-or-latin1' (default) or 'bytes'. */
  py2str?: 'utf8-or-latin1' | 'bytes';
}

export const PICKLE_READ_DEFAULTS: Required<PickleReadOptions> = { py2str: 'utf8-or-latin1' };

/** A pickle that cannot be read as plain data; `offset` is the byte offset of the opcode at fault. */
export class PickleError extends Error {
  constructor(
    readonly offset: number,
    readonly opcode: string | undefined,
    readonly reason: string,
  ) {
    super(opcode === undefined ? `${reason} (at byte ${offset})` : `${reason} (opcode ${opcode} at byte ${offset})`);
    this.name = 'PickleError';
  }
}

// Opcodes that would import, call or look up Python objects: refused, never interpreted.
const REFUSED: Record<number, string> = {
  0x63: 'GLOBAL', // 'c'
  0x93: 'STACK_GLOBAL',
  0x52: 'REDUCE', // 'R'
  0x62: 'BUILD', // 'b'
  0x69: 'INST', // 'i'
  0x6f: 'OBJ', // 'o'
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x50: 'PERSID', // 'P'
  0x51: 'BINPERSID', // 'Q'
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** Bytes of a Python 2 str as text: UTF-8 when valid, else latin-1. */
export function decodePy2Str(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function intValue(big: bigint): number | bigint {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** Two's-complement little-endian bytes → integer (LONG1/LONG4). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return intValue(v);
}

/** Python's `codecs.escape_decode` of a quoted protocol-0 STRING argument (without its quotes). */
function escapeDecode(body: string, at: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x5c) {
      if (c > 0xff) throw new PickleError(at, 'STRING', 'non-latin-1 character in a protocol-0 string');
      out.push(c);
      continue;
    }
    i += 1;
    const e = body[i];
    if (e === undefined) throw new PickleError(at, 'STRING', 'string ends with a lone backslash');
    const simple: Record<string, number> = { '\\': 0x5c, "'": 0x27, '"': 0x22, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (e in simple) out.push(simple[e]!);
    else if (e === '\n') continue;
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new PickleError(at, 'STRING', 'invalid \\x escape in a protocol-0 string');
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      let j = i;
      while (j < i + 3 && j < body.length && body[j]! >= '0' && body[j]! <= '7') j++;
      out.push(parseInt(body.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else {
      out.push(0x5c, e.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/** Python's `raw-unicode-escape` decoding (protocol-0 UNICODE): latin-1 bytes plus \uXXXX / \UXXXXXXXX. */
function rawUnicodeEscapeDecode(bytes: Uint8Array, at: number): string {
  let s = '';
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0x5c) {
      s += String.fromCharCode(bytes[i]!);
      i++;
      continue;
    }
    const start = i;
    while (i < bytes.length && bytes[i] === 0x5c) i++;
    const run = i - start;
    const next = bytes[i];
    // An escape only when the backslash run is odd and followed by u/U (CPython's rule).
    if (run % 2 === 0 || (next !== 0x75 && next !== 0x55)) {
      s += '\\'.repeat(run);
      continue;
    }
    s += '\\'.repeat(run - 1);
    const n = next === 0x75 ? 4 : 8;
    const hex = latin1(bytes.subarray(i + 1, i + 1 + n));
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) {
      throw new PickleError(at, 'UNICODE', 'truncated \\u escape in a protocol-0 unicode string');
    }
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) throw new PickleError(at, 'UNICODE', '\\U escape beyond U+10FFFF');
    s += String.fromCodePoint(cp);
    i += 1 + n;
  }
  return s;
}

/** The decimal integer of a protocol-0 INT/LONG line, as Python's int() reads it. */
function parseDecimal(text: string, at: number, opcode: string): number | bigint {
  const t = text.trim().replace(/_/g, '');
  if (!/^[+-]?\d+$/.test(t)) throw new PickleError(at, opcode, `invalid integer ${JSON.stringify(text)}`);
  return intValue(BigInt(t));
}

function parseFloatText(text: string, at: number): number {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new PickleError(at, 'FLOAT', `invalid float ${JSON.stringify(text)}`);
  return v;
}

function isDict(v: StackItem | undefined): v is { [key: string]: PyValue } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Set)
  );
}

/** Reads one pickle from `data` and returns the plain value it holds. */
export function readPickle(data: Uint8Array, options: PickleReadOptions = {}): PyValue {
  const opts = { ...PICKLE_READ_DEFAULTS, ...options };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: StackItem[] = [];
  // Bytes as a Buffer view (no copy), for fast latin-1 slices of ASCII strings.
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // The memo as an array (indices are dense in practice); `memoSize` counts the stored entries.
  const memo: (PyValue | undefined)[] = [];
  let memoSize = 0;
  // Dict keys that came from ints, per dict (only dicts that have any): str and int keys must not collide.
  const intKeys = new WeakMap<object, Set<string>>();
  let pos = 0;
  let opAt = 0;
  let opName = '';

  const fail = (reason: string): never => {
    throw new PickleError(opAt, opName, reason);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > data.length) fail(`pickle ends early: needs ${n} more byte(s), ${data.length - pos} left`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const b = data.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  /** Reads n bytes of text: ASCII directly, else UTF-8 (or, for Python 2 str, UTF-8-or-latin-1). */
  const text = (n: number, py2: boolean): PyValue => {
    need(n);
    const start = pos;
    pos += n;
    if (py2 && opts.py2str === 'bytes') return Uint8Array.from(data.subarray(start, pos));
    let ascii = true;
    for (let i = start; i < pos; i++) {
      if (data[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return buf.toString('latin1', start, pos);
    const bytes = data.subarray(start, pos);
    return py2 ? decodePy2Str(bytes) : utf8(bytes);
  };
  const u8 = (): number => {
    need(1);
    return data[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.length)) fail(`length ${v} is larger than the whole pickle`);
    return Number(v);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('pickle ends inside a text argument (no newline)');
    const text = latin1(data.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const push = (v: PyValue): void => {
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    const v = stack.pop()!;
    if (v === MARK) fail('unexpected mark on the stack');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined) fail('stack underflow');
    if (v === MARK) fail('unexpected mark on the stack');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const k = stack.lastIndexOf(MARK);
    if (k < 0) fail('no mark on the stack');
    const items = stack.splice(k) as PyValue[];
    items.shift();
    return items;
  };
  const py2str = (bytes: Uint8Array): PyValue =>
    opts.py2str === 'bytes' ? Uint8Array.from(bytes) : decodePy2Str(bytes);
  const utf8 = (bytes: Uint8Array): string => {
    try {
      return utf8Strict.decode(bytes);
    } catch {
      // Python 2 could write lone surrogates into BINUNICODE; keep them readable rather than fail.
      return utf8Lenient.decode(bytes);
    }
  };
  const dictKey = (k: PyValue): string => {
    if (typeof k === 'string') return k;
    if (k instanceof Uint8Array) return decodePy2Str(k);
    if (typeof k === 'bigint' || (typeof k === 'number' && Number.isInteger(k))) return String(k);
    const kind =
      k === null ? 'None' : Array.isArray(k) ? 'tuple' : k instanceof Set ? 'set' : typeof k === 'number' ? 'float' : typeof k === 'boolean' ? 'bool' : typeof k;
    return fail(`dict key of type ${kind} is not supported (only str and int keys)`);
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!isDict(dict)) fail('SETITEM(S) on something that is not a dict');
    const d = dict as { [key: string]: PyValue };
    if (items.length % 2 !== 0) fail('odd number of items for a dict');
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      const key = dictKey(k);
      const ints = intKeys.get(d);
      const fromInt = typeof k === 'number' || typeof k === 'bigint';
      const had = Object.prototype.hasOwnProperty.call(d, key);
      if (had && fromInt !== (ints?.has(key) ?? false)) {
        fail(`dict keys ${JSON.stringify(key)} (a str and an int) would read the same as text`);
      }
      if (fromInt) {
        if (ints === undefined) intKeys.set(d, new Set([key]));
        else ints.add(key);
      }
      if (key === '__proto__') Object.defineProperty(d, key, { value: items[i + 1]!, writable: true, enumerable: true, configurable: true });
      else d[key] = items[i + 1]!;
    }
  };
  const appendItems = (list: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(list) || Object.isFrozen(list)) fail('APPEND(S) on something that is not a list');
    for (const it of items) (list as PyValue[]).push(it);
  };
  const addItems = (set: PyValue, items: PyValue[]): void => {
    if (!(set instanceof Set)) fail('ADDITEMS on something that is not a set');
    for (const it of items) (set as Set<PyValue>).add(it);
  };
  const newDict = (): { [key: string]: PyValue } => ({});
  const tuple = (items: PyValue[]): PyValue => Object.freeze(items) as PyValue[];
  const memoPut = (i: number, v: PyValue): void => {
    if (i > data.length) fail(`memo index ${i} is larger than the whole pickle`);
    if (memo[i] === undefined) memoSize += 1;
    memo[i] = v;
  };
  const memoGet = (i: number): PyValue => {
    const v = memo[i];
    if (v === undefined) fail(`memo index ${i} was never stored`);
    return v as PyValue;
  };

  for (;;) {
    if (pos >= data.length) {
      throw new PickleError(pos, undefined, 'pickle ends without a STOP opcode');
    }
    opAt = pos;
    const op = data[pos++]!;
    const refused = REFUSED[op];
    if (refused !== undefined) {
      opName = refused;
      let what = '';
      if (op === 0x63 || op === 0x69) {
        // GLOBAL/INST carry "module\nname\n": read them only to say what the pickle asked for.
        const end1 = data.indexOf(0x0a, pos);
        const end2 = end1 < 0 ? -1 : data.indexOf(0x0a, end1 + 1);
        if (end2 > 0) what = ` ${latin1(data.subarray(pos, end1))}.${latin1(data.subarray(end1 + 1, end2))}`;
      }
      throw new PickleError(
        opAt,
        refused,
        `refused: this pickle asks for Python code or objects${what}; groundcam reads plain data only and never executes a pickle`,
      );
    }
    switch (op) {
      // --- framing and control -------------------------------------------------------------
      case 0x80: // PROTO
        opName = 'PROTO';
        if (u8() > 5) fail('pickle protocol above 5 is not supported');
        break;
      case 0x95: // FRAME: a length hint only
        opName = 'FRAME';
        u64();
        break;
      case 0x2e: // '.' STOP
        opName = 'STOP';
        {
          const v = pop();
          if (stack.length !== 0) fail(`${stack.length} item(s) left on the stack at STOP`);
          return v;
        }
      case 0x28: // '(' MARK
        opName = 'MARK';
        stack.push(MARK);
        break;
      case 0x31: // '1' POP_MARK
        opName = 'POP_MARK';
        popMark();
        break;
      case 0x30: // '0' POP
        opName = 'POP';
        if (stack.length === 0) fail('stack underflow');
        stack.pop();
        break;
      case 0x32: // '2' DUP
        opName = 'DUP';
        push(top());
        break;
      // --- memo ------------------------------------------------------------------------------
      case 0x70: // 'p' PUT
        opName = 'PUT';
        memoPut(Number(parseDecimal(line(), opAt, opName)), top());
        break;
      case 0x71: // 'q' BINPUT
        opName = 'BINPUT';
        memoPut(u8(), top());
        break;
      case 0x72: // 'r' LONG_BINPUT
        opName = 'LONG_BINPUT';
        memoPut(u32(), top());
        break;
      case 0x94: // MEMOIZE
        opName = 'MEMOIZE';
        memoPut(memoSize, top());
        break;
      case 0x67: // 'g' GET
        opName = 'GET';
        push(memoGet(Number(parseDecimal(line(), opAt, opName))));
        break;
      case 0x68: // 'h' BINGET
        opName = 'BINGET';
        push(memoGet(u8()));
        break;
      case 0x6a: // 'j' LONG_BINGET
        opName = 'LONG_BINGET';
        push(memoGet(u32()));
        break;
      // --- constants -------------------------------------------------------------------------
      case 0x4e: // 'N' NONE
        opName = 'NONE';
        push(null);
        break;
      case 0x88: // NEWTRUE
        opName = 'NEWTRUE';
        push(true);
        break;
      case 0x89: // NEWFALSE
        opName = 'NEWFALSE';
        push(false);
        break;
      // --- numbers ---------------------------------------------------------------------------
      case 0x49: // 'I' INT (protocol 0; "01"/"00" are True/False)
        opName = 'INT';
        {
          const t = line();
          if (t === '01') push(true);
          else if (t === '00') push(false);
          else push(parseDecimal(t, opAt, opName));
        }
        break;
      case 0x4a: // 'J' BININT
        opName = 'BININT';
        push(i32());
        break;
      case 0x4b: // 'K' BININT1
        opName = 'BININT1';
        push(u8());
        break;
      case 0x4d: // 'M' BININT2
        opName = 'BININT2';
        push(u16());
        break;
      case 0x4c: // 'L' LONG (protocol 0: "123L")
        opName = 'LONG';
        push(parseDecimal(line().replace(/L$/, ''), opAt, opName));
        break;
      case 0x8a: // LONG1
        opName = 'LONG1';
        push(decodeLong(take(u8())));
        break;
      case 0x8b: // LONG4
        opName = 'LONG4';
        {
          const n = i32();
          if (n < 0) fail('negative LONG4 length');
          push(decodeLong(take(n)));
        }
        break;
      case 0x46: // 'F' FLOAT
        opName = 'FLOAT';
        push(parseFloatText(line(), opAt));
        break;
      case 0x47: // 'G' BINFLOAT (big-endian double)
        opName = 'BINFLOAT';
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      // --- strings and bytes ------------------------------------------------------------------
      case 0x53: // 'S' STRING: a quoted Python 2 str literal
        opName = 'STRING';
        {
          const t = line().replace(/\r$/, '');
          const q = t[0];
          if (t.length < 2 || (q !== "'" && q !== '"') || t[t.length - 1] !== q) {
            fail('the STRING argument is not a quoted string');
          }
          push(py2str(escapeDecode(t.slice(1, -1), opAt)));
        }
        break;
      case 0x54: // 'T' BINSTRING
        opName = 'BINSTRING';
        {
          const n = i32();
          if (n < 0) fail('negative BINSTRING length');
          push(text(n, true));
        }
        break;
      case 0x55: // 'U' SHORT_BINSTRING
        opName = 'SHORT_BINSTRING';
        push(text(u8(), true));
        break;
      case 0x56: // 'V' UNICODE (raw-unicode-escape)
        opName = 'UNICODE';
        {
          const end = data.indexOf(0x0a, pos);
          if (end < 0) fail('pickle ends inside a text argument (no newline)');
          const bytes = data.subarray(pos, end);
          pos = end + 1;
          push(rawUnicodeEscapeDecode(bytes, opAt));
        }
        break;
      case 0x58: // 'X' BINUNICODE
        opName = 'BINUNICODE';
        push(text(u32(), false));
        break;
      case 0x8c: // SHORT_BINUNICODE
        opName = 'SHORT_BINUNICODE';
        push(text(u8(), false));
        break;
      case 0x8d: // BINUNICODE8
        opName = 'BINUNICODE8';
        push(text(u64(), false));
        break;
      case 0x42: // 'B' BINBYTES
        opName = 'BINBYTES';
        push(Uint8Array.from(take(u32())));
        break;
      case 0x43: // 'C' SHORT_BINBYTES
        opName = 'SHORT_BINBYTES';
        push(Uint8Array.from(take(u8())));
        break;
      case 0x8e: // BINBYTES8
        opName = 'BINBYTES8';
        push(Uint8Array.from(take(u64())));
        break;
      case 0x96: // BYTEARRAY8
        opName = 'BYTEARRAY8';
        push(Uint8Array.from(take(u64())));
        break;
      // --- containers ------------------------------------------------------------------------
      case 0x7d: // '}' EMPTY_DICT
        opName = 'EMPTY_DICT';
        push(newDict());
        break;
      case 0x64: // 'd' DICT
        opName = 'DICT';
        {
          const items = popMark();
          const d = newDict();
          setItems(d, items);
          push(d);
        }
        break;
      case 0x73: // 's' SETITEM
        opName = 'SETITEM';
        {
          const v = pop();
          const k = pop();
          setItems(top(), [k, v]);
        }
        break;
      case 0x75: // 'u' SETITEMS
        opName = 'SETITEMS';
        {
          const items = popMark();
          setItems(top(), items);
        }
        break;
      case 0x5d: // ']' EMPTY_LIST
        opName = 'EMPTY_LIST';
        push([]);
        break;
      case 0x6c: // 'l' LIST
        opName = 'LIST';
        push(popMark());
        break;
      case 0x61: // 'a' APPEND
        opName = 'APPEND';
        {
          const v = pop();
          appendItems(top(), [v]);
        }
        break;
      case 0x65: // 'e' APPENDS
        opName = 'APPENDS';
        {
          const items = popMark();
          appendItems(top(), items);
        }
        break;
      case 0x29: // ')' EMPTY_TUPLE
        opName = 'EMPTY_TUPLE';
        push(tuple([]));
        break;
      case 0x74: // 't' TUPLE
        opName = 'TUPLE';
        push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        opName = 'TUPLE1';
        push(tuple([pop()]));
        break;
      case 0x86: // TUPLE2
        opName = 'TUPLE2';
        {
          const b = pop();
          const a = pop();
          push(tuple([a, b]));
        }
        break;
      case 0x87: // TUPLE3
        opName = 'TUPLE3';
        {
          const c = pop();
          const b = pop();
          const a = pop();
          push(tuple([a, b, c]));
        }
        break;
      case 0x8f: // EMPTY_SET
        opName = 'EMPTY_SET';
        push(new Set<PyValue>());
        break;
      case 0x90: // ADDITEMS
        opName = 'ADDITEMS';
        {
          const items = popMark();
          addItems(top(), items);
        }
        break;
      case 0x91: // FROZENSET
        opName = 'FROZENSET';
        push(new Set<PyValue>(popMark()));
        break;
      default:
        throw new PickleError(
          opAt,
          `0x${op.toString(16).padStart(2, '0')}`,
          'unknown opcode: not a pickle, or a corrupt one',
        );
    }
  }
}
