#!/usr/bin/env bash
# Quick self-check of tools/pytorch (needs Debian's /usr/bin/python3 with python3-torch):
#   bash tools/pytorch/selftest.sh
# 1. make_fixtures.py --check: rebuild the fixtures in a temp dir, compare with tests/fixtures/
# 2. verify.py on the three committed parity bundles --compare tests/fixtures/parity/expected.json
# 3. train.py for 1 epoch on a tiny generated file (csv.gz), verify.py on the result
#    --compare against its own output, export.py round trips (--safetensors, --torchscript)
# Exits non-zero on the first failure.
set -euo pipefail
PY=${PYTHON:-/usr/bin/python3}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
FIX="$REPO/tests/fixtures"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "fixtures are reproducible"
"$PY" "$HERE/make_fixtures.py" --out "$FIX" --check

step "committed bundles reproduce expected.json"
for b in bundle bundle_safetensors bundle_torchscript; do
  "$PY" "$HERE/verify.py" "$FIX/parity/$b" --compare "$FIX/parity/expected.json" --quiet
done

step "train.py 1 epoch on a tiny generated file"
"$PY" - "$TMP/tiny.csv.gz" <<'EOF'
import csv, gzip, random, sys
r = random.Random(7)
words = {"ham": "meeting lunch report project thanks schedule".split(),
         "spam": "free winner cash prize click offer".split()}
with gzip.open(sys.argv[1], "wt", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "label"])
    for _ in range(300):
        lab = r.choice(["ham", "spam"])
        w.writerow([" ".join(r.choice(words[lab] + ["the", "a", "Caf\u00e9!"]) for _ in range(6)), lab])
EOF
"$PY" "$HERE/train.py" --train "$TMP/tiny.csv.gz" --epochs 1 --embed-dim 16 --out "$TMP/bundle"

step "verify.py --compare against itself"
printf '%s\n' "free cash prize" "project meeting thanks" "" "¡ÜBER İstanbul!" > "$TMP/texts.txt"
"$PY" "$HERE/verify.py" "$TMP/bundle" --input "$TMP/texts.txt" --output "$TMP/pred.json"
"$PY" "$HERE/verify.py" "$TMP/bundle" --compare "$TMP/pred.json" --quiet
# a corrupted copy must fail
"$PY" - "$TMP/pred.json" "$TMP/bad.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d[0]["logits"][0] += 1e-3
json.dump(d, open(sys.argv[2], "w"))
EOF
if "$PY" "$HERE/verify.py" "$TMP/bundle" --compare "$TMP/bad.json" --quiet 2>/dev/null; then
  echo "FAIL: --compare accepted a mismatching file" >&2; exit 1
fi
echo "ok: --compare rejects a logit off by 1e-3"

step "export.py round trips"
"$PY" "$HERE/export.py" --weights "$TMP/bundle/model_weights.pth" --vocab "$TMP/bundle/vocab.json" \
  --labels ham,spam --out "$TMP/st" --safetensors
"$PY" "$HERE/export.py" --weights "$TMP/bundle/model_weights.pth" --vocab "$TMP/bundle/vocab.json" \
  --labels ham,spam --out "$TMP/ts" --torchscript
for b in st ts; do
  "$PY" "$HERE/verify.py" "$TMP/$b" --compare "$TMP/pred.json" --quiet
done

printf '\nselftest: OK\n'
