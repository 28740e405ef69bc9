import type { CancelSignal } from '../protocol/rpc';

// Progress inside the engine. A handler reports through its call's signal (`signal.progress`,
// throttled by whoever made the signal: RpcEndpoint over IPC, the CLI in-process); this splits a
// request into parts that each count in their own units (windows run, epochs, layers fitted) and
// reports one figure for the whole, so the host's bar only moves forward whatever a part counts.

/** Units the whole request counts on the wire: each part's weight is its share of these. */
export const PROGRESS_TOTAL = 100;

/**
 * A request's progress as weighted parts, e.g. `{ collect: 30, pca: 10, umap: 60 }`. Each part's
 * fraction only grows, so the whole does too; parts may run in turn or interleave (a probe
 * collects a group of layers, fits them, collects the next). A part the request does not run is
 * `skip`ped, so the whole still ends at its total.
 */
export class RequestProgress<Part extends string> {
  private readonly weights: Record<Part, number>;
  private readonly fractions = new Map<Part, number>();
  private readonly sum: number;
  private lastDone = -1;

  constructor(
    private readonly signal: CancelSignal | undefined,
    weights: Record<Part, number>,
  ) {
    this.weights = weights;
    this.sum = (Object.values(weights) as number[]).reduce((s, w) => s + w, 0) || 1;
  }

  /** `done` of `total` of this part; `message` is what the host shows ("UMAP epoch 120/500"). */
  report(part: Part, done: number, total: number, message?: string): void {
    const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
    this.fractions.set(part, Math.max(f, this.fractions.get(part) ?? 0));
    this.send(message);
  }

  /** This part will not run (an exact PCA has no sketch; a small matrix no PCA before UMAP). */
  skip(part: Part): void {
    this.fractions.set(part, 1);
  }

  private send(message: string | undefined): void {
    if (!this.signal?.progress) return;
    let whole = 0;
    for (const [part, f] of this.fractions) whole += this.weights[part] * f;
    // rounded, so the wire carries 0.1 % steps; a part's finish always reaches the exact total
    const done = Math.min(PROGRESS_TOTAL, Math.round((1000 * PROGRESS_TOTAL * whole) / this.sum) / 1000);
    if (done < this.lastDone) return;
    this.lastDone = done;
    this.signal.progress(message === undefined ? { done, total: PROGRESS_TOTAL } : { done, total: PROGRESS_TOTAL, message });
  }
}
