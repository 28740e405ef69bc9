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

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
NAMES = {'code-lm': 'tensorloupe-code-lm', 'attn2': 'tensorloupe-attn2'}
CKPTS = {'code-lm': 'code_lm.pt', 'attn2': 'attn2.pt'}
TEXTS = ["def fibonacci(n):\n    if n < 2:\n        return n\n",
         "interface Point {\n  x: number;\n  y: number;\n}\n",
         "import os\nimport sys\n\n"]

class OnnxGPT(GPT):
    """flat Optimum-style signature: input_ids, attention_mask, position_ids, past k/v per layer
    (a subclass, not a wrapper, so node scopes read /transformer/h.0/attn/... as in an HF export)"""
    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = super().forward(input_ids, attention_mask, position_ids, past)
        return (logits,) + tuple(t for kv in presents for t in kv)

def dedupe_tied(m):
    """the exporter folds the tied unembedding into a transposed copy of wte (2 MB): use a Transpose node instead"""
    from onnx import numpy_helper, helper
    inits = {i.name: i for i in m.graph.initializer}
    wte = numpy_helper.to_array(inits['transformer.wte.weight'])
    for name, init in list(inits.items()):
        if name != 'transformer.wte.weight' and tuple(init.dims) == wte.T.shape and \
                np.array_equal(numpy_helper.to_array(init), wte.T):
            m.graph.initializer.remove(init)
            m.graph.node.insert(0, helper.make_node('Transpose', ['transformer.wte.weight'], [name],
                                                    name='/lm_head/Transpose', perm=[1, 0]))
            print(f'tied unembedding {name}: Transpose of transformer.wte.weight')

def export_onnx(model, path):
    cfg = model.cfg
    L, H, D = cfg.n_layer, cfg.n_head, cfg.n_embd // cfg.n_head
    B, P, T = 2, 3, 5
    ids = torch.randint(1, cfg.vocab_size, (B, T))
    mask = torch.ones(B, P + T, dtype=torch.long)
    pos = torch.arange(P, P + T).unsqueeze(0).repeat(B, 1)
    past = [torch.randn(B, H, P, D) for _ in range(2 * L)]
    past_names = [f'past_key_values.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
    present_names = [f'present.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'past_sequence_length + sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    axes.update({n: {0: 'batch_size', 2: 'past_sequence_length'} for n in past_names})
    axes.update({n: {0: 'batch_size', 2: 'past_sequence_length + sequence_length'} for n in present_names})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx_model = OnnxGPT(cfg)
    onnx_model.load_state_dict(model.state_dict())
    onnx_model.eval()
    torch.onnx.export(onnx_model, (ids, mask, pos, *past), path, opset_version=17,
                      input_names=['input_ids', 'attention_mask', 'position_ids'] + past_names,
                      output_names=['logits'] + present_names, dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(path)
    dedupe_tied(m)
    onnx.save(m, path)
    onnx.checker.check_model(m)
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    assert ops.get('Softmax') == L and ops.get('LayerNormalization') == (2 * L + 1 if cfg.mlp else L + 1), ops
    print(f'exported {path}: {os.path.getsize(path)} bytes, ops {dict(sorted(ops.items()))}')

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
