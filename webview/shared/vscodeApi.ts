// The webview's handle on VS Code: postMessage to the host, and persisted UI state.
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** acquireVsCodeApi may be called once per page; share the handle. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/** UI state with a version, so a panel restored by a newer build ignores an old shape. */
export function loadState<T extends { v: number }>(version: number, defaults: T): T {
  const s = vscodeApi().getState() as Partial<T> | undefined;
  return s && s.v === version ? { ...defaults, ...s } : defaults;
}

export function saveState<T extends { v: number }>(state: T): void {
  vscodeApi().setState(state);
}
