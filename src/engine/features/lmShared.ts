import { InputError } from '../errors';
import { tokenText, type LoadedLm } from '../languageModels';
import { logSumExp, topKIndices } from '../../util/distribution';
import { MAX_TEXT_CHARS } from '../../util/limits';
import type { Candidate } from '../../protocol/engine';

/** What the next-token and surprisal features share: the selection's check and a row's top-k candidates. */

export function checkText(text: string): void {
  if (typeof text !== 'string' || text.length === 0) throw new InputError('Select some text first: the selection is empty.');
  if (text.length > MAX_TEXT_CHARS) {
    throw new InputError(`The selection has ${text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
  }
}

/** logits [vocab] → the k most likely tokens with p (from `lse`, the row's log-sum-exp), logit and rank. */
export function candidates(model: LoadedLm, logits: Float32Array, k: number, lse = logSumExp(logits)): Candidate[] {
  return topKIndices(logits, k).map((id, i) => ({
    id,
    text: tokenText(model, id),
    prob: Math.exp(logits[id] - lse),
    logit: logits[id],
    rank: i + 1,
  }));
}
