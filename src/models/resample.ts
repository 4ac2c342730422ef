// Pillow's `Image.resize` (Resample.c: ImagingResample) reproduced exactly for 8-bit RGB, so that the
// evaluator feeds a model the same pixels as the reference PyTorch pipelines (torchvision transforms on
// PIL images): separable convolution, horizontal pass first, support widened by the downscale factor,
// coefficients normalised then converted to 22-bit fixed point, uint8 intermediate with rounding.
// Pillow 13 sometimes runs the vertical pass first; this is the classic order of Pillow ≤ 12, with which
// the reference models were evaluated (test/reference/pil_resize_reference.py).

export type PilFilter = 'bicubic' | 'bilinear';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

// Keys cubic with a = -0.5 (Pillow's BICUBIC).
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function bilinear(x: number): number {
  if (x < 0) x = -x;
  return x < 1 ? 1 - x : 0;
}

const FILTERS = { bicubic: { fn: bicubic, support: 2 }, bilinear: { fn: bilinear, support: 1 } };

interface Coeffs {
  ksize: number;
  /** [xmin, count] per output index. */
  bounds: Int32Array;
  /** Fixed-point coefficients, `ksize` per output index. */
  kk: Float64Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis. */
export function pilCoefficients(inSize: number, outSize: number, filter: PilFilter): Coeffs {
  const { fn, support: baseSupport } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = baseSupport * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Float64Array(outSize * ksize);
  const ss = 1 / filterscale;
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = fn((x + xmin - center + 0.5) * ss);
      ww += w[x]!;
    }
    for (let x = 0; x < ksize; x++) {
      const k = x < xmax && ww !== 0 ? w[x]! / ww : x < xmax ? w[x]! : 0;
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(v: number): number {
  if (v >= ONE * 256) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / ONE);
}

/**
 * Resizes an RGB image (HWC, uint8, `channels` interleaved) to `outW × outH` exactly as Pillow does.
 * Returns a new HWC uint8 buffer.
 */
export function pilResize(src: Uint8Array, inW: number, inH: number, outW: number, outH: number, filter: PilFilter, channels = 3): Uint8Array {
  const needH = outW !== inW;
  const needV = outH !== inH;
  if (!needH && !needV) return src.slice();
  const horiz = pilCoefficients(inW, outW, filter);
  const vert = pilCoefficients(inH, outH, filter);
  let cur = src;
  let curW = inW;
  let rowOffset = 0;
  let rows = inH;
  if (needH) {
    // Only the source rows the vertical pass will read.
    const first = vert.bounds[0]!;
    const last = vert.bounds[outH * 2 - 2]! + vert.bounds[outH * 2 - 1]!;
    if (needV) {
      rowOffset = first;
      rows = last - first;
    }
    const tmp = new Uint8Array(outW * rows * channels);
    const { ksize, bounds, kk } = horiz;
    const acc = new Float64Array(channels);
    for (let y = 0; y < rows; y++) {
      const srcRow = (y + rowOffset) * inW * channels;
      const dstRow = y * outW * channels;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2]!;
        const n = bounds[xx * 2 + 1]!;
        const kb = xx * ksize;
        acc.fill(ONE / 2);
        for (let x = 0; x < n; x++) {
          const k = kk[kb + x]!;
          const p = srcRow + (x + xmin) * channels;
          for (let c = 0; c < channels; c++) acc[c]! += src[p + c]! * k;
        }
        for (let c = 0; c < channels; c++) tmp[dstRow + xx * channels + c] = clip8(acc[c]!);
      }
    }
    cur = tmp;
    curW = outW;
  }
  if (!needV) return cur;
  const out = new Uint8Array(outW * outH * channels);
  const { ksize, bounds, kk } = vert;
  const rowLen = curW * channels;
  const acc = new Float64Array(rowLen);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2]! - rowOffset;
    const n = bounds[yy * 2 + 1]!;
    const kb = yy * ksize;
    acc.fill(ONE / 2);
    for (let y = 0; y < n; y++) {
      const k = kk[kb + y]!;
      const r = (y + ymin) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i]! += cur[r + i]! * k;
    }
    const o = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}
