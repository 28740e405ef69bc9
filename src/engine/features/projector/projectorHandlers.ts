// The projector: 2-D projections of the embedding matrix, the unembedding (when not tied) or one
// layer's residual stream over the given texts' tokens, and cosine neighbours / analogies in the
// embedding space. PCA's heavy products run as onnxruntime graphs; UMAP runs epoch by epoch with
// a cancel checkpoint. Points carry the built-in tagger's token category; a resid projection's
// states are kept a while so projector/predict can colour them by a probe.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RunStore } from '../../runStore';
import { analogy, neighboursOfRow, rowNorms } from '../../analyses/neighbours';
import { checkpoint } from '../../cancellation';
import { RequestProgress } from '../../progress';
import { evenSample } from '../../analyses/sampling';
import { InputError } from '../../errors';
import { tokenText } from '../../languageModels';
import type { LoadedLm } from '../../languageModels';
import { projectMatrix } from './projectMatrix';
import { readEmbeddingMatrix, readUnembeddingMatrix } from './embeddingMatrix';
import { collectResid } from './collectResid';
import { MAX_PROJECTED_POINTS } from './validateProjector';
import { residCategories, vocabularyCategory } from './pointCategories';
import { predictPoints, projectionStore, type KeptProjection } from './pointPredictions';
import type { ProbeRuns } from '../probes/probeRuns';
import type { FeatureContext } from '../context';
import type { Matrix } from '../../analyses/matrix';
import type { CancelSignal, Handlers } from '../../../protocol/rpc';
import type { NeighbourToken, ProjectedPoint, ProjectorApi, ProjectParams, ProjectResult, TokenRef } from '../../../protocol/projector';
import { requireKind } from '../../models/kindGuard';

/** `probes`: the probe runs the probes feature keeps, for colouring by the last trained probe */
export function projectorHandlers(ctx: FeatureContext, probes?: ProbeRuns): Handlers<ProjectorApi> {
  // the embedding matrix per model file, read once (4,096 × 128 floats is 2 MB; a 50k-vocab model's 150 MB, so only the last two are kept)
  const matrices = new Map<string, Promise<{ matrix: Matrix; norms: Float64Array }>>();
  const projections = projectionStore();
  ctx.whenIdle?.(() => {
    matrices.clear();
    projections.clear();
  });
  const embeddingOf = (m: LoadedLm) => {
    let entry = matrices.get(m.folder.onnxPath);
    if (!entry) {
      entry = readEmbeddingMatrix(m.folder.onnxPath).then((matrix) => ({ matrix, norms: rowNorms(matrix) }));
      entry.catch(() => matrices.delete(m.folder.onnxPath));
      matrices.set(m.folder.onnxPath, entry);
      while (matrices.size > 2) matrices.delete(matrices.keys().next().value as string);
    }
    return entry;
  };
  const token = (m: LoadedLm, rows: number, ref: TokenRef, what: string) => ({ id: resolveToken(m, rows, ref, what), text: '' });
  const named = (m: LoadedLm, t: { id: number }) => ({ id: t.id, text: tokenText(m, t.id) });
  const answers = (m: LoadedLm, list: { index: number; cosine: number; rank: number }[]): NeighbourToken[] =>
    list.map((n) => ({ id: n.index, text: tokenText(m, n.index), cosine: n.cosine, rank: n.rank }));

  return {
    'projector/project': (p, signal) => project(ctx, p, signal, embeddingOf, projections),
    'projector/predict': (p) => predictPoints(ctx, projections.get(p.projectionId), p, probes),
    'projector/neighbours': async (p) => {
      const m = await ctx.models.load(p.model);
      const { matrix, norms } = await embeddingOf(m);
      const q = named(m, token(m, matrix.rows, p.token, 'token'));
      return { model: m.folder.name, query: q, neighbours: answers(m, neighboursOfRow(matrix, q.id, p.k, norms)) };
    },
    'projector/analogy': async (p) => {
      const m = await ctx.models.load(p.model);
      const { matrix, norms } = await embeddingOf(m);
      const [a, b, c] = (['a', 'b', 'c'] as const).map((k) => named(m, token(m, matrix.rows, p[k], k)));
      return { model: m.folder.name, inputs: [a, b, c], answers: answers(m, analogy(matrix, a.id, b.id, c.id, p.k, norms)) };
    },
  };
}

