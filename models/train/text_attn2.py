"""Train tensorloupe-attn2: 2-layer attention-only transformer (8 heads, d 128, 512 positions).

  OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 models/train/text_attn2.py
Two phases (the recipe the induction bar needed; see the model card):
  1. `--phase1` steps of synthetic batches only: <|endoftext|>, n uniformly random token ids (n 8-40),
     the same n again, at positions 0..2n. Only the second copy is scored: the first copy is unpredictable
     noise whose gradient (towards the unigram) only lengthens the plateau. The induction phase change
     comes after ~800 steps (loss falls from ~7.4 to < 1).
  2. the rest: half the batches are code windows of 128 tokens at a random offset in the 512-row position
     table (every position scored, so the model is a code LM and every position row is trained), half stay
     synthetic so the induction head is kept; the LR decays (cosine) to a tenth.
Logs to .data/attn2.log; checkpoints to .data/attn2.pt.
"""
import argparse, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from text_model import GPT, Config, n_params
from text_card import induction_scores

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=4000)
p.add_argument('--phase1', type=int, default=1300)  # synthetic-only steps
p.add_argument('--code', type=float, default=0.5)   # share of code batches in phase 2
p.add_argument('--batch', type=int, default=32)      # synthetic sequences per batch (code batches: 16 x 128)
p.add_argument('--lr', type=float, default=1e-3)
args = p.parse_args()

torch.manual_seed(1337)
torch.set_num_threads(1); torch.set_flush_denormal(True)
ids = np.load(os.path.join(DATA, 'corpus', 'train.ids.npy')).astype(np.int64)
cfg = Config(n_positions=512, n_layer=2, n_head=8, n_embd=128, mlp=False, tie=True)
model = GPT(cfg)
with torch.no_grad():  # sinusoidal start for the (still learned) positions, at the embeddings' scale
    pos = torch.arange(cfg.n_positions).unsqueeze(1) / (10000 ** (torch.arange(0, cfg.n_embd, 2) / cfg.n_embd))
    model.transformer.wpe.weight.copy_(0.02 * math.sqrt(2) * torch.cat([pos.sin(), pos.cos()], dim=1))
rng = np.random.default_rng(1337)
log = open(os.path.join(DATA, 'attn2.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()
SYNTH = (f'the first {args.phase1} steps see only synthetic sequences (<|endoftext|>, 8-40 uniformly random token ids, '
         f'the same ids again; loss on the second copy only); after that half the batches are code windows of 128 tokens '
         f'at random offsets in the position table (loss on every token) and half stay synthetic. The learned position '
         f'embeddings start from sinusoids (scaled to std 0.02).')
CODE_B, CODE_T = 16, 128

def synthetic_batch():
    """[BOS, r_1..r_n, r_1..r_n] x batch; targets scored only where they are copies (the second r)"""
    n = int(rng.integers(8, 41))
    r = rng.integers(1, cfg.vocab_size, (args.batch, n))
    seq = np.concatenate([np.zeros((args.batch, 1), np.int64), r, r], axis=1)
    scored = np.zeros((args.batch, 2 * n), bool); scored[:, n:] = True
    return seq, scored, None

def code_batch():
    starts = rng.integers(0, len(ids) - CODE_T - 1, CODE_B)
    offsets = rng.integers(0, cfg.n_positions - CODE_T + 1, CODE_B)
    seq = np.stack([ids[s:s + CODE_T + 1] for s in starts])
    pos = torch.from_numpy(np.stack([np.arange(o, o + CODE_T) for o in offsets]))
    return seq, np.ones((CODE_B, CODE_T), bool), pos

def lr_at(it):
    if it < 100:
        return args.lr * (it + 1) / 100
    if it < args.phase1:
        return args.lr
    f = (it - args.phase1) / max(1, args.steps - args.phase1)
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * f)))

opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.0)
say(f'== attn2: {n_params(model)} params, {args.steps} steps ({args.phase1} synthetic only), lr {args.lr}')
t0 = time.time()
def save(step):
    torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': step, 'train_seconds': time.time() - t0,
                'lr': args.lr, 'synthetic_note': SYNTH}, os.path.join(DATA, 'attn2.pt'))
for it in range(args.steps):
    for g in opt.param_groups:
        g['lr'] = lr_at(it)
    code = it >= args.phase1 and rng.random() < args.code
    seq, scored, pos = code_batch() if code else synthetic_batch()
    x, y, m = torch.from_numpy(seq[:, :-1]), torch.from_numpy(seq[:, 1:]), torch.from_numpy(scored)
    logits, _ = model(x, position_ids=pos)  # [B, T, vocab]
    loss = F.cross_entropy(logits[m], y[m])
    opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    if (it + 1) % 50 == 0:
        say(f'step {it + 1}/{args.steps} {"code" if code else "synthetic"} loss {loss.item():.4f} elapsed {time.time() - t0:.0f}s')
    if (it + 1) % 500 == 0:
        model.eval(); ind = induction_scores(model, trials=2); model.train()
        say(f'step {it + 1} best induction score {max(max(r) for r in ind):.3f}')
        save(it + 1)
save(args.steps)
say(f'done: {args.steps} steps in {time.time() - t0:.0f}s')
