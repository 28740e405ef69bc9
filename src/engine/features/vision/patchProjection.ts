import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { RequestProgress } from '../../progress';
import { attentionRollout, clsPatchMap } from '../../analyses/rollout';
import { projectMatrix } from '../projector/projectMatrix';
import type { ImageRun } from './imageInternals';
import type { CancelSignal } from '../../../protocol/rpc';
import type { PatchProjectionParams } from '../../../protocol/vision';
import type { ProjectResult } from '../../../protocol/projector';

/**
 * Inspect Image's patch embeddings for the projector: the residual stream after block `layer`
 * at every patch token (the CLS / distillation prefix left out), projected to 2-D as the
 * projector projects text hidden states, each point labelled by its patch's row and column and
 * carrying its rollout weight (the panel's fusion and discard ratio) for colouring.
 */
export async function patchProjection(
  model: string,
  run: ImageRun,
  grid: { rows: number; cols: number; prefix: number },
  p: PatchProjectionParams,
  threads: number,
  signal: CancelSignal,
): Promise<ProjectResult> {
  const t0 = performance.now();
  if (run.residPost.length === 0) throw new InputError(`${model}: the residual stream after each block was not found in its graph, so there are no patch embeddings to project.`);
  if (p.layer >= run.residPost.length) throw new InputError(`vision/patchProjection: layer ${p.layer} is past the model's ${run.residPost.length} layers (0-${run.residPost.length - 1}).`);
  const patches = grid.rows * grid.cols;
  if (patches < 3) throw new InputError(`Only ${patches} patch${patches === 1 ? '' : 'es'} to project.`);
  const d = run.dModel;
  const resid = run.residPost[p.layer]; // [tokens, dModel]
  const data = new Float32Array(patches * d);
  data.set(resid.subarray(grid.prefix * d, (grid.prefix + patches) * d));
  const matrix = { rows: patches, cols: d, data };
  const rollout = clsPatchMap(attentionRollout(run.patterns, run.heads, run.tokens, p.fusion, p.discardRatio), run.tokens, grid.prefix);
  const progress = new RequestProgress(signal, p.method === 'umap' ? { pca: 10, umap: 90 } : { pca: 100, umap: 0 });
  const { xy, explainedVariance, pcaAlgorithm } = await projectMatrix(matrix, p.method, p.seed, threads, signal, progress);
  return {
    model,
    source: 'patches',
    method: p.method,
    ...(explainedVariance ? { explainedVariance } : {}),
    ...(pcaAlgorithm ? { pcaAlgorithm } : {}),
    hook: `blocks.${p.layer}.hook_resid_post`,
    dims: d,
    totalPoints: patches,
    points: Array.from({ length: patches }, (_, i) => {
      const row = Math.floor(i / grid.cols);
      const col = i % grid.cols;
      return { x: xy[2 * i], y: xy[2 * i + 1], id: i, text: `r${row} c${col}`, position: grid.prefix + i, layer: p.layer, patch: { row, col, rollout: rollout[i] } };
    }),
    ms: performance.now() - t0,
  };
}
