/**
 * The one place that turns token ids into a decoder's feeds, for next-token / surprisal /
 * generation (DecoderLm) and for the instrumented runs (activations, lens, attention) alike.
 * Every input gets its own dtype from the graph: onnxruntime's GroupQueryAttention exports take
 * int32 input_ids with an int64 attention_mask, the legacy GPT-2 export a float attention_mask,
 * so no input may copy another's type. The KV cache comes in the layouts exporters write:
 *   split   past_key_values.{i}.key|value [batch, kv_heads, past, head_dim] → present.{i}.key|value
 *           (Optimum, onnxruntime-genai; genai_config.json may rename them)
 *   packed  past_{i} [2, batch, heads, past, head_dim] → present_{i} (onnxruntime's GPT-2 convert_to_onnx)
 * and `use_cache_branch` (Optimum's decoder_model_merged.onnx) says whether a past is given.
 */
import { Tensor } from 'onnxruntime-node';

/** dtype names as onnxruntime-node reports them */
export type FeedType = 'int64' | 'int32' | 'float32' | 'float16' | 'bool' | string;

/** A graph input as the feeds need it: from a session's inputMetadata or from the decoded graph. */
export interface FeedInput {
  name: string;
  type: FeedType;
  /** numbers for fixed dims, a name (or '?') for symbolic ones */
  dims: readonly (number | string)[];
}

export interface PastSlot {
  /** the graph input fed with the previous step's present */
  input: string;
  /** the graph output that holds this step's cache */
  present: string;
  layout: 'split' | 'packed';
  /** the dims of an empty cache (past length 0, batch 1) */
  emptyDims: number[];
  type: 'float32' | 'float16';
}

/** How a model names its cache, as templates with %d for the layer (genai_config.json's form). */
export interface CacheNames {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

export const OPTIMUM_CACHE_NAMES: CacheNames = {
  pastKey: 'past_key_values.%d.key',
  pastValue: 'past_key_values.%d.value',
  presentKey: 'present.%d.key',
  presentValue: 'present.%d.value',
};

/** the dims of a cache when the graph leaves heads or head size symbolic (config.json says) */
export interface CacheShapeHint {
  kvHeads?: number;
  headDim?: number;
}

const ONNX_TYPES: Record<number, FeedType> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 2: 'uint8', 3: 'int8' };

/** TensorProto.DataType number → onnxruntime-node's name; 0 (undeclared) reads as int64, the exporters' default for ids. */
export function feedTypeOf(elemType: number): FeedType {
  return ONNX_TYPES[elemType] ?? (elemType === 0 ? 'int64' : `onnx type ${elemType}`);
}

function templateRegex(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%d', '(\\d+)');
  return new RegExp(`^${escaped}$`);
}

/**
 * The KV-cache inputs of a graph and the outputs they come back as. Throws a message naming the
 * input when its heads or head size are neither in the graph nor in `hint`.
 */
export function pastSlotsOf(inputs: readonly FeedInput[], names: CacheNames = OPTIMUM_CACHE_NAMES, hint: CacheShapeHint = {}, modelName = 'the model'): PastSlot[] {
  const slots: PastSlot[] = [];
  const key = templateRegex(names.pastKey);
  const value = templateRegex(names.pastValue);
  for (const inp of inputs) {
    const type = inp.type === 'float16' ? 'float16' : 'float32';
    const k = key.exec(inp.name);
    const v = k ? null : value.exec(inp.name);
    const split = k ?? v;
    if (split) {
      // [batch, kv_heads, past, head_dim]
      const heads = typeof inp.dims[1] === 'number' ? inp.dims[1] : hint.kvHeads;
      const headDim = typeof inp.dims[3] === 'number' ? inp.dims[3] : hint.headDim;
      if (!isCount(heads) || !isCount(headDim)) {
        throw new CacheShapeError(`${modelName}: cannot tell the shape of ${inp.name}; add num_key_value_heads and head_dim to config.json.`);
      }
      const present = (k ? names.presentKey : names.presentValue).replace('%d', split[1]);
      slots.push({ input: inp.name, present, layout: 'split', emptyDims: [1, heads, 0, headDim], type });
      continue;
    }
    const packed = /^past_(\d+)$/.exec(inp.name);
    if (packed) {
      // [2 (key, value), batch, heads, past, head_dim]
      const heads = typeof inp.dims[2] === 'number' ? inp.dims[2] : hint.kvHeads;
      const headDim = typeof inp.dims[4] === 'number' ? inp.dims[4] : hint.headDim;
      if (!isCount(heads) || !isCount(headDim)) {
        throw new CacheShapeError(`${modelName}: cannot tell the shape of ${inp.name}; add n_head and n_embd to config.json.`);
      }
      slots.push({ input: inp.name, present: `present_${packed[1]}`, layout: 'packed', emptyDims: [2, 1, heads, 0, headDim], type });
    }
  }
  return slots;
}

