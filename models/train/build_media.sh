#!/usr/bin/env bash
# Rebuild the bundled vision and audio models from scratch (seeded), on CPU, one thread each:
#   tensorloupe-glyph-vit  (glyph_vit.py: fonts -> images -> ViT; 2 x 840 CPU-seconds + 4000 steps (~1200 CPU-s))
#   tensorloupe-speech-kws (speech_kws.py: espeak-ng -> log-mel -> encoder; ~6 min synthesis + 660 CPU-s
#                          or 960 s wall clock, whichever ends first)
#   then both models' samples/crossmodal/ (crossmodal_samples.py; needs flac too)
# Training cycles end at a CPU-time budget (or a wall-clock cap), so the step count depends on the machine.
# Needs Debian's /usr/bin/python3 with python3-torch, python3-numpy, python3-onnx, python3-pil, and
# espeak-ng, fonts-dejavu-core, fonts-liberation, fonts-liberation2, fonts-noto-core.
#   bash models/train/build_media.sh            # both, one after the other
#   bash models/train/build_media.sh glyph      # or just one: glyph | speech
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
# one BLAS thread (Debian's libopenblas0-pthread otherwise adds a busy-waiting worker on the second core)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p .data
which=${1:-all}
$PY whisper_features.py                      # self-check of the feature extractor
if [[ $which == all || $which == glyph ]]; then
  rm -f .data/glyphs_*.npz .data/glyph_vit.pt
  nice -n 10 $PY glyph_vit.py 2>&1 | tee .data/glyph_vit.log              # cycle 1: 840 CPU-s, lr 2e-3
  nice -n 10 $PY glyph_vit.py --resume --lr 1e-3 --max_wall_seconds 2100 \
    2>&1 | tee .data/glyph_vit_2.log                                        # cycle 2: 840 CPU-s, lr 1e-3
  nice -n 10 $PY glyph_vit.py --resume --lr 7e-4 --max_cpu_seconds 1500 --max_wall_seconds 2400 \
    2>&1 | tee .data/glyph_vit_3.log                                        # cycle 3: 4000 steps, lr 7e-4
fi
if [[ $which == all || $which == speech ]]; then
  rm -f .data/speech_clips.npz .data/speech_kws.pt
  nice -n 10 $PY speech_kws.py --max_wall_seconds 960 2>&1 | tee .data/speech_kws.log    # cycle 1, lr 1e-3
  nice -n 10 $PY speech_kws.py --resume --lr 7e-4 --max_wall_seconds 540 \
    2>&1 | tee .data/speech_kws_2.log                                       # cycle 2, lr 7e-4
fi
$PY crossmodal_samples.py                    # samples/crossmodal/ of both (Fit Cross-Modal Map): seeded, held-out fonts and voices
cd ../.. && node --import tsx --test test/acceptance/mediaModels.test.ts
