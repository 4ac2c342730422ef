// Where groundcam keeps what it can regenerate (the shapes test split, ...).
import { homedir } from 'node:os';
import path from 'node:path';

/** `$GROUNDCAM_CACHE`, else `$XDG_CACHE_HOME/groundcam`, else `~/.cache/groundcam`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GROUNDCAM_CACHE) return path.resolve(env.GROUNDCAM_CACHE);
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.resolve(base, 'groundcam');
}
