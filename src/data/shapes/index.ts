// The synthetic shapes grounding benchmark: deterministic images of coloured shapes on textured
// backgrounds, with unambiguous referring expressions and their boxes.
export { generateShapes, shapesImageName, type GenerateShapesOptions, type ShapesReport } from './generate.js';
export { SHAPES_DEFAULTS, SHAPES_SPLITS, SHAPES_VERSION, type ShapesSplit } from './options.js';
export { ensureShapesTestSet, SHAPES_TEST_SET, shapesTestSetDir } from './test-set.js';
export { planScene, renderScene, type Scene } from './scene.js';
export { TEMPLATES, TEMPLATE_IDS, phraseOf, type TemplateId, type Expression } from './expressions.js';
export { RELATION_MARGIN, relationVerdict } from './relations.js';
export { COLORS, COLOR_NAMES, RELATIONS, SHAPES, SIZES, WORDS } from './vocabulary.js';
