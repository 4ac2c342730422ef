// --model NAME|DIR → a model folder: a folder holding model.json, else a bundled model (models/<name>/),
// else a folder under $GROUNDCAM_MODELS.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../util/errors.js';
import { BUNDLED_MODELS_DIR } from '../util/paths.js';

function searchDirs(env: NodeJS.ProcessEnv): string[] {
  const extra = (env.GROUNDCAM_MODELS ?? '').split(path.delimiter).filter(Boolean);
  return [BUNDLED_MODELS_DIR, ...extra];
}

/** Model folders available by name. */
export function availableModels(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>();
  for (const dir of searchDirs(env)) {
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir)) if (existsSync(path.join(dir, d, 'model.json'))) names.add(d);
  }
  return [...names].sort();
}

export function resolveModelDir(nameOrDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (existsSync(path.join(nameOrDir, 'model.json'))) return path.resolve(nameOrDir);
  for (const dir of searchDirs(env)) {
    const candidate = path.join(dir, nameOrDir);
    if (existsSync(path.join(candidate, 'model.json'))) return candidate;
  }
  const known = availableModels(env);
  throw new UserError(
    `--model ${nameOrDir}: no such model folder (a folder with model.json) and no bundled model of that name` +
      (known.length ? `; available: ${known.join(', ')}` : '') +
      '. Export one with `python -m models.export` (README "Exporting models").',
  );
}
