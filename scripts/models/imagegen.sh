#!/usr/bin/env bash
# Rebuilds the committed class-conditional generator (the checkpoint models/imagegen/generator.pt,
# and the served version published as the next version of models/imagegen-generator) from Debian's
# dataset-fashion-mnist, as it was trained: aigc-train-imagegen for 10 epochs from fresh weights
# (seed 1, not published), then 12 more from that checkpoint (seed 2; the optimisers restart),
# published. About 1 h 45 min on 2 CPU cores, with a progress line every 300 steps, the weights
# written after every epoch, a sample grid per epoch in data/imagegen/samples/ and the class
# consistency and FID to training images measured with the committed evaluation classifier
# (models/fmnist-classifier). An interrupted run continues with
# --resume_from=models/imagegen/generator.pt --epochs=<the rest>.
# Extra arguments go to the second run.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build.sh --target aigc-train-imagegen
train=(build/services/imagegen/tools/aigc-train-imagegen --threads=2 --progress_every=300
  --out=models/imagegen/generator.pt --samples_dir=data/imagegen/samples)
"${train[@]}" --epochs=10 --seed=1 --model_repository=
"${train[@]}" --resume_from=models/imagegen/generator.pt --epochs=12 --seed=2 "$@"
