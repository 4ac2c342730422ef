// model.json, the graph contract between the Python exporter and the evaluator (models/README.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { UserError } from '../util/errors.js';
import { PACKAGE_ROOT } from '../util/paths.js';

export type Dim = number | string;
export type TensorDType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';

export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  shape: Dim[];
  description?: string;
}

export interface GraphSpec {
  file: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  external_data?: boolean;
  sha256?: string;
}

export type CamMethodName = 'attention-gradcam' | 'gradcam' | 'gscorecam';

export interface ModelCard {
  schema: 'groundcam/model@1';
  name: string;
  family: 'albef' | 'blip' | 'clip';
  variant?: string;
  method: CamMethodName;
  image: {
    size: [number, number];
    resize: 'bicubic' | 'bilinear';
    crop: 'none' | 'center';
    mean: [number, number, number];
    std: [number, number, number];
    rescale: number;
  };
  text: {
    tokenizer: string;
    max_length: number;
    clean: 'albef' | 'blip' | 'clip' | 'none';
    max_words?: number;
    first_token: string | null;
    pad_id: number;
    padding: 'longest' | 'max_length';
  };
  cam: {
    layer: number | string;
    layer_name?: string;
    grid: [number, number];
    tokens: 'all' | 'words';
    heads?: number;
    topk?: number;
    channels?: number;
    /** gScoreCAM: CLIP's logit scale, applied to the masked images' cosine similarities. */
    logit_scale?: number;
  };
  score?: string;
  graphs: Record<string, GraphSpec>;
  provenance: Record<string, unknown> & {
    checkpoint_sha256: string | null;
    random_init: boolean;
    exporter_version: string;
    torch: string;
    onnx: string;
    opset: number;
    created: string;
  };
}

/** A model card with the folder it was read from. */
export interface LoadedModel {
  dir: string;
  card: ModelCard;
  /** Absolute path of each graph file by graph name. */
  graphFiles: Record<string, string>;
  tokenizerFile: string;
}

/** Graphs each CAM method needs, and the tensors the evaluator feeds or reads by name. */
const REQUIRED: Record<CamMethodName, { graphs: string[]; camInputs?: string[]; camOutputs?: string[] }> = {
  'attention-gradcam': {
    graphs: ['image', 'cam'],
    camInputs: ['image_index', 'input_ids', 'attention_mask'],
    camOutputs: ['score', 'cam'],
  },
  gradcam: { graphs: ['image', 'cam'], camInputs: ['image_index', 'input_ids', 'attention_mask'], camOutputs: ['score', 'cam'] },
  gscorecam: { graphs: ['image', 'text', 'grad'] },
};

let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

function schemaValidator() {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'models', 'model.schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  validator = ajv.compile(schema);
  return validator;
}

/** Checks a parsed card against the schema and the method's needs; returns every problem found. */
export function cardProblems(card: unknown): string[] {
  const validate = schemaValidator();
  if (!validate(card)) {
    const errors = (validate.errors ?? []) as { instancePath: string; message?: string; params?: Record<string, unknown> }[];
    return errors.map((e) => {
      const where = e.instancePath === '' ? 'model.json' : e.instancePath.slice(1).replaceAll('/', '.');
      const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
      return `${where}: ${e.message ?? 'invalid'}${extra}`;
    });
  }
  const c = card as ModelCard;
  const need = REQUIRED[c.method];
  const problems: string[] = [];
  for (const g of need.graphs) {
    if (!c.graphs[g]) problems.push(`graphs.${g} is missing (method ${c.method} needs graphs ${need.graphs.join(', ')})`);
  }
  const cam = c.graphs.cam;
  const image = c.graphs.image;
  if (cam && image && need.camInputs) {
    const inputs = new Set(cam.inputs.map((t) => t.name));
    for (const name of need.camInputs) if (!inputs.has(name)) problems.push(`graphs.cam.inputs lacks "${name}"`);
    for (const out of image.outputs) {
      if (!inputs.has(out.name)) problems.push(`graphs.cam.inputs lacks "${out.name}" (an output of the image graph)`);
    }
    const outputs = new Set(cam.outputs.map((t) => t.name));
    for (const name of need.camOutputs ?? []) if (!outputs.has(name)) problems.push(`graphs.cam.outputs lacks "${name}"`);
  }
  if (image && !image.inputs.some((t) => t.name === 'pixel_values')) problems.push('graphs.image.inputs lacks "pixel_values"');
  return problems;
}

/**
 * Reads and checks `<dir>/model.json`. Refuses a folder that does not satisfy the contract, listing what
 * is missing, before any run starts.
 */
export function loadModelCard(dir: string): LoadedModel {
  const file = path.join(dir, 'model.json');
  if (!existsSync(file)) throw new UserError(`${dir}: no model.json here (export a model with \`python -m models.export\`, see README "Exporting models")`);
  let card: unknown;
  try {
    card = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const problems = cardProblems(card);
  const c = card as ModelCard;
  const graphFiles: Record<string, string> = {};
  if (problems.length === 0) {
    for (const [name, g] of Object.entries(c.graphs)) {
      graphFiles[name] = path.resolve(dir, g.file);
      if (!existsSync(graphFiles[name])) problems.push(`graphs.${name}.file: ${g.file} does not exist`);
    }
    if (!existsSync(path.resolve(dir, c.text.tokenizer))) problems.push(`text.tokenizer: ${c.text.tokenizer} does not exist`);
  }
  if (problems.length > 0) {
    throw new UserError(`${file} does not satisfy the model contract (models/README.md):\n  - ${problems.join('\n  - ')}`);
  }
  return { dir: path.resolve(dir), card: c, graphFiles, tokenizerFile: path.resolve(dir, c.text.tokenizer) };
}
