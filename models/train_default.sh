#!/usr/bin/env bash
# Reproduces models/default.nnm (see models/default.md for the exact history
# of the committed run). Resumable: rerun to continue from the checkpoint; to
# continue the committed model instead, pass --resume models/default.nnm.
#   models/train_default.sh [CORPUS_DIR] [extra nntar-train options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
C=${1:-$here/../corpus-data}; shift || true
T=${NNTAR_TRAIN:-$here/build/trainer/nntar-train}
unset OPENBLAS_CORETYPE   # lets the trainer choose SkylakeX kernels (1.5x on AVX-512 CPUs)
resume=(); [ -f default.nnm.ckpt ] && resume=(--resume default.nnm.ckpt)
OMP_WAIT_POLICY=PASSIVE exec "$T" \
  --data text="$C/train/text.bin" --data image="$C/train/image.bin" --data audio="$C/train/audio.bin" \
  --preset mini --time-limit 62m --threads 2 --seed 1 --eval-every 3000 --eval-bytes 65536 \
  --log-every 60 --checkpoint-every 10m --export default.nnm --checkpoint default.nnm.ckpt \
  --name nntar-default-mini --card default.md "${resume[@]}" "$@"
