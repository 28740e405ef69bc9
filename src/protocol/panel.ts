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
