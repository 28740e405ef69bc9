/** Layers, heads, hidden size, vocabulary, context and classes of a model: from the graph's structure
 * where it says, else config.json, each with its source, and a note where the two disagree (a
 * config.json copied from another model is a common cause of wrong numbers elsewhere). */
import type { GraphIndex } from '../../instrument/graphIndex';
import { toNumber } from '../../instrument/graphIndex';
import { dimsOf } from '../../instrument/tensorData';
import type { InstrumentResult } from '../../instrument/types';
import type { FigureSource, ModelInfoReport } from '../../../protocol/modelInfo';

type Config = Record<string, unknown>;
type Figures = Pick<ModelInfoReport, 'layers' | 'heads' | 'hiddenSize' | 'vocabSize' | 'contextLength' | 'labels' | 'sources' | 'notes'>;

/** The first whole-number value among `keys` (configs of different families name the same figure differently). */
export function configNumber(config: Config, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = config[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  }
  return undefined;
}

const CONFIG_KEYS = {
  layers: ['num_hidden_layers', 'n_layer', 'encoder_layers', 'num_layers'],
  heads: ['num_attention_heads', 'n_head', 'encoder_attention_heads', 'num_heads'],
  keyValueHeads: ['num_key_value_heads', 'multi_query_group_num'],
  hiddenSize: ['hidden_size', 'n_embd', 'd_model'],
  vocabSize: ['vocab_size'],
  contextLength: ['n_positions', 'max_position_embeddings', 'n_ctx', 'max_source_positions', 'seq_length'],
};

/** The token embedding: a Gather whose indices are the graph input `input_ids` and whose data is a rank-2 initializer [vocab, hidden]. */
function embeddingDims(g: GraphIndex): [number, number] | undefined {
  for (const node of g.nodes) {
    if (node.opType !== 'Gather' || (node.input?.[1] ?? '') !== 'input_ids') continue;
    const table = g.initializers.get(node.input?.[0] ?? '');
    const dims = table ? dimsOf(table) : [];
    if (dims.length === 2) return [dims[0], dims[1]];
  }
  return undefined;
}

/** A fixed dim of a value_info, if the exporter wrote one. */
function fixedDim(g: GraphIndex, name: string, axis: number): number | undefined {
  const dims = g.valueInfo.get(name)?.type?.tensorType?.shape?.dim;
  const d = dims?.[axis < 0 ? dims.length + axis : axis];
  if (!d || d.dimParam || !Object.prototype.hasOwnProperty.call(d, 'dimValue')) return undefined;
  const n = toNumber(d.dimValue);
  return n > 0 ? n : undefined;
}

/** Query and key/value heads from the graph: a fused op's attributes, a pattern's [batch, head, q, k] shape, the KV cache's [batch, kv_head, past, head_dim]. */
function graphHeads(g: GraphIndex, r: InstrumentResult | undefined, notes: string[]): { query?: number; keyValue?: number } {
  const specs = (r?.hooks ?? []).filter((h) => h.recomputed);
  if (specs.length) {
    // layers may use different ops (a GroupQueryAttention layer among MultiHeadAttention ones): the most query heads, the fewest kv heads
    const per = specs.map((h) => `${h.name.replace('.attn.hook_pattern', '')} ${h.recomputed?.op} ${h.recomputed?.numHeads}/${h.recomputed?.kvNumHeads}`);
    const query = Math.max(...specs.map((h) => h.recomputed?.numHeads ?? 0));
    const keyValue = Math.min(...specs.map((h) => h.recomputed?.kvNumHeads ?? query));
    if (new Set(specs.map((h) => `${h.recomputed?.numHeads}/${h.recomputed?.kvNumHeads}`)).size > 1) notes.push(`heads differ between layers (query/key-value): ${per.join(', ')}.`);
    return { query, keyValue };
  }
  const pattern = r?.hooks.find((h) => h.kind === 'pattern' && !h.recomputed);
  const query = pattern ? fixedDim(g, pattern.onnxName, 1) : undefined;
  const past = r?.inputs.find((i) => /past_key_values\.\d+\.key$|^past_key_\d+$|^past_\d+_key$/.test(i.name));
  const kv = past && past.dims.length === 4 && typeof past.dims[1] === 'number' ? past.dims[1] : undefined;
  return { query, keyValue: kv };
}

