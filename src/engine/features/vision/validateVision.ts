// The vision methods' params, checked at the engine boundary like validateParams.ts's: shape and
// bounds here (one line naming the method and field); meaning (a layer the run has) in the handlers.
import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, numberIn, oneOf } from '../../../util/validate';
import { MAX_IMAGE_PIXELS } from '../../preprocess/image/imageHeader';
import { ROLLOUT_FUSIONS, type ImageSource, type VisionApi } from '../../../protocol/vision';

const PATH_CHARS = 4096;
const BIG = 1_000_000;

type VisionValidators = { [M in keyof VisionApi]: (raw: unknown) => VisionApi[M][0] };

function source(o: Record<string, unknown>, m: string): ImageSource {
  const file = nonEmptyString(o.file, PATH_CHARS, `${m}: file`);
  if (o.pixels === undefined) return { file };
  const px = asObject(o.pixels, `${m}: pixels`);
  const width = intIn(px.width, 1, 1 << 16, `${m}: pixels.width`);
  const height = intIn(px.height, 1, 1 << 16, `${m}: pixels.height`);
  if (width * height > MAX_IMAGE_PIXELS) throw new InputError(`${m}: pixels are ${width} × ${height}, above the ${MAX_IMAGE_PIXELS / 1e6} megapixel limit.`);
  if (!(px.rgba instanceof Uint8Array) || px.rgba.length !== width * height * 4) throw new InputError(`${m}: pixels.rgba must be ${width} × ${height} × 4 bytes (Uint8Array).`);
  return { file, pixels: { width, height, rgba: px.rgba } };
}

const model = (o: Record<string, unknown>, m: string): string => nonEmptyString(o.model, PATH_CHARS, `${m}: model`);
const topK = (o: Record<string, unknown>, m: string): number => intIn(o.topK, 1, 100_000, `${m}: topK`);
const fusion = (o: Record<string, unknown>, m: string) => oneOf(o.fusion, ROLLOUT_FUSIONS, `${m}: fusion`);
const discard = (o: Record<string, unknown>, m: string): number => numberIn(o.discardRatio, 0, 0.99, `${m}: discardRatio`);
const runId = (o: Record<string, unknown>, m: string): string => nonEmptyString(o.runId, 64, `${m}: runId`);

export const visionValidators: VisionValidators = {
  'vision/classify': (raw) => {
    const m = 'vision/classify';
    const o = asObject(raw, `${m} params`);
    return { model: model(o, m), ...source(o, m), topK: topK(o, m) };
  },
  'vision/inspect': (raw) => {
    const m = 'vision/inspect';
    const o = asObject(raw, `${m} params`);
    return { model: model(o, m), ...source(o, m), topK: topK(o, m), fusion: fusion(o, m), discardRatio: discard(o, m) };
  },
  'vision/rollout': (raw) => {
    const m = 'vision/rollout';
    const o = asObject(raw, `${m} params`);
    return { runId: runId(o, m), fusion: fusion(o, m), discardRatio: discard(o, m) };
  },
  'vision/patch': (raw) => {
    const m = 'vision/patch';
    const o = asObject(raw, `${m} params`);
    return { runId: runId(o, m), layer: intIn(o.layer, 0, BIG, `${m}: layer`), head: intIn(o.head, -1, BIG, `${m}: head`), token: intIn(o.token, 0, BIG, `${m}: token`) };
  },
  'vision/patchProjection': (raw) => {
    const m = 'vision/patchProjection';
    const o = asObject(raw, `${m} params`);
    return {
      runId: runId(o, m), layer: intIn(o.layer, 0, BIG, `${m}: layer`), method: oneOf(o.method, ['pca', 'umap'] as const, `${m}: method`),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`), fusion: fusion(o, m), discardRatio: discard(o, m),
    };
  },
  'vision/activations': (raw) => {
    const m = 'vision/activations';
    const o = asObject(raw, `${m} params`);
    return { model: model(o, m), ...source(o, m), names: listOf(o.names, 4096, `${m}: names`, (v, w) => nonEmptyString(v, 1000, w)), out: nonEmptyString(o.out, PATH_CHARS, `${m}: out`) };
  },
};
