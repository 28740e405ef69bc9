// host⇄image panel channel (Inspect Image and its custom editor).
import type { InspectImageResult, RolloutFusion } from './vision';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface ImageView {
  result: InspectImageResult;
  /** the image's file name, for the subtitle */
  fileName: string;
  fusion: RolloutFusion;
  discardRatio: number;
}

export type ImageHostApi = ResultHostApi & {
  /** the rollout again with other settings, from the run the engine keeps */
  rollout: [{ fusion: RolloutFusion; discardRatio: number }, { rollout: Float32Array }];
  /** one token's attention to every patch at a layer (head -1: the mean over heads) */
  patch: [{ layer: number; head: number; token: number }, { attention: Float32Array }];
  /** the run's patch hidden states after block `layer` into the Projector panel (the rollout settings colour them) */
  openProjector: [{ layer: number; fusion: RolloutFusion; discardRatio: number }, null];
};

export type ImagePanelApi = ResultPanelApi<ImageView> & {
  /** decode a WebP or GIF with the browser's own decoder: the file's bytes in, RGBA rows out */
  decode: [{ bytes: Uint8Array; mime: string }, { width: number; height: number; rgba: Uint8Array }];
};
