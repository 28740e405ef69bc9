"""The bundled text models' ONNX export in Optimum's decoder layout (input_ids, attention_mask,
position_ids, past_key_values.* -> logits, present.*), apart from text_export.py so scripts that
must not import the tokenizer (python3-regex is not on every machine) can export too:
attn2_checkpoints.py, fixtures/attn_only.py, dtypes.py, quantized.py.
"""
import os
import numpy as np
import onnx
import torch
from text_model import GPT


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
