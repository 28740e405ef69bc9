// What every panel channel shares: the handshake and the host's error shape.
export const PANEL_PROTOCOL_VERSION = 1;

export interface ReadyParams {
  protocolVersion: number;
}

export interface PanelError {
  code: string;
  message: string;
  /** true when the next request will start a fresh engine */
  engineRestarted?: boolean;
}

/** where a panel's input came from, for its title line */
export interface SelectionSource {
  fileName: string;
  line: number;
  chars: number;
}

/** What every result panel serves: a loading message, a result to show, an error. */
export type ResultPanelApi<View> = {
  loading: [{ message: string }, null];
  show: [View, null];
  error: [PanelError, null];
};

/** What every result panel asks of the host, besides its own calls. */
export type ResultHostApi = {
  ready: [ReadyParams, null];
  /** run the last request again (after an error, or in a restored panel) */
  retry: [Record<string, never>, null];
};
