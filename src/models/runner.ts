// Main-thread handle on the inference worker: promises in, tensors out, the event loop never blocked.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../util/errors.js';
import type { LoadedModel } from './card.js';
import { describeDevice, type DeviceRequest } from './device.js';
import { transferables, type Feeds, type PlainTensor } from './tensor.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';

export interface RunnerOptions {
  device: DeviceRequest;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /** Show onnxruntime's own warnings. */
  verbose?: boolean;
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The compiled worker script; under vitest (running src/*.ts) the built copy in dist/ is used. */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/models/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('groundcam: the inference worker is not built; run `npm run build`');
}

export class GraphRunner {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly provider: 'cpu' | 'cuda',
    /** One line for the user when the device differs from what was asked, else null. */
    readonly note: string | null,
    readonly io: Record<string, { inputs: string[]; outputs: string[] }>,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.op === 'ready') return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.op === 'error') p.reject(new Error(reply.message));
      else p.resolve(reply);
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`the inference worker stopped (exit code ${code})`));
    });
  }

  /** Starts a worker with sessions for every graph of the model; resolves once they are loaded. */
  static async start(model: LoadedModel, options: RunnerOptions): Promise<GraphRunner> {
    const init: WorkerInit = {
      graphFiles: model.graphFiles,
      device: options.device,
      threads: options.threads ?? availableParallelism(),
      verbose: options.verbose ?? false,
    };
    const worker = new Worker(workerUrl(), { workerData: init });
    let onMessage: (m: WorkerReply) => void = () => {};
    let onError: (err: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const ready = await new Promise<Extract<WorkerReply, { op: 'ready' }>>((resolve, reject) => {
      onMessage = (m: WorkerReply) => {
        if (m.op === 'ready') resolve(m);
        else if (m.op === 'error' && m.id === -1) reject(new UserError(`${model.dir}: cannot start the model on ${describeDevice(options.device)}: ${m.message}`));
      };
      onError = reject;
      onExit = (code) => reject(new Error(`the inference worker exited while loading (code ${code})`));
      worker.on('message', onMessage).once('error', onError).once('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    return new GraphRunner(worker, ready.provider, ready.note, ready.io);
  }

  private request(req: DistributiveOmit<WorkerRequest, 'id'>, feeds: Feeds = {}): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new Error('the runner is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transferables(Object.values(feeds)));
    });
  }

  /** Runs one graph. The feeds' buffers are moved to the worker: do not reuse them. */
  async run(graph: string, feeds: Feeds, fetch?: string[]): Promise<Record<string, PlainTensor>> {
    const reply = await this.request(fetch ? { op: 'run', graph, feeds, fetch } : { op: 'run', graph, feeds }, feeds);
    return (reply as Extract<WorkerReply, { op: 'result' }>).outputs;
  }

  /** Runs the image graph and keeps its outputs in the worker under `key`; returns their shapes. */
  async image(key: string, feeds: Feeds): Promise<Record<string, number[]>> {
    const reply = await this.request({ op: 'image', key, feeds }, feeds);
    return (reply as Extract<WorkerReply, { op: 'kept' }>).dims;
  }

  /** Runs the cam graph on the image outputs kept under `key` plus `feeds`. */
  async cam(key: string, feeds: Feeds, fetch?: string[]): Promise<Record<string, PlainTensor>> {
    const reply = await this.request(fetch ? { op: 'cam', key, feeds, fetch } : { op: 'cam', key, feeds }, feeds);
    return (reply as Extract<WorkerReply, { op: 'result' }>).outputs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.request({ op: 'close' });
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }
}
