#!/usr/bin/env bash
# Rebuilds the bundled checkpoints, seeded: tensorloupe-attn2's own run replayed to step 1,200 (across its induction
# phase change) and the Zipf / uniform variants, then the figures Tensorloupe reads off them and the model cards.
#   bash models/train/build_checkpoints.sh          (1,200 steps each: ~0.3 s a step on an idle core, 3-6 s on a loaded 2-core box)
#   bash models/train/build_checkpoints.sh --cards  (only the figures and the cards, from the checkpoints there)
# Needs models/tensorloupe-attn2 (build_text.sh) and dist/ (npm run build).
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
if [ "${1:-}" != "--cards" ]; then
  for v in attn2 uniform zipf; do nice -n 10 $PY attn2_checkpoints.py $v; done   # -> models/tensorloupe-attn2{,-uniform,-zipf}/checkpoints/
fi
# what int8 storage costs, measured on the float32 tensorloupe-attn2 beside an int8 copy of it (two "checkpoints")
pair=$(mktemp -d)
for s in 1 2; do
  mkdir -p "$pair/checkpoints/step-$s/onnx"
  cp ../tensorloupe-attn2/{config.json,tokenizer.json,tokenizer_config.json} "$pair/checkpoints/step-$s/"
  cp ../tensorloupe-attn2/onnx/model.onnx "$pair/checkpoints/step-$s/onnx/"
done
$PY int8_weights.py "$pair/checkpoints/step-2/onnx/model.onnx"
# the figures the cards quote: what Compare Checkpoints shows (the engine's own induction scan and loss per copy)
PAIR="$pair" node -e '
const { execFileSync } = require("node:child_process");
const run = (m) => JSON.parse(execFileSync(process.execPath, ["../../dist/cli.js", "checkpoints", "--model", m, "--json"], { encoding: "utf8" }));
const out = { attn2: run("../tensorloupe-attn2"), zipf: run("../tensorloupe-attn2-zipf"), uniform: run("../tensorloupe-attn2-uniform"), int8VsFloat32: run(process.env.PAIR) };
require("node:fs").writeFileSync("checkpoint_figures.json", JSON.stringify(out, null, 1) + "\n");
'
rm -rf "$pair"
$PY checkpoints_card.py   # -> the "## Checkpoints" section of tensorloupe-attn2's card, the variants' cards
