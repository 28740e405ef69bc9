import { CancelledError, type CancelSignal } from '../protocol/rpc';

// Cancellation inside the engine. A `$/cancel` message is only delivered when the event loop
// runs, so a long synchronous loop (top-k over the whole vocabulary at every position) must step
// out of the way now and then for its signal to change at all. What cannot step out (a
// tokenizer's regex, one session.run) is stopped by the host restarting the engine.

export function throwIfCancelled(signal?: CancelSignal): void {
  if (signal?.cancelled) throw new CancelledError();
}

/** Lets pending messages in (a cancel among them), then throws if the request was cancelled. */
export async function checkpoint(signal?: CancelSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfCancelled(signal);
}

/** Rows of whole-vocabulary work between two checkpoints (a few ms each at GPT-2's 50k vocab). */
export const ROWS_PER_CHECKPOINT = 32;
