#!/usr/bin/env bash
# Rebuilds the committed class-conditional generator (the checkpoint models/imagegen/generator.pt,
# and the served version published as the next version of models/imagegen-generator) from Debian's
# dataset-fashion-mnist: aigc-train-imagegen for 10 epochs, about 45 minutes on 2 CPU cores, with a
# progress line every 300 steps, the weights written after every epoch, a sample grid per epoch in
# data/imagegen/samples/ and the class consistency measured by the committed evaluation
# classifier (models/fmnist-classifier). An interrupted run continues with
# --resume_from=models/imagegen/generator.pt --epochs=<the rest>.
# Extra arguments go to aigc-train-imagegen.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build.sh --target aigc-train-imagegen
build/services/imagegen/tools/aigc-train-imagegen --epochs=10 --seed=1 --threads=2 \
  --progress_every=300 --out=models/imagegen/generator.pt --samples_dir=data/imagegen/samples "$@"
