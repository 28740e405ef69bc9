import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { ROOT } from '../helpers/paths';

// tensorloupe baseline on a small corpus (the repo's python build scripts): the JSON contract,
// a verbatim corpus file matched end to end, and the second run reading the index from the cache.

test('baseline --json: fields, verbatim matches, and the cached index', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tl-baseline-'));
  try {
    const env = { XDG_CACHE_HOME: cache };
    const corpus = 'models/train/text_*.py';
    const selection = join(ROOT, 'models', 'train', 'text_trigram.py'); // in the corpus: every token matches verbatim
    const first = await runCli(['baseline', '--corpus', corpus, '--order', '4', '--json', selection], { env, timeoutMs: 120_000 });
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout.toString('utf8'));
    assert.deepEqual(Object.keys(r), ['model', 'corpus', 'tokens', 'summary']);
    assert.equal(r.model, 'tensorloupe-code-lm');
    assert.ok(r.corpus.files >= 8 && r.corpus.tokens > 10_000, JSON.stringify(r.corpus));
    assert.deepEqual(Object.keys(r.tokens[0]), ['id', 'text', 'modelBits', 'ngramBits', 'bagBits', 'longestMatch']);
    assert.deepEqual(Object.keys(r.summary), ['modelBits', 'ngramBits', 'bagBits', 'top1Agreement', 'modelBeatsNgram']);
    // the file is in the corpus, so the span ending at token i (BOS included) is i + 2 tokens long
    r.tokens.forEach((t: { longestMatch: number }, i: number) => assert.equal(t.longestMatch, i + 2, `token ${i}`));
    const text = readFileSync(selection, 'utf8');
    assert.equal(r.tokens.map((t: { text: string }) => t.text).join(''), text);
    for (const k of ['modelBits', 'ngramBits', 'bagBits']) assert.ok(r.summary[k] > 0 && r.summary[k] < 20, `${k} ${r.summary[k]}`);
    assert.ok(r.summary.top1Agreement >= 0 && r.summary.top1Agreement <= 1);

    const again = await runCli(['baseline', '--corpus', corpus, '--order', '4', selection], { env, timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stderr);
    const out = again.stdout.toString('utf8');
    assert.match(out, /index from cache/);
    assert.match(out, /likely memorised: \d+ tokens verbatim .* at .*text_trigram\.py:1\n/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('baseline: a bad order or a glob that matches nothing is one line naming the option', async () => {
  const order = await runCli(['baseline', '--corpus', 'models/train/*.py', '--order', '6', '-'], { stdin: 'x = 1' });
  assert.notEqual(order.code, 0);
  assert.match(order.stderr, /--order must be a whole number from 1 to 5/);
  const none = await runCli(['baseline', '--corpus', 'no/such/*.txt', '-'], { stdin: 'x = 1' });
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /--corpus "no\/such\/\*\.txt" matched no files/);
});
