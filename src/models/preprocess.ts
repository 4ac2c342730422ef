// Image → model input tensor, as the model card says: decode (sharp, in libvips' own threads, so it
// overlaps with inference), resize with Pillow's exact algorithm, optional centre crop, rescale and
// normalise to CHW float32.
import type { ModelCard } from './card.js';
import { pilResize } from './resample.js';

type SharpModule = typeof import('sharp');
let sharpModule: Promise<SharpModule> | undefined;
/** sharp, imported on first use (it costs start-up time). */
export function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp').then((m) => (m as unknown as { default: SharpModule }).default ?? m);
  return sharpModule;
}

/** Size of the image as stored (no EXIF rotation, like PIL's Image.open). */
export interface ImageSize {
  width: number;
  height: number;
}

export interface Preprocessed extends ImageSize {
  /** `[3, H, W]` float32, channels RGB, normalised. */
  pixels: Float32Array;
}

/** Reads only the header to get the stored size. */
export async function readImageSize(file: string): Promise<ImageSize> {
  const sharp = await loadSharp();
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height) throw new Error(`cannot read the size of ${file}`);
  return { width: meta.width, height: meta.height };
}

/** Decoded 8-bit RGB pixels, HWC. */
export interface DecodedImage extends ImageSize {
  rgb: Uint8Array;
}

/**
 * Decodes `file` to 8-bit RGB at its stored size. Embedded ICC profiles are ignored and EXIF orientation
 * is not applied, as PIL's `Image.open(...).convert('RGB')` does in the reference code.
 */
export async function decodeImage(file: string): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const input = sharp(file, { ignoreIcc: true, failOn: 'error' });
  const meta = await input.metadata();
  const plain = meta.depth === 'uchar' && (meta.space === 'b-w' || meta.space === 'srgb');
  // 8-bit grey and RGB are taken as stored (grey replicated to RGB, alpha dropped, as PIL's convert('RGB'));
  // anything else (CMYK, 16-bit, ...) goes through libvips' conversion to 8-bit sRGB.
  const pipeline = plain ? input.removeAlpha() : input.removeAlpha().toColourspace('srgb');
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  if (info.channels === 3) return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  if (info.channels !== 1) throw new Error(`decoded ${info.channels} channels, expected 1 or 3`);
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = data[p]!;
  return { rgb, width: info.width, height: info.height };
}

/** Python's round(): half to even (torchvision's CenterCrop rounds the offset with it). */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * The model input from decoded pixels, as the reference pipelines compute it:
 * `crop: none` → torchvision `Resize((H, W))`; `crop: center` → `Resize(min(H, W))` (shorter side, the
 * longer one truncated like torchvision) then `CenterCrop((H, W))`; then ToTensor and Normalize.
 * Resizing is Pillow's algorithm reproduced exactly (resample.ts).
 */
export function toModelInput(img: DecodedImage, spec: ModelCard['image']): Float32Array {
  const [H, W] = spec.size;
  if (spec.crop === 'none') {
    return normalise(pilResize(img.rgb, img.width, img.height, W, H, spec.resize), W, H, spec);
  }
  const size = Math.min(H, W);
  const short = Math.min(img.width, img.height);
  const long = Math.max(img.width, img.height);
  const newLong = Math.trunc((size * long) / short);
  const [rw, rh] = img.width <= img.height ? [size, newLong] : [newLong, size];
  const resized = pilResize(img.rgb, img.width, img.height, rw, rh, spec.resize);
  if (rw < W || rh < H) throw new Error(`centre crop ${W}×${H} is larger than the resized image ${rw}×${rh}`);
  const top = roundHalfEven((rh - H) / 2);
  const left = roundHalfEven((rw - W) / 2);
  const crop = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) crop.set(resized.subarray(((y + top) * rw + left) * 3, ((y + top) * rw + left + W) * 3), y * W * 3);
  return normalise(crop, W, H, spec);
}

/** Decodes and preprocesses one image file. */
export async function preprocessImage(file: string, spec: ModelCard['image']): Promise<Preprocessed> {
  const img = await decodeImage(file);
  return { pixels: toModelInput(img, spec), width: img.width, height: img.height };
}

/** HWC uint8 → CHW float32, `(v * rescale - mean[c]) / std[c]` (the torchvision ToTensor + Normalize order). */
export function normalise(hwc: Uint8Array, W: number, H: number, spec: Pick<ModelCard['image'], 'mean' | 'std' | 'rescale'>): Float32Array {
  const plane = W * H;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = spec.mean[c]!;
    const std = spec.std[c]!;
    // A 256-entry table: the same float arithmetic for every pixel, and no division in the loop.
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = (Math.fround(v * spec.rescale) - mean) / std;
    const base = c * plane;
    for (let p = 0; p < plane; p++) out[base + p] = lut[hwc[p * 3 + c]!]!;
  }
  return out;
}
