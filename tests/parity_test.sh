#!/usr/bin/env bash
# The engine's bits/byte on a sample equals LibTorch's cross-entropy for the
# same exported (float16) model within 0.5% (issue: trainer parity).
# usage: parity_test.sh NNTAR_TRAIN ANN_BITS_PER_BYTE MODEL SAMPLE
set -euo pipefail
train=$1 bpb=$2 model=$3 sample=$4
torch=$("$train" eval --model "$model" --data text="$sample" --bytes 100000 2>&1 | awk '/bits\/byte/ {for (i=1;i<=NF;i++) if ($(i+1)=="bits/byte") print $i}' | tail -1)
engine=$("$bpb" --model "$model" --bytes 100000 "$sample" | awk '{print $4}')
echo "LibTorch $torch bits/byte, engine $engine bits/byte"
awk -v a="$torch" -v b="$engine" 'BEGIN { d = (a > b ? a - b : b - a) / a; printf "relative difference %.6f\n", d; exit !(a > 0 && d <= 0.005) }'
