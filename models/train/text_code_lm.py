"""Train tensorloupe-code-lm (GPT-2 style, 4 layers, 4 heads, d 128, 2048 positions) on 1 thread.

  nice -n 10 /usr/bin/python3 models/train/text_code_lm.py [--steps 1200] [--bench]
Schedule: most steps at seq 256, then a short final phase at seq 1024 and 2048 with small batches.
Windows: 1 in 8 starts at a document's <|endoftext|> at position 0; the others start anywhere, at
position 0 (half of them) or at a random offset in the 2048-row position table, so every position
row is trained. (Starting half the windows at document starts wasted steps on licence headers.)
With --minutes M (for a loaded, shared machine) the LR follows progress = max(step fraction, time
fraction): the seq-256 phase ends at 85% of the budget and each long phase gets 7.5%; on an idle machine
the step counts are reached first and the run is deterministic.
Held-out evaluation: see text_eval.py (sliding windows of 1024 with stride 512 per document).
Writes models/train/.data/code_lm.pt (checkpoint every eval) and logs to .data/code_lm.log.
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from text_model import GPT, Config, n_params
from text_eval import heldout_ce

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=1600)        # steps at seq 256
p.add_argument('--long_steps', type=int, default=40)    # steps at seq 1024, then as many at 2048
p.add_argument('--batch', type=int, default=8)
p.add_argument('--lr', type=float, default=3e-3)
p.add_argument('--eval_every', type=int, default=400)
p.add_argument('--minutes', type=float, default=0)  # wall-clock budget (0: none); see below
p.add_argument('--init', default='')  # warm start from a checkpoint's weights (fresh optimizer and schedule)
p.add_argument('--sampler', default='v2', choices=['v1', 'v2'])  # v1: half the windows at document starts
p.add_argument('--stop', type=int, default=0)  # stop after this many steps (keeps the schedule of the full run)
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
prior = {'steps': 0, 'seconds': 0.0, 'stages': []}  # earlier stages this run continues from
if args.init:
    ick = torch.load(args.init, map_location='cpu')
    model.load_state_dict(ick['model'])
    ip = ick.get('prior', {'steps': 0, 'seconds': 0.0, 'stages': []})
    prior = {'steps': ip['steps'] + ick['step'], 'seconds': ip['seconds'] + ick['train_seconds'],
             'stages': ip['stages'] + [{'steps': ick['step'], 'seconds': ick['train_seconds'], 'phases': ick.get('phases'),
                                        'cpu_seconds': ick.get('cpu_seconds', ick['train_seconds'])}]}
rng = np.random.default_rng(1337)
log = open(os.path.join(DATA, 'code_lm.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()

def batch(B, T):
    """B windows of T+1 tokens and their positions (see the module docstring)"""
    x, y, pos = [], [], []
    for b in range(B):
        if args.sampler == 'v1':  # the first stage's sampler: half at document starts, half at random offsets
            if b % 2 == 0:
                s = int(rng.choice(doc_starts)); off = 0
            else:
                s = int(rng.integers(0, len(train_ids) - T - 1)); off = int(rng.integers(0, cfg.n_positions - T + 1))
        elif b % 8 == 0:
            s = int(rng.choice(doc_starts)); off = 0
        else:
            s = int(rng.integers(0, len(train_ids) - T - 1))
            off = 0 if rng.random() < 0.5 else int(rng.integers(0, cfg.n_positions - T + 1))
        s = min(s, len(train_ids) - T - 1)
        w = train_ids[s:s + T + 1]
        x.append(w[:-1]); y.append(w[1:]); pos.append(np.arange(off, off + T))
    return (torch.from_numpy(np.stack(x)), torch.from_numpy(np.stack(y)), torch.from_numpy(np.stack(pos)))

def evaluate(ids, max_docs=None):
    model.eval()
    ce = heldout_ce(model, ids, max_docs)
    model.train()
    return ce

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
budget = args.minutes * 60
ends = [0.85, 0.925, 1.0]  # time fractions at which the phases end under a budget
def progress(it, elapsed):
    return max(it / total, elapsed / budget if budget else 0.0)
def lr_at(it, elapsed=0.0):
    if it < warmup:
        return args.lr * (it + 1) / warmup
    p = min(1.0, max(progress(it, elapsed), (warmup + 1e-9) / total))
    p = (p - warmup / total) / (1 - warmup / total)
    return 0.1 * args.lr + 0.9 * args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, max(0.0, p))))

say(f'== code-lm: init {args.init or "random"}, sampler {args.sampler}, {n_params(model)} params, train {len(train_ids)} tokens, eval {len(eval_ids)}, phases {phases}')
t0, it, done = time.time(), 0, []
for ph, (T, B, steps) in enumerate(phases):
    tp, done_k = time.time(), 0
    for k in range(steps):
        if args.stop and it >= args.stop:
            break
        if budget and time.time() - t0 > ends[ph] * budget:
            say(f'phase seq {T}: time budget reached after {k} of {steps} steps')
            break
        done_k = k + 1
        for g in opt.param_groups:
            g['lr'] = lr_at(it, time.time() - t0)
        x, y, pos = batch(B, T)
        logits, _ = model(x, position_ids=pos)
        loss = F.cross_entropy(logits.view(-1, cfg.vocab_size), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        it += 1
        if it % 20 == 0 or args.bench:
            say(f'step {it}/{total} seq {T} loss {loss.item():.4f} lr {lr_at(it, time.time() - t0):.2e} {(time.time() - tp) / (k + 1):.2f}s/step elapsed {time.time() - t0:.0f}s')
        if not args.bench and it % args.eval_every == 0:
            ce = evaluate(eval_ids, max_docs=12)
            say(f'eval step {it}: heldout CE {ce:.4f} nats ({ce / math.log(2):.4f} bits)')
            torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': it, 'train_seconds': time.time() - t0,
                        'cpu_seconds': time.process_time(), 'phases': done + [(T, B, done_k)]}, args.out)
    done.append((T, B, done_k))
train_seconds, cpu_seconds = time.time() - t0, time.process_time()
if not args.bench:  # the held-out figures are computed by text_export.py
    torch.save({'model': model.state_dict(), 'cfg': cfg.__dict__, 'step': it, 'train_seconds': train_seconds,
                'cpu_seconds': cpu_seconds, 'phases': done, 'done': True, 'prior': prior, 'lr': args.lr}, args.out)
    say(f'done: {it} steps {done}, {train_seconds:.0f}s wall, {cpu_seconds:.0f}s CPU')
