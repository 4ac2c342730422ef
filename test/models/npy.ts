// Minimal reader of NumPy .npy files (format 1.0/2.0, little-endian float32 / int64, C order), for the
// goldens that `python -m models.fixtures` writes next to the fixture models.
import { readFileSync } from 'node:fs';

export interface NpyArray {
  dtype: 'float32' | 'int64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

export function readNpy(file: string): NpyArray {
  const bytes = readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${file}: bad header ${header}`);
  if (fortran === 'True') throw new Error(`${file}: Fortran order is not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const offset = start + headerLength;
  const body = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length);
  if (descr === '<f4') return { dtype: 'float32', shape, data: new Float32Array(body) };
  if (descr === '<i8') return { dtype: 'int64', shape, data: new BigInt64Array(body) };
  throw new Error(`${file}: dtype ${descr} is not supported`);
}
