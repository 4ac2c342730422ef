// Plain tensors passed between the main thread and the inference worker (structured-clone friendly).

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array;

export interface PlainTensor {
  type: 'float32' | 'int64' | 'int32' | 'bool' | 'float16';
  data: TensorData;
  dims: number[];
}

export type Feeds = Record<string, PlainTensor>;

export const f32 = (data: Float32Array, dims: number[]): PlainTensor => ({ type: 'float32', data, dims });
export const i64 = (data: BigInt64Array, dims: number[]): PlainTensor => ({ type: 'int64', data, dims });

/** Number of elements of a shape. */
export const numel = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Buffers that can be moved (not copied) to another thread. */
export function transferables(tensors: Iterable<PlainTensor>): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const t of tensors) {
    const buf = t.data.buffer;
    if (buf instanceof ArrayBuffer && t.data.byteOffset === 0 && t.data.byteLength === buf.byteLength) seen.add(buf);
  }
  return [...seen];
}
