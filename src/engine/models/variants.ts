import { existsSync, readdirSync } from 'node:fs';
import { existsOrLink } from '../../util/readBounded';
import { join } from 'node:path';
import { InputError, ModelLoadError } from '../errors';

/**
 * The variant files transformers.js publishes beside `onnx/model.onnx` (its `dtype` option,
 * whose names these are): fp32 model.onnx, fp16 model_fp16.onnx, q8 model_quantized.onnx,
 * int8 model_int8.onnx, uint8 model_uint8.onnx, q4 model_q4.onnx, q4f16 model_q4f16.onnx,
 * bnb4 model_bnb4.onnx. The same suffixes follow decoder_model_merged / decoder_model.
 */
export const VARIANTS = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Variant = (typeof VARIANTS)[number];

const SUFFIX: Record<Variant, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };
/** what users type for q8, from the file name */
const ALIASES: Record<string, Variant> = { quantized: 'q8', fp: 'fp32', float32: 'fp32', float16: 'fp16' };
/** graph names a variant suffix follows, in the order a folder's main graph is looked for */
export const VARIANT_BASES = ['model', 'decoder_model_merged', 'decoder_model'];
const PLACES = ['onnx', '.'];

/** a variant name from a setting or a flag, or a one-line error naming `what` and the choices */
export function parseVariant(text: string, what: string): Variant {
  const v = text.trim().toLowerCase();
  if ((VARIANTS as readonly string[]).includes(v)) return v as Variant;
  if (v in ALIASES) return ALIASES[v];
  throw new InputError(`${what} must be one of ${VARIANTS.join(', ')} (got "${text.slice(0, 40)}").`);
}

export function variantFileName(variant: Variant, base = 'model'): string {
  return `${base}${SUFFIX[variant]}.onnx`;
}

/** The file of `variant` in a model folder (onnx/ first, then the folder itself), if there is one. */
export function findVariant(dir: string, variant: Variant): string | undefined {
  for (const place of PLACES) for (const base of VARIANT_BASES) {
    const path = join(dir, place, variantFileName(variant, base));
    if (existsOrLink(path)) return path; // a dangling link (git lfs not pulled) is named by checkOnnxFile, not skipped
  }
  return undefined;
}

/** Every variant a folder holds, with its file relative to the folder ("q8 (onnx/model_quantized.onnx)"). */
export function variantsPresent(dir: string): { variant: Variant; file: string }[] {
  const out: { variant: Variant; file: string }[] = [];
  for (const place of PLACES) {
    const d = join(dir, place);
    if (!existsSync(d)) continue;
    let names: Set<string>;
    try {
      names = new Set(readdirSync(d));
    } catch {
      continue;
    }
    for (const base of VARIANT_BASES) for (const variant of VARIANTS) {
      const file = variantFileName(variant, base);
      if (names.has(file) && !out.some((o) => o.variant === variant)) out.push({ variant, file: place === '.' ? file : `${place}/${file}` });
    }
  }
  return out;
}

/**
 * The ONNX file of `variant` in `dir`. A folder that holds none of the named variant files (a
 * bare export, onnx/foo.onnx) returns undefined for fp32, so the folder's own file is used as
 * before; any other miss is a one-line error listing the variants present.
 */
export function pickVariant(dir: string, name: string, variant: Variant): string | undefined {
  const found = findVariant(dir, variant);
  if (found) return found;
  const present = variantsPresent(dir);
  if (present.length === 0 && variant === 'fp32') return undefined;
  const list = present.length ? present.map((p) => `${p.variant} (${p.file})`).join(', ') : 'none of the transformers.js variant files';
  throw new ModelLoadError(`${name} has no ${variant} variant (${variantFileName(variant)}); it has ${list}. Choose one with tensorloupe.variant or --variant.`);
}
