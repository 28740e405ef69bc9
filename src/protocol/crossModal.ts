// The cross-modal map channel (Tensorloupe: Fit Cross-Modal Map, `tensorloupe crossmap`): a linear
// map from an image or audio model's embedding of a sample to the text LM's input embedding of
// the sample's text, fitted on some classes and tested on classes it never saw
// (engine side: src/engine/features/crossModal/).

export type CrossModalMethod = 'ridge' | 'procrustes';
export const CROSS_MODAL_METHODS: readonly CrossModalMethod[] = ['ridge', 'procrustes'];

export interface CrossModalParams {
  /** the image or audio model (source) */
  from: string;
  /** the text LM (target): its input-embedding rows */
  to: string;
  /**
   * a JSONL file of pairs, one `{"image": path, "text": "..."}` or `{"audio": path, "text": "..."}`
   * a line (paths relative to the file); absent: the source model's `samples/crossmodal/`, each
   * file's label (its name up to the first "_") paired with that label's token(s)
   */
  pairs?: string;
  /** which methods to fit (default both) */
  methods: CrossModalMethod[];
  /** the layer whose held-out classes are tabled; absent: the best by cross-validation on the training classes */
  layer?: number;
  /** seeds the class split and the shuffled-pairs permutations */
  seed: number;
  /** share of the classes held out from the fit (default 1/3) */
  testFraction?: number;
}

export interface Retrieval {
  /** share of the held-out samples whose own token is the nearest (cosine) of every class's token */
  retrievalAt1: number;
  /** … among the 5 nearest */
  retrievalAt5: number;
  /**
   * the same among the held-out classes' tokens only (zero-shot retrieval). A map fitted on the
   * training classes pulls every prediction towards their tokens, so among all tokens a held-out
   * class is rarely first even where the map does generalise; this figure shows whether it does.
   */
  heldOutRetrievalAt1: number;
  heldOutRetrievalAt5: number;
}

export interface MethodFit extends Retrieval {
  /** mean reciprocal rank of a training class's token among its fold's classes' tokens when the fold is left out of the fit (k-fold over training classes) */
  cvScore: number;
  /** ridge: the strength chosen by that cross-validation, relative to the mean eigenvalue of XᵀX */
  lambda?: number;
  /** Procrustes: the source's principal components kept (at most training classes − 1) */
  dims?: number;
}

export interface LayerFit {
  /** 0 = embedding (blocks.0.hook_resid_pre), l = blocks.{l-1}.hook_resid_post, last = ln_final when the graph has it */
  layer: number;
  hook: string;
  label: string;
  ridge?: MethodFit;
  procrustes?: MethodFit;
  /** the same fit with the class → token pairs permuted across classes (mean over the permutations) */
  shuffled: Partial<Record<CrossModalMethod, Retrieval>>;
  /** why the figures of this layer mean nothing, when they do not (every sample embedded the same) */
  note?: string;
}

export interface RetrievedToken {
  /** the class whose token this is */
  label: string;
  text: string;
  cosine: number;
}

export interface HeldOutClass {
  label: string;
  /** the text the class is paired with, and its token(s) in the text LM */
  text: string;
  tokens: { id: number; text: string }[];
  samples: number;
  /**
   * at the tabled layer: how many of its samples retrieve their own token first among every
   * class's token and among the held-out classes' tokens, and the 5 nearest of every class's
   * tokens to the mean of its samples' predictions
   */
  results: Partial<Record<CrossModalMethod, { hitsAt1: number; heldOutHitsAt1: number; top5: RetrievedToken[] }>>;
}

export interface CrossModalResult {
  from: string;
  to: string;
  source: {
    modality: 'image' | 'audio';
    /** "CLS token" or "mean over encoder positions" */
    embedding: string;
    dModel: number;
    /** the JSONL file, or the bundled samples folder */
    pairs: string;
  };
  target: {
    embedding: string;
    dModel: number;
    /** classes whose text is more than one token: their target is the mean of the tokens' embedding rows */
    multiToken: string[];
  };
  counts: { samples: number; classes: number; trainClasses: number; testClasses: number; trainSamples: number; testSamples: number };
  split: { seed: number; testFraction: number; train: string[]; test: string[]; folds: number };
  /** every class's token is a candidate: retrieval is among this many */
  candidates: number;
  chance: Retrieval;
  methods: CrossModalMethod[];
  /** shuffled-pairs permutations averaged */
  permutations: number;
  layers: LayerFit[];
  /** the layer the held-out table is for, and how it was chosen */
  tableLayer: number;
  tableLayerChosenBy: 'request' | 'cross-validation';
  heldOut: HeldOutClass[];
  ms: number;
}

export type CrossModalApi = {
  'crossmodal/fit': [CrossModalParams, CrossModalResult];
};
