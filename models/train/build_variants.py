"""`npm run models` step: the fp16 and int8 variants of the bundled code LM, as transformers.js
names them (onnx/model_fp16.onnx, onnx/model_int8.onnx), written by onnx_variants.py in the op
patterns of Optimum's fp16 export and onnxruntime's quantize_dynamic.

  /usr/bin/python3 models/train/build_variants.py [model folder]
"""
import os, sys
import onnx
from onnx_variants import float16_io, dynamic_matmul

HERE = os.path.dirname(os.path.abspath(__file__))
folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'tensorloupe-code-lm')
src = os.path.join(folder, 'onnx', 'model.onnx')
for name, convert in (('model_fp16.onnx', float16_io), ('model_int8.onnx', lambda m: dynamic_matmul(m, 'int8')[0])):
    m = convert(onnx.load(src))
    onnx.checker.check_model(m)
    out = os.path.join(folder, 'onnx', name)
    onnx.save(m, out)
    print(out, os.path.getsize(out), 'bytes')
