// host⇄engine: `model/info`, everything Model Info shows about one model (the panel and
// `tensorloupe info --json` print this object as it is; its field names are a contract).

export interface ModelInfoParams {
  model: string;
}

/** A graph input or output: its element type and shape (numbers for fixed dims, the dim_param text or "?" for symbolic ones). */
export interface TensorSignature {
  name: string;
  /** onnxruntime's spelling: float32, float16, int64, int32, bool, uint8, … */
  dtype: string;
  shape: (number | string)[];
}

/** Where a figure came from: read from the graph's structure, config.json, the tokenizer, or nowhere. */
export type FigureSource = 'graph' | 'config.json' | 'tokenizer.json' | 'unknown';

export type ModelKindName =
  | 'decoder-lm'
  | 'masked-lm'
  | 'sequence-classifier'
  | 'token-classifier'
  | 'text-encoder'
  | 'image-classifier'
  | 'vision-encoder'
  | 'audio-classifier'
  | 'audio-encoder'
  | 'unknown';

export interface ModelInfoReport {
  name: string;
  /** absolute folder of the model and the .onnx file read */
  dir: string;
  onnxPath: string;
  kind: ModelKindName;
  /** why that kind, in words: "config.json architectures GPT2LMHeadModel" */
  kindEvidence: string;
  modelType: string | null;
  architecture: string | null;
  /** elements of every initializer, subgraphs (If/Loop/Scan bodies) and external data included */
  parameters: number;
  /** per element type of the initializers: tensors, elements and bytes */
  weightDtypes: Record<string, { tensors: number; elements: number; bytes: number }>;
  layers: number | null;
  heads: { query: number | null; keyValue: number | null };
  hiddenSize: number | null;
  vocabSize: number | null;
  /** positions the model covers (config.json); null when nothing says */
  contextLength: number | null;
  /** classes of a classifier (config.json id2label) */
  labels: number | null;
  /** where each of the figures above came from */
  sources: Record<'layers' | 'heads' | 'keyValueHeads' | 'hiddenSize' | 'vocabSize' | 'contextLength' | 'labels', FigureSource>;
  /** disagreements between the graph and config.json, and other things worth knowing */
  notes: string[];
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  /** node count per op type, most frequent first; ops outside ai.onnx are "domain.Op" */
  ops: { op: string; count: number }[];
  /** every node, subgraphs included; subgraphNodes: those inside If/Loop/Scan bodies */
  nodes: number;
  subgraphNodes: number;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** externalData: the files the initializers name (bytes −1: missing) */
  files: { model: { path: string; bytes: number }; externalData: { path: string; bytes: number }[]; totalBytes: number };
  /** provider: "none" when onnxruntime could not load the model at all; providerNote then says why */
  /** execution provider the session runs on, why a preferred one was not used, and how long the load took */
  provider: string;
  providerNote: string | null;
  loadMs: number;
  instrumentation: InstrumentationReport;
}

export interface InstrumentationReport {
  /** hooks found in the graph as it is (TransformerLens names, with the ONNX tensor each reads) */
  found: { name: string; onnxName: string }[];
  /** attention patterns rebuilt from a fused op's Q and K (the op never materialises them) */
  recomputed: { name: string; op: string }[];
  /** what could not be found, and why */
  unavailable: { name: string; reason: string }[];
  layerNorm: 'pre' | 'post' | 'unknown';
  fusedAttention: boolean;
  /** instrumentation itself failed: the reason (the other fields are then empty) */
  error: string | null;
  ms: number;
  cached: boolean;
}

export type ModelInfoApi = {
  'model/info': [ModelInfoParams, ModelInfoReport];
};
