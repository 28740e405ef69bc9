"""PyTorch references for the figures a user reads in Tensorloupe's panels, computed from the
bundled ONNX files' own weights (no checkpoint needed) with torch in float64 and written to
test/fixtures/references/. The tests compare the engine's figures with these within 1e-4.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train/user_references.py

What is written (each file says which model and text it was computed on):
  next-token.json   per position: entropy (bits), the actual next token's surprisal (bits) and rank
  surprisal.json    per token: surprisal bits, rank, top-3 alternatives; texts longer than the
                    context scored in half-overlapping windows (the plan is worked out here again)
  dilution.json     per prefix length and layer: entropy / ln n, mass on token 0, and the mean cosine
                    of blocks.L.hook_resid_post to its mean
  thumbnails.json   per layer and head: the 64x64 max-pooled attention thumbnail, as the uint8 the
                    panel draws (pooled max / (its max / 255), rounded)

Why float64: the engine runs float32; the reference should be the exact figure, not another float32
rounding of it. Ranks are counted on the float64 logits; near ties (gap < 1e-5) are flagged so the
test does not demand an order float32 cannot resolve.
"""
import json, os, re, sys, types
import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'references')
sys.path.insert(0, HERE)


def _ascii_regex_shim():
    """text_tokenizer needs the third-party `regex` module only for \\p{L} and \\p{N}, which Debian's
    python lacks. For ASCII text (asserted in encode below) these are exactly [A-Za-z] and [0-9]."""
    def compile_(pattern, flags=0):
        pattern = pattern.replace(r'[^\s\p{L}\p{N}]', r'[^\sA-Za-z0-9]')
        return re.compile(pattern.replace(r'\p{L}', '[A-Za-z]').replace(r'\p{N}', '[0-9]'), flags)
    shim = types.ModuleType('regex')
    shim.compile = compile_
    sys.modules.setdefault('regex', shim)


_ascii_regex_shim()
from text_model import GPT, Config  # noqa: E402
from text_tokenizer import Encoder  # noqa: E402

EOT = 0


def g9(x):
    return float('%.9g' % float(x))


def load_bundled(name):
    """models/<name>/onnx/model.onnx -> text_model.GPT with the same weights, float64, eval"""
    d = os.path.join(ROOT, 'models', name)
    cfg_json = json.load(open(os.path.join(d, 'config.json')))
    cfg = Config(vocab_size=cfg_json['vocab_size'], n_positions=cfg_json['n_positions'], n_layer=cfg_json['n_layer'],
                 n_head=cfg_json['n_head'], n_embd=cfg_json['n_embd'], mlp=not cfg_json.get('attn_only', False))
    m = onnx.load(os.path.join(d, 'onnx', 'model.onnx'))
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    nodes = {n.name: n for n in m.graph.node}
    state = {k: torch.from_numpy(v.copy()) for k, v in inits.items() if k.startswith('transformer.')}

    def matmul_weight(node_name):
        w = nodes[node_name].input[1]  # MatMul(x, W): W is [in, out], nn.Linear keeps [out, in]
        return torch.from_numpy(inits[w].T.copy())

    for i in range(cfg.n_layer):
        p = f'transformer.h.{i}.'
        state[p + 'attn.c_attn.weight'] = matmul_weight(f'/transformer/h.{i}/attn/c_attn/MatMul')
        state[p + 'attn.c_proj.weight'] = matmul_weight(f'/transformer/h.{i}/attn/c_proj/MatMul')
        if cfg.mlp:
            state[p + 'mlp.c_fc.weight'] = matmul_weight(f'/transformer/h.{i}/mlp/c_fc/MatMul')
            state[p + 'mlp.c_proj.weight'] = matmul_weight(f'/transformer/h.{i}/mlp/c_proj/MatMul')
    head_in = nodes['/lm_head/MatMul'].input[1]
    tied = head_in not in inits  # the export replaces a tied unembedding by Transpose(wte)
    cfg.tie = tied
    model = GPT(cfg)
    if not tied:
        state['lm_head.weight'] = torch.from_numpy(inits[head_in].T.copy())
    else:
        state['lm_head.weight'] = state['transformer.wte.weight']
    model.load_state_dict(state, strict=True)
    model = model.double().eval()
    enc = Encoder(os.path.join(d, 'tokenizer.json'))
    check_against_bundled_reference(name, model, enc)
    return model, enc, cfg


