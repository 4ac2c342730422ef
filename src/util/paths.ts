import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The groundcam package folder (holding package.json), whether running from src/ or dist/. */
export const PACKAGE_ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('groundcam: cannot find the package root (package.json)');
    dir = parent;
  }
  return dir;
})();

/** The bundled models folder. */
export const BUNDLED_MODELS_DIR = path.join(PACKAGE_ROOT, 'models');
