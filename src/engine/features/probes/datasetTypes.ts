// A probe's dataset as the engine reads it, before any model sees it.

/** A labelled character range [start, end) of a text (UTF-16 offsets). */
export interface LabelledSpan {
  start: number;
  end: number;
  label: string;
}

/** One label per text: the feature is the text's pooled hidden state. */
export interface SequenceDataset {
  task: 'sequence';
  /** the file, or the builtin task's name */
  name: string;
  texts: string[];
  labels: string[];
}

/** Labelled character ranges: each token takes the label of the span it falls in. */
export interface TokenDataset {
  task: 'token';
  name: string;
  texts: string[];
  /** per text, sorted and not overlapping */
  spans: LabelledSpan[][];
  /** what a token outside every span is labelled; undefined: such tokens are left out */
  outside: string | undefined;
  /** where each text came from (a file path for builtin tasks), for messages and the panel */
  sources?: string[];
}

export type ProbeDataset = SequenceDataset | TokenDataset;

/** The label of tokens outside every span of a token-level dataset file ("O", as in BIO tagging). */
export const OUTSIDE_LABEL = 'O';
/** Rows a dataset file may have (more is refused, naming the row where the bound was passed). */
export const MAX_DATASET_ROWS = 100_000;
/** Bytes a dataset file may have. */
export const MAX_DATASET_BYTES = 64 * 2 ** 20;
/** Characters a label may have (it is a class name, not a text). */
export const MAX_LABEL_CHARS = 200;
