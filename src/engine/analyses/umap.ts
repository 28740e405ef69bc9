// UMAP (McInnes et al. 2018) through umap-js, the maintained JavaScript port of the reference
// implementation. Run epoch by epoch (initializeFit + step) so a cancel is seen between epochs and
// progress can be reported; seeded through umap-js's `random` option with the engine's Mulberry32,
// so one seed gives one layout on every machine.
import { UMAP } from 'umap-js';
import { checkpoint } from '../cancellation';
import { seededRandom } from '../../util/distribution';
import type { CancelSignal } from '../../protocol/rpc';
import type { Matrix } from './matrix';

export interface UmapOptions {
  seed?: number;
  /** default 15 (umap-learn's), at most n − 1 */
  nNeighbors?: number;
  /** default 0.1 */
  minDist?: number;
  /** default: umap-js's choice (500 below 10,000 points, else 200) */
  nEpochs?: number;
}

/** k nearest neighbours per point (itself first), for umap-js's setPrecomputedKNN */
export interface Knn {
  indices: number[][];
  distances: number[][];
}

export interface UmapProgress {
  epoch: number;
  epochs: number;
}

/** Epochs between two checkpoints: each is a few ms at 5,000 points; a checkpoint costs one event-loop turn. */
const EPOCHS_PER_CHECKPOINT = 10;

/** n × 2 coordinates, row-major. */
/** `knn`: an exact neighbour search to use instead of umap-js's approximate NN-descent (the engine passes onnxruntime's) */
export async function umap2d(m: Matrix, options: UmapOptions = {}, signal?: CancelSignal, onProgress?: (p: UmapProgress) => void, knn?: (m: Matrix, k: number) => Promise<Knn>): Promise<Float64Array> {
  const n = m.rows;
  if (n < 3) throw new RangeError(`UMAP needs at least 3 points (got ${n}).`);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, n - 1));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    ...(options.nEpochs ? { nEpochs: options.nEpochs } : {}),
    random: seededRandom(options.seed ?? 0),
  });
  if (knn) {
    const found = await knn(m, nNeighbors);
    umap.setPrecomputedKNN(found.indices, found.distances);
  }
  await checkpoint(signal);
  const epochs = umap.initializeFit(rows); // the k-NN graph: the one long synchronous part
  await checkpoint(signal);
  for (let epoch = 0; epoch < epochs; ) {
    epoch = umap.step();
    if (epoch % EPOCHS_PER_CHECKPOINT === 0 || epoch >= epochs) {
      onProgress?.({ epoch, epochs });
      await checkpoint(signal);
    }
  }
  const embedding = umap.getEmbedding();
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = embedding[i][0];
    out[2 * i + 1] = embedding[i][1];
  }
  return out;
}
