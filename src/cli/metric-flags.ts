// The metric flags shared by `score` and `eval`, built from METRIC_OPTION_DOCS and the defaults in
// src/metrics/options.ts (one place for both).
import { Option } from '@commander-js/extra-typings';
import { DEFAULT_METRIC_OPTIONS, METRIC_OPTION_DOCS, RESIZE_MODES } from '../metrics/options.js';
import { UserError } from '../util/errors.js';

export const nonNegative = (flag: string) => (v: string) => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new UserError(`${flag} needs a number >= 0 (got "${v}")`);
  return x;
};

export const nonNegativeInteger = (flag: string) => (v: string) => {
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(x)) throw new UserError(`${flag} needs an integer >= 0 (got "${v}")`);
  return x;
};

const d = DEFAULT_METRIC_OPTIONS;
const doc = METRIC_OPTION_DOCS;

export const resizeOption = () => new Option('--resize <mode>', doc.resize.doc).choices(RESIZE_MODES).default(d.resize);
export const pgToleranceOption = () => new Option('--pg-tolerance <px>', doc.pgTolerance.doc).argParser(nonNegative('--pg-tolerance')).default(d.pgTolerance);
export const pgLevelsOption = () => new Option('--pg-levels <n>', doc.pgLevels.doc).argParser(nonNegativeInteger('--pg-levels')).default(d.pgLevels);
export const mergeBoxesOption = () => new Option('--merge-boxes', doc.mergeBoxes.doc).default(d.mergeBoxes);
