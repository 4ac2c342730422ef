import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/util/cache-dir.js';

describe('defaultCacheDir', () => {
  it('prefers $GROUNDCAM_CACHE, then $XDG_CACHE_HOME/groundcam, then ~/.cache/groundcam', () => {
    expect(defaultCacheDir({ GROUNDCAM_CACHE: '/x/gc', XDG_CACHE_HOME: '/y' })).toBe(path.resolve('/x/gc'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/y' })).toBe(path.resolve('/y/groundcam'));
    expect(defaultCacheDir({})).toBe(path.join(homedir(), '.cache', 'groundcam'));
    expect(defaultCacheDir({ GROUNDCAM_CACHE: '' })).toBe(path.join(homedir(), '.cache', 'groundcam'));
  });
});
