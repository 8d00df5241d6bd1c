#!/usr/bin/env bash
# Trains the larger bundle the performance docs measure beside the shipped one: the shipped settings but every token
# (--min-freq 1) and 64 dimensions, i.e. a vocabulary of about 100,000 tokens and ~25 MB of weights. Deterministic for
# the seed, so every machine measures the same model.
#
#   bench/large-bundle.sh [OUT_DIR]        # default: /tmp/textclf-large-bundle; prints the directory
#   bench/run.sh --model "$(bench/large-bundle.sh)" --only csharp,gunicorn-threads --connections 64
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-/tmp/textclf-large-bundle}
if [ ! -f "$out/config.json" ]; then
  dotnet run --project src/Cli -c Release -- train \
    --train data/spamassassin/train.jsonl.gz --test data/spamassassin/test.jsonl.gz \
    --min-freq 1 --embed-dim 64 --out "$out" >&2
fi
echo "$out"
