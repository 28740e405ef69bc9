"""Train tensorloupe-code-lm (GPT-2 style, 4 layers, 4 heads, d 128, 2048 positions) on 1 thread.

  nice -n 10 /usr/bin/python3 models/train/text_code_lm.py [--steps 1200] [--bench]
Schedule: most steps at seq 256 (half the windows start at a document's <|endoftext|> at
position 0, half are mid-document windows placed at a random position offset so the whole
2048-row position table is trained), then a final phase at seq 1024 and 2048 with small batches.
Writes models/train/.data/code_lm.pt (checkpoint every eval) and logs to .data/code_lm.log.
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from text_model import GPT, Config, n_params

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=1200)        # steps at seq 256
p.add_argument('--long_steps', type=int, default=120)    # steps at seq 1024, then as many at 2048
p.add_argument('--batch', type=int, default=16)
p.add_argument('--lr', type=float, default=3e-3)
p.add_argument('--eval_every', type=int, default=200)
p.add_argument('--bench', action='store_true')
p.add_argument('--out', default=os.path.join(DATA, 'code_lm.pt'))
args = p.parse_args()

torch.manual_seed(1337); np.random.seed(1337)
torch.set_num_threads(1); torch.set_flush_denormal(True)
train_ids = np.load(os.path.join(DATA, 'corpus', 'train.ids.npy')).astype(np.int64)
eval_ids = np.load(os.path.join(DATA, 'corpus', 'eval.ids.npy')).astype(np.int64)
doc_starts = np.flatnonzero(train_ids == 0)
cfg = Config()
model = GPT(cfg)
rng = np.random.default_rng(1337)
log = open(os.path.join(DATA, 'code_lm.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()

def batch(B, T):
    """B windows of T+1 tokens: half start at a document start (positions 0..T-1),
    half anywhere with positions offset at random within the 2048-row table"""
    x, y, pos = [], [], []
    for b in range(B):
        if b % 2 == 0:
            s = int(rng.choice(doc_starts)); off = 0
        else:
            s = int(rng.integers(0, len(train_ids) - T - 1)); off = int(rng.integers(0, cfg.n_positions - T + 1))
        s = min(s, len(train_ids) - T - 1)
        w = train_ids[s:s + T + 1]
        x.append(w[:-1]); y.append(w[1:]); pos.append(np.arange(off, off + T))
    return (torch.from_numpy(np.stack(x)), torch.from_numpy(np.stack(y)), torch.from_numpy(np.stack(pos)))

@torch.no_grad()
def evaluate(ids, T=512, max_chunks=None):
    """mean CE (nats) over every target of consecutive T-token chunks of ids (positions 0..T-1)"""
    model.eval()
    n = (len(ids) - 1) // T
    chunks = range(n) if max_chunks is None else np.linspace(0, n - 1, max_chunks).astype(int)
    tot, cnt = 0.0, 0
    for c in chunks:
        w = torch.from_numpy(ids[c * T:(c + 1) * T + 1]).unsqueeze(0)
        logits, _ = model(w[:, :-1])
        tot += F.cross_entropy(logits[0], w[0, 1:], reduction='sum').item(); cnt += T
    model.train()
    return tot / cnt

decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=args.lr, betas=(0.9, 0.95))
# phases: (seq, batch, steps); the LR follows one cosine over all steps
phases = [(256, args.batch, args.steps), (1024, 4, args.long_steps), (2048, 2, args.long_steps)]
if args.bench:
    phases = [(256, args.batch, 6), (1024, 4, 3), (2048, 2, 3)]
total = sum(s for _, _, s in phases)
warmup = min(100, total // 10)
def lr_at(it):
    if it < warmup:
        return args.lr * (it + 1) / warmup
    return 0.1 * args.lr + 0.9 * args.lr * 0.5 * (1 + math.cos(math.pi * (it - warmup) / max(1, total - warmup)))

say(f'== code-lm: {n_params(model)} params, train {len(train_ids)} tokens, eval {len(eval_ids)}, phases {phases}')
t0, it = time.time(), 0
for T, B, steps in phases:
    tp = time.time()
    for k in range(steps):
        for g in opt.param_groups:
            g['lr'] = lr_at(it)
        x, y, pos = batch(B, T)
        logits, _ = model(x, position_ids=pos)
        loss = F.cross_entropy(logits.view(-1, cfg.vocab_size), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        it += 1
        if it % 20 == 0 or args.bench:
            say(f'step {it}/{total} seq {T} loss {loss.item():.4f} lr {lr_at(it):.2e} {(time.time() - tp) / (k + 1):.2f}s/step elapsed {time.time() - t0:.0f}s')
        if not args.bench and (it % args.eval_every == 0 or it == total):
            ce = evaluate(eval_ids, max_chunks=None if it == total else 40)
            say(f'eval step {it}: heldout CE {ce:.4f} nats ({ce / math.log(2):.4f} bits)')
            torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': it, 'train_seconds': time.time() - t0,
                        'phases': phases}, args.out)
train_seconds = time.time() - t0
if not args.bench:
    ce = evaluate(eval_ids)
    say(f'final: heldout CE {ce:.4f} nats, {train_seconds:.0f}s for {total} steps')
    json.dump({'heldout_ce_nats': ce, 'train_seconds': train_seconds, 'steps': total, 'phases': phases,
               'params': n_params(model), 'eval_chunk': 512},
              open(os.path.join(DATA, 'code_lm_train.json'), 'w'), indent=1)
