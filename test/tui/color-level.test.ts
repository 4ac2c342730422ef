import { describe, expect, it } from 'vitest';
import { colorLevelOf, detectColorLevel } from '../../src/tui/color-level.js';

describe('colour level', () => {
  it('reads FORCE_COLOR, NO_COLOR, COLORTERM and TERM as chalk does', () => {
    expect(detectColorLevel({ COLORTERM: 'truecolor', TERM: 'xterm-256color' }, true)).toBe(3);
    expect(detectColorLevel({ COLORTERM: '24bit' }, true)).toBe(3);
    expect(detectColorLevel({ TERM: 'xterm-256color' }, true)).toBe(2);
    expect(detectColorLevel({ TERM: 'tmux-256color' }, true)).toBe(2);
    expect(detectColorLevel({ TERM: 'xterm' }, true)).toBe(1);
    expect(detectColorLevel({ TERM: 'xterm-kitty' }, true)).toBe(3);
    expect(detectColorLevel({ TERM: 'dumb', COLORTERM: 'truecolor' }, true)).toBe(0);
    expect(detectColorLevel({ TERM: 'xterm-256color' }, false)).toBe(0);
    expect(detectColorLevel({ NO_COLOR: '1', COLORTERM: 'truecolor' }, true)).toBe(0);
    expect(detectColorLevel({ FORCE_COLOR: '3' }, false)).toBe(3);
    expect(detectColorLevel({ FORCE_COLOR: '0', COLORTERM: 'truecolor' }, true)).toBe(0);
    expect(detectColorLevel({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(1);
  });

  it('lets --color override the detection', () => {
    expect(colorLevelOf('256', { COLORTERM: 'truecolor' }, true)).toBe(2);
    expect(colorLevelOf('none', { COLORTERM: 'truecolor' }, true)).toBe(0);
    expect(colorLevelOf('truecolor', {}, false)).toBe(3);
    expect(colorLevelOf('auto', { TERM: 'xterm' }, true)).toBe(1);
  });
});
