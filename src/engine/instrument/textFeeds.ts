/** Feeds for an instrumented text model from token ids: the decoder runners' own feed builder
 * (runners/decoderFeeds.ts) over the graph's declared inputs, so activations and lens feed a model
 * exactly as next-token does (per-input dtypes, KV-cache layouts, use_cache_branch). */
import type { Tensor } from 'onnxruntime-node';
import { InstrumentError } from './errors.js';
import type { GraphInputInfo } from './types.js';
import { decoderFeeds, feedTypeOf, pastSlotsOf, UnfillableInputError, type FeedInput, type PastSlot } from '../runners/decoderFeeds';

export function feedInputsOf(inputs: GraphInputInfo[]): FeedInput[] {
  return inputs.map((i) => ({ name: i.name, type: feedTypeOf(i.elemType), dims: i.dims }));
}

/** KV-cache slots of the graph; a cache whose heads are symbolic is fed by its generic rule instead */
export function pastSlotsOfGraph(inputs: GraphInputInfo[]): PastSlot[] {
  try {
    return pastSlotsOf(feedInputsOf(inputs));
  } catch {
    return [];
  }
}

export function textFeeds(inputs: GraphInputInfo[], ids: number[], pastLength = 0, past?: ReadonlyMap<string, Tensor>): Record<string, Tensor> {
  const feedInputs = feedInputsOf(inputs);
  try {
    return decoderFeeds(feedInputs, pastSlotsOfGraph(inputs), ids, pastLength, past);
  } catch (error) {
    if (!(error instanceof UnfillableInputError)) throw error;
    if (error.integer) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `text input ${error.input} has no default value; pass it explicitly`);
    throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `input ${error.input} is not a text input (is this an image or audio model?)`);
  }
}
