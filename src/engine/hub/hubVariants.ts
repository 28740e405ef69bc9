import { HubError } from './hubErrors';
import { parseVariant, variantFileName, VARIANT_BASES, type Variant } from '../models/variants';

// One table of variant names for local folders and the Hub: models/variants.ts (transformers.js's
// dtype names, `quantized` accepted for q8).
export type HubVariant = Variant;

/** --variant for a download: the local picker's names; none means fp32 */
export function checkHubVariant(text: string | undefined): HubVariant {
  return text === undefined || text === '' ? 'fp32' : parseVariant(text, '--variant');
}

/** Where a repo may keep the variant's graph, in the order the model folder resolver looks. */
export function variantOnnxCandidates(variant: HubVariant): string[] {
  return VARIANT_BASES.flatMap((base) => [`onnx/${variantFileName(variant, base)}`, ...(base === 'model' ? [variantFileName(variant, base)] : [])]);
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
