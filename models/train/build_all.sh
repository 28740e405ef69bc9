#!/usr/bin/env bash
# `npm run models`: rebuilds every bundled model from data on this machine (seeded; see each script).
#   text:  corpus -> BPE tokenizer -> tensorloupe-code-lm, tensorloupe-attn2   (build_text.sh)
#   media: fonts -> tensorloupe-glyph-vit; espeak-ng -> tensorloupe-speech-kws (build_media.sh)
# Needs Debian's /usr/bin/python3 with python3-torch python3-numpy python3-onnx python3-regex python3-pil,
# libopenblas0-pthread, espeak-ng and the fonts listed in build_media.sh.
set -euo pipefail
cd "$(dirname "$0")"
bash build_text.sh
bash build_media.sh
# variants: onnx/model_fp16.onnx and onnx/model_int8.onnx of the code LM (transformers.js names), see build_variants.py
/usr/bin/python3 build_variants.py
