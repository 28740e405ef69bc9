#!/usr/bin/env bash
# Rebuilds the bundled text models from scratch, seeded: corpus -> tokenizer -> train -> export -> reference.
#   bash models/train/build_text.sh        (about 85 minutes of one core on an idle machine: code-lm ~72, attn2 ~9)
# text_code_lm.py runs under a wall-clock budget (--minutes): on a loaded machine it ends by time, so the
# step count (and the exact weights) depend on the load; every other step is seeded and deterministic.
# Needs Debian's python3 with python3-torch, python3-numpy, python3-onnx, python3-regex; node_modules installed.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
# keep freed memory in the heap: without this, glibc returns big tensors to the OS every step and half the
# CPU time goes to page faults (measured: 2.5x less CPU per step)
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 MALLOC_TOP_PAD_=1000000000
# one BLAS thread: torch runs on one thread, but Debian's libopenblas0-pthread adds a worker that busy-waits
# and takes the second core (two trainings side by side ran 4x slower per step until this was set)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p .data
$PY text_corpus.py                                   # -> .data/corpus/{train,eval}.txt, corpus_manifest.json
$PY text_tokenizer.py                                # -> .data/tokenizer/, .data/corpus/*.ids.npy, .data/tok_cases.json
node --import tsx text_check_tokenizer.ts .data/tokenizer .data/tok_cases.json   # @huggingface/tokenizers == Python ids
$PY text_trigram.py                                  # -> .data/trigram.json
# code-lm in three stages (how the committed model was made): 400 steps of the first recipe, then two warm starts.
nice -n 10 $PY text_code_lm.py --sampler v1 --batch 16 --steps 1400 --long_steps 80 --stop 400 --out .data/code_lm_stage1.pt
# stage 2's step counts are the ones the committed run reached within its 55-minute budget on a loaded machine
nice -n 10 $PY text_code_lm.py --init .data/code_lm_stage1.pt --steps 1525 --long_steps 60 --minutes 55 --out .data/code_lm_stage2.pt
nice -n 10 $PY text_code_lm.py --init .data/code_lm_stage2.pt --lr 1.5e-3 --steps 7000 --long_steps 60 --minutes 52  # -> .data/code_lm.pt
nice -n 10 $PY text_attn2.py                  # -> .data/attn2.pt, .data/attn2.log (about 9 minutes)
$PY text_export.py code-lm                           # -> models/tensorloupe-code-lm/
$PY text_export.py attn2                             # -> models/tensorloupe-attn2/
# checkpoints across attn2's phase change (its own seeded run replayed to step 1,200) and the Zipf / uniform variants,
# with their figures and model cards (needs dist/: npm run build)
bash build_checkpoints.sh
cd ../.. && node --import tsx --test test/acceptance/textModels.test.ts
