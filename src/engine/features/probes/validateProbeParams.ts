import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, oneOf } from '../../../util/validate';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import type { ProbesApi } from '../../../protocol/probes';

// probe/* at the engine's boundary, in the style of validateParams.ts: shape and bounds, one line
// naming the method and the field; only known fields travel on.

const PATH_CHARS = 4096;
/** files a builtin task may be given (loadProbeDataset says the same bound in the user's words) */
const MAX_FILES = 100_000;

export const probeValidators: { [M in keyof ProbesApi]: (raw: unknown) => ProbesApi[M][0] } = {
  'probe/train': (raw) => {
    const m = 'probe/train';
    const o = asObject(raw, `${m} params`);
    if (typeof o.layer === 'string' && o.layer !== 'all') throw new InputError(`${m}: layer must be "all" or a layer number.`);
    const layer = o.layer === 'all' ? 'all' : intIn(o.layer, 0, 10_000, `${m}: layer`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      dataset: nonEmptyString(o.dataset, PATH_CHARS, `${m}: dataset`),
      files: listOf(o.files, MAX_FILES, `${m}: files`, (v, w) => nonEmptyString(v, PATH_CHARS, w)),
      layer,
      pool: oneOf(o.pool, ['mean', 'last'] as const, `${m}: pool`),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
    };
  },
  'probe/preview': (raw) => {
    const m = 'probe/preview';
    const o = asObject(raw, `${m} params`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      dataset: nonEmptyString(o.dataset, PATH_CHARS, `${m}: dataset`),
      files: listOf(o.files, MAX_FILES, `${m}: files`, (v, w) => nonEmptyString(v, PATH_CHARS, w)),
    };
  },
  'probe/save': (raw) => {
    const m = 'probe/save';
    const o = asObject(raw, `${m} params`);
    return { runId: nonEmptyString(o.runId, 64, `${m}: runId`), layer: intIn(o.layer, 0, 10_000, `${m}: layer`), out: nonEmptyString(o.out, PATH_CHARS, `${m}: out`) };
  },
  'probe/apply': (raw) => {
    const m = 'probe/apply';
    const o = asObject(raw, `${m} params`);
    if (typeof o.text !== 'string') throw new InputError(`${m}: text must be text.`);
    if (o.text.length > MAX_TEXT_CHARS) throw new InputError(`${m}: text has ${o.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      probe: nonEmptyString(o.probe, PATH_CHARS, `${m}: probe`),
      text: o.text,
      maxTokens: intIn(o.maxTokens, 1, 1_000_000, `${m}: maxTokens`),
    };
  },
};
