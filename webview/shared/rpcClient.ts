import { RpcEndpoint, type ApiShape, type Handlers } from '../../src/protocol/rpc';
import { PANEL_PROTOCOL_VERSION, type ReadyParams } from '../../src/protocol/panel';
import { vscodeApi } from './vscodeApi';

/**
 * The panel's end of its channel. Says `ready` once its handlers are in place; the host queues
 * everything it posts until then.
 */
export function connectToHost<PanelApi extends ApiShape, HostApi extends ApiShape & { ready: [ReadyParams, null] }>(
  handlers: Handlers<PanelApi>,
): RpcEndpoint<PanelApi, HostApi> {
  const api = vscodeApi();
  const endpoint = new RpcEndpoint<PanelApi, HostApi>({ send: (m) => api.postMessage(m) }, handlers);
  window.addEventListener('message', (event: MessageEvent) => endpoint.receive(event.data));
  void endpoint.call('ready', { protocolVersion: PANEL_PROTOCOL_VERSION } as HostApi['ready'][0]);
  return endpoint;
}
