import type { InternalsContext, InternalsHandlers } from './context';
import { RpcError } from '../../protocol/rpc';

// Placeholder until the induction scan lands (another engineer is writing it).
export function inductionHandlers(_ctx: InternalsContext): InternalsHandlers<'induction/scan'> {
  return {
    'induction/scan': () => {
      throw new RpcError('NotImplemented', 'The induction scan is not built yet.');
    },
  };
}
