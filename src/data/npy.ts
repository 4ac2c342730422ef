// NumPy .npy files (format versions 1, 2 and 3) holding float32 or float64 arrays in C order: the
// heatmaps `groundcam score` reads. Anything else is refused with a message saying how to save it.
import { readFile } from 'node:fs/promises';

export type NpyDtype = 'float32' | 'float64';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The values in C (row-major) order, in native byte order. */
  data: Float32Array | Float64Array;
}

export interface Npy2d extends NpyArray {
  shape: [number, number];
}

/** A file that is not a usable .npy; the message says what is wrong and how to fix it. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const KIND_NAMES: Record<string, string> = {
  b: 'bool',
  i: 'int',
  u: 'uint',
  f: 'float',
  c: 'complex',
  U: 'str',
  S: 'bytes',
  O: 'object',
  M: 'datetime',
  m: 'timedelta',
  V: 'void',
};

function describeDescr(descr: string): string {
  const m = /^[<>=|]?([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return `'${descr}'`;
  const kind = KIND_NAMES[m[1]!] ?? m[1]!;
  const bits = m[2] && 'biufc'.includes(m[1]!) ? String(Number(m[2]) * 8) : '';
  return `${kind}${bits} ('${descr}')`;
}

const SAVE_HINT = 'save it with np.save(path, np.ascontiguousarray(cam, dtype=np.float32))';

/** Reads a .npy held in memory: float32/float64 (either byte order), C order, any number of dimensions. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new NpyError(`not a .npy file (no \\x93NUMPY magic); ${SAVE_HINT}`);
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new NpyError(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined) throw new NpyError(`structured or unreadable dtype in .npy header ${header.trim()}; ${SAVE_HINT}`);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (fortran === undefined || shapeText === undefined) throw new NpyError(`malformed .npy header ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`malformed shape (${shapeText}) in .npy header`);

  const m = /^([<>=|]?)f([48])$/.exec(descr);
  if (!m) throw new NpyError(`dtype is ${describeDescr(descr)}, not float32 or float64; ${SAVE_HINT}`);
  if (fortran === 'True') {
    throw new NpyError(`array is stored in Fortran (column-major) order; ${SAVE_HINT}`);
  }
  const itemSize = Number(m[2]);
  const dtype: NpyDtype = itemSize === 4 ? 'float32' : 'float64';
  const bigEndian = m[1] === '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * itemSize;
  if (dataStart + byteLength > bytes.length) {
    throw new NpyError(`truncated .npy data: shape (${shape.join(', ')}) needs ${byteLength} bytes, the file holds ${bytes.length - dataStart}`);
  }
  let data: Float32Array | Float64Array;
  if (!bigEndian) {
    const copy = new Uint8Array(byteLength); // own, aligned buffer (a Node Buffer's slice() would share its pool)
    copy.set(bytes.subarray(dataStart, dataStart + byteLength));
    data = itemSize === 4 ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  } else {
    data = itemSize === 4 ? new Float32Array(count) : new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const at = dataStart + k * itemSize;
      data[k] = itemSize === 4 ? view.getFloat32(at, false) : view.getFloat64(at, false);
    }
  }
  return { dtype, shape, data };
}

/** parseNpy restricted to a non-empty 2-D array (an `h × w` heatmap grid). */
export function parseNpy2d(bytes: Uint8Array): Npy2d {
  const a = parseNpy(bytes);
  if (a.shape.length !== 2) {
    throw new NpyError(`array has ${a.shape.length} dimension${a.shape.length === 1 ? '' : 's'} (shape (${a.shape.join(', ')})), expected a 2-D h × w grid`);
  }
  if (a.data.length === 0) throw new NpyError(`array is empty (shape (${a.shape.join(', ')}))`);
  return a as Npy2d;
}

/** Reads a 2-D float .npy file; errors (missing file, wrong dtype...) are NpyErrors naming the file. */
export async function readNpy2d(file: string): Promise<Npy2d> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NpyError(`${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return parseNpy2d(bytes);
  } catch (err) {
    if (err instanceof NpyError) throw new NpyError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Encodes a float32/float64 array as a version-1 little-endian C-order .npy file. */
export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (le) out.set(body, 10 + header.length);
  else {
    const v = new DataView(out.buffer, 10 + header.length);
    data.forEach((x, k) => (data instanceof Float32Array ? v.setFloat32(k * 4, x, true) : v.setFloat64(k * 8, x, true)));
  }
  return out;
}
