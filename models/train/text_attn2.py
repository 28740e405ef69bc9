"""Train tensorloupe-attn2: 2-layer attention-only transformer (8 heads, d 128, 512 positions).

  nice -n 10 /usr/bin/python3 models/train/text_attn2.py [--minutes 10]
Data: windows of the code corpus (seq 128). In 20% of them a span of 8-40 uniformly random
tokens is written twice at random places; another 40% are purely synthetic: <|endoftext|> then
one random span (8-40 tokens) repeated until the window is full. Copying from the earlier
occurrence is the only way to predict random tokens, so an induction head forms. Each step scores a random 32 of the 128 positions per window (the unembedding
is most of the cost). Half the windows start at a document's <|endoftext|> at position 0, the
others sit at a random offset in the 512-row position table. Logs to .data/attn2.log.
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from text_model import GPT, Config, n_params
from text_card import induction_scores

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
p = argparse.ArgumentParser()
p.add_argument('--minutes', type=float, default=9.0)  # wall-clock budget; steps are fixed after a timing run
p.add_argument('--steps', type=int, default=0)       # 0: as many as the budget allows (measured on 20 steps)
p.add_argument('--batch', type=int, default=16)
p.add_argument('--seq', type=int, default=128)
p.add_argument('--scored', type=int, default=32)  # positions per window that get a loss (the unembedding dominates the cost)
p.add_argument('--lr', type=float, default=3e-3)
args = p.parse_args()

torch.manual_seed(1337)
torch.set_num_threads(1); torch.set_flush_denormal(True)
ids = np.load(os.path.join(DATA, 'corpus', 'train.ids.npy')).astype(np.int64)
doc_starts = np.flatnonzero(ids == 0)
cfg = Config(n_positions=512, n_layer=2, n_head=8, n_embd=128, mlp=False, tie=False)
model = GPT(cfg)
with torch.no_grad():  # sinusoidal start for the (still learned) positions, at the embeddings' scale
    pos = torch.arange(cfg.n_positions).unsqueeze(1) / (10000 ** (torch.arange(0, cfg.n_embd, 2) / cfg.n_embd))
    model.transformer.wpe.weight.copy_(0.02 * math.sqrt(2) * torch.cat([pos.sin(), pos.cos()], dim=1))
rng = np.random.default_rng(1337)
log = open(os.path.join(DATA, 'attn2.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()
SYNTH = ('20% of the training windows (seq 128) are code with a span of 8-40 uniformly random token ids '
         'written twice at random places; 40% are purely synthetic: <|endoftext|> then one random '
         'span of 8-40 tokens repeated until the window is full; 40% are plain code. The loss is taken at a random 32 of '
         'the 128 positions of each window. The learned position '
         'embeddings start from sinusoids (scaled to std 0.02), which speeds up the previous-token head.')

def batch(B, T):
    x, y, pos = [], [], []
    for b in range(B):
        if b % 2 == 0:
            s, off = int(rng.choice(doc_starts)), 0
        else:
            s, off = int(rng.integers(0, len(ids))), int(rng.integers(0, cfg.n_positions - T + 1))
        s = min(s, len(ids) - T - 1)
        w = ids[s:s + T + 1].copy()
        u, L = rng.random(), int(rng.integers(8, 41))
        r = rng.integers(1, cfg.vocab_size, L)
        if u < 0.2:  # code with one random span written twice
            s1 = int(rng.integers(1, T + 1 - 2 * L)); s2 = int(rng.integers(s1 + L, T + 2 - L))
            w[s1:s1 + L] = r; w[s2:s2 + L] = r
        elif u < 0.6:  # BOS + the span repeated
            w = np.concatenate([[0], np.tile(r, T // L + 1)])[:T + 1]
        x.append(w[:-1]); y.append(w[1:]); pos.append(np.arange(off, off + T))
    return (torch.from_numpy(np.stack(x)), torch.from_numpy(np.stack(y)), torch.from_numpy(np.stack(pos)))

def step(it, total):
    warm = 50
    lr = args.lr * (it + 1) / warm if it < warm else \
        0.1 * args.lr + 0.9 * args.lr * 0.5 * (1 + math.cos(math.pi * (it - warm) / max(1, total - warm)))
    for g in opt.param_groups:
        g['lr'] = lr
    x, y, pos = batch(args.batch, args.seq)
    h, _ = model.transformer(x, position_ids=pos)  # [B, T, C]
    sel = torch.stack([torch.randperm(args.seq)[:args.scored] for _ in range(args.batch)])  # [B, scored]
    h = torch.gather(h, 1, sel.unsqueeze(-1).expand(-1, -1, cfg.n_embd))
    logits = model.lm_head(h)  # [B, scored, vocab]
    loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), torch.gather(y, 1, sel).reshape(-1))
    opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    return loss.item()

decay = [p for p in model.parameters() if p.dim() >= 2]
no_decay = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=args.lr, betas=(0.9, 0.95))
say(f'== attn2: {n_params(model)} params, budget {args.minutes} min')
t0 = time.time()
total = args.steps or 10_000
it = 0
while it < total:
    loss = step(it, total)
    it += 1
    if it == 20 and not args.steps:  # fix the step count from the measured speed (stays deterministic given it)
        total = int(args.minutes * 60 / ((time.time() - t0) / 20))
        say(f'{(time.time() - t0) / 20:.2f}s/step -> {total} steps')
    if it % 50 == 0 or it == total:
        say(f'step {it}/{total} loss {loss:.4f} elapsed {time.time() - t0:.0f}s')
    if it % 200 == 0 or it == total:
        model.eval(); ind = induction_scores(model, trials=2); model.train()
        say(f'step {it} induction scores {ind}')
train_seconds = time.time() - t0
torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': total, 'train_seconds': train_seconds, 'seq': args.seq,
            'synthetic_note': SYNTH}, os.path.join(DATA, 'attn2.pt'))
say(f'done: {total} steps in {train_seconds:.0f}s')
