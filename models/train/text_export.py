"""Export a trained text model to models/<name>/ in the Hugging Face / Optimum layout:
onnx/model.onnx, config.json, tokenizer.json, tokenizer_config.json, reference.json,
metrics.json and MODEL_CARD.md (from the figures the training scripts left in .data/).

  /usr/bin/python3 models/train/text_export.py code-lm|attn2 [--ckpt path]
"""
import argparse, hashlib, json, math, os, shutil
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from text_model import GPT, Config, n_params
from text_tokenizer import Encoder, tokenizer_config
import text_card
from onnx_gpt_export import export_onnx  # noqa: F401  (re-exported: fixtures import it from here)

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
NAMES = {'code-lm': 'tensorloupe-code-lm', 'attn2': 'tensorloupe-attn2'}
CKPTS = {'code-lm': 'code_lm.pt', 'attn2': 'attn2.pt'}
TEXTS = ["def fibonacci(n):\n    if n < 2:\n        return n\n",
         "interface Point {\n  x: number;\n  y: number;\n}\n",
         "import os\nimport sys\n\n"]

def g9(x):
    return float(f'{float(x):.9g}')

def tensor_entry(t):
    return {'shape': list(t.shape), 'data': [g9(v) for v in t.detach().reshape(-1).tolist()]}

@torch.no_grad()
def reference(model, enc, name):
    inputs = []
    for k, text in enumerate(TEXTS):
        ids = enc.encode(text)
        x = torch.tensor([ids])
        hooks = {} if k == 0 else None
        logits, _ = model(x, hooks=hooks)
        probs = F.softmax(logits[0].double(), dim=-1)  # [T, vocab]
        top = torch.topk(probs, 10, dim=-1)
        inputs.append({'text': text, 'ids': ids, 'tokens': enc.tokens(ids),
                       'top10': [{'ids': top.indices[t].tolist(), 'probs': [g9(p) for p in top.values[t].tolist()]}
                                 for t in range(len(ids))]})
        if k == 0:
            acts = {'activations_input': 0}
            acts.update({n: tensor_entry(t) for n, t in hooks.items()})
    return {'model': name, 'torch_version': torch.__version__, 'kind': 'causal-lm', 'inputs': inputs,
            'activations': acts}

def hf_config(cfg, kind):
    base = {'vocab_size': cfg.vocab_size, 'n_positions': cfg.n_positions, 'n_ctx': cfg.n_positions,
            'n_embd': cfg.n_embd, 'n_layer': cfg.n_layer, 'n_head': cfg.n_head, 'n_inner': None,
            'layer_norm_epsilon': 1e-5, 'initializer_range': 0.02, 'bos_token_id': 0, 'eos_token_id': 0,
            'tie_word_embeddings': cfg.tie, 'use_cache': True, 'torch_dtype': 'float32',
            'resid_pdrop': 0.0, 'embd_pdrop': 0.0, 'attn_pdrop': 0.0}
    if kind == 'code-lm':
        return {'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2', 'activation_function': 'gelu_new', **base}
    return {'architectures': ['AttnOnlyLMHeadModel'], 'model_type': 'tensorloupe-attn-only', 'attn_only': True, **base}

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('kind', choices=NAMES)
    p.add_argument('--ckpt', default=None)
    args = p.parse_args()
    torch.set_num_threads(1); torch.manual_seed(0)
    ck = torch.load(args.ckpt or os.path.join(DATA, CKPTS[args.kind]), map_location='cpu')
    cfg = Config(**ck['cfg'])
    model = GPT(cfg)
    model.load_state_dict(ck['model'])
    model.eval()
    name = NAMES[args.kind]
    out = os.path.join(ROOT, '..', name)
    export_onnx(model, os.path.join(out, 'onnx', 'model.onnx'))
    tok_dir = os.path.join(DATA, 'tokenizer')
    shutil.copy(os.path.join(tok_dir, 'tokenizer.json'), os.path.join(out, 'tokenizer.json'))
    json.dump(tokenizer_config(cfg.n_positions), open(os.path.join(out, 'tokenizer_config.json'), 'w'), indent=1)
    json.dump(hf_config(cfg, args.kind), open(os.path.join(out, 'config.json'), 'w'), indent=1)
    enc = Encoder(os.path.join(tok_dir, 'tokenizer.json'))
    ref = reference(model, enc, name)
    with open(os.path.join(out, 'reference.json'), 'w', encoding='utf-8') as f:
        json.dump(ref, f, ensure_ascii=False, separators=(',', ':'))
    print(f'reference.json: {os.path.getsize(os.path.join(out, "reference.json"))} bytes')
    text_card.write(args.kind, out, ck, model, n_params(model))
