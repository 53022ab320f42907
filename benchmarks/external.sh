#!/usr/bin/env bash
# The full external-benchmark runs recorded in benchmarks/EXTERNAL.md; results land in outputs/benchmarks/.
#
#   benchmarks/external.sh                 # rules, the zero-shot model and the default model
#   benchmarks/external.sh rules           # one system
#
# The zero-shot model (no PolNeAR in training) is trained once, beforehand:
#   HF_HUB_OFFLINE=1 .venv/bin/whosaid train -o ~/.cache/whosaid/no-polnear --polnear_documents 0
# PolNeAR test is scored once per model, for the final evaluation (develop with --split dev).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1
DATA=${DATA:-../shared/data}
OUT=${OUT:-outputs/benchmarks}
WHOSAID=.venv/bin/whosaid
if [ $# -eq 0 ]; then
  set -- rules "$HOME/.cache/whosaid/no-polnear" "$HOME/.cache/whosaid/default"
fi

for model in "$@"; do
  $WHOSAID benchmark polnear "$DATA/polnear" --split test --model "$model" -o "$OUT"
  $WHOSAID benchmark newsclaims "$DATA/newsclaims" --split test --model "$model" -o "$OUT"
  $WHOSAID benchmark hedging "$DATA/factuality/UW" --split test --model "$model" -o "$OUT"
  $WHOSAID benchmark hedging "$DATA/factuality/MEANTIME" --split test --model "$model" -o "$OUT"
  $WHOSAID benchmark hedging "$DATA/hedge_cues/szeged_uncertainty/factbank.xml" --model "$model" -o "$OUT"
done
