// The intervention methods' params, checked at the engine boundary like validateParams.ts's: shape
// and bounds here, one line naming the method and field; meaning (a head the model has, prompts of
// the same length) in the handlers.
import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, oneOf, optional, shortString } from '../../../util/validate';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import type { InterventionsApi, TokenRef } from '../../../protocol/interventions';

type InterventionValidators = { [M in keyof InterventionsApi]: (raw: unknown) => InterventionsApi[M][0] };

const PATH_CHARS = 4096;
const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new InputError(`${what} must be text.`);
  if (v.length > MAX_TEXT_CHARS) throw new InputError(`${what} has ${v.length} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS}.`);
  return v;
};
const tokenRef = (v: unknown, what: string): TokenRef => (typeof v === 'number' ? intIn(v, 0, 2 ** 31 - 1, what) : nonEmptyString(v, 1000, what));

export const interventionValidators: InterventionValidators = {
  'interventions/ablate': (raw) => {
    const m = 'interventions/ablate';
    const o = asObject(raw, `${m} params`);
    const heads = listOf(o.heads, 4096, `${m}: heads`, (h, w) => {
      const ho = asObject(h, w);
      return { layer: intIn(ho.layer, 0, 10_000, `${w}.layer`), head: intIn(ho.head, 0, 10_000, `${w}.head`) };
    });
    return { model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`), text: text(o.text, `${m}: text`), heads,
      mode: oneOf(o.mode, ['zero', 'mean'] as const, `${m}: mode`), topK: intIn(o.topK, 1, 100, `${m}: topK`) };
  },
  'interventions/patch': (raw) => {
    const m = 'interventions/patch';
    const o = asObject(raw, `${m} params`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`), clean: text(o.clean, `${m}: clean`), corrupt: text(o.corrupt, `${m}: corrupt`),
      answer: tokenRef(o.answer, `${m}: answer`), wrong: tokenRef(o.wrong, `${m}: wrong`),
      hook: oneOf(o.hook, ['resid_pre', 'attn_out', 'mlp_out', 'z'] as const, `${m}: hook`),
      layers: optional(o.layers, `${m}: layers`, (v, w) => listOf(v, 10_000, w, (l, wl) => intIn(l, 0, 10_000, wl))),
    };
  },
  'interventions/attribute': (raw) => {
    const m = 'interventions/attribute';
    const o = asObject(raw, `${m} params`);
    return { model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`), text: text(o.text, `${m}: text`), target: tokenRef(o.target, `${m}: target`),
      vs: optional(o.vs, `${m}: vs`, (v, w) => (typeof v === 'string' ? shortString(v, 1000, w) && tokenRef(v, w) : tokenRef(v, w))) };
  },
};