def encode(enc, text):
    assert text.isascii(), 'the regex shim is exact for ASCII text only'
    return enc.encode(text)


@torch.no_grad()
def check_against_bundled_reference(name, model, enc):
    """the reconstructed model must reproduce the training script's own reference.json"""
    ref = json.load(open(os.path.join(ROOT, 'models', name, 'reference.json'), encoding='utf-8'))
    for inp in ref['inputs']:
        assert encode(enc, inp['text']) == inp['ids'], f'{name}: tokenizer differs on {inp["text"]!r}'
        logits, _ = model(torch.tensor([inp['ids']]))
        probs = torch.softmax(logits[0], -1)
        for t, top in enumerate(inp['top10']):
            got = probs[t, top['ids']].numpy()
            assert np.max(np.abs(got - np.array(top['probs']))) < 1e-5, f'{name}: position {t} differs from reference.json'
    print(f'{name}: weights read from ONNX reproduce reference.json')


@torch.no_grad()
def log_probs(model, ids):
    """ids [T] -> log-softmax rows [T, vocab] (row t predicts ids[t + 1]) and the hooks"""
    hooks = {}
    logits, _ = model(torch.tensor([ids]), hooks=hooks)
    return torch.log_softmax(logits[0], -1), hooks


def rank_and_tie(row, target, tie_tol=1e-5):
    """1-based rank of target in row (ties: lower id first) and whether a rival is within tie_tol"""
    v = row[target]
    better = int((row > v).sum()) + int((row[:target] == v).sum())
    gaps = (row - v).abs()
    gaps[target] = float('inf')
    return better + 1, bool(gaps.min() < tie_tol)


def next_token_entries(model, enc, texts, tie_tol=1e-5):
    out = []
    for text in texts:
        ids = encode(enc, text)
        lp, _ = log_probs(model, ids)
        p = lp.exp()
        entropy = -(p * lp).sum(-1) / np.log(2)  # [T], bits
        positions = []
        for t in range(len(ids)):
            e = {'entropyBits': g9(entropy[t])}
            if t + 1 < len(ids):
                rank, tie = rank_and_tie(lp[t], ids[t + 1], tie_tol)
                e.update({'nextBits': g9(-lp[t, ids[t + 1]] / np.log(2)), 'nextRank': rank, **({'nearTie': True} if tie else {})})
            positions.append(e)
        out.append({'text': text, 'ids': ids, 'positions': positions})
    return out


def warped(logits, temperature, top_k, top_p):
    """Hugging Face's TemperatureLogitsWarper, TopKLogitsWarper and TopPLogitsWarper in that order,
    restated in torch: top-k sets the rest to -inf, top-p then sorts the softmax of what is left
    and removes tokens whose ascending cumulative mass is <= 1 - top_p (keeping at least one)."""
    scores = logits / temperature
    if top_k > 0:
        kth = torch.topk(scores, top_k).values[-1]
        scores = torch.where(scores < kth, torch.tensor(float('-inf'), dtype=scores.dtype), scores)
    if top_p < 1:
        sorted_scores, order = torch.sort(scores, descending=False)
        cum = sorted_scores.softmax(-1).cumsum(-1)
        remove = cum <= (1 - top_p)
        remove[-1] = False
        scores = scores.clone()
        scores[order[remove]] = float('-inf')
    return scores.softmax(-1)


