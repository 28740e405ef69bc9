"""Held-out evaluation shared by the text LMs and the trigram baseline.

Every held-out document (it starts with <|endoftext|>) is scored on every token after its BOS:
sliding windows of W=1024 tokens with stride 512 (512/256 for a 512-position model), positions 0..W-1 in each window; the first
window scores all its targets, each later one only its last 512 (so each has >= 512 tokens of
context). Bits per byte = total nats / ln 2 / UTF-8 bytes of the held-out files (the targets are
exactly the files' tokens).
"""
import math
import numpy as np
import torch
import torch.nn.functional as F

W, STRIDE = 1024, 512

def doc_bounds(ids):
    starts = list(np.flatnonzero(ids == 0)) + [len(ids)]
    return [(a, b) for a, b in zip(starts[:-1], starts[1:]) if b - a >= 2]

def windows(a, b, w=W):
    """(start, end, score_from) absolute indices: targets ids[score_from:end] given ids[start:...]"""
    s, done = a, a + 1
    while True:
        e = min(s + w, b)
        yield s, e, done
        if e == b:
            return
        done, s = e, s + w // 2

def target_indices(ids):
    """the indices scored: every token but the documents' BOS"""
    return np.flatnonzero(ids != 0)

@torch.no_grad()
def heldout_ce(model, ids, max_docs=None, w=W):
    """mean CE (nats/token) of model over the held-out ids with windows of w (stride w/2);
    max_docs: an evenly spaced subset of documents"""
    docs = doc_bounds(ids)
    if max_docs:
        docs = [docs[i] for i in np.linspace(0, len(docs) - 1, max_docs).astype(int)]
    tot, n = 0.0, 0
    for a, b in docs:
        for s, e, done in windows(a, b, w):
            x = torch.from_numpy(ids[s:e - 1]).unsqueeze(0)
            logits, _ = model(x)
            tgt = torch.from_numpy(ids[done:e])
            tot += F.cross_entropy(logits[0, done - 1 - s:], tgt, reduction='sum').item(); n += e - done
    return tot / n

def bits_per_byte(ce_nats, n_targets, n_bytes):
    return ce_nats * n_targets / math.log(2) / n_bytes
