// `groundcam data` (minimal on this branch: only `data import shapes`; the full command lives on the
// datasets branch and registers the same `registerShapesImport`).
import type { Command } from '@commander-js/extra-typings';
import { registerShapesImport } from './data-import-shapes.js';

export function registerData(program: Command): void {
  const data = program.command('data').description('check manifests and import datasets into them');
  const importCommand = data.command('import').description('write a groundcam manifest from a dataset');
  registerShapesImport(importCommand);
}
