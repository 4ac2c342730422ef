// `groundcam report`: the paper's table (every Q-GroundCAM metric with 95% CIs) for one or more runs,
// as Markdown, LaTeX, CSV or JSON, with paired significance against a baseline run.
import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'tabulate runs: one row per run (model, method, dataset, split, N) and the metrics of the paper\'s Table 1 with 95% CIs; ' +
        'with --baseline, paired differences and significance on the shared instances. A folder holding run folders stands for all of them.',
    )
    .argument('<runs...>', 'run folders (written by groundcam eval), or folders of run folders')
    .addOption(new Option('-f, --format <format>', 'md (GitHub table), latex (booktabs), csv or json; default: from --out\'s extension, else md').choices(['md', 'latex', 'csv', 'json'] as const))
    .option('-b, --baseline <run>', 'compare every run with this one (McNemar for PG, paired bootstrap for the rest)')
    .option('-m, --metrics <list>', 'comma-separated columns: pg_acc, pg_unc, pg_unc_rate, peaks, iou_soft, iou_bin, dice_soft, dice_bin, io_ratio, wdp_soft, wdp_bin (default: table1, the paper\'s Table 1; all)')
    .option('--no-ci', 'values only, without intervals (Markdown and LaTeX)')
    .option('-o, --out <file>', 'write to FILE instead of stdout')
    .action(async (runs, opts) => {
      const { runReportCommand } = await import('./report-command.js');
      await runReportCommand(runs, opts);
    });
}
