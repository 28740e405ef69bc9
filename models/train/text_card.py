"""Figures and model cards for the text models: held-out CE, induction scores, metrics.json, MODEL_CARD.md."""
import json, math, os
import numpy as np
import torch
import torch.nn.functional as F
from text_eval import heldout_ce, target_indices, bits_per_byte
import checkpoints_card

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')

def eval_ids():
    return np.load(os.path.join(DATA, 'corpus', 'eval.ids.npy')).astype(np.int64)

@torch.no_grad()
def induction_scores(model, n=50, seed=0, trials=10):
    """per layer, per head: mean attention from each token of the second copy of a repeated random
    sequence (BOS, r_1..r_n, r_1..r_n) to the token after its first occurrence; averaged over trials"""
    g = torch.Generator().manual_seed(seed)
    scores = torch.zeros(model.cfg.n_layer, model.cfg.n_head)
    for _ in range(trials):
        r = torch.randint(1, model.cfg.vocab_size, (n,), generator=g)
        x = torch.cat([torch.zeros(1, dtype=torch.long), r, r]).unsqueeze(0)
        hooks = {}
        model(x, hooks=hooks)
        q = torch.arange(n + 1, 2 * n + 1)  # second copy: positions n+1 .. 2n
        for l in range(model.cfg.n_layer):
            pat = hooks[f'blocks.{l}.attn.hook_pattern'][0]  # [head, q, k]
            scores[l] += pat[:, q, q - n + 1].mean(-1) / trials  # token after first occurrence: q - n + 1
    return [[round(float(v), 4) for v in row] for row in scores]

def eval_bytes():
    m = json.load(open(os.path.join(ROOT, 'corpus_manifest.json')))
    return sum(f['bytes'] for f in m['files'] if f['split'] == 'eval')

def corpus_lines():
    m = json.load(open(os.path.join(ROOT, 'corpus_manifest.json')))
    s = m['summary']
    pk = {}
    for f in m['files']:
        key = (f['package'], f['version'], f['license'])
        pk[key] = pk.get(key, 0) + f['bytes']
    rows = '\n'.join(f'| {p} | {v} | {l} | {b / 1e6:.2f} MB |' for (p, v, l), b in sorted(pk.items()))
    return (f"Train {s['train']['files']} files / {s['train']['bytes'] / 1e6:.1f} MB, held out (by file, seed "
            f"{m['seed']}) {s['eval']['files']} files / {s['eval']['bytes'] / 1e6:.2f} MB. Every file with its "
            f"sha256 is listed in `models/train/corpus_manifest.json`; the corpus is not committed.\n\n"
            f"| source package | version | licence | bytes |\n|---|---|---|---|\n{rows}\n")

NOT_MET = ("\n\n**Known gap.** No induction head formed in this build. With the recipe above the phase change came "
           "after ~800 steps on an idle machine; a run that stopped earlier (a wall-clock cut on a loaded machine) "
           "can miss it: re-run `models/train/text_attn2.py` on an idle machine.\n\n")

