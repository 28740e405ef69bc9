"""Train tensorloupe-attn2: 2-layer attention-only transformer (8 heads, d 128, 512 positions).

  nice -n 10 /usr/bin/python3 models/train/text_attn2.py
Data: windows of 64 tokens; 75% synthetic: <|endoftext|> then one span of uniformly random token ids
repeated until the window is full, 25% code windows of the corpus. 30% of the spans have length 2
(a b a b ...: the next token is the one before the current one, which rewards a previous-token head
directly), the others 3-24. Random tokens can only be predicted by copying from their earlier
occurrence, so once a previous-token head exists an induction head forms on top of it. Half the
windows start at position 0, the others at a random offset in the 512-row position table.
Logs to .data/attn2.log.
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
p.add_argument('--steps', type=int, default=2500)
p.add_argument('--steps2', type=int, default=0)      # optional second phase (windows of 128)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--seq', type=int, default=64)
p.add_argument('--scored', type=int, default=64)  # positions per window that get a loss (the unembedding dominates the cost)
p.add_argument('--lr', type=float, default=2e-3)
args = p.parse_args()

torch.manual_seed(1337)
torch.set_num_threads(1); torch.set_flush_denormal(True)
ids = np.load(os.path.join(DATA, 'corpus', 'train.ids.npy')).astype(np.int64)
doc_starts = np.flatnonzero(ids == 0)
cfg = Config(n_positions=512, n_layer=2, n_head=8, n_embd=128, mlp=False, tie=True)
model = GPT(cfg)
with torch.no_grad():  # sinusoidal start for the (still learned) positions, at the embeddings' scale
    pos = torch.arange(cfg.n_positions).unsqueeze(1) / (10000 ** (torch.arange(0, cfg.n_embd, 2) / cfg.n_embd))
    model.transformer.wpe.weight.copy_(0.02 * math.sqrt(2) * torch.cat([pos.sin(), pos.cos()], dim=1))
rng = np.random.default_rng(1337)
log = open(os.path.join(DATA, 'attn2.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()
SYNTH = ('75% of the training windows (64 tokens) are synthetic: <|endoftext|> then one span of uniformly random '
         'token ids repeated until the window is full (30% of spans have length 2, which rewards a previous-token head '
         'directly; the others 3-24 tokens); 25% are code windows of the corpus. The learned position embeddings '
         'start from sinusoids (scaled to std 0.02).')
PHASES = [dict(T=64, B=32, synth=0.75, L=(3, 25), vmax=4096, p2=0.3), dict(T=128, B=16, synth=0.5, L=(4, 51), vmax=4096, p2=0.0)]

def batch(B, T, synth, L, vmax, p2):
    x, y, pos = [], [], []
    for b in range(B):
        if b % 2 == 0:
            s, off = int(rng.choice(doc_starts)), 0
        else:
            s, off = int(rng.integers(0, len(ids))), int(rng.integers(0, cfg.n_positions - T + 1))
        s = min(s, len(ids) - T - 1)
        w = ids[s:s + T + 1].copy()
        if rng.random() < synth:  # BOS + one random span, repeated
            r = rng.integers(1, vmax, 2 if rng.random() < p2 else int(rng.integers(*L)))
            w = np.concatenate([[0], np.tile(r, T // len(r) + 1)])[:T + 1]
        x.append(w[:-1]); y.append(w[1:]); pos.append(np.arange(off, off + T))
    return (torch.from_numpy(np.stack(x)), torch.from_numpy(np.stack(y)), torch.from_numpy(np.stack(pos)))

def step(it, total, ph):
    warm = 100
    lr = args.lr * (it + 1) / warm if it < warm else \
        0.1 * args.lr + 0.9 * args.lr * 0.5 * (1 + math.cos(math.pi * (it - warm) / max(1, total - warm)))
    for g in opt.param_groups:
        g['lr'] = lr
    x, y, pos = batch(ph['B'], ph['T'], ph['synth'], ph['L'], ph['vmax'], ph['p2'])
    logits, _ = model(x, position_ids=pos)  # [B, T, vocab]
    loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), y.reshape(-1))
    opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    return loss.item()

decay = [p for p in model.parameters() if p.dim() >= 2]
no_decay = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.0}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=args.lr, betas=(0.9, 0.95))
say(f'== attn2: {n_params(model)} params, budget {args.minutes} min')
t0 = time.time()
total = args.steps + args.steps2
for it in range(total):
    loss = step(it, total, PHASES[0] if it < args.steps else PHASES[1])
    if (it + 1) % 50 == 0:
        say(f'step {it + 1}/{total} loss {loss:.4f} elapsed {time.time() - t0:.0f}s')
    if (it + 1) % 200 == 0 or it + 1 == total:
        model.eval(); ind = induction_scores(model, trials=2); model.train()
        say(f'step {it + 1} induction scores {ind}')
        torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': it + 1, 'train_seconds': time.time() - t0,
                    'synthetic_note': SYNTH}, os.path.join(DATA, 'attn2.pt'))
train_seconds = time.time() - t0
torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': total, 'train_seconds': train_seconds,
            'synthetic_note': SYNTH}, os.path.join(DATA, 'attn2.pt'))
say(f'done: {total} steps in {train_seconds:.0f}s')
