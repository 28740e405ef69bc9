"""Model-card text for the bundled checkpoints (models/train/attn2_checkpoints.py): the "## Checkpoints" section of
tensorloupe-attn2's MODEL_CARD.md and the whole cards of tensorloupe-attn2-zipf and tensorloupe-attn2-uniform, from the
figures Tensorloupe itself reads off them (`tensorloupe checkpoints --model DIR --json`, kept in
models/train/checkpoint_figures.json) and the training figures each checkpoint's metrics.json holds.

  for v in attn2 attn2-zipf attn2-uniform; do node dist/cli.js checkpoints --model models/tensorloupe-$v --json; done
  /usr/bin/python3 models/train/checkpoints_card.py        # (build_checkpoints.sh runs both)

text_card.py keeps the attn2 section when it rewrites that card (checkpoints_section below).
"""
import json, os, re, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(ROOT)
FIGURES = os.path.join(ROOT, 'checkpoint_figures.json')
NAMES = {'attn2': 'tensorloupe-attn2', 'zipf': 'tensorloupe-attn2-zipf', 'uniform': 'tensorloupe-attn2-uniform'}
PHASE = 0.3  # a best induction score past this: the head copies (the bundled attn2 ends at 0.62)
SECTION = '## Checkpoints'

RECIPES = {
    'attn2': "the first 1,200 steps of tensorloupe-attn2's own run, replayed by `models/train/attn2_checkpoints.py attn2` "
             "with its seed and random stream: `<|endoftext|>`, n = 8-40 uniformly random ids, the same ids again; "
             "loss on the second copy only (text_attn2.py's code batches start at step 1,300, so these are checkpoints "
             "of the bundled model's own training up to where it turns to code)",
    'zipf': "`<|endoftext|>`, n = 8-40 ids drawn from a Zipf law (p(rank r) ∝ 1/r over the 4,095 non-BOS ids, the "
            "ranks shuffled once with seed 7), the same ids again; loss on **every** position (a token stream: the "
            "model must also learn the unigram, which under Zipf is worth a lot, so lookup competes with copying)",
    'uniform': "`<|endoftext|>`, n = 8-40 uniformly random ids, the same ids again; loss on **every** position (the "
               "unigram is worth nothing here: only copying lowers the loss)",
}


def rows_of(variant, figures):
    rows = []
    for c in figures[variant]['checkpoints']:
        m = json.load(open(os.path.join(MODELS, NAMES[variant], 'checkpoints', f"step-{c['step']}", 'metrics.json')))
        rows.append({**c, 'train_loss': m['train_loss'], 'train_seconds': m['train_seconds']})
    return rows


def phase_step(rows):
    return next((r['step'] for r in rows if r['inductionBest'] >= PHASE), None)


def table(rows):
    lines = ['| step | train loss | best induction score | loss, first copy | loss, second copy | CKA to final (emb / 1 / 2) |',
             '|---|---|---|---|---|---|']
    for r in rows:
        lines.append(f"| {r['step']:,} | {r['train_loss']:.3f} | {r['inductionBest']:.3f} | {r['lossFirstCopy']:.2f} | "
                     f"{r['lossSecondCopy']:.2f} | {' / '.join(f'{v:.2f}' for v in r['ckaToFinal'])} |")
    return '\n'.join(lines)


def when(variant, rows):
    s = phase_step(rows)
    best = max(r['inductionBest'] for r in rows)
    if s is None:
        return f"{NAMES[variant]}: no head passed {PHASE} by step {rows[-1]['step']:,} (best {best:.3f})"
    before = [r for r in rows if r['step'] < s]
    since = f" (step {before[-1]['step']:,}: {before[-1]['inductionBest']:.3f})" if before else ''
    return f"{NAMES[variant]}: first past {PHASE} at step {s:,}{since}, {rows[-1]['inductionBest']:.3f} at step {rows[-1]['step']:,}"


