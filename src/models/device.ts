// Which onnxruntime execution provider a run uses: --device auto|cpu|cuda[:N].
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../util/errors.js';

export type DeviceRequest = { kind: 'auto' } | { kind: 'cpu' } | { kind: 'cuda'; deviceId: number };

/** Parses `auto`, `cpu`, `cuda` or `cuda:N`. */
export function parseDevice(text: string): DeviceRequest {
  if (text === 'auto' || text === 'cpu') return { kind: text };
  const m = /^cuda(?::(\d+))?$/.exec(text);
  if (m) return { kind: 'cuda', deviceId: m[1] === undefined ? 0 : Number(m[1]) };
  throw new UserError(`--device ${text}: expected auto, cpu, cuda or cuda:N`);
}

export const CUDA_HELP =
  'the CUDA execution provider of onnxruntime-node is not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` ' +
  'on a machine with CUDA 12 and network access to its download host (README: "Running on a GPU")';

/** True when onnxruntime-node's CUDA provider library sits next to its native binding. */
export function cudaProviderInstalled(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so')) || existsSync(path.join(dir, 'onnxruntime_providers_cuda.dll'));
  } catch {
    return false;
  }
}

export const describeDevice = (d: DeviceRequest): string => (d.kind === 'cuda' ? `cuda:${d.deviceId}` : d.kind);
