import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAheadTexts, NgramAhead } from '../../src/engine/analyses/ngramAhead';
import { seededRandom } from '../../src/util/distribution';

// The future-token probes' lookup, read off the baselines' suffix-array index, against the
// definition counted plainly: over the training texts, what came k steps after the last n tokens
// up to t (n = 2, then 1, then none), the most frequent (ties: the lower id).

function bruteAhead(texts: number[][], k: number, ids: number[], t: number): number {
  for (let n = 2; n >= 1; n--) {
    if (t - n + 1 < 0) continue;
    const context = ids.slice(t - n + 1, t + 1).join(',');
    const counts = new Map<number, number>();
    for (const s of texts) for (let u = n - 1; u + k < s.length; u++) {
      if (s.slice(u - n + 1, u + 1).join(',') === context) counts.set(s[u + k], (counts.get(s[u + k]) ?? 0) + 1);
    }
    if (counts.size) return argmax(counts);
  }
  const all = new Map<number, number>();
  for (const s of texts) for (let u = k; u < s.length; u++) all.set(s[u], (all.get(s[u]) ?? 0) + 1);
  return all.size ? argmax(all) : -1;
}

function argmax(counts: Map<number, number>): number {
  let best = -1;
  let bestCount = 0;
  for (const [id, c] of counts) if (c > bestCount || (c === bestCount && id < best)) [best, bestCount] = [id, c];
  return best;
}

test('the k-ahead lookup equals a brute-force count at every position, k = 1..4, with back-off across text ends', async () => {
  const random = seededRandom(5);
  const text = (len: number, V: number) => [0, ...Array.from({ length: len - 1 }, () => 1 + Math.floor(random() ** 2 * (V - 1)))];
  const train = [text(60, 12), text(3, 12), text(45, 12), text(1, 12)];
  const queries = [text(40, 14), train[0].slice(10, 30)]; // ids 12 and 13 never occur in training: back-off to the unigram
  const index = await indexAheadTexts(train);
  let compared = 0;
  for (let k = 1; k <= 4; k++) {
    const lookup = new NgramAhead(index, k);
    for (const q of queries) {
      const padded = [7, 7, ...q]; // the context starts at `from`: the two tokens before it are not the query's
      for (let t = 0; t < q.length; t++) {
        assert.equal(lookup.predict(padded, 2, t + 2), bruteAhead(train, k, q, t), `k ${k} t ${t} of ${q.join(' ')}`);
        compared++;
      }
    }
  }
  assert.equal(compared, 4 * 60);
});
