import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../../errors';
import { pilResize } from './pilResample';
import type { RgbImage } from './rgbImage';

/**
 * What a model's preprocessor_config.json asks for, in the terms of transformers' image
 * processors (ViTImageProcessor, DeiTImageProcessor, CLIPImageProcessor, BitImageProcessor for
 * DINOv2, ConvNext's is not covered: its crop_pct path differs).
 */
export interface ImageProcessorSpec {
  processor: string;
  doResize: boolean;
  /** either an exact size or a shortest edge (CLIP, DINOv2), optionally capped by a longest edge */
  size: { height: number; width: number } | { shortestEdge: number; longestEdge?: number };
  /** PIL code: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming */
  resample: number;
  doCenterCrop: boolean;
  cropSize?: { height: number; width: number };
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  mean: [number, number, number];
  std: [number, number, number];
}

const IMAGENET_MEAN: [number, number, number] = [0.5, 0.5, 0.5];

const MAX_BYTES = 1 << 20;

/** Reads preprocessor_config.json, with transformers' defaults where a key is missing. */
export function readImageProcessor(dir: string): ImageProcessorSpec {
  const path = join(dir, 'preprocessor_config.json');
  if (!existsSync(path)) throw new ModelLoadError(`${dir} has no preprocessor_config.json: a vision model needs it to say how images are resized and normalised.`);
  if (statSync(path).size > MAX_BYTES) throw new ModelLoadError(`${path} is larger than 1 MB; it is not a preprocessor config.`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ModelLoadError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
  return parseImageProcessor(raw, path);
}

export function parseImageProcessor(raw: Record<string, unknown>, path: string): ImageProcessorSpec {
  const bad = (key: string, want: string): ModelLoadError => new ModelLoadError(`${path}: ${key} must be ${want}.`);
  const bool = (key: string, dflt: boolean): boolean => {
    const v = raw[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw bad(key, 'true or false');
    return v;
  };
  const num = (key: string, dflt: number): number => {
    const v = raw[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, 'a number');
    return v;
  };
  const triple = (key: string, dflt: [number, number, number]): [number, number, number] => {
    const v = raw[key];
    if (v === undefined) return dflt;
    if (typeof v === 'number') return [v, v, v];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad(key, 'three numbers (R, G, B)');
    return v as [number, number, number];
  };
  const edge = (v: unknown, key: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4096) throw bad(key, 'a whole number of pixels (1-4096)');
    return v;
  };
  const processor = typeof raw.image_processor_type === 'string' ? raw.image_processor_type : typeof raw.feature_extractor_type === 'string' ? raw.feature_extractor_type : 'ViTImageProcessor';
  // transformers' get_size_dict: an int is a square for ViT-style processors and a shortest edge for CLIP-style ones
  const shortestByDefault = /CLIP|Bit|Dinov2/i.test(processor);
  const sizeRaw = raw.size ?? 224;
  let size: ImageProcessorSpec['size'];
  if (typeof sizeRaw === 'number') {
    size = shortestByDefault ? { shortestEdge: edge(sizeRaw, 'size') } : { height: edge(sizeRaw, 'size'), width: edge(sizeRaw, 'size') };
  } else if (typeof sizeRaw === 'object' && sizeRaw !== null) {
    const s = sizeRaw as Record<string, unknown>;
    if (s.height !== undefined || s.width !== undefined) size = { height: edge(s.height, 'size.height'), width: edge(s.width, 'size.width') };
    else if (s.shortest_edge !== undefined) size = { shortestEdge: edge(s.shortest_edge, 'size.shortest_edge'), ...(s.longest_edge !== undefined ? { longestEdge: edge(s.longest_edge, 'size.longest_edge') } : {}) };
    else throw bad('size', '{height, width} or {shortest_edge}');
  } else throw bad('size', 'a number or {height, width} or {shortest_edge}');
  const cropRaw = raw.crop_size;
  let cropSize: ImageProcessorSpec['cropSize'];
  if (typeof cropRaw === 'number') cropSize = { height: edge(cropRaw, 'crop_size'), width: edge(cropRaw, 'crop_size') };
  else if (typeof cropRaw === 'object' && cropRaw !== null) {
    const c = cropRaw as Record<string, unknown>;
    cropSize = { height: edge(c.height, 'crop_size.height'), width: edge(c.width, 'crop_size.width') };
  }
  const resample = num('resample', 2);
  if (![0, 1, 2, 3, 4, 5].includes(resample)) throw bad('resample', "one of PIL's filters 0-5");
  const doCenterCrop = bool('do_center_crop', cropSize !== undefined && !/^ViT/i.test(processor));
  return {
    processor,
    doResize: bool('do_resize', true),
    size,
    resample,
    doCenterCrop: doCenterCrop && cropSize !== undefined && !/^ViTImageProcessor$/.test(processor),
    cropSize,
    doRescale: bool('do_rescale', true),
    rescaleFactor: num('rescale_factor', 1 / 255),
    doNormalize: bool('do_normalize', true),
    mean: triple('image_mean', IMAGENET_MEAN),
    std: triple('image_std', IMAGENET_MEAN),
  };
}

/** transformers' get_resize_output_image_size for a shortest edge (default_to_square=False). */
export function resizeTarget(spec: ImageProcessorSpec, width: number, height: number): { width: number; height: number } {
  const s = spec.size;
  if ('height' in s) return { width: s.width, height: s.height };
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let newShort = s.shortestEdge;
  let newLong = Math.trunc((s.shortestEdge * long) / short);
  if (s.longestEdge !== undefined && newLong > s.longestEdge) {
    newShort = Math.trunc((s.longestEdge * newShort) / newLong);
    newLong = s.longestEdge;
  }
  return width <= height ? { width: newShort, height: newLong } : { width: newLong, height: newShort };
}

/** transformers' center_crop on uint8 HWC: top = (h - ch) // 2, zero padding where the crop is larger. */
export function centerCrop(image: RgbImage, cropW: number, cropH: number): RgbImage {
  if (cropW === image.width && cropH === image.height) return image;
  const out = new Uint8Array(cropW * cropH * 3);
  // padding (crop larger than the image) puts the image at ((ch - h) // 2, (cw - w) // 2), as transformers does
  const top = Math.floor((image.height - cropH) / 2);
  const left = Math.floor((image.width - cropW) / 2);
  for (let y = 0; y < cropH; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < cropW; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= image.width) continue;
      for (let c = 0; c < 3; c++) out[(y * cropW + x) * 3 + c] = image.data[(sy * image.width + sx) * 3 + c];
    }
  }
  return { width: cropW, height: cropH, data: out };
}

