// Golden files of the report writers (test/goldens/report/). They were read line by line when written;
// GROUNDCAM_UPDATE_GOLDENS=1 rewrites them after a deliberate change of format (then read the diff).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from '../helpers/fixtures.js';

const DIR = path.join(REPO, 'test', 'goldens', 'report');

export function expectGolden(name: string, actual: string): void {
  const file = path.join(DIR, name);
  if (process.env.GROUNDCAM_UPDATE_GOLDENS === '1' || !existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    if (process.env.GROUNDCAM_UPDATE_GOLDENS !== '1') throw new Error(`golden ${name} was missing and has been written: check it, then run again`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
