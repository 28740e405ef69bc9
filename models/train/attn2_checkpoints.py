"""Checkpoints of tensorloupe-attn2 across its induction phase change, and two variants trained on Zipfian vs
uniform token streams, for "Tensorloupe: Compare Checkpoints".

  OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 models/train/attn2_checkpoints.py attn2|zipf|uniform
Logs to .data/checkpoints-<variant>.log; writes <model>/checkpoints/step-{N}/ (config.json, tokenizer files,
onnx/model.onnx, metrics.json) and, for the variants, the final step as the model folder itself.

Recipes (the same architecture, optimiser, LR warmup, batch of 32 sequences and step count for all three):
  attn2    the first 1,200 steps of text_attn2.py's synthetic phase, replayed with its seed and its random stream
           (BOS, n = 8-40 uniformly random ids, the same ids again; loss on the second copy only). The code
           batches of text_attn2.py only start at step 1,300, so these are checkpoints of the bundled model's
           own run (same seed, same batches) up to the point where its training turns to code.
  zipf     BOS, n ids drawn from a Zipf law (p(rank r) ~ 1/r over the 4,095 non-BOS ids, ranks shuffled once by
           seed), the same ids again; loss on EVERY position (a token stream: the model must also learn the
           unigram, which under Zipf is worth a lot, so lookup competes with copying).
  uniform  the same as zipf with the ids drawn uniformly (the unigram is worth nothing; only copying helps).
Weights are stored as float16 initializers, each followed by a Cast to float32, and the 2-D ones then as int8
with a scale per channel and a DequantizeLinear (int8_weights.py; the graph computes in float32 as before): a
checkpoint is 0.8 MB instead of 2.9 MB (1.5 MB in float16), so the twenty bundled ones are ~16 MB.
"""
import json, math, os, shutil, sys, time
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
import torch
import torch.nn.functional as F
from text_model import GPT, Config
from text_card import induction_scores
from onnx_gpt_export import export_onnx
import int8_weights

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ROOT))
DATA = os.path.join(ROOT, '.data')
VARIANT = sys.argv[1] if len(sys.argv) > 1 else 'attn2'
assert VARIANT in ('attn2', 'zipf', 'uniform'), VARIANT
DIST = VARIANT
STEPS = 1200
SAVE = {'attn2': [200, 400, 600, 700, 800, 900, 1000, 1200]}.get(DIST, [200, 400, 600, 800, 1000, 1200])
BATCH, LR = 32, 1e-3
BASE = os.path.join(REPO, 'models', 'tensorloupe-attn2')
OUT = BASE if VARIANT == 'attn2' else os.path.join(REPO, 'models', f'tensorloupe-attn2-{VARIANT}')

torch.manual_seed(1337)
torch.set_num_threads(1); torch.set_flush_denormal(True)
cfg = Config(n_positions=512, n_layer=2, n_head=8, n_embd=128, mlp=False, tie=True)
MAX_N = 40
model = GPT(cfg)
with torch.no_grad():  # as text_attn2.py: sinusoidal start for the learned positions
    pos = torch.arange(cfg.n_positions).unsqueeze(1) / (10000 ** (torch.arange(0, cfg.n_embd, 2) / cfg.n_embd))
    model.transformer.wpe.weight.copy_(0.02 * math.sqrt(2) * torch.cat([pos.sin(), pos.cos()], dim=1))
rng = np.random.default_rng(1337)
zipf_rng = np.random.default_rng(7)  # a stream of its own, so the Zipf ranks do not shift the batches' stream
ranks = zipf_rng.permutation(np.arange(1, cfg.vocab_size))  # rank r -> token id
zipf_p = 1.0 / np.arange(1, cfg.vocab_size); zipf_p /= zipf_p.sum()
os.makedirs(DATA, exist_ok=True)
log = open(os.path.join(DATA, f'checkpoints-{VARIANT}.log'), 'a')
def say(s):
    print(s, flush=True); log.write(s + '\n'); log.flush()

