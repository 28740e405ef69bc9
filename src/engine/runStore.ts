/**
 * Results panels come back to (a head, a lens target, a chip click) are kept for a while under a
 * run id: at most `limit` runs and about `maxBytes` of them, least recently used dropped first
 * (the newest run is always kept, however big). An id that was dropped reads as undefined, and
 * its handler says "run it again". Without a bound, a few 2,048-token runs held a gigabyte.
 */
export class RunStore<T> {
  private readonly runs = new Map<string, { run: T; bytes: number }>();
  private total = 0;

  constructor(
    private readonly limit = 4,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** `bytes`: what the run holds in typed arrays, for the byte bound */
  put(id: string, run: T, bytes = 0): void {
    this.delete(id);
    this.runs.set(id, { run, bytes });
    this.total += bytes;
    while (this.runs.size > this.limit || (this.total > this.maxBytes && this.runs.size > 1)) {
      this.delete(this.runs.keys().next().value as string);
    }
  }

  get(id: string): T | undefined {
    const entry = this.runs.get(id);
    if (!entry) return undefined;
    this.runs.delete(id); // most recently used last
    this.runs.set(id, entry);
    return entry.run;
  }

  /** Drops every run (the engine is idle and gives its memory back). */
  clear(): void {
    this.runs.clear();
    this.total = 0;
  }

  get size(): number {
    return this.runs.size;
  }

  get bytes(): number {
    return this.total;
  }

  private delete(id: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    this.runs.delete(id);
    this.total -= entry.bytes;
  }
}
