// `groundcam merge`: shard runs → one run.
import type { Command } from '@commander-js/extra-typings';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shard runs of one evaluation (eval --shard i/n, e.g. a Slurm array) into one run folder with its summary')
    .argument('<runs...>', 'the shard run folders')
    .requiredOption('-o, --out <dir>', 'the merged run folder to create')
    .option('--allow-incomplete', 'merge even if a shard is unfinished or missing (the result is marked interrupted, with no summary.json)')
    .option('--json', 'print the merged summary as JSON')
    .action(async (runs, opts) => {
      const { mergeRuns } = await import('../runs/merge.js');
      const r = await mergeRuns(runs, opts.out, { allowIncomplete: opts.allowIncomplete ?? false });
      if (opts.json) process.stdout.write(JSON.stringify({ run_dir: r.dir, shards: r.shards, rows: r.rows, complete: r.complete, ...r.summary }, null, 2) + '\n');
      else process.stdout.write(`merged ${r.shards} shard(s), ${r.rows} instance(s) → ${r.dir}${r.complete ? '' : ' (incomplete)'}\n`);
    });
}
