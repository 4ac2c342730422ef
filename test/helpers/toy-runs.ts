// Real runs for the end-to-end tests: `groundcam eval` of the toy contract model and the centre baseline
// on a small generated shapes set, through the CLI as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateShapes } from '../../src/data/shapes/index.js';
import { REPO } from './fixtures.js';

export const BIN = path.join(REPO, 'bin', 'groundcam.js');

export function groundcam(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ToyRuns {
  root: string;
  manifest: string;
  runsDir: string;
  toy: string;
  centre: string;
}

/** Evaluates the toy model and the centre baseline on `limit` instances of a fresh shapes split. */
export async function makeToyRuns(limit = 30): Promise<ToyRuns> {
  const root = mkdtempSync(path.join(tmpdir(), 'gc-toy-runs-'));
  const manifest = path.join(root, 'data', 'shapes.jsonl');
  await generateShapes({ split: 'val', n: Math.ceil(limit / 2.5), seed: 11, imagesDir: path.join(root, 'data', 'images'), out: manifest });
  const runsDir = path.join(root, 'runs');
  const r = groundcam(['eval', '--model', path.join(REPO, 'fixtures/models/toy'), '--baseline', 'centre', '--dataset', manifest, '--runs-dir', runsDir, '--limit', String(limit), '--no-tui', '--threads', '1']);
  if (r.code !== 0) throw new Error(`groundcam eval failed: ${r.stderr}`);
  const dirs = readdirSync(runsDir).map((d) => path.join(runsDir, d));
  return { root, manifest, runsDir, toy: dirs.find((d) => d.includes('_toy_'))!, centre: dirs.find((d) => d.includes('_centre_'))! };
}