def sampling_entries(model, enc, text, settings):
    ids = encode(enc, text)
    lp, _ = log_probs(model, ids)
    out = []
    for temperature, top_k, top_p in settings:
        probs = warped(lp[-1], temperature, top_k, top_p)
        kept = torch.nonzero(probs > 0).flatten()
        kept = kept[torch.argsort(probs[kept], descending=True)]
        # the 64 most probable are enough to compare; nucleusSize says how many are kept in all
        out.append({'temperature': temperature, 'topK': top_k, 'topP': top_p, 'nucleusSize': len(kept),
                    'kept': kept[:64].tolist(), 'probs': [g9(probs[i]) for i in kept[:64]]})
    return {'text': text, 'ids': ids, 'settings': out}


def window_plan(n, context, has_bos):
    """Half-overlapping windows, written from the rule rather than from the TypeScript: the first
    window is the first `context` tokens; each later one re-feeds BOS plus the `context - 1` tokens
    before its end, advancing by half of that, and scores only tokens no earlier window scored."""
    if n <= context:
        return [{'start': 0, 'end': n, 'withBos': False, 'scoreFrom': 0}]
    size = context - 1 if has_bos else context
    stride = max(1, size // 2)
    plan, scored_to = [{'start': 0, 'end': context, 'withBos': False, 'scoreFrom': 0}], context
    while scored_to < n:
        end = min(scored_to + stride, n)
        plan.append({'start': max(1 if has_bos else 0, end - size), 'end': end, 'withBos': has_bos, 'scoreFrom': scored_to})
        scored_to = end
    return plan


def surprisal_entry(model, enc, cfg, text, name, tie_tol=1e-5):
    ids = encode(enc, text)
    plan = window_plan(len(ids), cfg.n_positions, ids[0] == EOT)
    tokens = {}
    for w in plan:
        fed = ([ids[0]] if w['withBos'] else []) + ids[w['start']:w['end']]
        assert len(fed) <= cfg.n_positions
        lp, _ = log_probs(model, fed)
        offset = 1 if w['withBos'] else 0
        for i in range(w['scoreFrom'], w['end']):
            k = i - w['start'] + offset  # where token i sits in this window
            if k == 0:
                continue  # the first token of the text has no prediction
            row = lp[k - 1]
            rank, tie = rank_and_tie(row, ids[i], tie_tol)
            top3 = torch.topk(row, 3)
            assert i not in tokens
            tokens[i] = {'index': i, 'id': ids[i], 'bits': g9(-row[ids[i]] / np.log(2)), 'rank': rank,
                         'top3': top3.indices.tolist(), **({'nearTie': True} if tie else {})}
    assert sorted(tokens) == list(range(1, len(ids))), 'every token after the first scored once'
    bits = [tokens[i]['bits'] for i in sorted(tokens)]
    return {'model': name, 'context': cfg.n_positions, 'text': text, 'ids': ids, 'windows': plan,
            'tokens': [tokens[i] for i in sorted(tokens)], 'meanBits': g9(np.mean(bits))}


def dilution_entry(model, enc, text, name):
    ids = encode(enc, text)
    T = len(ids)
    lengths = []
    n = 4
    while n < T:
        lengths.append(n)
        n *= 2
    lengths.append(T)
    rows = []
    for n in lengths:
        _, hooks = log_probs(model, ids[:n])
        per_layer = []
        for l in range(model.cfg.n_layer):
            pat = hooks[f'blocks.{l}.attn.hook_pattern'][0]  # [head, q, k]
            q = torch.arange(n)
            plogp = torch.where(pat > 0, pat * pat.clamp_min(1e-300).log(), torch.zeros_like(pat))
            ent = -plogp.sum(-1)  # [head, q], nats
            ratio = (ent[:, 1:] / torch.log((q[1:] + 1).double())).mean()  # q = 0 sees one key: skipped
            first = pat[:, :, 0].mean()
            x = hooks[f'blocks.{l}.hook_resid_post'][0]  # [pos, d_model]
            cos = torch.nn.functional.cosine_similarity(x, x.mean(0, keepdim=True), dim=-1).mean()
            per_layer.append({'entropyRatio': g9(ratio), 'firstTokenMass': g9(first), 'residCosine': g9(cos)})
        rows.append({'length': n, 'layers': per_layer})
    return {'model': name, 'text': text, 'ids': ids, 'lengths': lengths, 'byLength': rows}


def thumbnail_entry(model, enc, text, name, size=64):
    ids = encode(enc, text)
    T = len(ids)
    assert T > size, 'a text longer than the thumbnail, so cells pool several keys and queries'
    _, hooks = log_probs(model, ids)
    cell = (np.arange(T) * size) // T  # position -> thumbnail row/column
    maps = []
    for l in range(model.cfg.n_layer):
        pat = hooks[f'blocks.{l}.attn.hook_pattern'][0].numpy()  # [head, q, k]
        for h in range(pat.shape[0]):
            pooled = np.zeros((size, size))
            np.maximum.at(pooled, (cell[:, None], cell[None, :]), pat[h])
            u8 = np.rint(pooled / (pooled.max() / 255)).astype(int)
            maps.append({'layer': l, 'head': h, 'u8': u8.reshape(-1).tolist()})
    return {'model': name, 'text': text, 'ids': ids, 'thumbSize': size, 'maps': maps}


def source_text(files, max_ids, enc):
    """repository files (ASCII) concatenated and cut at a line end to at most max_ids tokens"""
    text = ''.join(open(os.path.join(ROOT, f), encoding='utf-8').read() for f in files)
    lines, out = text.splitlines(keepends=True), ''
    for line in lines:
        if len(encode(enc, out + line)) > max_ids:
            break
        out += line
    return out


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    torch.set_num_threads(1)
    code, code_enc, code_cfg = load_bundled('tensorloupe-code-lm')
    attn2, attn2_enc, attn2_cfg = load_bundled('tensorloupe-attn2')
    sources = ['models/train/text_model.py', 'models/train/text_code_lm.py', 'models/train/text_export.py']
    short = 'def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n'
    # the texts of each model's own reference.json, which the next-token test already runs
    next_texts = [i['text'] for i in json.load(open(os.path.join(ROOT, 'models', 'tensorloupe-code-lm', 'reference.json')))['inputs']]
    write('next-token.json', {
        'generator': 'models/train/user_references.py', 'torch_version': torch.__version__,
        'models': {'tensorloupe-code-lm': next_token_entries(code, code_enc, next_texts),
                   'tensorloupe-attn2': next_token_entries(attn2, attn2_enc, next_texts)},
        # the distribution sampled continuations draw from, after the next-token panel's prompt
        'sampling': sampling_entries(code, code_enc, 'import os\nimport ', [
            (1.0, 0, 1.0), (0.7, 0, 1.0), (1.5, 0, 1.0), (1.0, 5, 1.0), (1.0, 0, 0.9), (1.3, 20, 0.8), (1.0, 3, 0.65)])})
    write('surprisal.json', {
        'generator': 'models/train/user_references.py', 'torch_version': torch.__version__,
        'cases': [surprisal_entry(code, code_enc, code_cfg, short, 'tensorloupe-code-lm'),
                  # 2 windows of the 2048-token context: [0, 2048) then BOS + [953, 3000)
                  surprisal_entry(code, code_enc, code_cfg, source_text(sources, 2900, code_enc), 'tensorloupe-code-lm'),
                  # 5 windows of the 512-token context
                  surprisal_entry(attn2, attn2_enc, attn2_cfg, source_text(sources, 1300, attn2_enc), 'tensorloupe-attn2')]})
    dil_text = '\n'.join(f'def f{i}(x):\n    return x * {i}\n' for i in range(12))
    write('dilution.json', {'generator': 'models/train/user_references.py', 'torch_version': torch.__version__,
                            'cases': [dilution_entry(code, code_enc, dil_text, 'tensorloupe-code-lm'),
                                      dilution_entry(attn2, attn2_enc, dil_text, 'tensorloupe-attn2')]})
    write('thumbnails.json', {'generator': 'models/train/user_references.py', 'torch_version': torch.__version__,
                              'cases': [thumbnail_entry(code, code_enc, source_text(sources[:1], 100, code_enc), 'tensorloupe-code-lm')]})