export interface PixelValues {
  /** [1, 3, height, width] float32, channels first */
  data: Float32Array;
  width: number;
  height: number;
  /** the uint8 image after resize and crop, [height, width, 3]: what the model sees, for overlays */
  resized: RgbImage;
}

/**
 * An RGB image → pixel_values, as the processor's preprocess does: resize (PIL, uint8), center
 * crop, rescale (float64 product cast to float32), normalise ((x - mean) / std in float32), HWC → CHW.
 */
export function toPixelValues(image: RgbImage, spec: ImageProcessorSpec): PixelValues {
  let img = image;
  if (spec.doResize) {
    const t = resizeTarget(spec, img.width, img.height);
    img = pilResize(img, t.width, t.height, spec.resample);
  }
  if (spec.doCenterCrop && spec.cropSize) img = centerCrop(img, spec.cropSize.width, spec.cropSize.height);
  const { width, height } = img;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const f = Math.fround;
  const mean = spec.mean.map(f);
  const std = spec.std.map(f);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = f(img.data[i * 3 + c]);
      if (spec.doRescale) v = f(img.data[i * 3 + c] * spec.rescaleFactor);
      if (spec.doNormalize) v = f(f(v - mean[c]) / std[c]);
      data[c * plane + i] = v;
    }
  }
  return { data, width, height, resized: img };
}
