"""Interpolated Kneser-Ney trigram baseline on the same training tokens as tensorloupe-code-lm.

  /usr/bin/python3 models/train/text_trigram.py
Discounts (D3 for trigrams, D2 for bigram continuation counts) are tuned on the last 5% of the
training tokens with counts from the first 95%, then the model is refitted on all training tokens
and scored on the held-out files: the same targets as the LMs' evaluation (text_eval.py: every token
but each document's BOS; history a is BOS where it would cross a document start). Writes .data/trigram.json.
"""
import json, math, os, time
import numpy as np
from text_eval import target_indices, bits_per_byte

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
V = 4096

def lookup(keys, counts, q):
    """counts[keys == q] (0 where absent); keys sorted unique"""
    i = np.clip(np.searchsorted(keys, q), 0, len(keys) - 1)
    return np.where(keys[i] == q, counts[i], 0)

class KNTrigram:
    def __init__(self, ids):
        a, b, c = ids[:-2], ids[1:-1], ids[2:]
        self.tri, self.tri_n = np.unique((a * V + b) * V + c, return_counts=True)   # N(abc)
        ab = self.tri // V
        self.ab, inv, self.ab_t = np.unique(ab, return_inverse=True, return_counts=True)  # T(ab.)
        self.ab_n = np.bincount(inv, weights=self.tri_n)                                # N(ab.)
        self.bc, self.bc_n = np.unique(self.tri % (V * V), return_counts=True)         # N1+(.bc)
        bkey = self.bc // V
        self.b, inv, self.b_t = np.unique(bkey, return_inverse=True, return_counts=True)  # T2(b)
        self.b_n = np.bincount(inv, weights=self.bc_n)                                   # N1+(.b.)
        cont = np.bincount(self.bc % V, minlength=V).astype(np.float64)                 # N1+(.c)
        self.p1 = (cont + 1) / (cont.sum() + V)

    def prob(self, a, b, c, d3, d2):
        n_bc = lookup(self.bc, self.bc_n, b * V + c)
        n_b, t_b = lookup(self.b, self.b_n, b), lookup(self.b, self.b_t, b)
        p2 = np.where(n_b > 0, (np.maximum(n_bc - d2, 0) + d2 * t_b * self.p1[c]) / np.maximum(n_b, 1), self.p1[c])
        n_abc = lookup(self.tri, self.tri_n, (a * V + b) * V + c)
        n_ab, t_ab = lookup(self.ab, self.ab_n, a * V + b), lookup(self.ab, self.ab_t, a * V + b)
        return np.where(n_ab > 0, (np.maximum(n_abc - d3, 0) + d3 * t_ab * p2) / np.maximum(n_ab, 1), p2)

def ce(model, ids, d3, d2):
    i = target_indices(ids)
    a = np.where(ids[i - 1] == 0, 0, ids[np.maximum(i - 2, 0)])
    return float(-np.log(model.prob(a, ids[i - 1], ids[i], d3, d2)).mean())

if __name__ == '__main__':
    t0 = time.time()
    train = np.load(os.path.join(DATA, 'corpus', 'train.ids.npy')).astype(np.int64)
    held = np.load(os.path.join(DATA, 'corpus', 'eval.ids.npy')).astype(np.int64)
    cut = int(0.95 * len(train))
    dev_model = KNTrigram(train[:cut])
    grid = [(ce(dev_model, train[cut:], d3, d2), d3, d2) for d3 in (0.6, 0.7, 0.8, 0.9, 0.95) for d2 in (0.5, 0.7, 0.8, 0.9)]
    best, d3, d2 = min(grid)
    print(f'tuned on dev: D3={d3} D2={d2} dev CE {best:.4f}')
    model = KNTrigram(train)
    h = ce(model, held, d3, d2)
    nbytes = sum(m['bytes'] for m in json.load(open(os.path.join(ROOT, 'corpus_manifest.json')))['files'] if m['split'] == 'eval')
    bpb = bits_per_byte(h, len(target_indices(held)), nbytes)
    print(f'trigram held-out CE {h:.4f} nats/token = {h / math.log(2):.4f} bits/token, {bpb:.4f} bits/byte '
          f'({len(model.tri)} trigram types, {time.time() - t0:.1f}s)')
    json.dump({'trigram_ce_nats': h, 'trigram_bits_per_byte': bpb, 'D3': d3, 'D2': d2, 'dev_ce_nats': best,
               'eval_tokens': int(len(target_indices(held))), 'eval_bytes': nbytes, 'trigram_types': int(len(model.tri))},
              open(os.path.join(DATA, 'trigram.json'), 'w'), indent=1)
