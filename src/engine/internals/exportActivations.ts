import type { InternalsContext, InternalsHandlers } from './context';
import { RpcError } from '../../protocol/rpc';

// Filled in once the safetensors writer lands.
export function exportHandlers(_ctx: InternalsContext): InternalsHandlers<'activations/export'> {
  return {
    'activations/export': () => {
      throw new RpcError('NotImplemented', 'Activation export is not built yet.');
    },
  };
}
