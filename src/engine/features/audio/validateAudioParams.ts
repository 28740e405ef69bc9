// The audio methods' params, checked at the engine boundary like validateParams.ts's: shape and
// bounds here, one line naming the method and field; meaning (a readable audio file, a window of
// the clip) in the handlers.
import { asObject, intIn, listOf, nonEmptyString, numberIn, oneOf, optional } from '../../../util/validate';
import type { AudioApi } from '../../../protocol/audio';

const PATH_CHARS = 4096;
type AudioValidators = { [M in keyof AudioApi]: (raw: unknown) => AudioApi[M][0] };

function classifyParams(raw: unknown, m: string) {
  const o = asObject(raw, `${m} params`);
  const topK = optional(o.topK, `${m}: topK`, (v, w) => intIn(v, 1, 100_000, w));
  return { o, p: { model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`), path: nonEmptyString(o.path, PATH_CHARS, `${m}: path`), ...(topK === undefined ? {} : { topK }) } };
}

export const audioValidators: AudioValidators = {
  'audio/classify': (raw) => classifyParams(raw, 'audio/classify').p,
  'audio/inspect': (raw) => {
    const { o, p } = classifyParams(raw, 'audio/inspect');
    const columns = optional(o.columns, 'audio/inspect: columns', (v, w) => intIn(v, 16, 8192, w));
    return { ...p, ...(columns === undefined ? {} : { columns }) };
  },
  'audio/attention': (raw) => {
    const m = 'audio/attention';
    const o = asObject(raw, `${m} params`);
    const fusion = optional(o.fusion, `${m}: fusion`, (v, w) => oneOf(v, ['mean', 'max', 'min'] as const, w));
    const discardRatio = optional(o.discardRatio, `${m}: discardRatio`, (v, w) => numberIn(v, 0, 0.99, w));
    return {
      runId: nonEmptyString(o.runId, 64, `${m}: runId`),
      window: intIn(o.window, 0, 10_000_000, `${m}: window`),
      ...(fusion === undefined ? {} : { fusion }),
      ...(discardRatio === undefined ? {} : { discardRatio }),
    };
  },
  'audio/activations': (raw) => {
    const m = 'audio/activations';
    const o = asObject(raw, `${m} params`);
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      path: nonEmptyString(o.path, PATH_CHARS, `${m}: path`),
      names: listOf(o.names, 4096, `${m}: names`, (v, w) => nonEmptyString(v, 1000, w)),
      out: nonEmptyString(o.out, PATH_CHARS, `${m}: out`),
    };
  },
};