export class CacheShapeError extends Error {}

const isCount = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n > 0;

/** A tensor of `values` in the input's own dtype (ints, floats or bools). */
export function tensorOf(type: FeedType, values: readonly number[], dims: number[]): Tensor {
  switch (type) {
    case 'int32':
      return new Tensor('int32', Int32Array.from(values), dims);
    case 'float32':
      return new Tensor('float32', Float32Array.from(values), dims);
    case 'float16':
      return new Tensor('float16', Uint16Array.from(values, smallIntToFloat16), dims);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(values, (v) => (v ? 1 : 0)), dims);
    default:
      return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }
}

/** float16 bits of a whole number below 2048 (masks, positions), exact in float16 */
function smallIntToFloat16(v: number): number {
  if (v === 0) return 0;
  const e = Math.floor(Math.log2(v));
  return ((e + 15) << 10) | Math.round((v / 2 ** e - 1) * 1024);
}

function emptyPast(slot: PastSlot): Tensor {
  return slot.type === 'float16' ? new Tensor('float16', new Uint16Array(0), slot.emptyDims) : new Tensor('float32', new Float32Array(0), slot.emptyDims);
}

/** What a feed builder could not fill: the caller words it for its own error type. */
export class UnfillableInputError extends Error {
  constructor(
    readonly input: string,
    readonly integer: boolean,
  ) {
    super(`cannot fill ${input}`);
  }
}

/**
 * Feeds for `ids` (batch 1) following `pastLength` cached positions whose present tensors are in
 * `past` (keyed by the past input's name); missing pasts are fed empty.
 */
export function decoderFeeds(inputs: readonly FeedInput[], slots: readonly PastSlot[], ids: readonly number[], pastLength = 0,
  past?: ReadonlyMap<string, Tensor>): Record<string, Tensor> {
  const seq = ids.length;
  const bySlot = new Map(slots.map((s) => [s.input, s]));
  const feeds: Record<string, Tensor> = {};
  for (const inp of inputs) {
    const { name, type } = inp;
    const slot = bySlot.get(name);
    if (name === 'input_ids') feeds[name] = tensorOf(type, ids, [1, seq]); // [batch, seq]
    else if (name === 'attention_mask') feeds[name] = tensorOf(type, new Array<number>(pastLength + seq).fill(1), [1, pastLength + seq]); // [batch, past+seq]
    else if (name === 'position_ids') feeds[name] = tensorOf(type, Array.from({ length: seq }, (_, i) => pastLength + i), [1, seq]); // [batch, seq]
    else if (name === 'token_type_ids') feeds[name] = tensorOf(type, new Array<number>(seq).fill(0), [1, seq]);
    else if (name === 'use_cache_branch') feeds[name] = tensorOf(type, [pastLength > 0 ? 1 : 0], [1]); // Optimum merged decoders: the If's condition
    else if (slot) feeds[name] = past?.get(name) ?? emptyPast(slot);
    else if (/past|cache/.test(name)) feeds[name] = emptyCacheOfUnknownLayout(inp);
    else throw new UnfillableInputError(name, /int/.test(type) || type === 'bool');
  }
  return feeds;
}

/**
 * A cache input in a layout not named above (an encoder-decoder's, a custom export's): empty in
 * its symbolic sequence dim. Batch is a dim named like batch, or the first symbolic one.
 */
function emptyCacheOfUnknownLayout(inp: FeedInput): Tensor {
  const named = inp.dims.findIndex((d) => typeof d === 'string' && /batch/i.test(d));
  const batchAt = named >= 0 ? named : inp.dims.findIndex((d) => typeof d !== 'number');
  const dims = inp.dims.map((d, i) => (typeof d === 'number' ? d : i === batchAt ? 1 : 0));
  return inp.type === 'float16' ? new Tensor('float16', new Uint16Array(0), dims) : new Tensor('float32', new Float32Array(0), dims);
}
