// host⇄audio panel channel: the engine's inspect result, and one window's attention on request.
import type { AudioAttentionParams, AudioAttentionResult, AudioInspectResult } from './audio';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface AudioView {
  result: AudioInspectResult;
}

export type AudioHostApi = ResultHostApi & {
  attention: [AudioAttentionParams, AudioAttentionResult];
};

export type AudioPanelApi = ResultPanelApi<AudioView>;
