// `groundcam data import shapes`: generate a split of the synthetic shapes benchmark.
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { TEMPLATES } from '../data/shapes/expressions.js';
import type { ShapesReport } from '../data/shapes/generate.js';
import { SHAPES_DEFAULTS, SHAPES_SPLITS } from '../data/shapes/options.js';

function integer(min: number, max: number) {
  return (value: string): number => {
    const v = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return v;
  };
}

const pct = (k: number, total: number): string => (total === 0 ? '0.0' : ((100 * k) / total).toFixed(1)).padStart(5);

/** The report printed on stderr at the end of a run. */
export function formatShapesReport(report: ShapesReport): string {
  const lines = [
    `shapes ${report.version}: wrote ${report.images} images and ${report.instances} phrases ` +
      `(${report.split} split, seed ${report.seed}) in ${report.seconds.toFixed(1)} s`,
    `  manifest: ${report.manifest}`,
    `  images:   ${report.imagesDir}  (${Object.entries(report.imageSizes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    '  phrases by template:',
  ];
  for (const [id, count] of Object.entries(report.templates)) {
    lines.push(`    ${(TEMPLATES[id as keyof typeof TEMPLATES] ?? id).padEnd(50)} ${String(count).padStart(7)}  ${pct(count, report.instances)}%`);
  }
  lines.push(`  relations: ${Object.entries(report.relations).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`  backgrounds: ${Object.entries(report.backgrounds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(
    `  objects: ${report.objects}; ${report.objectsWithoutPhrase} not asked about ` +
      '(no unambiguous phrase, or more objects than phrases wanted for the image)',
  );
  return lines.join('\n');
}

/** Progress on stderr: a live counter on a terminal, a line every 10% otherwise (long runs only). */
function progressPrinter(total: number): ((done: number, total: number) => void) | undefined {
  const tty = process.stderr.isTTY === true;
  if (!tty && total < 2000) return undefined;
  let last = 0;
  let lastDecile = 0;
  return (done) => {
    if (tty) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      process.stderr.write(`\rshapes: ${done}/${total} images${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((10 * done) / total);
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`shapes: ${done}/${total} images\n`);
      }
    }
  };
}

export function registerShapesImport(importCommand: Command): void {
  importCommand
    .command('shapes')
    .description(
      'generate a split of the synthetic shapes benchmark: coloured shapes on textured backgrounds with ' +
        'unambiguous referring expressions ("the small red circle", "the square left of the blue triangle") and ' +
        'their boxes; the same split, seed and n give the same pixels and manifest on every machine',
    )
    .requiredOption('--out <file>', 'manifest to write (JSON Lines)')
    .option('--images <dir>', 'folder for the PNG images (default: "images" beside the manifest)')
    .addOption(new Option('--split <split>', 'which split (independent images per split)').choices(SHAPES_SPLITS).default(SHAPES_DEFAULTS.split))
    .addOption(new Option('--n <count>', 'number of images (about 2.9 phrases each)').argParser(integer(1, 10_000_000)).default(SHAPES_DEFAULTS.n))
    .addOption(new Option('--seed <int>', 'seed of the generator').argParser(integer(0, 0xffffffff)).default(SHAPES_DEFAULTS.seed))
    .option('--json', 'print the report as JSON on stdout (it always goes to stderr as text)')
    .action(async (opts) => {
      const { generateShapes } = await import('../data/shapes/generate.js');
      const imagesDir = opts.images ?? path.join(path.dirname(opts.out), 'images');
      const report = await generateShapes({
        split: opts.split,
        n: opts.n,
        seed: opts.seed,
        imagesDir,
        out: opts.out,
        onProgress: progressPrinter(opts.n),
      });
      process.stderr.write(formatShapesReport(report) + '\n');
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    });
}
