import type { KneserNey } from '../../analyses/kneserNey';
import type { BagOfTokens } from '../../analyses/bagOfTokens';
import { longestMatches } from '../../analyses/longestMatch';
import { lowerBound } from '../../analyses/ngramIndex';
import type { SurprisalToken } from '../../../protocol/engine';
import type { BaselineSummary, BaselineToken, VerbatimMatch } from '../../../protocol/baselines';
import type { StoredCorpus } from './indexFile';

// Token by token: the model's surprisal beside the baselines', the longest verbatim match, and
// the summary the panel and the CLI show. Pure over what the handler gathered.

export interface CompareInputs {
  corpus: StoredCorpus;
  kn: KneserNey;
  bag: BagOfTokens;
  /** every token of the text (the first, which nothing predicts, included) */
  ids: number[];
  /** the model's surprisal for ids[1..] (lm/surprisal's tokens) */
  scored: SurprisalToken[];
  minMatch: number;
  /** newlines[id] = line breaks in token id's text */
  newlines: Uint8Array;
}

const bits = (p: number) => -Math.log2(p);

export function compareWithBaselines(c: CompareInputs): { tokens: BaselineToken[]; summary: BaselineSummary; matches: VerbatimMatch[] } {
  const { ids, scored } = c;
  if (scored.length !== ids.length - 1) throw new Error(`the model scored ${scored.length} tokens of ${ids.length}`);
  const match = longestMatches(c.corpus.index, ids);
  const tokens: BaselineToken[] = scored.map((s, i) => {
    const t = i + 1;
    const ng = c.kn.score(ids, 0, t);
    return {
      id: s.id,
      text: s.text,
      start: s.start,
      end: s.end,
      modelBits: s.bits,
      ngramBits: bits(ng.prob),
      bagBits: bits(c.bag.prob(ids, 0, t, ids[t])),
      longestMatch: match.length[t],
      modelTop1: s.alternatives[0]?.id ?? s.id,
      ngramTop1: ng.top1,
      modelRank: s.rank,
    };
  });
  const counted = tokens.filter((_, i) => !scored[i].special);
  const mean = (f: (t: BaselineToken) => number) => (counted.length ? counted.reduce((s, t) => s + f(t), 0) / counted.length : 0);
  const summary: BaselineSummary = {
    modelBits: mean((t) => t.modelBits),
    ngramBits: mean((t) => t.ngramBits),
    bagBits: mean((t) => t.bagBits),
    top1Agreement: mean((t) => (t.modelTop1 === t.ngramTop1 ? 1 : 0)),
    modelBeatsNgram: mean((t) => (t.modelBits <= t.ngramBits - 1 ? 1 : 0)),
  };
  // maximal matches (they do not grow by the next token) at least minMatch long
  const matches: VerbatimMatch[] = [];
  for (let t = 1; t < ids.length; t++) {
    const len = match.length[t];
    if (len < c.minMatch || (t + 1 < ids.length && match.length[t + 1] === len + 1)) continue;
    const at = match.where[t];
    const file = lowerBound(c.corpus.starts, at + 1) - 1;
    let line = 1;
    const stream = c.corpus.index.tokens;
    for (let q = c.corpus.starts[file]; q < at; q++) line += c.newlines[stream[q]] ?? 0;
    matches.push({ first: Math.max(0, t - len), last: t - 1, length: len, file: c.corpus.files[file], line });
  }
  return { tokens, summary, matches };
}
