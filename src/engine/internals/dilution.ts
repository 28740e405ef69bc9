import type { InternalsContext, InternalsHandlers } from './context';
import { RpcError } from '../../protocol/rpc';

// Placeholder until attention dilution lands (another engineer is writing it).
export function dilutionHandlers(_ctx: InternalsContext): InternalsHandlers<'dilution/get'> {
  return {
    'dilution/get': () => {
      throw new RpcError('NotImplemented', 'Attention dilution is not built yet.');
    },
  };
}
