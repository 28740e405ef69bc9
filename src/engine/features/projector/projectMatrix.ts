import { pca } from '../../analyses/pca';
import { umap2d } from '../../analyses/umap';
import { checkpoint } from '../../cancellation';
import { ortProducts } from './matmulGraphs';
import { ortKnn } from './knnGraph';
import type { Matrix } from '../../analyses/matrix';
import type { CancelSignal } from '../../../protocol/rpc';
import type { ProjectorMethod } from '../../../protocol/projector';

/** UMAP works on the first PCA_BEFORE_UMAP principal components, as TensorBoard's projector does (50): the k-NN search costs d per pair */
const PCA_BEFORE_UMAP = 50;

/** above this many points UMAP runs 200 epochs, not umap-js's 500 (umap-learn's own choice above 10,000): the layout settles by then and each epoch costs ~35 ms at 5,000 */
const UMAP_MANY_POINTS = 2000;

export interface Projected2d {
  /** [rows, 2] */
  xy: Float64Array;
  explainedVariance?: number[];
  pcaAlgorithm?: 'exact' | 'randomized';
}

/**
 * A matrix's rows in 2-D: PCA (the first two components, up to ten components' variance
 * reported) or seeded UMAP. Shared by the projector's sources and Inspect Image's patches.
 * `report(part, done, total, message)` takes parts 'pca' and 'umap'.
 */
export async function projectMatrix(
  matrix: Matrix,
  method: ProjectorMethod,
  seed: number,
  threads: number,
  signal: CancelSignal | undefined,
  progress: { report(part: 'pca' | 'umap', done: number, total: number, message?: string): void; skip(part: 'pca'): void },
): Promise<Projected2d> {
  if (method === 'pca') {
    const onStage = (done: number, total: number, stage: string) => progress.report('pca', done, total, `PCA: ${stage}`);
    const r = await pca(matrix, { components: Math.min(10, matrix.cols), seed, onStage }, (mean) => ortProducts(matrix, mean, threads));
    const k = r.explainedVarianceRatio.length;
    const xy = new Float64Array(matrix.rows * 2);
    for (let i = 0; i < matrix.rows; i++) {
      xy[2 * i] = r.projected[i * k];
      xy[2 * i + 1] = k > 1 ? r.projected[i * k + 1] : 0;
    }
    return { xy, explainedVariance: r.explainedVarianceRatio, pcaAlgorithm: r.method };
  }
  let input = matrix;
  if (matrix.cols > PCA_BEFORE_UMAP) {
    const onStage = (done: number, total: number, stage: string) => progress.report('pca', done, total, `PCA to ${PCA_BEFORE_UMAP} dimensions: ${stage}`);
    const r = await pca(matrix, { components: PCA_BEFORE_UMAP, seed, method: 'randomized', onStage }, (mean) => ortProducts(matrix, mean, threads));
    input = { rows: matrix.rows, cols: PCA_BEFORE_UMAP, data: r.projected };
  } else progress.skip('pca');
  await checkpoint(signal);
  progress.report('umap', 0, 1, `UMAP: nearest neighbours of ${input.rows.toLocaleString('en-US')} points`);
  const onEpoch = ({ epoch, epochs }: { epoch: number; epochs: number }) => progress.report('umap', epoch, epochs, `UMAP epoch ${epoch}/${epochs}`);
  const xy = await umap2d(input, { seed, ...(input.rows > UMAP_MANY_POINTS ? { nEpochs: 200 } : {}) }, signal, onEpoch, ortKnn(threads));
  return { xy };
}
