import { trainProbe } from './trainProbe';
import type { InternalsContext } from '../../internals/context';
import type { Handlers } from '../../../protocol/rpc';
import type { ProbesApi } from '../../../protocol/probes';

/** The probes feature's engine methods. */
export function probeHandlers(ctx: InternalsContext): Handlers<ProbesApi> {
  return {
    'probe/train': (p, signal) => trainProbe(ctx, p, signal),
  };
}
