#!/usr/bin/env bash
# One prepared run for a machine with an NVIDIA GPU (never run by the tests): makes sure
# onnxruntime-node's CUDA provider libraries are beside its binding (installing them when NuGet is
# reachable), shows what Tensorloupe reports, then runs next-token forwards of the bundled LM on
# CUDA and on the CPU and prints the max |logit difference| and the speed-up.
#   bash scripts/device-check.sh [MODEL_DIR]        (default models/tensorloupe-code-lm)
# Env: DEVICE_CHECK_LENGTHS=128,512  DEVICE_CHECK_REPEATS=7  DEVICE_CHECK_TOLERANCE=1e-3
#      DEVICE_CHECK_ALLOW_FALLBACK=1  compare anyway when CUDA did not start (dry run on a CPU machine)
#      ORT_CUDA_LIB_DIR=/path  a folder already holding libonnxruntime_providers_{cuda,shared}.so
#                              (from the Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 NuGet package,
#                              runtimes/linux-x64/native/) to copy instead of downloading
set -uo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:-models/tensorloupe-code-lm}"
export ORT_DISABLE_TELEMETRY=1

echo "== GPU"
if ! nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; then
  echo "nvidia-smi failed: no NVIDIA GPU or driver here"; exit 1
fi

echo "== node_modules"
if [ ! -d node_modules/onnxruntime-node ]; then
  # the project's install skips onnxruntime-node's download step; the CUDA step is run below on its own
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund || { echo "npm ci failed (is the npm registry reachable?)"; exit 1; }
fi
BIN="node_modules/onnxruntime-node/bin/napi-v6/linux/x64"

echo "== CUDA provider libraries in $BIN"
if [ ! -f "$BIN/libonnxruntime_providers_cuda.so" ] || [ ! -f "$BIN/libonnxruntime_providers_shared.so" ]; then
  if [ -n "${ORT_CUDA_LIB_DIR:-}" ]; then
    cp -v "$ORT_CUDA_LIB_DIR"/libonnxruntime_providers_{cuda,shared}.so "$BIN/"
  else
    # onnxruntime-node's own install script, asked for its CUDA 12 files (from api.nuget.org)
    ONNXRUNTIME_NODE_INSTALL=cuda12 timeout 600 node node_modules/onnxruntime-node/script/install.js \
      || echo "could not download them (NuGet unreachable?): set ORT_CUDA_LIB_DIR to a folder holding them"
  fi
fi
ls -la "$BIN"

echo "== CUDA 12 / cuDNN 9 runtime libraries the provider loads"
# pip's nvidia-* wheels (from a PyTorch install) hold them outside the loader's path: add theirs
for d in $(python3 -c 'import glob,site,os; print(" ".join(sorted({os.path.dirname(p) for s in site.getsitepackages() for p in glob.glob(s+"/nvidia/*/lib/*.so*")})))' 2>/dev/null); do
  export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
done
for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9; do
  found=""
  ldconfig -p 2>/dev/null | grep -q "$lib" && found="system"
  IFS=: read -ra dirs <<< "${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do [ -n "$d" ] && [ -e "$d/$lib" ] && found="$d"; done
  if [ -n "$found" ]; then echo "found $lib ($found)"; else echo "MISSING $lib: the CUDA session will fail to start"; fi
done

echo "== what Tensorloupe reports"
[ -f dist/cli.js ] || npm run build
node dist/cli.js info --provider cuda --model "$MODEL" | grep -E '^(model|parameters|provider|load time) '

echo "== next-token forwards: cuda vs cpu"
node --import tsx scripts/deviceCheck.ts "$MODEL"
rc=$?
case $rc in
  0) echo "device check passed";;
  1) echo "the cuda session fell back to the CPU (see the note above)";;
  2) echo "logits differ beyond DEVICE_CHECK_TOLERANCE";;
  *) echo "device check failed ($rc)";;
esac
exit $rc
