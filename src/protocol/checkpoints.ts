// The training-dynamics channel: the same measurements on each checkpoint of a training run
// (engine side: src/engine/features/checkpoints/).

export interface CheckpointsParams {
  /** a model folder with checkpoints/step-{N}/ inside (each in the same layout) */
  model: string;
  /** or these folders, in any order (each a model folder; its step from its name step-N, else its metrics.json) */
  folders?: string[];
  /** the selection: the in-context-learning score and the CKA read it; absent: repeated random tokens */
  text?: string;
  /** the induction scan's repeated block (default min(50, what the context allows)) */
  seqLen?: number;
  seed: number;
}

export interface CheckpointRow {
  step: number;
  /** folder name, and its absolute path */
  name: string;
  dir: string;
  /** the induction scan's best head */
  inductionBest: number;
  bestHead: { layer: number; head: number };
  /** [layer, head] induction scores */
  induction: number[];
  nLayers: number;
  nHeads: number;
  /** mean loss (nats) on the first and the second copy of repeated random tokens */
  lossFirstCopy: number;
  lossSecondCopy: number;
  /** the selection's loss late minus early (nats; negative = the context helps); absent without a long enough selection */
  icl?: { early: number; late: number; score: number };
  /** per layer (0 = embedding … L = last resid_post): linear CKA of this checkpoint's residual stream to the final checkpoint's */
  ckaToFinal: number[];
}

export interface CheckpointsResult {
  model: string;
  checkpoints: CheckpointRow[];
  /** what the CKA compared: the selection's tokens or the repeated random tokens */
  ckaInput: 'selection' | 'repeated random tokens';
  /** the ICL score's windows, as token positions [from, to) */
  iclWindows?: { early: [number, number]; late: [number, number] };
  seqLen: number;
  ms: number;
}

export type CheckpointsApi = {
  'checkpoints/compare': [CheckpointsParams, CheckpointsResult];
};
