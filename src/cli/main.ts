// The groundcam command-line program. One file per command registers its options; each command's
// work is imported lazily inside its action so that `groundcam --help` starts fast.
import { Command } from '@commander-js/extra-typings';
import { UserError } from '../util/errors.js';
import { registerData } from './data.js';
import { registerBrowse } from './browse.js';
import { registerEval } from './eval.js';
import { registerMerge } from './merge.js';
import { registerRender } from './render.js';
import { registerReport } from './report.js';
import { registerScore } from './score.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('groundcam')
    .description('Measure how well vision-language models ground phrases in images (Q-GroundCAM metrics).')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');
  registerEval(program);
  registerMerge(program);
  registerScore(program);
  registerReport(program);
  registerRender(program);
  registerBrowse(program);
  registerData(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`groundcam: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