def comparison(all_rows):
    a, z, u = all_rows['attn2'], all_rows['zipf'], all_rows['uniform']
    span = lambda rows, key: f"{rows[0][key]:.2f} → {rows[-1][key]:.2f}"
    gap = lambda rows: rows[-1]['lossFirstCopy'] - rows[-1]['lossSecondCopy']
    sz, su = phase_step(z), phase_step(u)
    if sz is not None and su is not None:
        verdict = ('formed at the same checkpoint under both streams' if sz == su else
                   f"formed **{'earlier' if sz < su else 'later'} under Zipf** (step {sz:,} vs {su:,})")
    elif sz is None and su is None:
        verdict = 'formed under neither stream within 1,200 steps'
        if phase_step(a) is not None:
            verdict += (f", while the attn2 recipe (the same sequences as uniform, the loss on the second copy only) formed "
                        f"them by step {phase_step(a):,}: scored at every position, half the targets are a first copy that "
                        f"no head can predict (uniform) or only the unigram can (Zipf), and within this budget neither "
                        f"variant left the plateau. So for Zipf vs uniform this run says *whether* (not within 1,200 steps), "
                        f"not *when*; a longer run is what would tell them apart")
    else:
        verdict = f"formed only under {'Zipf' if sz is not None else 'uniform'} streams within 1,200 steps"
    return (f"**What the comparison showed** (the same architecture, optimiser, seed, batch of 32 sequences and 1,200 "
            f"steps for all three; figures from `tensorloupe checkpoints`: the induction scan on BOS + 50 random tokens "
            f"twice, 4 seeded sequences, and the loss on each copy of those sequences):\n\n"
            f"- {when('attn2', a)};\n- {when('uniform', u)};\n- {when('zipf', z)}.\n\n"
            f"Induction heads {verdict}. From the first checkpoint to the last, the second copy's loss went "
            f"{span(a, 'lossSecondCopy')} nats (attn2 recipe), {span(u, 'lossSecondCopy')} (uniform) and "
            f"{span(z, 'lossSecondCopy')} (Zipf); at the last, the second copy is {gap(a):.2f} / {gap(u):.2f} / "
            f"{gap(z):.2f} nats easier than the first. The training loss went {span(u, 'train_loss')} under uniform "
            f"streams (ln 4095 = 8.32 is a uniform guess) and {span(z, 'train_loss')} under Zipf (its unigram). The test sequences are "
            f"uniformly random in all three cases, so the Zipf model is scored off its training distribution (its first "
            f"copy pays for a unigram that does not hold there); the second copy's loss and the induction score are what "
            f"compare. One seed each: a difference of a checkpoint or two in when the heads form is within what another "
            f"seed could move.")


INT8_NOTE = ''


def int8_note(pair):
    """the float32 tensorloupe-attn2 (step 1) against its int8 copy (step 2), as Compare Checkpoints reads them"""
    f, q = pair['checkpoints']
    return (f"Measured on the float32 tensorloupe-attn2 against an int8 copy of it: best induction score "
            f"{f['inductionBest']:.4f} vs {q['inductionBest']:.4f}, loss on the second copy {f['lossSecondCopy']:.3f} vs "
            f"{q['lossSecondCopy']:.3f} nats (first copy {f['lossFirstCopy']:.2f} vs {q['lossFirstCopy']:.2f}), linear CKA "
            f"of the float32 model's residual stream to the int8 one's ≥ {min(f['ckaToFinal']):.4f} at every layer.")


