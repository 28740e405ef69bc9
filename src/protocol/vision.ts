// The host⇄engine methods of Inspect Image, the image CLI commands and the image panel.
import type { ExportResult } from './internals';
import type { ProjectorMethod, ProjectResult } from './projector';

/** How the heads of one layer are fused before rollout (Abnar & Zuidema 2020; vit-explain's options). */
export type RolloutFusion = 'mean' | 'max' | 'min';
export const ROLLOUT_FUSIONS: readonly RolloutFusion[] = ['mean', 'max', 'min'];

/**
 * An image: a file the engine decodes (PNG, JPEG, BMP), or pixels the panel's webview decoded
 * (WebP, GIF) as RGBA rows, [height, width, 4] uint8.
 */
export interface ImageSource {
  file: string;
  pixels?: { width: number; height: number; rgba: Uint8Array };
}

export interface ImagePrediction {
  id: number;
  label: string;
  prob: number;
  logit: number;
}

export interface ClassifyImageParams extends ImageSource {
  model: string;
  topK: number;
}

/** `tensorloupe classify-image --json` prints exactly this. */
export interface ClassifyImageResult {
  model: string;
  /** the decoded image's size, before the processor's resize */
  input: { width: number; height: number };
  top: ImagePrediction[];
}

export interface InspectImageParams extends ClassifyImageParams {
  fusion: RolloutFusion;
  /** share of the lowest fused attention weights set to zero at each layer, 0 ≤ r < 1 */
  discardRatio: number;
}

export interface InspectImageResult extends ClassifyImageResult {
  runId: string;
  /** the model's view: the image after resize and crop, [height, width, 3] uint8 */
  view: { width: number; height: number; rgb: Uint8Array };
  /** patches in rows × cols; `prefix` tokens (CLS, distillation) come before them */
  grid: { rows: number; cols: number; prefix: number };
  nLayers: number;
  nHeads: number;
  /** [rows * cols], CLS row of the rollout over the patches, divided by its maximum */
  rollout: Float32Array;
  /** [layers, heads, rows * cols]: each head's attention from CLS to every patch */
  clsMaps: Float32Array;
  /** the CLS token's class distribution after each block, through the model's final norm and classifier */
  lens: { layer: number; top: ImagePrediction[] }[];
  /** why the lens is missing, when it is */
  lensUnavailable?: string;
  ms: { preprocess: number; forward: number; total: number };
}

export interface RolloutParams {
  runId: string;
  fusion: RolloutFusion;
  discardRatio: number;
}

export interface PatchAttentionParams {
  runId: string;
  layer: number;
  /** a head, or -1 for the mean over heads */
  head: number;
  /** token index: 0 = CLS, prefix + r * cols + c = the patch at (r, c) */
  token: number;
}

/** An inspected image's patch hidden states (blocks.{layer}.hook_resid_post at each patch) in 2-D, for the projector. */
export interface PatchProjectionParams {
  runId: string;
  layer: number;
  method: ProjectorMethod;
  seed: number;
  /** the rollout whose weight each point carries (the panel's settings) */
  fusion: RolloutFusion;
  discardRatio: number;
}

export interface ImageActivationsParams extends ImageSource {
  model: string;
  names: string[];
  out: string;
}

export type VisionApi = {
  'vision/classify': [ClassifyImageParams, ClassifyImageResult];
  'vision/inspect': [InspectImageParams, InspectImageResult];
  'vision/rollout': [RolloutParams, { rollout: Float32Array }];
  /** [rows * cols]: the token's attention to every patch */
  'vision/patch': [PatchAttentionParams, { attention: Float32Array }];
  'vision/activations': [ImageActivationsParams, ExportResult];
  'vision/patchProjection': [PatchProjectionParams, ProjectResult];
};
