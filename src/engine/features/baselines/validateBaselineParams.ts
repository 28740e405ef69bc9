import { asObject, intIn, listOf, nonEmptyString } from '../../../util/validate';
import { InputError } from '../../errors';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { MAX_ORDER } from '../../analyses/ngramIndex';
import type { BaselinesApi } from '../../../protocol/baselines';

// baseline/compare at the engine's boundary, in the style of validateParams.ts.

const PATH_CHARS = 4096;
/** corpus files a request may name (corpusIndex.ts says the same bound in the user's words) */
export const MAX_CORPUS_FILES = 20_000;

export const baselineValidators: { [M in keyof BaselinesApi]: (raw: unknown) => BaselinesApi[M][0] } = {
  'baseline/compare': (raw) => {
    const m = 'baseline/compare';
    const o = asObject(raw, `${m} params`);
    if (typeof o.text !== 'string') throw new InputError(`${m}: text must be text.`);
    if (o.text.length > MAX_TEXT_CHARS) throw new InputError(`${m}: text has ${o.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      files: listOf(o.files, MAX_CORPUS_FILES, `${m}: files`, (v, w) => nonEmptyString(v, PATH_CHARS, w)),
      text: o.text,
      order: intIn(o.order, 1, MAX_ORDER, `${m}: order`),
      maxTokens: intIn(o.maxTokens, 1, 32_768, `${m}: maxTokens`),
      minMatch: intIn(o.minMatch, 1, 100_000, `${m}: minMatch`),
    };
  },
};
