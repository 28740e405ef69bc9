import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, numberIn, oneOf, optional } from '../../../util/validate';
import { CROSS_MODAL_METHODS, type CrossModalApi } from '../../../protocol/crossModal';

// crossmodal/* at the engine's boundary: shape and bounds, one line naming the method and the field.

const PATH_CHARS = 4096;

export const crossModalValidators: { [M in keyof CrossModalApi]: (raw: unknown) => CrossModalApi[M][0] } = {
  'crossmodal/fit': (raw) => {
    const m = 'crossmodal/fit';
    const o = asObject(raw, `${m} params`);
    const methods = listOf(o.methods, CROSS_MODAL_METHODS.length, `${m}: methods`, (v, w) => oneOf(v, CROSS_MODAL_METHODS, w));
    if (methods.length === 0 || new Set(methods).size !== methods.length) throw new InputError(`${m}: methods must name ridge, procrustes or both, each once.`);
    const pairs = optional(o.pairs, `${m}: pairs`, (v, w) => nonEmptyString(v, PATH_CHARS, w));
    const layer = optional(o.layer, `${m}: layer`, (v, w) => intIn(v, 0, 10_000, w));
    const testFraction = optional(o.testFraction, `${m}: testFraction`, (v, w) => numberIn(v, 0.05, 0.8, w));
    return {
      from: nonEmptyString(o.from, PATH_CHARS, `${m}: from`),
      to: nonEmptyString(o.to, PATH_CHARS, `${m}: to`),
      ...(pairs === undefined ? {} : { pairs }),
      methods,
      ...(layer === undefined ? {} : { layer }),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
      ...(testFraction === undefined ? {} : { testFraction }),
    };
  },
};
