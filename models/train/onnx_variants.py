"""Writes the variant files transformers.js / onnx-community publish, from a float32 model.onnx,
in the exact op patterns of the tools that make them (python onnx 1.12 only: no onnxruntime
python here, so the patterns are written by hand; each function names the tool it mirrors).

  float16_io(m)            model_fp16.onnx: float16 weights, float inputs/outputs (past, logits)
                           float16, as `optimum-cli export onnx --dtype fp16` presents itself.
                           Compute stays float32 inside (each weight Cast up at the boundary):
                           onnxruntime's CPU provider has no float16 kernel for most ops.
  dynamic_matmul(m, wt)    model_int8.onnx / model_uint8.onnx / model_quantized.onnx:
                           onnxruntime.quantization.quantize_dynamic(op_types_to_quantize=['MatMul'],
                           weight_type=QInt8|QUInt8, per_channel=False, reduce_range=False):
                           DynamicQuantizeLinear on the activation -> MatMulInteger -> Cast(float)
                           -> Mul(activation scale x weight scale); weights symmetric int8 (zp 0) or
                           asymmetric uint8, one scale per tensor
  qdq_matmul(m, ranges)    quantize_static(quant_format=QDQ, activation_type=QUInt8, weight_type=QInt8,
                           nodes_to_quantize=<the MatMuls with constant weights>): activation
                           QuantizeLinear -> DequantizeLinear, int8 weight -> DequantizeLinear -> MatMul;
                           activation ranges min/max calibrated (given)
  nbits_matmul(m, 32)      model_q4.onnx: matmul_4bits_quantizer.MatMul4BitsQuantizer(block_size=32,
                           is_symmetric=False) -> com.microsoft MatMulNBits(bits=4): B uint8
                           [N, K/32, 16] (two 4-bit values a byte, low nibble first), scales [N*K/32],
                           zero_points uint8 [N*ceil(K/32/2)] packed the same way
  bnb4_matmul(m, 64)       model_bnb4.onnx: matmul_bnb4_quantizer.MatMulBnb4Quantizer(quant_type=NF4,
                           block_size=64) -> com.microsoft MatMulBnb4: B uint8 [(N*K+1)/2], the weight
                           transposed to [N, K] and flattened, two 4-bit NF4 codes a byte, high nibble
                           first; absmax [ceil(N*K/64)], one per block of 64 consecutive values
  q4f16: nbits_matmul then float16_io (scales stored float16 and cast up at the boundary like every
                           weight; the real q4f16 runs MatMulNBits in float16, which onnxruntime's CPU
                           provider does by converting, so only the file's signature is mirrored)

Every function returns the dequantised weight of each quantised initializer (name -> float array,
the [K, N] matrix the MatMul now multiplies by), so a reference can run the same maths.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _weight_matmuls(g):
    inits = {i.name: i for i in g.initializer}
    for n in g.node:
        if n.op_type == 'MatMul' and n.input[1] in inits and inits[n.input[1]].data_type == TensorProto.FLOAT and len(inits[n.input[1]].dims) == 2:
            yield n, inits[n.input[1]]


def _replace_node(g, old, new_nodes):
    nodes = list(g.node)
    i = nodes.index(old)
    del g.node[:]
    g.node.extend(nodes[:i] + new_nodes + nodes[i + 1:])


def _drop_unused_initializers(g):
    used = {x for n in g.node for x in n.input} | {o.name for o in g.output}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)


def float16_io(m):
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        a = numpy_helper.to_array(init).astype(np.float16)
        g.initializer.remove(init)
        g.initializer.append(numpy_helper.from_array(a, init.name + '_fp16'))
        casts.append(helper.make_node('Cast', [init.name + '_fp16'], [init.name], name=f'/cast_weight/{init.name}', to=TensorProto.FLOAT))
    for inp in g.input:
        if inp.type.tensor_type.elem_type == TensorProto.FLOAT:
            for n in g.node:
                for i, x in enumerate(n.input):
                    if x == inp.name:
                        n.input[i] = inp.name + '_f32'
            casts.append(helper.make_node('Cast', [inp.name], [inp.name + '_f32'], name=f'/cast_input/{inp.name}', to=TensorProto.FLOAT))
            inp.type.tensor_type.elem_type = TensorProto.FLOAT16
    tail = []
    for out in g.output:
        if out.type.tensor_type.elem_type == TensorProto.FLOAT:
            for n in g.node:
                for i, x in enumerate(n.output):
                    if x == out.name:
                        n.output[i] = out.name + '_f32'
                for i, x in enumerate(n.input):
                    if x == out.name:
                        n.input[i] = out.name + '_f32'
            tail.append(helper.make_node('Cast', [out.name + '_f32'], [out.name], name=f'/cast_output/{out.name}', to=TensorProto.FLOAT16))
            out.type.tensor_type.elem_type = TensorProto.FLOAT16
    nodes = casts + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    return m


def _quantize_weight(w, signed):
    """per-tensor, as quantize_dynamic: int8 symmetric [-127, 127] zp 0; uint8 asymmetric [0, 255]"""
    w = w.astype(np.float32)
    if signed:
        scale = np.float32(max(abs(float(w.min())), abs(float(w.max()))) / 127.0)
        q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        return q, scale, np.int8(0)
    lo, hi = min(0.0, float(w.min())), max(0.0, float(w.max()))
    scale = np.float32((hi - lo) / 255.0)
    zp = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
    q = np.clip(np.rint(w / scale) + zp, 0, 255).astype(np.uint8)
    return q, scale, zp


def dynamic_matmul(m, weight_type='int8'):
    g = m.graph
    deq = {}
    for node, init in list(_weight_matmuls(g)):
        w = numpy_helper.to_array(init)
        q, scale, zp = _quantize_weight(w, weight_type == 'int8')
        deq[init.name] = (q.astype(np.float64) - float(zp)) * float(scale)
        a, out, wn = node.input[0], node.output[0], init.name
        g.initializer.extend([numpy_helper.from_array(q, wn + '_quantized'),
                              numpy_helper.from_array(np.array(scale, np.float32), wn + '_scale'),
                              numpy_helper.from_array(np.array(zp), wn + '_zero_point')])
        # names as onnxruntime's MatMulInteger quantizer writes them
        new = [
            helper.make_node('DynamicQuantizeLinear', [a], [a + '_quantized', a + '_scale', a + '_zero_point'], name=a + '_QuantizeLinear'),
            helper.make_node('MatMulInteger', [a + '_quantized', wn + '_quantized', a + '_zero_point', wn + '_zero_point'], [out + '_output_quantized'], name=node.name + '_quant'),
            helper.make_node('Cast', [out + '_output_quantized'], [out + '_output_quantized_cast_output'], name=out + '_output_quantized_cast', to=TensorProto.FLOAT),
            helper.make_node('Mul', [a + '_scale', wn + '_scale'], [out + '_scales_mul_output'], name=out + '_scales_mul'),
            helper.make_node('Mul', [out + '_output_quantized_cast_output', out + '_scales_mul_output'], [out], name=out + '_output_scale_mul'),
        ]
        _replace_node(g, node, new)
    _dedupe_dynamic_quantize(g)
    _drop_unused_initializers(g)
    del g.value_info[:]
    return m, deq


def _dedupe_dynamic_quantize(g):
    """quantize_dynamic quantizes an activation once, however many MatMuls read it"""
    seen, keep = set(), []
    for n in g.node:
        if n.op_type == 'DynamicQuantizeLinear':
            if n.input[0] in seen:
                continue
            seen.add(n.input[0])
        keep.append(n)
    del g.node[:]
    g.node.extend(keep)


def qdq_matmul(m, ranges):
    """ranges: activation name -> (min, max) from calibration"""
    g = m.graph
    deq, act_params = {}, {}
    for node, init in list(_weight_matmuls(g)):
        a, wn = node.input[0], init.name
        if a not in act_params:
            lo, hi = min(0.0, ranges[a][0]), max(0.0, ranges[a][1])
            scale = np.float32((hi - lo) / 255.0)
            zp = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
            act_params[a] = (scale, zp)
            g.initializer.extend([numpy_helper.from_array(np.array(scale, np.float32), a + '_scale'),
                                  numpy_helper.from_array(np.array(zp, np.uint8), a + '_zero_point')])
            qdq = [helper.make_node('QuantizeLinear', [a, a + '_scale', a + '_zero_point'], [a + '_QuantizeLinear_Output'], name=a + '_QuantizeLinear'),
                   helper.make_node('DequantizeLinear', [a + '_QuantizeLinear_Output', a + '_scale', a + '_zero_point'], [a + '_DequantizeLinear_Output'], name=a + '_DequantizeLinear')]
        else:
            qdq = []
        w = numpy_helper.to_array(init)
        q, scale, zp = _quantize_weight(w, True)
        deq[wn] = (q.astype(np.float64) - float(zp)) * float(scale)
        g.initializer.extend([numpy_helper.from_array(q, wn + '_quantized'),
                              numpy_helper.from_array(np.array(scale, np.float32), wn + '_scale'),
                              numpy_helper.from_array(np.array(zp), wn + '_zero_point')])
        wdq = helper.make_node('DequantizeLinear', [wn + '_quantized', wn + '_scale', wn + '_zero_point'], [wn + '_DequantizeLinear_Output'], name=wn + '_DequantizeLinear')
        # the graph's own node (rewriting g.node copies messages: `node` may be a stale copy)
        nodes = list(g.node)
        i = [k for k, n in enumerate(nodes) if n.name == node.name][0]
        nodes[i].input[0] = a + '_DequantizeLinear_Output'
        nodes[i].input[1] = wn + '_DequantizeLinear_Output'
        del g.node[:]
        g.node.extend(nodes[:i] + qdq + [wdq] + nodes[i:])
    _drop_unused_initializers(g)
    del g.value_info[:]
    return m, deq, act_params


def nbits_matmul(m, block_size=32):
    g = m.graph
    deq = {}
    for node, init in list(_weight_matmuls(g)):
        w = numpy_helper.to_array(init).astype(np.float32)  # [K, N]
        K, N = w.shape
        nb = (K + block_size - 1) // block_size
        wp = np.zeros((nb * block_size, N), np.float32)
        wp[:K] = w
        blocks = wp.T.reshape(N, nb, block_size)  # per column n, blocks along K
        lo = np.minimum(blocks.min(-1), 0.0)
        hi = np.maximum(blocks.max(-1), 0.0)
        scale = ((hi - lo) / 15.0).astype(np.float32)
        scale[scale == 0] = 1.0
        zp = np.clip(np.rint(-lo / scale), 0, 15).astype(np.uint8)
        q = np.clip(np.rint(blocks / scale[..., None]) + zp[..., None], 0, 15).astype(np.uint8)  # [N, nb, bs]
        packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)  # [N, nb, bs/2]
        zpad = np.zeros((N, nb + (nb % 2)), np.uint8)
        zpad[:, :nb] = zp
        zpacked = (zpad[:, 0::2] | (zpad[:, 1::2] << 4)).astype(np.uint8).reshape(-1)
        dq = ((q.astype(np.float64) - zp[..., None]) * scale[..., None].astype(np.float64)).reshape(N, -1)[:, :K].T
        deq[init.name] = dq
        wn = init.name
        g.initializer.extend([numpy_helper.from_array(packed, wn + '_Q4'),
                              numpy_helper.from_array(scale.reshape(-1), wn + '_scales'),
                              numpy_helper.from_array(zpacked, wn + '_zero_points')])
        new = helper.make_node('MatMulNBits', [node.input[0], wn + '_Q4', wn + '_scales', wn + '_zero_points'], [node.output[0]],
                               name=node.name + '_Q4', domain='com.microsoft', K=K, N=N, bits=4, block_size=block_size)
        _replace_node(g, node, [new])
    if not any(o.domain == 'com.microsoft' for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    _drop_unused_initializers(g)
    del g.value_info[:]
    return m, deq


# bitsandbytes' NF4 code book (bitsandbytes/functional.py), as onnxruntime's MatMulBnb4 kernel holds it
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], np.float32)


def bnb4_matmul(m, block_size=64):
    g = m.graph
    deq = {}
    for node, init in list(_weight_matmuls(g)):
        w = numpy_helper.to_array(init).astype(np.float32)  # [K, N]
        K, N = w.shape
        flat = w.T.reshape(-1)  # [N, K] row-major
        nblocks = (flat.size + block_size - 1) // block_size
        padded = np.zeros(nblocks * block_size, np.float32)
        padded[:flat.size] = flat
        blocks = padded.reshape(nblocks, block_size)
        absmax = np.abs(blocks).max(-1).astype(np.float32)
        absmax[absmax == 0] = 1.0
        normed = blocks / absmax[:, None]
        q = np.abs(normed[..., None] - NF4).argmin(-1).astype(np.uint8).reshape(-1)  # nearest code
        if q.size % 2:
            q = np.concatenate([q, np.zeros(1, np.uint8)])
        packed = ((q[0::2] << 4) | q[1::2]).astype(np.uint8)[: (N * K + 1) // 2]
        dq = (NF4[q[: nblocks * block_size].reshape(nblocks, block_size)].astype(np.float64) * absmax[:, None].astype(np.float64)).reshape(-1)[: N * K]
        deq[init.name] = dq.reshape(N, K).T
        wn = init.name
        g.initializer.extend([numpy_helper.from_array(packed, wn + '_Bnb4'), numpy_helper.from_array(absmax, wn + '_absmax')])
        new = helper.make_node('MatMulBnb4', [node.input[0], wn + '_Bnb4', wn + '_absmax'], [node.output[0]],
                               name=node.name + '_Bnb4', domain='com.microsoft', K=K, N=N, block_size=block_size, quant_type=1)
        _replace_node(g, node, [new])
    if not any(o.domain == 'com.microsoft' for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    _drop_unused_initializers(g)
    del g.value_info[:]
    return m, deq
