// baseline/compare's indexing in-process: Cancel while the corpus is being tokenised and indexed
// stops the request (and writes no index), progress only moves forward, and the index written to
// disk reads back as the same index (the second request is answered from it with equal figures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { baselineHandlers } from '../../src/engine/features/baselines/baselines';
import { expandGlob } from '../../src/cli/expandGlob';
import type { CancelSignal } from '../../src/protocol/rpc';
import type { ProgressUpdate } from '../../src/protocol/progress';
import { CODE_LM, ROOT } from '../helpers/paths';

class TestSignal implements CancelSignal {
  cancelled = false;
  updates: ProgressUpdate[] = [];
  constructor(private readonly onProgress: (u: ProgressUpdate, s: TestSignal) => void = () => undefined) {}
  onCancel(): void {}
  progress(u: ProgressUpdate): void {
    this.updates.push(u);
    this.onProgress(u, this);
  }
}

function handlersIn(cacheDir: string) {
  const models = new LanguageModels({ provider: 'cpu', threads: 1 });
  const instrumented = new InstrumentedModels(models, join(cacheDir, 'instrumented'), 1);
  return { handlers: baselineHandlers({ models, instrumented }), models };
}

const text = 'def mean(xs):\n    return sum(xs) / len(xs)\n';

test('Cancel during indexing stops the request; the cached index gives the same figures', { timeout: 300_000 }, async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tl-baseline-index-'));
  try {
    const big = expandGlob('node_modules/typescript/lib/lib.*.d.ts', ROOT);
    const small = expandGlob('models/train/*.py', ROOT);
    const { handlers, models } = handlersIn(cache);
    const compare = handlers['baseline/compare'];
    // cancelled at the first progress past reading the files: mid-tokenising
    const cancelling = new TestSignal((u, s) => { if (u.done > 5) s.cancelled = true; });
    await assert.rejects(async () => compare({ model: CODE_LM, files: big, text, order: 3, maxTokens: 256, minMatch: 8 }, cancelling), (e: Error & { code?: string }) => e.code === 'Cancelled');
    assert.ok(cancelling.updates.some((u) => /tokenising/.test(u.message ?? '')), JSON.stringify(cancelling.updates.slice(-3)));
    const written = existsSync(join(cache, 'baselines')) ? readdirSync(join(cache, 'baselines')) : [];
    assert.deepEqual(written, [], 'nothing written');

    const first = new TestSignal();
    const a = await compare({ model: CODE_LM, files: small, text, order: 4, maxTokens: 256, minMatch: 8 }, first);
    assert.equal(a.corpus.fromCache, false);
    const done = first.updates.map((u) => u.done);
    assert.deepEqual(done, [...done].sort((x, y) => x - y), 'progress never goes back');
    assert.ok(first.updates.some((u) => /indexing .* suffix array/.test(u.message ?? '')));
    assert.equal(readdirSync(join(cache, 'baselines')).filter((f) => f.endsWith('.tlindex')).length, 1);

    // a fresh engine (nothing in memory) reads the index from disk and agrees to the bit
    await models.releaseAll();
    const again = handlersIn(cache);
    const b = await again.handlers['baseline/compare']({ model: CODE_LM, files: small, text, order: 4, maxTokens: 256, minMatch: 8 }, new TestSignal());
    assert.equal(b.corpus.fromCache, true);
    assert.deepEqual(b.corpus.tokens, a.corpus.tokens);
    assert.deepEqual(b.tokens.map((t) => [t.ngramBits, t.bagBits, t.longestMatch, t.ngramTop1]), a.tokens.map((t) => [t.ngramBits, t.bagBits, t.longestMatch, t.ngramTop1]));
    assert.deepEqual(b.summary, a.summary);
    await again.models.releaseAll();
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
