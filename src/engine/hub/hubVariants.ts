import { HubError } from './hubErrors';

// transformers.js's dtype names → the ONNX file suffix its Hub repos use (onnx/model_fp16.onnx …).
// Kept here for the Hub download; h/encoders defines the local-folder picker in
// src/engine/models/variants.ts — the two share these names and should become one table.
export const HUB_VARIANT_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  quantized: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type HubVariant = keyof typeof HUB_VARIANT_SUFFIX;

export function checkHubVariant(text: string | undefined): HubVariant {
  if (text === undefined || text === '') return 'fp32';
  if (!(text in HUB_VARIANT_SUFFIX)) throw new HubError(`--variant must be one of ${Object.keys(HUB_VARIANT_SUFFIX).join(', ')} (got "${text.slice(0, 40)}").`);
  return text as HubVariant;
}

/** Where a repo may keep the variant's graph, in the order the model folder resolver looks. */
export function variantOnnxCandidates(variant: HubVariant): string[] {
  const s = HUB_VARIANT_SUFFIX[variant];
  return [`onnx/model${s}.onnx`, `model${s}.onnx`, `onnx/decoder_model_merged${s}.onnx`, `onnx/decoder_model${s}.onnx`];
}

/** The small files a model folder is read with, beside the graph (at the repo root or beside a genai graph). */
export const SIDE_FILES = [
  'config.json',
  'generation_config.json',
  'genai_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'vocab.txt',
  'merges.txt',
  'tokenizer.model',
  'added_tokens.json',
];

/** External data files of a graph: `model.onnx_data`, `model.onnx_data_1`, `model.onnx.data` (Optimum, transformers.js, genai). */
export function isExternalDataOf(onnxPath: string, path: string): boolean {
  return path.startsWith(`${onnxPath}_data`) || path.startsWith(`${onnxPath}.data`);
}

/**
 * The files a variant needs out of a repo's file list: its graph, the graph's external data and
 * the side files. Everything else (other variants, weights for PyTorch, READMEs) stays on the Hub.
 */
export function filesForVariant(paths: string[], variant: HubVariant, repo: string): string[] {
  const have = new Set(paths);
  const onnx = variantOnnxCandidates(variant).find((p) => have.has(p));
  if (!onnx) {
    const listed = paths.filter((p) => p.endsWith('.onnx')).slice(0, 6);
    throw new HubError(`${repo} has no ${variant} ONNX graph (looked for ${variantOnnxCandidates(variant)[0]}); its ONNX files: ${listed.length ? listed.join(', ') : 'none'}.`);
  }
  const folder = onnx.includes('/') ? onnx.slice(0, onnx.lastIndexOf('/') + 1) : '';
  const side = SIDE_FILES.flatMap((f) => [f, folder && folder !== 'onnx/' ? `${folder}${f}` : f]);
  return [...new Set([onnx, ...paths.filter((p) => isExternalDataOf(onnx, p)), ...side.filter((p) => have.has(p))])];
}
