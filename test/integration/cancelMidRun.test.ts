// Cancel pressed while a long request is already running (not before it starts): the attention
// summary of 1,024 tokens runs in 4 chunks of query rows through the KV cache, and a dilution sweep
// runs one prefix length after another. Cancelling after the first chunk / the first length must
// stop the rest. The real engine code runs; the only addition is a counter around each run it hands over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { attentionHandlers } from '../../src/engine/features/attention/attention';
import { dilutionHandlers } from '../../src/engine/features/dilution/dilution';
import type { CancelSignal } from '../../src/protocol/rpc';
import { CODE_LM } from '../helpers/paths';
import { readReference, type SurprisalCase } from '../helpers/references';

/** A signal the test cancels itself, as the rpc layer does when `$/cancel` arrives. */
class TestSignal implements CancelSignal {
  cancelled = false;
  private readonly listeners: (() => void)[] = [];
  onCancel(listener: () => void): void {
    if (this.cancelled) listener();
    else this.listeners.push(listener);
  }
  cancel(): void {
    this.cancelled = true;
    for (const l of this.listeners.splice(0)) l();
  }
}

/** InstrumentedModels that counts what it delivered and runs `after` once a chunk/run is handed over. */
class CountingInstrumented extends InstrumentedModels {
  chunks = 0;
  runs = 0;
  after: () => void = () => undefined;
  override async runExtended(...args: Parameters<InstrumentedModels['runExtended']>): ReturnType<InstrumentedModels['runExtended']> {
    const out = await super.runExtended(...args);
    this.chunks++;
    this.after();
    return out;
  }
  override async run(...args: Parameters<InstrumentedModels['run']>): ReturnType<InstrumentedModels['run']> {
    const out = await super.run(...args);
    this.runs++;
    this.after();
    return out;
  }
}

const models = new LanguageModels({ provider: 'cpu', threads: 1 });
const instrumented = new CountingInstrumented(models, mkdtempSync(join(tmpdir(), 'tl-cancel-')), 1);
const ctx = { models, instrumented };
const attention = attentionHandlers(ctx);
const dilution = dilutionHandlers(ctx);
const long = readReference<{ cases: SurprisalCase[] }>('surprisal.json').cases.find((c) => c.model === 'tensorloupe-code-lm' && c.ids.length > 2048)!;
const request = { model: CODE_LM, text: long.text, maxTokens: 1024 };

test('attention summary: uncancelled, 1,024 tokens take 4 chunks (the premise of the next test)', async () => {
  instrumented.chunks = 0;
  instrumented.after = () => undefined;
  const s = await attention['attention/summary'](request, new TestSignal());
  assert.equal(s.tokens.length, 1024);
  assert.equal(instrumented.chunks, 4);
});

test('attention summary: Cancel after the first chunk stops it with Cancelled, no later chunk delivered', async () => {
  const signal = new TestSignal();
  instrumented.chunks = 0;
  instrumented.after = () => signal.cancel();
  await assert.rejects(async () => attention['attention/summary'](request, signal), { code: 'Cancelled' });
  assert.equal(instrumented.chunks, 1, 'chunks handed over after Cancel');
});

test('dilution sweep: Cancel after the first prefix length stops it with Cancelled', async () => {
  const signal = new TestSignal();
  instrumented.runs = 0;
  instrumented.after = () => signal.cancel();
  await assert.rejects(async () => dilution['dilution/get']({ ...request, maxTokens: 256, lengths: [] }, signal), { code: 'Cancelled' });
  assert.equal(instrumented.runs, 1, 'forward passes after Cancel (the sweep has 7 lengths)');
});
