"""Weights of a checkpoint's model.onnx stored as int8 with one float32 scale per channel, each followed by a
DequantizeLinear to float32 (the graph computes in float32 as before): a tensorloupe-attn2 checkpoint is 0.8 MB
instead of 1.5 MB with float16 (attn2_checkpoints.py writes float16 + Cast), so the bundled checkpoints of
attn2 and its two variants stay under ~20 MB together.

  /usr/bin/python3 models/train/int8_weights.py models/tensorloupe-attn2*/checkpoints/step-*/onnx/model.onnx ...

Only 2-D weights (the token and position embeddings, the attention projections) are converted: float16 ones
behind a Cast, or float32 initializers of 4,096 values or more (the bundled float32 model, to measure the int8
error against float32); LayerNorm weights and biases stay as they are. Symmetric, zero point 0, scale = max |w| / 127 per channel: per row
of an embedding (a token's row, which is also its logit's weights through the tied unembedding) and per output
column of a MatMul weight. The error is at most half a step, ~0.4 % of the channel's largest weight; what
that does to the figures Compare Checkpoints shows is measured against the float16 files (the model cards say).
Running it twice is a no-op (a file with no such weight is left as it is).
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def convert(path):
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    consumers = {}
    for n in g.node:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    # (the float tensor the graph reads, the initializer holding it, the Cast between them or None)
    todo = []
    for node in g.node:
        if node.op_type == 'Cast' and node.input[0] in inits:
            init = inits[node.input[0]]
            if init.data_type == TensorProto.FLOAT16 and len(init.dims) == 2:
                todo.append((node.output[0], init, node))
    for init in g.initializer:  # a float32 export (the bundled model itself): its 2-D weights directly
        if init.data_type == TensorProto.FLOAT and len(init.dims) == 2 and np.prod(init.dims) >= 4096:
            todo.append((init.name, init, None))
    for base, init, cast in todo:
        w = numpy_helper.to_array(init).astype(np.float32)
        users = consumers.get(base, [])
        # a MatMul's weight [in, out]: one scale per output column; an embedding [rows, d]: one per row
        axis = 1 if users and all(u.op_type == 'MatMul' and u.input[1] == base for u in users) else 0
        peak = np.abs(w).max(axis=1 - axis)
        scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        shaped = scale[None, :] if axis == 1 else scale[:, None]
        q = np.clip(np.round(w / shaped), -127, 127).astype(np.int8)
        g.initializer.remove(init)
        g.initializer.extend([numpy_helper.from_array(q, base + '_int8'), numpy_helper.from_array(scale, base + '_scale'),
                              numpy_helper.from_array(np.zeros(len(scale), np.int8), base + '_zero_point')])
        at = list(g.node).index(cast) if cast is not None else 0
        if cast is not None:
            g.node.remove(cast)
        g.node.insert(at, helper.make_node('DequantizeLinear', [base + '_int8', base + '_scale', base + '_zero_point'], [base],
                                           axis=axis, name=f'/weights/{base}/DequantizeLinear'))
    if todo:
        onnx.checker.check_model(m)
        onnx.save(m, path)
    return len(todo)


if __name__ == '__main__':
    for p in sys.argv[1:]:
        print(f'{p}: {convert(p)} weights to int8')
