// host⇄intervention panels: "Why This Token?" (direct logit attribution) and "Compare Prompts
// (Activation Patching)". The patching panel is sent its results layer by layer as they come, so a
// cancel keeps what is done; a cell's details are drawn from what it was sent.
import type { AttributeResult, PatchHook, PatchResult } from './interventions';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface DlaView {
  source: SelectionSource;
  result: AttributeResult;
}

export interface PatchingView {
  source: SelectionSource;
  /** one result per hook, each holding the layers done so far */
  hooks: { hook: PatchHook; result: PatchResult; layersDone: number }[];
  /** true when every hook's every layer is done; false while running, or after a cancel */
  complete: boolean;
  /** hooks the model has no intervention point for, with the engine's reason */
  skipped: { hook: PatchHook; reason: string }[];
  cancelled: boolean;
}

export type DlaHostApi = ResultHostApi;
export type DlaPanelApi = ResultPanelApi<DlaView>;
export type PatchingHostApi = ResultHostApi;
export type PatchingPanelApi = ResultPanelApi<PatchingView>;
