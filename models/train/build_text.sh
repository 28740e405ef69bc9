#!/usr/bin/env bash
# Rebuilds the bundled text models from scratch, seeded: corpus -> tokenizer -> train -> export -> reference.
#   bash models/train/build_text.sh        (about 45 minutes on 1-2 CPU threads)
# Needs Debian's python3 with python3-torch, python3-numpy, python3-onnx, python3-regex; node_modules installed.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
mkdir -p .data
$PY text_corpus.py                                   # -> .data/corpus/{train,eval}.txt, corpus_manifest.json
$PY text_tokenizer.py                                # -> .data/tokenizer/, .data/corpus/*.ids.npy, .data/tok_cases.json
node --import tsx text_check_tokenizer.ts .data/tokenizer .data/tok_cases.json   # @huggingface/tokenizers == Python ids
$PY text_trigram.py                                  # -> .data/trigram.json
nice -n 10 $PY text_code_lm.py --steps 1400 --long_steps 80   # -> .data/code_lm.pt, .data/code_lm.log
nice -n 10 $PY text_attn2.py --steps 469                      # -> .data/attn2.pt, .data/attn2.log
$PY text_export.py code-lm                           # -> models/tensorloupe-code-lm/
$PY text_export.py attn2                             # -> models/tensorloupe-attn2/
cd ../.. && node --import tsx --test test/acceptance/textModels.test.ts