async function project(ctx: FeatureContext, p: ProjectParams, signal: CancelSignal, embeddingOf: (m: LoadedLm) => Promise<{ matrix: Matrix }>, projections: RunStore<KeptProjection>): Promise<ProjectResult> {
  const t0 = performance.now();
  // shares of the bar: PCA itself is quick (≤ 1 s at 50,000 × 256); UMAP's epochs are most of a UMAP
  const progress = new RequestProgress(signal, p.method === 'umap' ? { points: 20, pca: 10, umap: 70 } : { points: 60, pca: 40, umap: 0 });
  const m = await ctx.models.load(p.model);
  if (p.source === 'unembedding') requireKind(m, 'The unembedding projection', ['decoder-lm', 'masked-lm'], "a classifier's output layer maps to classes, not tokens");
  const maxPoints = Math.min(p.maxPoints ?? MAX_PROJECTED_POINTS, MAX_PROJECTED_POINTS);
  let points: Omit<ProjectedPoint, 'x' | 'y'>[];
  let matrix: Matrix;
  let totalPoints: number;
  let hook: string | undefined;
  let kept: KeptProjection | undefined;
  if (p.source === 'resid') {
    const im = await ctx.instrumented.load(p.model);
    const layer = p.layer ?? 0;
    if (layer >= im.info.nLayers) throw new InputError(`layer ${layer} is out of range: ${m.folder.name} has layers 0-${im.info.nLayers - 1}.`);
    hook = `blocks.${layer}.hook_resid_post`;
    const collected = await collectResid(ctx, im, p.texts ?? [], hook, maxPoints, p.seed, signal, (done, total, message) => progress.report('points', done, total, message));
    ({ matrix, points, totalPoints } = collected);
    const categories = residCategories(p.texts ?? [], collected.places);
    points = points.map((pt, i) => ({ ...pt, layer, ...(categories[i] === undefined ? {} : { category: categories[i] }) }));
    kept = { model: p.model, hook, layer, matrix };
  } else {
    const embedding = (await embeddingOf(m)).matrix;
    let full = embedding;
    if (p.source === 'unembedding') {
      const un = await readUnembeddingMatrix(m.folder.onnxPath, embedding).catch((error: Error) => {
        throw new InputError(`${m.folder.name}: no unembedding found (${error.message}).`);
      });
      if (un.tied) throw new InputError(`${m.folder.name} ties its unembedding to its input embedding: project source embeddings instead.`);
      full = un.matrix;
    }
    totalPoints = full.rows;
    const rows = evenSample(full.rows, maxPoints, p.seed);
    matrix = rows.length === full.rows ? full : pickRows(full, rows);
    points = rows.map((id) => {
      const text = tokenText(m, id);
      const category = m.tokenizer.isSpecial(id) ? undefined : vocabularyCategory(text);
      return category === undefined ? { id, text } : { id, text, category };
    });
    progress.report('points', 1, 1, `${p.source === 'unembedding' ? 'unembedding' : 'embedding'} matrix: ${matrix.rows.toLocaleString('en-US')} × ${matrix.cols}`);
  }
  if (matrix.rows < 3) throw new InputError(`Only ${matrix.rows} point${matrix.rows === 1 ? '' : 's'} to project: give more text.`);
  await checkpoint(signal);
  const { xy, explainedVariance, pcaAlgorithm } = await projectMatrix(matrix, p.method, p.seed, ctx.models.threads, signal, progress);
  let projectionId: string | undefined;
  if (kept) {
    projectionId = randomUUID();
    projections.put(projectionId, kept, kept.matrix.data.byteLength);
  }
  return {
    model: m.folder.name,
    source: p.source,
    method: p.method,
    ...(explainedVariance ? { explainedVariance } : {}),
    ...(pcaAlgorithm ? { pcaAlgorithm } : {}),
    ...(hook ? { hook } : {}),
    dims: matrix.cols,
    totalPoints,
    points: points.map((pt, i) => ({ x: xy[2 * i], y: xy[2 * i + 1], ...pt })),
    ...(projectionId ? { projectionId } : {}),
    ms: performance.now() - t0,
  };
}

function pickRows(m: Matrix, rows: number[]): Matrix {
  const data = new Float32Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data };
}

/** a token id, or the one vocabulary token a text encodes to; anything else is a one-line refusal */
function resolveToken(m: LoadedLm, rows: number, ref: TokenRef, what: string): number {
  if (typeof ref === 'number') {
    if (ref >= rows) throw new InputError(`${what}: token id ${ref} is outside the vocabulary (0-${rows - 1}).`);
    return ref;
  }
  const ids = m.tokenizer.encode(ref).filter((t) => !t.special);
  if (ids.length === 1 && ids[0].id < rows) return ids[0].id;
  const shown = JSON.stringify(ref.slice(0, 80));
  if (ids.length === 0) throw new InputError(`${what}: ${shown} is not a token of ${m.folder.name}.`);
  throw new InputError(`${what}: ${shown} is not one token of ${m.folder.name} (it encodes to ${ids.length}: ${ids.slice(0, 8).map((t) => JSON.stringify(t.text)).join(' ')}).`);
}
