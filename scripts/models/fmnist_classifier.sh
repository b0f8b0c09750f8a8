#!/usr/bin/env bash
# Rebuilds the committed Fashion-MNIST evaluation classifier
# (models/fmnist-classifier/classifier.pt) from Debian's dataset-fashion-mnist: eight epochs of
# aigc-train-fmnist-classifier, about 5 minutes on 2 CPU cores, progress every 100 steps.
# Extra arguments go to aigc-train-fmnist-classifier.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build.sh --target aigc-train-fmnist-classifier
build/services/imagegen/tools/aigc-train-fmnist-classifier --epochs=8 --seed=1 --threads=2 \
  --out=models/fmnist-classifier/classifier.pt "$@"
