// `groundcam score`: the Q-GroundCAM metrics of heatmaps (.npy) listed in a manifest.
import type { Command } from '@commander-js/extra-typings';
import { mergeBoxesOption, pgLevelsOption, pgToleranceOption, resizeOption } from './metric-flags.js';

const MAX_PROBLEMS_SHOWN = 20;

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      'Score heatmaps against ground-truth boxes: each manifest row names a 2-D float32/float64 .npy in "heatmap". ' +
        'Prints the summary with 95% CIs; writes one record per instance with --out.',
    )
    .requiredOption('--manifest <file>', 'manifest (JSON Lines, see the README) whose rows have a "heatmap" path')
    .option('--out <file>', 'write per-instance records to FILE.jsonl or FILE.csv (without --out, none are written)')
    .addOption(resizeOption())
    .addOption(pgToleranceOption())
    .addOption(pgLevelsOption())
    .addOption(mergeBoxesOption())
    .option('--json', 'print only the summary, as JSON, on stdout')
    .action(async (opts) => {
      const { scoreManifest } = await import('../runs/score.js');
      const { formatSummaryTable } = await import('../report/summary-table.js');
      let shown = 0;
      let hidden = 0;
      const result = await scoreManifest({
        manifest: opts.manifest,
        ...(opts.out !== undefined && { out: opts.out }),
        metrics: { resize: opts.resize, pgTolerance: opts.pgTolerance, pgLevels: opts.pgLevels, mergeBoxes: opts.mergeBoxes },
        onProblem: (p) => {
          if (p.kind === 'malformed') {
            process.stderr.write(`${p.file}:${p.line}: ${p.reason}\n`);
          } else if (shown < MAX_PROBLEMS_SHOWN) {
            shown++;
            process.stderr.write(`${p.file}:${p.line}: instance "${p.id}" not scored: ${p.reason}\n`);
          } else {
            hidden++;
          }
        },
      });
      if (hidden > 0) process.stderr.write(`... and ${hidden} more invalid instances (see the "invalid" field of the records)\n`);
      const { summary, metricOptions, aggregateOptions } = result;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ...summary, options: { ...metricOptions, ...aggregateOptions } }, null, 2) + '\n');
      } else {
        process.stdout.write(formatSummaryTable(summary, aggregateOptions, `groundcam score ${opts.manifest}`));
        if (opts.out !== undefined) process.stdout.write(`records: ${opts.out} (${result.written})\n`);
      }
      if (result.malformed > 0) {
        process.stderr.write(`groundcam: ${result.malformed} malformed line${result.malformed === 1 ? '' : 's'} in ${opts.manifest} (listed above); the other lines were scored\n`);
        process.exitCode = 1;
      }
    });
}