def batch():
    """[BOS, r_1..r_n, r_1..r_n] x BATCH and the scored targets"""
    n = int(rng.integers(8, MAX_N + 1))
    if DIST == 'zipf':
        r = ranks[rng.choice(len(zipf_p), (BATCH, n), p=zipf_p)]
    else:
        r = rng.integers(1, cfg.vocab_size, (BATCH, n))
    seq = np.concatenate([np.zeros((BATCH, 1), np.int64), r, r], axis=1)
    scored = np.ones((BATCH, 2 * n), bool)
    if DIST == 'attn2':
        scored[:, :n] = False
    return seq, scored

def fp16_weights(path):
    """float32 initializers -> float16 + Cast (halves the file; the graph still computes in float32)"""
    m = onnx.load(path)
    nodes = []
    for init in list(m.graph.initializer):
        if init.data_type != TensorProto.FLOAT or len(init.dims) == 0 or np.prod(init.dims) < 64:
            continue
        arr = numpy_helper.to_array(init)
        m.graph.initializer.remove(init)
        m.graph.initializer.append(numpy_helper.from_array(arr.astype(np.float16), init.name + '_fp16'))
        nodes.append(helper.make_node('Cast', [init.name + '_fp16'], [init.name], to=TensorProto.FLOAT,
                                      name=f'/weights/{init.name}/Cast'))
    for i, n in enumerate(nodes):
        m.graph.node.insert(i, n)
    onnx.checker.check_model(m)
    onnx.save(m, path)

def write_folder(folder, step, loss, ind, seconds):
    os.makedirs(os.path.join(folder, 'onnx'), exist_ok=True)
    for f in ('config.json', 'tokenizer.json', 'tokenizer_config.json'):
        shutil.copy(os.path.join(BASE, f), os.path.join(folder, f))
    path = os.path.join(folder, 'onnx', 'model.onnx')
    model.eval(); export_onnx(model, path); model.train()
    fp16_weights(path)
    int8_weights.convert(path)
    json.dump({'variant': VARIANT, 'step': step, 'train_loss': round(loss, 4), 'induction_scores': ind,
               'max_induction_score': max(max(r) for r in ind), 'train_seconds': round(seconds, 1),
               'weights': 'int8 per channel + DequantizeLinear (2-D), float16 + Cast (1-D)'}, open(os.path.join(folder, 'metrics.json'), 'w'), indent=1)

opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95), weight_decay=0.0)
say(f'== checkpoints {VARIANT}: {STEPS} steps, save at {SAVE}')
t0, recent = time.time(), []
for it in range(STEPS):
    for g in opt.param_groups:
        g['lr'] = LR * (it + 1) / 100 if it < 100 else LR  # text_attn2.py's synthetic-phase schedule
    seq, scored = batch()
    x, y, m = torch.from_numpy(seq[:, :-1]), torch.from_numpy(seq[:, 1:]), torch.from_numpy(scored)
    h, _ = model.transformer(x)  # [B, T, C]
    # the unembedding only where a target is scored (the same loss as text_attn2.py's logits[m]; for attn2
    # half the positions, and the [*, 4096] product is most of a step's work)
    loss = F.cross_entropy(model.lm_head(h[m]), y[m])
    opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    recent = (recent + [loss.item()])[-20:]
    if (it + 1) % 50 == 0:
        say(f'step {it + 1}/{STEPS} loss {loss.item():.4f} elapsed {time.time() - t0:.0f}s')
    if it + 1 in SAVE:
        model.eval()
        with torch.no_grad():
            ind = induction_scores(model, n=50, trials=2)
        model.train()
        say(f'step {it + 1} best induction score {max(max(r) for r in ind):.3f}')
        write_folder(os.path.join(OUT, 'checkpoints', f'step-{it + 1}'), it + 1, float(np.mean(recent)), ind, time.time() - t0)
if VARIANT != 'attn2':  # the variant's model folder is its final checkpoint
    last = os.path.join(OUT, 'checkpoints', f'step-{SAVE[-1]}')
    for f in ('config.json', 'tokenizer.json', 'tokenizer_config.json', 'metrics.json'):
        shutil.copy(os.path.join(last, f), os.path.join(OUT, f))
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    shutil.copy(os.path.join(last, 'onnx', 'model.onnx'), os.path.join(OUT, 'onnx', 'model.onnx'))
say(f'done: {STEPS} steps in {time.time() - t0:.0f}s')
