"""PyTorch (and, for the numpy-built fused-attention fixture, numpy) references for causal
interventions, written to test/fixtures/references/interventions.json; test/acceptance/interventions.test.ts
compares the engine with them within 1e-4.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train/intervention_references.py

Per model:
  ablation   logits at every position (code LM: the last position's, and every position's loss) with some heads' z (TransformerLens hook_z: the attention-weighted
             values, heads concatenated, as the output projection reads them) set to zero, and for the
             code LM also set to their mean over positions
  patching   a clean and a corrupt prompt of the same length, an answer and a wrong token; the logit
             difference at the last position for the corrupt run with blocks.{L}.hook_resid_pre at one
             position replaced by the clean run's, for every layer x position (code LM: also every head's z)
Models: the bundled code LM (weights read from its ONNX file, as user_references.py does), the
llama-gqa and gpt-postln fixtures (rebuilt from their scripts' seeds, checked against their reference.json),
and the fused-attention fixture (its numpy forward, with the heads zeroed in its attend()).
Torch models run in float64; the fused fixture's numpy forward is float32, as its own reference is.
"""
import importlib, json, os, sys
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, 'fixtures'))
import user_references as ur  # noqa: E402


def g9(x):
    return float('%.9g' % float(x))


def flat(t):
    return [g9(v) for v in np.asarray(t, dtype=np.float64).reshape(-1)]


class Hooked:
    """a torch decoder with its blocks, each block's output projection, and a forward(ids) -> [T, V]"""
    def __init__(self, blocks, projections, forward, n_heads):
        self.blocks, self.projections, self.forward, self.H = blocks, projections, forward, n_heads

    @torch.no_grad()
    def run(self, ids, z_edit=None, resid_edit=None, capture=False):
        """z_edit(layer, z [1, T, H*HD]) -> z; resid_edit(layer, x [1, T, D]) -> x"""
        handles, seen = [], {'z': {}, 'resid': {}}
        for l, (b, o) in enumerate(zip(self.blocks, self.projections)):
            def pre_o(mod, args, l=l):
                z = args[0]
                if capture:
                    seen['z'][l] = z.clone()
                return (z_edit(l, z),) + tuple(args[1:]) if z_edit else None
            def pre_b(mod, args, l=l):
                x = args[0]
                if capture:
                    seen['resid'][l] = x.clone()
                return (resid_edit(l, x),) + tuple(args[1:]) if resid_edit else None
            handles += [o.register_forward_pre_hook(pre_o), b.register_forward_pre_hook(pre_b)]
        try:
            logits = self.forward(torch.tensor([ids]))[0]
        finally:
            for h in handles:
                h.remove()
        return logits, seen


def zero_heads(H, heads):
    def edit(layer, z):
        z = z.clone()
        hd = z.shape[-1] // H
        for l, h in heads:
            if l == layer:
                z[..., h * hd:(h + 1) * hd] = 0
        return z
    return edit


def mean_heads(H, heads, clean_z):
    """each head's z replaced by its mean over positions in the clean run (as a TransformerLens cache
    from a clean run gives it), so an earlier layer's ablation does not move a later layer's mean"""
    def edit(layer, z):
        z = z.clone()
        hd = z.shape[-1] // H
        for l, h in heads:
            if l == layer:
                z[..., h * hd:(h + 1) * hd] = clean_z[l][..., h * hd:(h + 1) * hd].mean(dim=1, keepdim=True)
        return z
    return edit


def patch_grid(m, clean, corrupt, answer, wrong, with_z=False):
    c_logits, seen = m.run(clean, capture=True)
    k_logits, _ = m.run(corrupt)
    diff = lambda lg: float(lg[-1, answer] - lg[-1, wrong])
    out = {'clean': clean, 'corrupt': corrupt, 'answer': answer, 'wrong': wrong,
           'cleanLogitDiff': g9(diff(c_logits)), 'corruptLogitDiff': g9(diff(k_logits)), 'resid_pre': []}
    L, T = len(m.blocks), len(clean)
    for l in range(L):
        row = []
        for p in range(T):
            def edit(layer, x, l=l, p=p):
                if layer != l:
                    return x
                x = x.clone(); x[:, p] = seen['resid'][l][:, p]; return x
            row.append(g9(diff(m.run(corrupt, resid_edit=edit)[0])))
        out['resid_pre'].append(row)
    if with_z:
        out['z'] = []
        for l in range(L):
            row = []
            for h in range(m.H):
                def edit(layer, z, l=l, h=h):
                    if layer != l:
                        return z
                    hd = z.shape[-1] // m.H
                    z = z.clone(); z[..., h * hd:(h + 1) * hd] = seen['z'][l][..., h * hd:(h + 1) * hd]; return z
                row.append(g9(diff(m.run(corrupt, z_edit=edit)[0])))
            out['z'].append(row)
    return out


def answer_and_wrong(m, clean, corrupt):
    a = int(m.run(clean)[0][-1].argmax())
    lg = m.run(corrupt)[0][-1].clone()
    w = int(lg.argmax())
    if w == a:
        lg[a] = -1e30; w = int(lg.argmax())
    return a, w


