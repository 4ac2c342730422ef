// What `groundcam eval` evaluates when not told: the bundled default model and the centre baseline,
// on the canonical shapes test split (generated once into the cache folder).
import { ensureShapesTestSet } from '../data/shapes/test-set.js';
import { availableModels } from '../models/resolve.js';

/** The model trained on the shapes benchmark and committed under models/ (README "The bundled model"). */
export const DEFAULT_MODEL = 'albef-shapes';
export const DEFAULT_BASELINES = ['centre'];

/** With neither --model nor --baseline: the bundled model (when present) and the centre baseline. */
export function defaultJobs(log: (line: string) => void): { models: string[]; baselines: string[] } {
  const bundled = availableModels().includes(DEFAULT_MODEL);
  if (!bundled) log(`groundcam: the bundled model ${DEFAULT_MODEL} is missing from models/; evaluating the baseline only`);
  return { models: bundled ? [DEFAULT_MODEL] : [], baselines: DEFAULT_BASELINES };
}

/** Without --dataset: the canonical shapes test split. */
export async function defaultDataset(log: (line: string) => void): Promise<string> {
  return ensureShapesTestSet(undefined, {
    onGenerated: (r) => log(`groundcam: generated the shapes test split (${r.images} images, ${r.instances} phrases) into the cache`),
  });
}
