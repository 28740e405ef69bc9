import type { InternalsContext, InternalsHandlers } from './context';
import { RpcError } from '../../protocol/rpc';

// Placeholder until the logit-lens feature lands (another engineer is writing it).
export function lensHandlers(_ctx: InternalsContext): InternalsHandlers<'lens/get' | 'lens/target'> {
  const notYet = (): never => {
    throw new RpcError('NotImplemented', 'The logit lens is not built yet.');
  };
  return { 'lens/get': notYet, 'lens/target': notYet };
}