def code_lm():
    model, enc, cfg = ur.load_bundled('tensorloupe-code-lm')
    t = model.transformer
    m = Hooked(list(t.h), [b.attn.c_proj for b in t.h], lambda ids: model(ids)[0], cfg.n_head)
    text = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n'
    ids = ur.encode(enc, text)
    heads = [[1, 0], [2, 3], [3, 1]]
    clean = ur.encode(enc, 'x = foo(1)\ny = foo')
    corrupt = ur.encode(enc, 'x = bar(1)\ny = bar')
    assert len(clean) == len(corrupt), (clean, corrupt)
    answer = enc.encode('(')[-1]; wrong = enc.encode(' =')[-1]  # encode() puts the BOS first
    # a vocabulary of 4,096: the last position's logits and every position's next-token loss (which
    # reads every position's logits) keep the file small
    def summary(logits):
        lse = torch.logsumexp(logits, -1)
        loss = [g9(lse[t] - logits[t, ids[t + 1]]) for t in range(len(ids) - 1)]
        return {'lastLogits': flat(logits[-1]), 'tokenLoss': loss}
    return {
        'dir': 'models/tensorloupe-code-lm', 'nHeads': cfg.n_head, 'ids': ids, 'heads': heads,
        'zero': summary(m.run(ids, z_edit=zero_heads(cfg.n_head, heads))[0]),
        'mean': summary(m.run(ids, z_edit=mean_heads(cfg.n_head, heads, m.run(ids, capture=True)[1]['z']))[0]),
        'patch': patch_grid(m, clean, corrupt, answer, wrong, with_z=True),
    }


def torch_fixture(module_name, seed_n, ids, heads, corrupt_at, corrupt_id):
    mod = importlib.import_module(module_name)
    mod.seed(seed_n)
    model = mod.Model().eval()
    ref = json.load(open(os.path.join(ROOT, 'test', 'fixtures', 'models', mod.NAME, 'reference.json')))
    with torch.no_grad():
        model.hooks = {}; model(torch.tensor([ids]))
    got = model.hooks['ln_final.hook_normalized'].numpy().reshape(-1)
    want = np.array(ref['activations']['ln_final.hook_normalized']['data'] if isinstance(ref['activations']['ln_final.hook_normalized'], dict) else ref['activations']['ln_final.hook_normalized'])
    assert np.max(np.abs(got - want.reshape(-1))) < 1e-5, f'{mod.NAME}: the rebuilt model differs from its reference.json'
    model = model.double()
    def forward(x):
        model.hooks = {}
        return model(x)
    m = Hooked(list(model.blocks), [b.o for b in model.blocks], forward, mod.H)
    corrupt = list(ids); corrupt[corrupt_at] = corrupt_id
    answer, wrong = answer_and_wrong(m, ids, corrupt)
    return {
        'dir': f'test/fixtures/models/{mod.NAME}', 'nHeads': mod.H, 'ids': ids, 'heads': heads,
        'zero': flat(m.run(ids, z_edit=zero_heads(mod.H, heads))[0]),
        'cleanLogits': flat(m.run(ids)[0]),
        'patch': patch_grid(m, ids, corrupt, answer, wrong),
    }


def fused_fixture(heads):
    """numpy forward of fused_attention.py with the chosen heads' attend() output zeroed"""
    mod = importlib.import_module('fused_attention')
    ids = [3, 14, 15, 9, 26, 5, 14, 15, 9, 26, 5, 35]
    original = mod.attend
    def run(zeroed):
        mod.rng = np.random.default_rng(4); mod.inits.clear(); mod.nodes.clear()
        layer = {'i': 0}
        def attend(q, k, v, nh, nkv):
            a, p = original(q, k, v, nh, nkv)
            for l, h in zeroed:
                if l == layer['i']:
                    a = a.copy(); a[:, h * mod.HD:(h + 1) * mod.HD] = 0
            layer['i'] += 1
            return a, p
        mod.attend = attend
        try:
            return mod.build(ids)[1][0]
        finally:
            mod.attend = original
    ref = json.load(open(os.path.join(ROOT, 'test', 'fixtures', 'models', 'fused-attention', 'reference.json')))
    assert ur.np is np
    return {'dir': 'test/fixtures/models/fused-attention', 'nHeads': mod.H, 'ids': ids, 'heads': heads,
            'zero': flat(run(heads)), 'cleanLogits': flat(run([])), 'float32': True, 'torch_version': ref.get('torch_version')}


if __name__ == '__main__':
    torch.set_num_threads(1)
    out = {
        'about': 'causal intervention references; see models/train/intervention_references.py',
        'torch_version': torch.__version__,
        'models': [
            code_lm(),
            torch_fixture('llama_gqa', 1, [1, 5, 9, 33, 2, 60, 5, 9, 33, 2, 17, 40], [[0, 1], [1, 3]], 3, 34),
            torch_fixture('gpt_postln', 3, [0, 7, 8, 9, 10, 7, 8, 9, 10, 7, 8], [[0, 2], [2, 0]], 2, 20),
            fused_fixture([[0, 1], [1, 2], [2, 3]]),
        ],
    }
    path = os.path.join(ROOT, 'test', 'fixtures', 'references', 'interventions.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print('wrote', path, os.path.getsize(path), 'bytes')
