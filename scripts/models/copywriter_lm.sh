#!/usr/bin/env bash
# Rebuilds the copywriter's committed model (models/copywriter-lm/<next version>/) from nothing:
# the demo catalogue and corpus (aigc-copy-corpus), then the tokenizer and the language model
# (aigc-train-lm). About 40 minutes on 2 CPU cores; progress lines every 500 steps.
#   scripts/models/copywriter_lm.sh            start afresh
#   RESUME=1 scripts/models/copywriter_lm.sh   continue an interrupted run from its checkpoint
# Extra arguments go to aigc-train-lm (e.g. --steps=500 for a quick, weaker model).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build.sh --target aigc-copy-corpus aigc-train-lm
checkpoint=data/copywriter/lm.ckpt
if [[ ${RESUME:-0} != 1 ]]; then
  rm -f "$checkpoint" "$checkpoint.bpe"
fi
build/services/copywriter/tools/aigc-copy-corpus --seed=42 --products_per_category=60 \
  --out_dir=data/copywriter/corpus
build/services/copywriter/tools/aigc-train-lm --corpus_dir=data/copywriter/corpus \
  --model_repository=models --checkpoint="$checkpoint" --steps=4500 --batch_size=16 \
  --learning_rate=0.003 --eval_every=500 --checkpoint_every=500 --threads=1 "$@"
