// One model's lean sessions: instrumented copies that each expose the outputs one feature reads
// (onnxruntime keeps every graph output of a run alive, so each feature gets its own). Every one
// of them holds its own prepacked copy of the weights, about the model's size (~500 MB for a 124M
// model), and onnxruntime-node cannot share them between sessions: exports of ever other hook
// subsets kept adding one each until the engine went idle. So they are kept within a budget:
// past it the least recently used one is released, once no run holds it. The one in use always
// stays, whatever the model's size.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';

/** what a model's lean sessions may hold together, in weight bytes (a 124M fp32 model: six) */
export const LEAN_SESSION_BUDGET_BYTES = 3 * 1024 ** 3;

interface Entry {
  session: Promise<InferenceSession>;
  /** runs using it now */
  leases: number;
  /** dropped from the cache: released when its last lease ends */
  evicted: boolean;
}

export class LeanSessions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    /** what one session holds: the model's weight files */
    private readonly sessionBytes: number,
    private readonly budgetBytes = LEAN_SESSION_BUDGET_BYTES,
  ) {}

  /** sessions held now */
  get size(): number {
    return this.entries.size;
  }

  /** `work` with the session under `key` (created by `create` on first use), which stays open until `work` ends. */
  async use<T>(key: string, create: () => Promise<InferenceSession>, work: (session: InferenceSession) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, entry);
    } else {
      const created: Entry = { session: create(), leases: 0, evicted: false };
      created.session.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key); // a failed creation is tried again next time
      });
      this.entries.set(key, created);
      entry = created;
      this.evict();
    }
    entry.leases++;
    try {
      return await work(await entry.session);
    } finally {
      entry.leases--;
      if (entry.evicted && entry.leases === 0) release(entry);
    }
  }

  /** Releases every session now (the engine is idle: no run holds one). */
  async releaseAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) await e.session.then((s) => s.release()).catch(() => undefined);
  }

  /** Gives every session back, each as soon as no run holds it (the model left the engine's cache). */
  evictAll(): void {
    this.evict(0);
  }

  private evict(keep = Math.max(1, Math.floor(this.budgetBytes / Math.max(1, this.sessionBytes)))): void {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= keep) break;
      this.entries.delete(key);
      e.evicted = true;
      if (e.leases === 0) release(e);
    }
  }
}

function release(e: Entry): void {
  void e.session.then((s) => s.release()).catch(() => undefined);
}

/**
 * A model's weight bytes: its .onnx and its external-data files beside it (`model.onnx_data`,
 * `model.onnx.data`, `model_data`; another variant's `model_fp16.onnx_data` is not counted).
 */
export function weightBytes(onnxPath: string): number {
  const dir = dirname(onnxPath);
  const own = basename(onnxPath);
  const stem = own.replace(/\.onnx$/, '');
  const isData = (f: string) => f !== own && (f.startsWith(`${own}_data`) || f.startsWith(`${own}.data`) || f === `${stem}_data` || f === `${stem}.data`);
  let total = statSync(onnxPath).size;
  for (const f of readdirSync(dir)) if (isData(f)) total += statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0;
  return total;
}
