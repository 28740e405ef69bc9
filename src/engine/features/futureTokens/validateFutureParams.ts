import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString } from '../../../util/validate';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { MAX_CORPUS_FILES } from './readCorpus';
import type { FutureTokensApi } from '../../../protocol/futureTokens';

// future/* at the engine's boundary: shape and bounds, one line naming the method and the field.

const PATH_CHARS = 4096;
/** the farthest step ahead a run probes */
export const MAX_FUTURE_K = 8;

export const futureValidators: { [M in keyof FutureTokensApi]: (raw: unknown) => FutureTokensApi[M][0] } = {
  'future/train': (raw) => {
    const m = 'future/train';
    const o = asObject(raw, `${m} params`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      files: listOf(o.files, MAX_CORPUS_FILES, `${m}: files`, (v, w) => nonEmptyString(v, PATH_CHARS, w)),
      k: intIn(o.k, 1, MAX_FUTURE_K, `${m}: k`),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
    };
  },
  'future/apply': (raw) => {
    const m = 'future/apply';
    const o = asObject(raw, `${m} params`);
    if (typeof o.text !== 'string') throw new InputError(`${m}: text must be text.`);
    if (o.text.length > MAX_TEXT_CHARS) throw new InputError(`${m}: text has ${o.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
    return { runId: nonEmptyString(o.runId, 64, `${m}: runId`), text: o.text, maxTokens: intIn(o.maxTokens, 1, 1_000_000, `${m}: maxTokens`) };
  },
};