def checkpoints_section(variant, all_rows):
    rows = all_rows[variant]
    onnx = [os.path.join(MODELS, NAMES[variant], 'checkpoints', f"step-{r['step']}", 'onnx', 'model.onnx') for r in rows]
    mb = sum(os.path.getsize(p) for p in onnx) / len(onnx) / 1e6
    steps = ', '.join(f"{r['step']:,}" for r in rows)
    return (f"{SECTION}\n`checkpoints/step-{{N}}/` (N = {steps}), each a model folder in the same layout, for **Tensorloupe: "
            f"Compare Checkpoints** (or `tensorloupe checkpoints --model models/{NAMES[variant]}`). Recipe: "
            f"{RECIPES[variant]}. AdamW (lr 0.001, warmup 100 steps, then constant; betas 0.9/0.95; no weight decay; "
            f"gradient clip 1.0), batch 32, one CPU thread; the learned position embeddings start from sinusoids. "
            f"Weights are stored as int8 with a float32 scale per channel (per embedding row, per MatMul output "
            f"column) and a DequantizeLinear to float32 (`models/train/int8_weights.py`): {mb:.2f} MB a checkpoint. "
            f"{INT8_NOTE}\n\n{table(rows)}\n\n"
            f"{comparison(all_rows)}\n\nRebuild the checkpoints of all three: `bash models/train/build_checkpoints.sh` "
            f"(seeded; Debian python3 with torch 1.13; about 0.3 s a step on an idle core).\n")


def variant_card(variant, all_rows):
    other = 'uniform' if variant == 'zipf' else 'zipf'
    return (f"# {NAMES[variant]}\n\ntensorloupe-attn2's architecture trained for 1,200 steps on synthetic token streams "
            f"drawn from a {'Zipfian' if variant == 'zipf' else 'uniform'} distribution, with checkpoints, so that "
            f"Compare Checkpoints can show when and whether induction heads form under it, beside "
            f"{NAMES[other]} and tensorloupe-attn2's own checkpoints (Chan et al. 2022 find that Zipfian, bursty data "
            f"favours in-context learning; whether it speeds up induction heads is the open question these three let "
            f"you look at). The model folder itself is the final checkpoint (step 1,200).\n\n"
            f"## Architecture\nToken + learned position embeddings (512), two pre-LayerNorm attention-only blocks "
            f"(n_head 8, d 128), final LayerNorm, unembedding tied to the token embedding: 722,688 parameters; the "
            f"config, tokenizer and module names of tensorloupe-attn2.\n\n"
            f"## Limitations\nTrained only on random token streams, never on text: it copies and knows a unigram "
            f"{'(Zipf ranks of shuffled ids, not of any language)' if variant == 'zipf' else '(flat)'}, nothing more. "
            f"Use it for the attention and training-dynamics views, not for next-token predictions on code.\n\n"
            f"{checkpoints_section(variant, all_rows)}")


def existing_section(card):
    """the checkpoints section of a card ('' when it has none)"""
    at = card.find(f'\n{SECTION}\n')
    if at < 0:
        return ''
    nxt = re.search(r'\n## (?!Checkpoints)', card[at + 1:])
    return card[at + 1:at + 1 + nxt.start() + 1] if nxt else card[at + 1:]


def with_section(card, section):
    """the card with its checkpoints section replaced (or appended)"""
    at = card.find(f'\n{SECTION}\n')
    if at >= 0:
        nxt = re.search(r'\n## (?!Checkpoints)', card[at + 1:])
        rest = card[at + 1 + nxt.start():] if nxt else ''
        card = card[:at] + rest
    return card.rstrip('\n') + '\n\n' + section


if __name__ == '__main__':
    figures = json.load(open(FIGURES))
    INT8_NOTE = int8_note(figures['int8VsFloat32'])
    all_rows = {v: rows_of(v, figures) for v in NAMES}
    path = os.path.join(MODELS, NAMES['attn2'], 'MODEL_CARD.md')
    card = open(path).read()  # read before the open for writing truncates it
    open(path, 'w').write(with_section(card, checkpoints_section('attn2', all_rows)))
    for v in ('zipf', 'uniform'):
        open(os.path.join(MODELS, NAMES[v], 'MODEL_CARD.md'), 'w').write(variant_card(v, all_rows))
    for v in NAMES:
        print(when(v, all_rows[v]))