/** Picks the graph's value, else config.json's, and says where it came from and whether they disagree. */
function pick(what: string, graph: number | undefined, config: number | undefined, notes: string[], graphSource: FigureSource = 'graph'): [number | null, FigureSource] {
  if (graph !== undefined && config !== undefined && graph !== config) notes.push(`${what}: the graph has ${graph}, config.json says ${config}; the graph's figure is shown.`);
  if (graph !== undefined) return [graph, graphSource];
  if (config !== undefined) return [config, 'config.json'];
  return [null, 'unknown'];
}

export function modelFigures(g: GraphIndex, config: Config, r: InstrumentResult | undefined, textKind: boolean, tokenizerVocab?: () => number | undefined): Figures {
  const notes: string[] = [];
  const embed = embeddingDims(g);
  const heads = graphHeads(g, r, notes);
  const [layers, layersSource] = pick('layers', r && r.architecture.nLayers > 0 ? r.architecture.nLayers : undefined, configNumber(config, ...CONFIG_KEYS.layers), notes);
  const [query, headsSource] = pick('attention heads', heads.query, configNumber(config, ...CONFIG_KEYS.heads), notes);
  // no key/value figure anywhere: every query head has its own keys and values (multi-head attention)
  const [kvGiven, kvSource] = pick('key/value heads', heads.keyValue, configNumber(config, ...CONFIG_KEYS.keyValueHeads), notes);
  const [keyValue, keyValueSource] = kvGiven === null && query !== null ? [query, headsSource] : [kvGiven, kvSource];
  const [hiddenSize, hiddenSource] = pick('hidden size', embed?.[1] ?? r?.architecture.dModel, configNumber(config, ...CONFIG_KEYS.hiddenSize), notes);
  const id2label = config.id2label;
  const labels = typeof id2label === 'object' && id2label !== null && !Array.isArray(id2label) ? Object.keys(id2label).length : null;
  let vocabSize: number | null = null;
  let vocabSource: FigureSource = 'unknown';
  if (textKind) {
    // the README's order: config.json, else the logits' fixed last dim, else the tokenizer
    const logitsDim = g.graphOutputs.has('logits') ? fixedDim(g, 'logits', -1) : undefined;
    const fromConfig = configNumber(config, ...CONFIG_KEYS.vocabSize);
    const fromGraph = logitsDim ?? embed?.[0];
    if (fromConfig !== undefined && fromGraph !== undefined && fromConfig !== fromGraph && logitsDim !== undefined) {
      notes.push(`vocabulary: config.json says ${fromConfig}, the logits have ${fromGraph}.`);
    }
    const fromTokenizer = fromConfig === undefined && fromGraph === undefined ? tokenizerVocab?.() : undefined;
    [vocabSize, vocabSource] = fromConfig !== undefined ? [fromConfig, 'config.json'] : fromGraph !== undefined ? [fromGraph, 'graph']
      : fromTokenizer !== undefined ? [fromTokenizer, 'tokenizer.json'] : [null, 'unknown'];
  }
  const context = configNumber(config, ...CONFIG_KEYS.contextLength);
  return {
    layers,
    heads: { query, keyValue },
    hiddenSize,
    vocabSize,
    contextLength: context ?? null,
    labels,
    sources: {
      layers: layersSource,
      heads: headsSource,
      keyValueHeads: keyValueSource,
      hiddenSize: hiddenSource,
      vocabSize: vocabSource,
      contextLength: context === undefined ? 'unknown' : 'config.json',
      labels: labels === null ? 'unknown' : 'config.json',
    },
    notes,
  };
}
