import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitToContext, slidingWindows } from '../../src/engine/contextWindows';
import type { TokenInfo } from '../../src/protocol/engine';

const toks = (n: number, bos = true): TokenInfo[] =>
  Array.from({ length: n }, (_, i) => ({ id: bos && i === 0 ? 0 : 100 + i, text: `t${i}`, start: i, end: i + 1, special: bos && i === 0 }));

test('fitToContext keeps BOS and the last tokens, and says so', () => {
  const { tokens, truncation } = fitToContext(toks(10), 4, 0);
  assert.deepEqual(tokens.map((t) => t.id), [0, 107, 108, 109]);
  assert.equal(truncation?.droppedTokens, 6);
  assert.match(truncation!.reason, /10 tokens/);
  assert.equal(fitToContext(toks(3), 4, 0).truncation, null);
});

test('sliding windows score every token exactly once with at least half a context before it', () => {
  for (const [n, ctx, bos] of [[1000, 256, true], [257, 256, false], [5000, 100, true], [101, 100, true]] as const) {
    const plan = slidingWindows(n, ctx, bos);
    const scored = new Array<number>(n).fill(0);
    for (const w of plan.windows) {
      const fed = (w.withBos ? 1 : 0) + (w.end - w.start);
      assert.ok(fed <= ctx, `window feeds ${fed} > ${ctx}`);
      for (let i = w.scoreFrom; i < w.end; i++) {
        scored[i]++;
        if (w !== plan.windows[0]) assert.ok(i - w.start >= Math.floor(plan.size / 2) - 1, `token ${i} has only ${i - w.start} context`);
      }
    }
    assert.ok(scored.every((c) => c === 1), `n=${n} ctx=${ctx}: some token scored ${Math.max(...scored)} or 0 times`);
  }
});

test('a text that fits is one window', () => {
  const plan = slidingWindows(50, 256, true);
  assert.equal(plan.windows.length, 1);
  assert.deepEqual(plan.windows[0], { start: 0, end: 50, withBos: false, scoreFrom: 0 });
});
