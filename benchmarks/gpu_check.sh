#!/usr/bin/env bash
# The GPU check, in ≤ 8 minutes on one H100/H200: CUDA-only tests, the three models' training speed at avatargan's
# defaults (precision auto → bf16, channels_last where it pays, cudnn.benchmark, torch.compile) against the plain
# reference at its repositories' defaults (fp32, NCHW, .item() every step, PIL decoding every epoch), and the share of
# the GPU's bf16 peak. JSON and logs under OUT (default benchmarks/results/gpu-DATE).
#
#   bash benchmarks/gpu_check.sh [OUT]          # from the repository root, on a machine with a CUDA GPU
#
# Needs a python3 with torch (CUDA), torchvision and the project's requirements; without network access, carry
# missing wheels in .whl/ (they are installed into /tmp/site first). Each part has its own time limit, so one that
# hangs cannot eat the others' minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/results/gpu-$(date +%F)}
mkdir -p "$out"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
if compgen -G ".whl/*.whl" >/dev/null; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi
started=$SECONDS
{ nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv; $PY -c \
  'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())'; } \
  2>&1 | tee "$out/gpu.txt"

echo "== CUDA-only tests (marked cuda; they skip on CPU machines)"
timeout 150 $PY -m pytest -m cuda -q -p no:cacheprovider tests 2>&1 | tail -15 | tee "$out/cuda_tests.log"

echo "== training speed, defaults vs the reference's defaults (compile on; GPU shapes for the transfer models)"
timeout 330 $PY benchmarks/train_speed.py --device cuda --settings defaults --compile --repeats 3 --steps 20 \
  --images 1024 --transfer-size 256 --transfer-batch 16 --json "$out/train_speed_defaults.json" \
  2>&1 | grep -v Warning | tee "$out/train_speed_defaults.log"

echo "== done in $((SECONDS - started)) s; results in $out"
