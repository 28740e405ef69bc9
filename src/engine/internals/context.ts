import type { LanguageModels } from '../languageModels';
import type { InstrumentedModels } from './instrumentedModels';
import type { Handlers } from '../../protocol/rpc';
import type { InternalsApi } from '../../protocol/internals';

/** What every internals feature gets from the engine. */
export interface InternalsContext {
  models: LanguageModels;
  instrumented: InstrumentedModels;
}

/** Each feature file serves some of the internals methods. */
export type InternalsHandlers<M extends keyof InternalsApi> = Pick<Handlers<InternalsApi>, M>;

/** Results panels come back to (a head, a lens target) are kept for a while under a run id. */
export class RunStore<T> {
  private readonly runs = new Map<string, T>();
  constructor(private readonly limit = 4) {}

  put(id: string, run: T): void {
    this.runs.set(id, run);
    while (this.runs.size > this.limit) this.runs.delete(this.runs.keys().next().value as string);
  }

  get(id: string): T | undefined {
    return this.runs.get(id);
  }
}
