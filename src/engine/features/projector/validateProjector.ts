// The projector methods' params, checked at the engine boundary like validateParams.ts's: shape
// and bounds here, one line naming the method and field; meaning (a layer the model has, a token
// in its vocabulary) in the handlers.
import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, oneOf, optional, shortString } from '../../../util/validate';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import type { ProjectorApi, TokenRef } from '../../../protocol/projector';

/** points a projection keeps at most (TensorBoard's UMAP samples 5,000; this keeps 50,000) */
export const MAX_PROJECTED_POINTS = 50_000;
/** texts one resid projection reads (a workspace sample) */
const MAX_TEXTS = 10_000;
const PATH_CHARS = 4096;

type ProjectorValidators = { [M in keyof ProjectorApi]: (raw: unknown) => ProjectorApi[M][0] };

const tokenRef = (v: unknown, what: string): TokenRef => (typeof v === 'number' ? intIn(v, 0, 2 ** 31 - 1, what) : nonEmptyString(v, 1000, what));

export const projectorValidators: ProjectorValidators = {
  'projector/project': (raw) => {
    const m = 'projector/project';
    const o = asObject(raw, `${m} params`);
    const source = oneOf(o.source, ['embeddings', 'unembedding', 'resid'] as const, `${m}: source`);
    const layer = optional(o.layer, `${m}: layer`, (v, w) => intIn(v, 0, 10_000, w));
    if (layer !== undefined && source !== 'resid') throw new InputError(`${m}: layer is only for source resid (the ${source} matrix has no layers).`);
    if (source === 'resid' && layer === undefined) throw new InputError(`${m}: source resid needs a layer.`);
    const texts = optional(o.texts, `${m}: texts`, (v, w) =>
      listOf(v, MAX_TEXTS, w, (t, wt) => {
        const to = asObject(t, wt);
        if (typeof to.text !== 'string' || to.text.length > MAX_TEXT_CHARS) throw new InputError(`${wt}.text must be text of at most ${MAX_TEXT_CHARS} characters.`);
        const file = optional(to.file, `${wt}.file`, (f, wf) => shortString(f, PATH_CHARS, wf));
        return file === undefined ? { text: to.text } : { text: to.text, file };
      }),
    );
    if (source === 'resid' && !texts?.some((t) => t.text.length > 0)) throw new InputError(`${m}: source resid needs at least one non-empty text.`);
    if (source !== 'resid' && texts !== undefined) throw new InputError(`${m}: texts are only for source resid.`);
    const maxPoints = optional(o.maxPoints, `${m}: maxPoints`, (v, w) => intIn(v, 3, MAX_PROJECTED_POINTS, w));
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      source,
      ...(layer === undefined ? {} : { layer }),
      ...(texts === undefined ? {} : { texts }),
      method: oneOf(o.method, ['pca', 'umap'] as const, `${m}: method`),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
      ...(maxPoints === undefined ? {} : { maxPoints }),
    };
  },
  'projector/predict': (raw) => {
    const m = 'projector/predict';
    const o = asObject(raw, `${m} params`);
    const probe = asObject(o.probe, `${m}: probe`);
    if (probe.latest !== undefined && probe.latest !== true) throw new InputError(`${m}: probe.latest must be true.`);
    if ((probe.file === undefined) === (probe.latest === undefined)) throw new InputError(`${m}: probe must be {"file": PATH} or {"latest": true}.`);
    return {
      projectionId: nonEmptyString(o.projectionId, 64, `${m}: projectionId`),
      probe: probe.latest === true ? { latest: true } : { file: nonEmptyString(probe.file, PATH_CHARS, `${m}: probe.file`) },
    };
  },
  'projector/neighbours': (raw) => {
    const m = 'projector/neighbours';
    const o = asObject(raw, `${m} params`);
    return { model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`), token: tokenRef(o.token, `${m}: token`), k: intIn(o.k, 1, 1000, `${m}: k`) };
  },
  'projector/analogy': (raw) => {
    const m = 'projector/analogy';
    const o = asObject(raw, `${m} params`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      a: tokenRef(o.a, `${m}: a`),
      b: tokenRef(o.b, `${m}: b`),
      c: tokenRef(o.c, `${m}: c`),
      k: intIn(o.k, 1, 1000, `${m}: k`),
    };
  },
};