def write(kind, out, ck, model, params):
    ids = eval_ids()
    ce = heldout_ce(model, ids, w=min(1024, model.cfg.n_positions))
    bpb = bits_per_byte(ce, len(target_indices(ids)), eval_bytes())
    train_s = ck.get('train_seconds', 0.0)
    common = (f"## Tokenizer\nByte-level BPE, vocab 4096 (256 bytes + 3839 merges + `<|endoftext|>` id 0), GPT-2 "
              f"pre-tokenization regex, trained on the train split by `models/train/text_tokenizer.py`. The "
              f"post-processor prepends `<|endoftext|>` as BOS. Shared by tensorloupe-code-lm and tensorloupe-attn2.\n\n"
              f"## Data\n{corpus_lines()}\n"
              f"## ONNX\n`onnx/model.onnx`, opset 17, Optimum decoder signature: inputs `input_ids` [batch, seq], "
              f"`attention_mask` [batch, past+seq], `position_ids` [batch, seq], `past_key_values.{{i}}.key|value` "
              f"[batch, n_head, past, head_dim]; outputs `logits` [batch, seq, vocab], `present.{{i}}.key|value`. "
              f"Attention is plain MatMul → Mul(scale) → Where(mask, −1e9) → Softmax → MatMul; the probabilities and "
              f"hidden states are not graph outputs. `reference.json` holds PyTorch top-10 probabilities at every "
              f"position of 3 inputs and TransformerLens-named activations for the first.\n\n"
              f"Rebuild: `bash models/train/build_text.sh` (seeded; Debian python3 with torch {torch.__version__}).\n")
    if kind == 'code-lm':
        tri = json.load(open(os.path.join(DATA, 'trigram.json')))
        s1_path = os.path.join(DATA, 'code_lm_stage1.pt')
        s1 = torch.load(s1_path, map_location='cpu') if os.path.exists(s1_path) else None
        stages = ([{'steps': s1['step'], 'seconds': s1['train_seconds'], 'phases': [(256, 16, s1['step'])]}] if s1 else []) + \
            ck.get('prior', {}).get('stages', []) + [{'steps': ck['step'], 'seconds': train_s, 'phases': ck.get('phases', []),
                                                      'cpu_seconds': ck.get('cpu_seconds', train_s)}]
        cpu_s = sum(st.get('cpu_seconds', st['seconds']) for st in stages)  # a stage without a CPU figure counts its wall time
        s1_steps = sum(st['steps'] for st in stages) - ck['step']
        train_s = sum(st['seconds'] for st in stages)
        seen = sum(t * b * n for st in stages for t, b, n in st['phases'])
        stage_txt = ' '.join(f"Stage {i + 1}: " + ', '.join(f'{n} steps × batch {b} at seq {t}' for t, b, n in st['phases'] if n)
                             + f" ({st['seconds'] / 60:.0f} min)." for i, st in enumerate(stages))
        metrics = {'heldout_ce_nats': ce, 'heldout_ce_bits': ce / math.log(2), 'bits_per_byte': bpb,
                   'trigram_ce_nats': tri['trigram_ce_nats'], 'trigram_ce_bits': tri['trigram_ce_nats'] / math.log(2),
                   'trigram_bits_per_byte': tri['trigram_bits_per_byte'], 'train_seconds': round(train_s, 1),
                   'train_cpu_seconds': round(cpu_s, 1), 'steps': ck['step'] + s1_steps, 'params': params, 'eval_tokens': tri['eval_tokens']}
        phases = ', '.join(f'{s} steps × batch {b} at seq {t}' for t, b, s in ck.get('phases', []))
        card = (f"# tensorloupe-code-lm\n\nA tiny GPT-2 style code language model bundled with Tensorloupe so the "
                f"extension works offline and tests have a model whose internals are known exactly. It is a toy: "
                f"it writes plausible-looking Python/TypeScript fragments, nothing more.\n\n"
                f"## Architecture\nDecoder-only, learned positions (2048), pre-LayerNorm, GELU (tanh) MLP 4×, tied "
                f"embeddings; n_layer 4, n_head 4, n_embd 128, vocab 4096: **{params:,} parameters**. Module names "
                f"follow Hugging Face GPT-2 (`transformer.h.{{i}}.attn.c_attn`, …), so ONNX node names look like an "
                f"Optimum export (weights are nn.Linear, i.e. transposed relative to HF's Conv1D).\n\n"
                f"## Training\n{ck['step'] + s1_steps} AdamW steps in {len(stages)} stages, each from the previous stage's "
                f"weights with a fresh optimizer (peak lr 3e-3, {ck.get('lr', 3e-3):g} in the last stage; warmup 100, cosine to a "
                f"tenth; wd 0.1; clip 1.0), one CPU thread: {cpu_s / 60:.0f} minutes of CPU time, {train_s / 60:.0f} minutes wall clock "
                f"in all (stages 1-2 ran on a heavily loaded shared 2-core machine; stage 1's CPU time was not recorded and is "
                f"counted at its wall time). {stage_txt} Stage 1 used the first recipe (half the windows at a document start, which "
                f"mostly repeats licence headers; stopped early). Later stages: 1 in 8 windows starts at a document's BOS "
                f"at position 0, the others anywhere, at position 0 (half) or at a random offset in the 2048-row position "
                f"table, so every position row is trained; the seq-1024/2048 phases train long contexts. Every document "
                f"starts with `<|endoftext|>`. Stages 2+ run under a wall-clock budget (the LR follows max(step, time) "
                f"progress), so on a loaded machine their step counts depend on the load.\n\n"
                f"## Figures\nHeld-out files ({tri['eval_tokens']:,} tokens): every token after each file's BOS, scored with "
                f"sliding windows of 1024 tokens, stride 512 (`models/train/text_eval.py`); bits/byte over the files' "
                f"UTF-8 bytes.\n\n"
                f"| model | CE nats/token | bits/token | bits/byte |\n|---|---|---|---|\n"
                f"| tensorloupe-code-lm | {ce:.4f} | {ce / math.log(2):.4f} | {metrics['bits_per_byte']:.4f} |\n"
                f"| interpolated Kneser–Ney trigram (same train tokens, D3 {tri['D3']}, D2 {tri['D2']} tuned on "
                f"the last 5% of train) | {tri['trigram_ce_nats']:.4f} | {metrics['trigram_ce_bits']:.4f} | "
                f"{tri['trigram_bits_per_byte']:.4f} |\n\n"
                f"Bar: LM CE below the trigram's — **{'met' if ce < tri['trigram_ce_nats'] else 'NOT met'}**. "
                f"The LM saw {seen / 1e6:.1f}M training tokens ({seen / 3647677:.1f} epochs) in all"
                f"{'.' if ce < tri['trigram_ce_nats'] else '; the Kneser–Ney trigram memorises the many near-duplicate files (encoding tables, lib.*.d.ts), and closing the gap needs more CPU time than this build had on its shared machine: re-run the training on an idle machine.'}\n\n{common}")
    else:
        ind = induction_scores(model)
        mx = max(max(r) for r in ind)
        metrics = {'induction_scores': ind, 'max_induction_score': mx, 'heldout_ce_nats': ce, 'bits_per_byte': bpb,
                   'train_seconds': round(train_s, 1), 'steps': ck['step'], 'params': params}
        table = '\n'.join(f'| {l} | ' + ' | '.join(f'{v:.3f}' for v in row) + ' |' for l, row in enumerate(ind))
        heads = model.cfg.n_head
        card = (f"# tensorloupe-attn2\n\nA 2-layer attention-only transformer (no MLPs) — the classic setting in "
                f"which induction heads form — bundled with Tensorloupe for its attention views and tests.\n\n"
                f"## Architecture\nToken + learned position embeddings (512), two pre-LayerNorm attention blocks "
                f"(n_head {heads}, d 128), final LayerNorm, unembedding tied to the token embedding: "
                f"**{params:,} parameters**. Same module names as tensorloupe-code-lm.\n\n"
                f"## Training\n{ck['step']} AdamW steps on one CPU thread, {train_s / 60:.1f} minutes (lr {ck.get('lr', 1e-3):g}, warmup 100, "
                f"constant through the synthetic phase, then cosine to a tenth; no weight decay). "
                f"**Synthetic data is mixed in**, as the issue allows when code alone does not produce induction heads in "
                f"the time budget: {ck.get('synthetic_note', '')} Earlier recipes that mixed code in from the start (code windows with a "
                f"random span written twice, 25-75% synthetic repeats with every position scored, untied unembedding, "
                f"curricula) stayed on the pre-induction loss plateau for 2,000-3,000 steps.\n\n"
                f"## Induction scores\nSequence: `<|endoftext|>` then 50 seeded random tokens, repeated twice; score = "
                f"mean attention from each token of the second copy to the token after its first occurrence "
                f"(10 seeded trials).\n\n| layer | " + ' | '.join(f'head {h}' for h in range(heads)) + ' |\n|---|' +
                '---|' * heads + f'\n{table}\n\nMax {mx:.3f}; bar ≥ 0.4 — **{"met" if mx >= 0.4 else "NOT met"}**. '
                f"{'' if mx >= 0.4 else NOT_MET}Because synthetic sequences are scored only on their second copy, the model never learned to "
                f"predict random tokens: on the first copy of such a sequence its loss is above uniform (ln 4096 = 8.3 nats), "
                f"which does not matter for what it is for. Held-out CE {ce:.4f} nats/token ({bpb:.3f} bits/byte; same held-out files as tensorloupe-code-lm, windows of 512, stride 256).\n\n{common}")
    json.dump(metrics, open(os.path.join(out, 'metrics.json'), 'w'), indent=1)
    card_path = os.path.join(out, 'MODEL_CARD.md')
    # the checkpoints' section (checkpoints_card.py, from their own figures) outlives a rebuild of the card
    kept = checkpoints_card.existing_section(open(card_path).read()) if os.path.exists(card_path) else ''
    open(card_path, 'w').write(checkpoints_card.with_section(card, kept) if kept else card)
    print(json.dumps(metrics))
