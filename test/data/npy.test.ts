// The .npy reader: files written by numpy (fixtures/score/heatmaps), headers of every version, refusals.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, NpyError, parseNpy, parseNpy2d, readNpy2d } from '../../src/data/npy.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/score/heatmaps/${name}`, import.meta.url));

/** A .npy with any header, written by hand (as numpy would for that version). */
function handMade(header: string, body: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const hb = new TextEncoder().encode(h);
  const out = new Uint8Array(pre + hb.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, hb.length, true);
  else v.setUint32(8, hb.length, true);
  out.set(hb, pre);
  out.set(body, pre + hb.length);
  return out;
}

describe('parseNpy', () => {
  it('reads numpy float64 and float32 files', () => {
    const f64 = parseNpy2d(fixture('00.npy'));
    expect(f64.dtype).toBe('float64');
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(f64.data.length).toBe(f64.shape[0] * f64.shape[1]);
    const f32 = parseNpy2d(fixture('01.npy'));
    expect(f32.dtype).toBe('float32');
    expect(f32.data).toBeInstanceOf(Float32Array);
  });

  it('reads version 2 and 3 headers and big-endian data', () => {
    const le = new Float64Array([1.5, -2, 3.25, 4]);
    const body = new Uint8Array(le.buffer);
    for (const version of [2, 3]) {
      const a = parseNpy(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", body, version));
      expect([...a.data]).toEqual([1.5, -2, 3.25, 4]);
      expect(a.shape).toEqual([2, 2]);
    }
    const be = new Uint8Array(16);
    const v = new DataView(be.buffer);
    v.setFloat32(0, 0.5, false);
    v.setFloat32(4, -7, false);
    v.setFloat32(8, 1e-3, false);
    v.setFloat32(12, 2, false);
    const a = parseNpy2d(handMade("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 4), }", be));
    expect([...a.data]).toEqual([0.5, -7, Math.fround(1e-3), 2]);
  });

  it('refuses integer, 3-D and Fortran-order arrays with a clear message', () => {
    expect(() => parseNpy2d(fixture('13.npy'))).toThrow(/int64.*not float32 or float64/);
    expect(() => parseNpy2d(fixture('14.npy'))).toThrow(/3 dimensions \(shape \(2, 3, 4\)\), expected a 2-D/);
    expect(() => parseNpy2d(fixture('15.npy'))).toThrow(/Fortran/);
    expect(() => parseNpy2d(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(32)))).toThrow(/1 dimension/);
    expect(() => parseNpy2d(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", new Uint8Array(0)))).toThrow(/empty/);
    expect(() => parseNpy2d(handMade("{'descr': '|b1', 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(1)))).toThrow(/bool/);
  });

  it('refuses files that are not .npy or are truncated', () => {
    expect(() => parseNpy(new TextEncoder().encode('hello, world'))).toThrow(NpyError);
    const full = fixture('00.npy');
    expect(() => parseNpy(full.subarray(0, full.length - 8))).toThrow(/truncated/);
  });

  it('round-trips through encodeNpy', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const a = parseNpy2d(encodeNpy(data, [2, 3]));
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the file when reading one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'npy-'));
    await expect(readNpy2d(path.join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: no such file/);
    writeFileSync(path.join(dir, 'int.npy'), fixture('13.npy'));
    await expect(readNpy2d(path.join(dir, 'int.npy'))).rejects.toThrow(/int\.npy: dtype is int64/);
  });
});
