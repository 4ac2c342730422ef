// How many colours the terminal shows, decided as chalk/supports-color do (FORCE_COLOR, NO_COLOR, TERM,
// COLORTERM), so that the heatmap preview can use true colour, fall back to the 256-colour palette, or
// draw with plain shade characters. `--color` overrides it.

/** 0: no colour; 1: 16 colours; 2: 256 colours; 3: true colour (24-bit). */
export type ColorLevel = 0 | 1 | 2 | 3;

export const COLOR_CHOICES = ['auto', 'truecolor', '256', '16', 'none'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

const TRUECOLOR_PROGRAMS = new Set(['iTerm.app', 'WezTerm', 'vscode', 'ghostty']);

export function detectColorLevel(env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY) return 0;
  const term = env.TERM ?? '';
  if (term === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (TRUECOLOR_PROGRAMS.has(env.TERM_PROGRAM ?? '') || /kitty|ghostty|direct/.test(term)) return 3;
  if (/-256(color)?$/i.test(term)) return 2;
  return 1;
}

export function colorLevelOf(choice: ColorChoice, env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  switch (choice) {
    case 'truecolor':
      return 3;
    case '256':
      return 2;
    case '16':
      return 1;
    case 'none':
      return 0;
    case 'auto':
      return detectColorLevel(env, isTTY);
  }
}
