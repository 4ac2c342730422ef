// The inference worker: owns the onnxruntime sessions of one model so that `session.run`, which blocks
// its thread, never freezes the main thread (UI, image decoding, metrics). Messages: see WorkerRequest.
import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { CUDA_HELP, cudaProviderInstalled, type DeviceRequest } from './device.js';
import { transferables, type Feeds, type PlainTensor } from './tensor.js';

export interface WorkerInit {
  graphFiles: Record<string, string>;
  device: DeviceRequest;
  threads: number;
  verbose: boolean;
}

export type WorkerRequest =
  | { op: 'run'; id: number; graph: string; feeds: Feeds; fetch?: string[] }
  /** Runs the image graph and keeps its outputs in this thread under `key` (the last few keys are kept). */
  | { op: 'image'; id: number; key: string; feeds: Feeds }
  /** Runs the cam graph on the kept outputs of `key` plus `feeds`. */
  | { op: 'cam'; id: number; key: string; feeds: Feeds; fetch?: string[] }
  | { op: 'close'; id: number };

export type WorkerReply =
  | { op: 'ready'; provider: 'cpu' | 'cuda'; note: string | null; io: Record<string, { inputs: string[]; outputs: string[] }> }
  | { op: 'result'; id: number; outputs: Record<string, PlainTensor> }
  | { op: 'kept'; id: number; dims: Record<string, number[]> }
  | { op: 'error'; id: number; message: string };

const KEEP = 4;

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  const ortModule = await import('onnxruntime-node');
  const ort = ((ortModule as unknown as { default?: typeof ortModule }).default ?? ortModule) as typeof ortModule;
  // Native logs bypass the terminal UI: keep them to fatal unless asked for.
  ort.env.logLevel = init.verbose ? 'warning' : 'fatal';

  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: init.threads,
    interOpNumThreads: 1,
    // Idle pool threads must not spin: between runs the main thread decodes images and scores instances
    // on the same cores (measured: half the CPU time on a tight loop, and faster wall time).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  let provider: 'cpu' | 'cuda' = 'cpu';
  let note: string | null = null;
  const sessions: Record<string, InferenceSession> = {};
  const create = async (eps: InferenceSession.SessionOptions['executionProviders']) => {
    for (const [name, file] of Object.entries(init.graphFiles)) {
      sessions[name] = await ort.InferenceSession.create(file, { ...base, executionProviders: eps });
    }
  };
  const d = init.device;
  if (d.kind === 'cuda' || (d.kind === 'auto' && cudaProviderInstalled())) {
    const deviceId = d.kind === 'cuda' ? d.deviceId : 0;
    try {
      // ['cuda', 'cpu'] throws rather than falling back when CUDA cannot start, so CUDA is tried alone.
      await create([{ name: 'cuda', deviceId }]);
      provider = 'cuda';
    } catch (err) {
      if (d.kind === 'cuda') throw new Error(`--device cuda:${deviceId}: ${cudaProviderInstalled() ? (err as Error).message.split('\n')[0] : CUDA_HELP}`);
      note = `CUDA provider failed to start (${(err as Error).message.split('\n')[0]}); running on CPU`;
      await create(['cpu']);
    }
  } else {
    if (d.kind === 'auto') note = 'no CUDA provider installed; running on CPU (README: "Running on a GPU")';
    await create(['cpu']);
  }

  const toOrt = (feeds: Feeds): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.type, t.data as never, t.dims);
    return out;
  };
  const fromOrt = (outputs: Record<string, Tensor>): Record<string, PlainTensor> => {
    const out: Record<string, PlainTensor> = {};
    for (const [name, t] of Object.entries(outputs)) {
      let data = t.data as PlainTensor['data'];
      // Own buffer per output so that it can be transferred without detaching anything else.
      if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice() as PlainTensor['data'];
      out[name] = { type: t.type as PlainTensor['type'], data, dims: [...t.dims] };
    }
    return out;
  };
  const kept = new Map<string, Feeds>();
  const run = async (graph: string, feeds: Feeds, fetch?: string[]) => {
    const session = sessions[graph];
    if (!session) throw new Error(`the model has no "${graph}" graph`);
    const outputs = fetch ? await session.run(toOrt(feeds), fetch) : await session.run(toOrt(feeds));
    return fromOrt(outputs as Record<string, Tensor>);
  };

  const io: Record<string, { inputs: string[]; outputs: string[] }> = {};
  for (const [name, s] of Object.entries(sessions)) io[name] = { inputs: [...s.inputNames], outputs: [...s.outputNames] };
  port.postMessage({ op: 'ready', provider, note, io } satisfies WorkerReply);

  port.on('message', (req: WorkerRequest) => {
    void (async () => {
      try {
        switch (req.op) {
          case 'run': {
            const outputs = await run(req.graph, req.feeds, req.fetch);
            port.postMessage({ op: 'result', id: req.id, outputs } satisfies WorkerReply, transferables(Object.values(outputs)));
            break;
          }
          case 'image': {
            const outputs = await run('image', req.feeds);
            kept.delete(req.key);
            kept.set(req.key, outputs);
            while (kept.size > KEEP) kept.delete(kept.keys().next().value!);
            const dims = Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, t.dims]));
            port.postMessage({ op: 'kept', id: req.id, dims } satisfies WorkerReply);
            break;
          }
          case 'cam': {
            const image = kept.get(req.key);
            if (!image) throw new Error(`no image outputs kept under "${req.key}"`);
            const outputs = await run('cam', { ...image, ...req.feeds }, req.fetch);
            port.postMessage({ op: 'result', id: req.id, outputs } satisfies WorkerReply, transferables(Object.values(outputs)));
            break;
          }
          case 'close': {
            for (const s of Object.values(sessions)) await s.release();
            port.postMessage({ op: 'result', id: req.id, outputs: {} } satisfies WorkerReply);
            port.close();
            break;
          }
        }
      } catch (err) {
        port.postMessage({ op: 'error', id: req.id, message: (err as Error).message } satisfies WorkerReply);
      }
    })();
  });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ op: 'error', id: -1, message: (err as Error).message } satisfies WorkerReply);
});
