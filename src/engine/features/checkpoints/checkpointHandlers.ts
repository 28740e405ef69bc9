import { compareCheckpoints } from './compareCheckpoints';
import type { FeatureContext, FeatureHandlers } from '../context';

/** The training-dynamics feature's engine method. */
export function checkpointHandlers(ctx: FeatureContext): FeatureHandlers<'checkpoints/compare'> {
  return { 'checkpoints/compare': (p, signal) => compareCheckpoints(ctx, p, signal) };
}
