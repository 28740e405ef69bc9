"""PyTorch reference for greedy continuation on the bundled code LM: at each step the chosen id,
its log-softmax under the model's own distribution (natural log), and the top few ids with their
log-softmax. The engine's "lm/generate" must report the same log-probabilities (not those of a
top-k = 1 filtered distribution, where every chosen token has p = 1).

The weights are read from the shipped ONNX file (no checkpoint needed), so the reference is of
exactly the model users run. The prompt is reference.json's first input, whose ids the Python
encoder wrote at export time (the regex module it needs is not on every machine).

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train/greedy_reference.py
Output: test/fixtures/references/greedy-code-lm.json
"""
import json, os
import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F
from text_model import GPT, Config

ROOT = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(ROOT, '..', 'tensorloupe-code-lm')
OUT = os.path.join(ROOT, '..', '..', 'test', 'fixtures', 'references', 'greedy-code-lm.json')
STEPS, TOP = 8, 5

def matmul_weights(graph):
    """the exporter names Linear weights onnx::MatMul_N: find each by the MatMul node that reads it
    (/transformer/h.0/attn/c_attn/MatMul -> transformer.h.0.attn.c_attn.weight, stored [in, out])"""
    inits = {i.name: i for i in graph.initializer}
    out = {}
    for node in graph.node:
        if node.op_type != 'MatMul' or not node.name.startswith('/transformer/h.'):
            continue
        w = next((x for x in node.input if x in inits), None)
        if w is None:
            continue
        module = node.name.strip('/').rsplit('/', 1)[0].replace('/', '.')  # transformer.h.0.attn.c_attn
        out[module + '.weight'] = torch.from_numpy(numpy_helper.to_array(inits[w]).T.copy())
    return out

def load_model():
    cfg_json = json.load(open(os.path.join(MODEL, 'config.json')))
    cfg = Config(vocab_size=cfg_json['vocab_size'], n_positions=cfg_json['n_positions'], n_layer=cfg_json['n_layer'],
                 n_head=cfg_json['n_head'], n_embd=cfg_json['n_embd'], mlp=True, tie=cfg_json['tie_word_embeddings'])
    m = onnx.load(os.path.join(MODEL, 'onnx', 'model.onnx'))
    state = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer if not i.name.startswith('onnx::')}
    state.update(matmul_weights(m.graph))
    state['lm_head.weight'] = state['transformer.wte.weight']  # tied (the ONNX file has a Transpose of wte)
    model = GPT(cfg)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not missing and not unexpected, (missing, unexpected)
    model.eval()
    return model

@torch.no_grad()
def greedy(model, ids):
    """full forwards (no KV cache): an independent path from the engine's cached one"""
    ids = list(ids)
    steps = []
    for _ in range(STEPS):
        logits, _ = model(torch.tensor([ids]))
        logp = F.log_softmax(logits[0, -1].double(), dim=-1)  # [vocab], float64 from float32 logits
        top = torch.topk(logp, TOP)
        chosen = int(top.indices[0])
        steps.append({'id': chosen, 'logProb': float(logp[chosen]),
                      'top': [{'id': int(i), 'logProb': float(v)} for i, v in zip(top.indices, top.values)]})
        ids.append(chosen)
        if chosen == 0:  # <|endoftext|>: the engine stops at a special token too
            break
    return steps

if __name__ == '__main__':
    torch.set_num_threads(1)
    ref = json.load(open(os.path.join(MODEL, 'reference.json'), encoding='utf-8'))
    prompt = ref['inputs'][0]
    model = load_model()
    # the weights came through: the model reproduces reference.json's top-10 probabilities
    with torch.no_grad():
        probs = F.softmax(model(torch.tensor([prompt['ids']]))[0][0].double(), dim=-1)
    worst = max(abs(float(probs[t, i]) - p) for t, row in enumerate(prompt['top10']) for i, p in zip(row['ids'], row['probs']))
    assert worst < 1e-5, f'weights read from ONNX do not reproduce reference.json (max |dp| = {worst})'
    out = {'model': 'tensorloupe-code-lm', 'torch_version': torch.__version__, 'log': 'natural',
           'text': prompt['text'], 'ids': prompt['ids'], 'steps': greedy(model, prompt['ids'])}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(f'{OUT}: {len(out["steps"])} steps, chosen log p {[round(s["logProb"], 4) for s in out["steps"]]}')
