import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNgramIndex, joinFiles, MAX_ORDER } from '../../src/engine/analyses/ngramIndex';
import { KneserNey } from '../../src/engine/analyses/kneserNey';
import { longestMatches, longestMatchesBrute } from '../../src/engine/analyses/longestMatch';
import { BagOfTokens } from '../../src/engine/analyses/bagOfTokens';
import { suffixArray } from '../../src/engine/analyses/suffixArray';

// The baselines' maths on small random corpora, each against a definition written out plainly.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** files of random tokens with copied stretches (so long matches exist), a BOS (0) first */
function randomFiles(seed: number, V: number, count: number, len: number): number[][] {
  const r = rng(seed);
  const files: number[][] = [];
  for (let f = 0; f < count; f++) {
    const ids = [0];
    while (ids.length < len) {
      if (ids.length > 8 && r() < 0.1) {
        const from = 1 + Math.floor(r() * (ids.length - 4));
        const take = 2 + Math.floor(r() * 6);
        ids.push(...ids.slice(from, from + take));
      } else ids.push(1 + Math.floor(Math.pow(r(), 2) * (V - 1))); // skewed, so some n-grams repeat
    }
    files.push(ids.slice(0, len));
  }
  return files;
}

test('the suffix array sorts every suffix', async () => {
  const { tokens } = joinFiles(randomFiles(1, 5, 4, 60), 5);
  const sa = await suffixArray(tokens, 6);
  const naive = [...tokens.keys()].sort((a, b) => {
    for (let k = 0; ; k++) {
      if (a + k >= tokens.length) return -1;
      if (b + k >= tokens.length) return 1;
      if (tokens[a + k] !== tokens[b + k]) return tokens[a + k] - tokens[b + k];
    }
  });
  assert.deepEqual([...sa], naive);
});

test('longest matches equal a brute-force search on random corpora', async () => {
  for (const seed of [2, 3, 4]) {
    const V = 3 + seed * 2;
    const files = randomFiles(seed, V, 5, 80);
    const { tokens } = joinFiles(files, V);
    const ix = await buildNgramIndex(tokens, V);
    // queries: random ids, and pieces of the corpus glued to random ids
    const r = rng(seed * 7);
    const query = [0];
    while (query.length < 120) {
      if (r() < 0.3) { const f = files[Math.floor(r() * files.length)]; const a = Math.floor(r() * 60); query.push(...f.slice(a, a + 3 + Math.floor(r() * 15))); }
      else query.push(Math.floor(r() * V));
    }
    const got = longestMatches(ix, query);
    const want = longestMatchesBrute(tokens, query);
    assert.deepEqual([...got.length], [...want], `seed ${seed}`);
    for (let t = 0; t < query.length; t++) {
      const len = got.length[t];
      if (len === 0) continue;
      const at = got.where[t];
      assert.deepEqual([...tokens.slice(at, at + len)], query.slice(t - len + 1, t + 1), `where[${t}] holds the span`);
    }
  }
});

/** Kneser–Ney from counted n-grams in Maps: the definition kneserNey.ts implements */
function plainKneserNey(files: number[][], V: number, order: number, dRaw: number[], dCont: number[]) {
  const SEP = V;
  const stream = [SEP];
  for (const f of files) stream.push(...f, SEP);
  const key = (g: number[]) => g.join(',');
  const count = new Map<string, number>(); // raw counts of n-grams without a separator
  const left = new Map<string, Set<number>>(); // distinct tokens (the separator too) before g
  for (let i = 0; i < stream.length; i++) {
    for (let n = 1; n <= MAX_ORDER && i + n <= stream.length; n++) {
      const g = stream.slice(i, i + n);
      if (g.includes(SEP)) break;
      count.set(key(g), (count.get(key(g)) ?? 0) + 1);
      if (i > 0) { const s = left.get(key(g)) ?? new Set(); s.add(stream[i - 1]); left.set(key(g), s); }
    }
  }
  const cont = (g: number[]) => left.get(key(g))?.size ?? 0;
  let contTotal = 0;
  for (let w = 0; w < V; w++) contTotal += cont([w]);
  return (h: number[], w: number): number => {
    let p = (cont([w]) + 1) / (contTotal + V);
    const K = Math.min(order - 1, h.length);
    for (let k = 1; k <= K; k++) {
      const ctx = h.slice(h.length - k);
      if (!count.has(key(ctx))) break;
      const raw = k + 1 === order;
      let total = 0, T = 0;
      for (let x = 0; x < V; x++) {
        const c = raw ? count.get(key([...ctx, x])) ?? 0 : cont([...ctx, x]);
        total += c;
        if (c > 0) T++;
      }
      if (total === 0) break;
      const D = raw ? dRaw[k + 1] : dCont[k + 1];
      const c = raw ? count.get(key([...ctx, w])) ?? 0 : cont([...ctx, w]);
      p = (Math.max(c - D, 0) + D * T * p) / total;
    }
    return p;
  };
}

test('Kneser–Ney sums to 1 over the vocabulary at every context, for orders 1–5, and equals the definition', async () => {
  const V = 9;
  const files = randomFiles(5, V, 4, 150);
  const ix = await buildNgramIndex(joinFiles(files, V).tokens, V);
  const query = [...files[1].slice(0, 40), ...randomFiles(6, V, 1, 40)[0]];
  for (let order = 1; order <= MAX_ORDER; order++) {
    const kn = new KneserNey(ix, order);
    const plain = plainKneserNey(files, V, order, ix.discountRaw, ix.discountCont);
    for (let t = 0; t <= query.length; t++) {
      const dist = kn.distribution(query, 0, t);
      const sum = dist.reduce((s, p) => s + p, 0);
      assert.ok(Math.abs(sum - 1) < 1e-12, `order ${order}, t ${t}: sums to ${sum}`);
      for (let w = 0; w < V; w++) assert.ok(Math.abs(dist[w] - plain(query.slice(0, t), w)) < 1e-12, `order ${order} t ${t} w ${w}`);
      if (t < query.length) {
        const { prob, top1 } = kn.score(query, 0, t);
        assert.equal(prob, dist[query[t]]);
        assert.equal(dist[top1], Math.max(...dist), `order ${order} t ${t}: top-1 is the argmax`);
      }
    }
  }
});

test('the bag-of-tokens model sums to 1 and favours what co-occurs', async () => {
  const V = 12;
  const files = randomFiles(8, V, 3, 200);
  const ix = await buildNgramIndex(joinFiles(files, V).tokens, V);
  const bag = new BagOfTokens(ix, { window: 8, samples: 1000, beta: 4 });
  const query = files[0].slice(0, 30);
  for (const t of [0, 1, 5, 29]) {
    let sum = 0;
    for (let w = 0; w < V; w++) sum += bag.prob(query, 0, t, w);
    assert.ok(Math.abs(sum - 1) < 1e-12, `t ${t}: ${sum}`);
  }
  // a token that never follows the window's tokens gets only the smoothing's share
  const lonely = joinFiles([[0, 1, 2, 1, 2, 1, 2], [0, 3, 4, 3, 4]], 5);
  const small = new BagOfTokens(await buildNgramIndex(lonely.tokens, 5), { window: 2, samples: 100, beta: 1 });
  assert.ok(small.prob([1, 2], 0, 2, 1) > 10 * small.prob([1, 2], 0, 2, 3));
});
