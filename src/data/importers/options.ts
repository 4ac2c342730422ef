// Importer choices and defaults in one place, shared by the importers, the CLI and the README.
// (Kept free of heavy imports so that `groundcam --help` stays fast.)

export const REFER_DATASETS = ['refcoco', 'refcoco+', 'refcocog'] as const;
export type ReferDataset = (typeof REFER_DATASETS)[number];

/** Which refs file goes with which dataset unless `--split-by` says otherwise (refer's README). */
export const REFER_DEFAULT_SPLIT_BY: Record<ReferDataset, string> = { refcoco: 'unc', 'refcoco+': 'unc', refcocog: 'umd' };

/** The split names refer's `getRefIds(split=...)` accepts. */
export const REFER_SPLITS = ['train', 'val', 'test', 'testA', 'testB', 'testC', 'testAB', 'testBC', 'testAC'] as const;

export const FLICKR30K_DEFAULTS = { split: 'test', mergeBoxes: false } as const;

export const SPATIALSENSE_PROMPTS = ['triplet', 'subject', 'object'] as const;
export type SpatialSensePrompt = (typeof SPATIALSENSE_PROMPTS)[number];

/** The split names used in SpatialSense's annotations.json. */
export const SPATIALSENSE_SPLITS = ['train', 'valid', 'test'] as const;

export const SPATIALSENSE_DEFAULTS = { split: 'test' } as const;
