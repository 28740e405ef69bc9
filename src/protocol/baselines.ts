import type { ModelInfo } from './engine';

// baseline/compare: the model's surprisal on a text beside lookups over a corpus (an
// interpolated Kneser–Ney n-gram, a bag-of-tokens model, the longest verbatim match).

export interface BaselineParams {
  model: string;
  /** the corpus: absolute paths of text files (the host or CLI expands the glob) */
  files: string[];
  text: string;
  /** n-gram order, 1–5 */
  order: number;
  maxTokens: number;
  /** shortest verbatim match (tokens) reported as "likely memorised" */
  minMatch: number;
}

export interface BaselineToken {
  id: number;
  text: string;
  /** UTF-16 offsets in the text; negative for a token the tokenizer added */
  start: number;
  end: number;
  modelBits: number;
  ngramBits: number;
  bagBits: number;
  /** tokens of the longest corpus span ending at this token */
  longestMatch: number;
  /** the model's and the n-gram's most probable token here */
  modelTop1: number;
  ngramTop1: number;
  /** the token's rank under the model (1 = its top guess) */
  modelRank: number;
}

export interface VerbatimMatch {
  /** indices into `tokens`, inclusive */
  first: number;
  last: number;
  length: number;
  /** one corpus file holding the span, and the 1-based line its first token is on */
  file: string;
  line: number;
}

export interface BaselineSummary {
  /** mean bits/token of each over the scored tokens */
  modelBits: number;
  ngramBits: number;
  bagBits: number;
  /** share of tokens where the model's top-1 equals the n-gram's */
  top1Agreement: number;
  /** share of tokens where the model's surprisal is at least 1 bit below the n-gram's */
  modelBeatsNgram: number;
}

export interface BaselineResult {
  model: ModelInfo;
  corpus: { files: number; tokens: number; fromCache: boolean; skipped: number };
  order: number;
  tokens: BaselineToken[];
  summary: BaselineSummary;
  matches: VerbatimMatch[];
  /** the text was cut to maxTokens */
  truncated: boolean;
  ms: number;
}

export type BaselinesApi = {
  'baseline/compare': [BaselineParams, BaselineResult];
};
