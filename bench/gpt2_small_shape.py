"""A randomly initialised decoder of GPT-2 small's shape (12 layers, 12 heads, d_model 768, vocabulary
50,257, 1,024 positions; text_model.GPT, exported as the bundled code LM is, Optimum layout with a KV
cache) for `BENCH_GPT2_SMALL=1 npm run bench -- interventions`. About 500 MB; written to the folder
given, never committed. Its weights are random: only its speed is measured.

  /usr/bin/python3 bench/gpt2_small_shape.py OUT_DIR
"""
import os, sys
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'models', 'train'))
import user_references  # noqa: E402,F401  (installs the ASCII regex shim text_export's imports need)
from text_model import GPT, Config  # noqa: E402
from text_export import export_onnx  # noqa: E402

torch.manual_seed(0)
cfg = Config(vocab_size=50257, n_positions=1024, n_layer=12, n_head=12, n_embd=768)
model = GPT(cfg).eval()
export_onnx(model, os.path.join(sys.argv[1], 'onnx', 'model.onnx'))
