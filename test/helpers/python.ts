// Finds a Python with numpy for the tests that run the numpy reference live (.venv first, as .ci/run makes it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let cached: string | null | undefined;

/** A python executable that can `import numpy`, or null. */
export function pythonWithNumpy(): string | null {
  if (cached !== undefined) return cached;
  const candidates = [`${ROOT}.venv/bin/python`, 'python3'];
  cached = null;
  for (const py of candidates) {
    if (py.includes('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' });
    if (r.status === 0) {
      cached = py;
      break;
    }
  }
  return cached;
}
