"""Independent figures for Model Info (`model/info`, `tensorloupe info --json`), from the onnx
python package and config.json alone, written to test/fixtures/modelInfo/reference.json for
test/integration/modelInfo.test.ts.

Counted here without the engine's code or definitions of "found":
  parameters       elements of every initializer, in the main graph and in every subgraph
                   (If branches, Loop and Scan bodies), external data included
  weightDtypes     per element type: tensors, elements and bytes; bytes are the length of the
                   tensor's data as stored (raw_data, typed fields, or its external data record)
  ops              node count per op type ("Attention" is "com.microsoft.Attention"), subgraphs included
  nodes            all nodes; subgraphNodes: those inside subgraphs
  opsets, irVersion, inputs, outputs (dims: number, dim_param text, or "?"), file sizes
  config           layers / heads / kv heads / hidden / vocab / context / labels as config.json states them
                   (the engine reads these from the graph where it can: the test checks they agree)
Run: /usr/bin/python3 models/train/model_info_reference.py"""
import json, os
import onnx
from onnx import TensorProto

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
MODELS = ['models/tensorloupe-code-lm', 'models/tensorloupe-attn2', 'models/tensorloupe-glyph-vit',
          'models/tensorloupe-speech-kws', 'test/fixtures/models/fused-attention',
          'test/fixtures/models/llama-gqa-extdata', 'test/fixtures/models/info-subgraphs']
# TensorProto.DataType names as onnxruntime-node's tensor types spell them
DTYPE = {'FLOAT': 'float32', 'DOUBLE': 'float64', 'FLOAT16': 'float16', 'BFLOAT16': 'bfloat16', 'BOOL': 'bool',
         'STRING': 'string'}


def dtype_name(t):
    name = TensorProto.DataType.Name(t)
    return DTYPE.get(name, name.lower())


def stored_bytes(t, folder):
    if t.data_location == TensorProto.EXTERNAL:
        info = {e.key: e.value for e in t.external_data}
        if 'length' in info:
            return int(info['length'])
        return os.path.getsize(os.path.join(folder, info['location'])) - int(info.get('offset', 0))
    if t.raw_data:
        return len(t.raw_data)
    for field, size in (('float_data', 4), ('int64_data', 8), ('double_data', 8), ('uint64_data', 8)):
        if len(getattr(t, field)):
            return len(getattr(t, field)) * size
    if len(t.int32_data):  # int32, int16/8, uint16/8, bool, float16 are all carried here, one per element
        per = {TensorProto.INT32: 4, TensorProto.FLOAT16: 2, TensorProto.BFLOAT16: 2, TensorProto.INT16: 2,
               TensorProto.UINT16: 2}.get(t.data_type, 1)
        return len(t.int32_data) * per
    return 0


def graphs(g):
    """the graph and every subgraph below it, depth first"""
    yield g, False
    stack = [g]
    while stack:
        cur = stack.pop()
        for n in cur.node:
            for a in n.attribute:
                subs = [a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs) if a.type == onnx.AttributeProto.GRAPHS else []
                for s in subs:
                    yield s, True
                    stack.append(s)


def signature(values):
    out = []
    for v in values:
        tt = v.type.tensor_type
        out.append({'name': v.name, 'dtype': dtype_name(tt.elem_type),
                    'shape': [d.dim_value if d.HasField('dim_value') else d.dim_param if d.dim_param else '?' for d in tt.shape.dim]})
    return out


def config_figures(folder):
    path = os.path.join(folder, 'config.json')
    c = json.load(open(path)) if os.path.exists(path) else {}
    first = lambda *keys: next((c[k] for k in keys if isinstance(c.get(k), int)), None)
    heads = first('num_attention_heads', 'n_head', 'encoder_attention_heads')
    return {'layers': first('num_hidden_layers', 'n_layer', 'encoder_layers'), 'heads': heads,
            'kvHeads': first('num_key_value_heads') or heads, 'hiddenSize': first('hidden_size', 'n_embd', 'd_model'),
            'vocabSize': first('vocab_size'), 'contextLength': first('n_positions', 'max_position_embeddings', 'n_ctx', 'max_source_positions'),
            'labels': len(c['id2label']) if isinstance(c.get('id2label'), dict) else None}


def figures(rel):
    folder = os.path.join(ROOT, rel)
    path = os.path.join(folder, 'onnx', 'model.onnx')
    m = onnx.load(path, load_external_data=False)
    params, dtypes, ops, nodes, sub_nodes, ext_files = 0, {}, {}, 0, 0, set()
    for g, nested in graphs(m.graph):
        for t in g.initializer:
            n = 1
            for d in t.dims:
                n *= d
            params += n
            e = dtypes.setdefault(dtype_name(t.data_type), {'tensors': 0, 'elements': 0, 'bytes': 0})
            e['tensors'] += 1; e['elements'] += n; e['bytes'] += stored_bytes(t, os.path.dirname(path))
            if t.data_location == TensorProto.EXTERNAL:
                ext_files.add({e.key: e.value for e in t.external_data}['location'])
        for node in g.node:
            key = node.op_type if node.domain in ('', 'ai.onnx') else f'{node.domain}.{node.op_type}'
            ops[key] = ops.get(key, 0) + 1
            nodes += 1
            sub_nodes += nested
    return {
        'model': rel,
        'irVersion': m.ir_version,
        'opsets': sorted(({'domain': o.domain or 'ai.onnx', 'version': o.version} for o in m.opset_import), key=lambda o: o['domain']),
        'parameters': params,
        'weightDtypes': dtypes,
        'ops': dict(sorted(ops.items())),
        'nodes': nodes,
        'subgraphNodes': sub_nodes,
        'inputs': signature([i for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]),
        'outputs': signature(m.graph.output),
        'files': {'modelBytes': os.path.getsize(path),
                  'externalDataBytes': sum(os.path.getsize(os.path.join(os.path.dirname(path), f)) for f in ext_files)},
        'config': config_figures(folder),
    }


out = os.path.join(ROOT, 'test', 'fixtures', 'modelInfo')
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'reference.json'), 'w') as f:
    json.dump({'generator': 'models/train/model_info_reference.py', 'onnx': onnx.__version__, 'models': [figures(r) for r in MODELS]}, f, indent=1)
    f.write('\n')
print('wrote', os.path.join(out, 'reference.json'))
