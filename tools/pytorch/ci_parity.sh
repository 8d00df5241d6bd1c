#!/usr/bin/env bash
# Python <-> C# parity checks (CI):  bash tools/pytorch/ci_parity.sh
#
#   a. tokenizer: C# `textclf tokenize` vs the Python basic_english port (compare_tokens.py) over
#      data/spamassassin/train.jsonl.gz and test.jsonl.gz: 0 mismatching texts
#   b. C# -> PyTorch: the shipped C#-trained models/default loads with strict load_state_dict
#      (verify.py) and matches C# `predict --json` on ~300 test texts + edge texts (tol 1e-5)
#   c. PyTorch -> C#: train.py bundle (3 labels, --embed-dim 24 --min-freq 4 --epochs 3; min_freq 4
#      drops 8 of the 118 fixture tokens) on tests/fixtures/parity; C# `predict --json` matches
#      verify.py (tol 1e-5)
#   d. C# -> PyTorch: `textclf train` bundle (--embed-dim 16 --min-freq 1 --epochs 2) on
#      tests/fixtures/parity; its vocab.json equals textclf.build_vocab_from_iterator (torchtext
#      order) on the same file; verify.py --compare with C# `predict --json` (tol 1e-5)
#   e. PyTorch -> C#, bigrams: train.py --ngrams 2 bundle (--embed-dim 24 --min-freq 2 --epochs 3);
#      C# `predict --json` (tokens, terms, ids, logits) matches verify.py (tol 1e-5)
#   f. C# -> PyTorch, bigrams: `textclf train --ngrams 2` bundle (--embed-dim 16 --min-freq 2
#      --epochs 2); its vocab.json equals build_vocab_from_iterator over ngrams_iterator(tokens, 2);
#      strict load in PyTorch and verify.py --compare with C# `predict --json` (tol 1e-5)
#
# Needs Debian's /usr/bin/python3 with python3-torch (override with PYTHON=...); without torch it
# prints "parity: skipped (python3-torch not available)" and exits 0. Builds src/Cli in Release
# (honours TEXTCLF_ARTIFACTS) unless TEXTCLF=/path/to/textclf is given. PARITY_TOL (default 1e-5),
# PARITY_KEEP=1 keeps the temp dir. Last line: "parity: N passed, M failed"; exit 1 if M > 0.
set -euo pipefail
PY=${PYTHON:-/usr/bin/python3}
TOL=${PARITY_TOL:-1e-5}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DATA="$REPO/data/spamassassin"
FIX="$REPO/tests/fixtures/parity"

if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  echo "parity: skipped (python3-torch not available)"
  exit 0
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/parity.XXXXXX")"
if [[ "${PARITY_KEEP:-0}" == 1 ]]; then
  trap 'echo "(kept $TMP)"' EXIT
else
  trap 'rm -rf "$TMP"' EXIT
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }
header() { printf '\n== %s\n' "$*"; }
T_START=$(now_ms)
CHECKS=(a b c d e f)
PASSED=0
FAILED=0
SUMMARY=()

# ---------------------------------------------------------------------------------------------
header "build: textclf (Release)"
t0=$(now_ms)
if [[ -n "${TEXTCLF:-}" ]]; then
  CS=("$TEXTCLF")
  echo "using TEXTCLF=$TEXTCLF (no build)"
else
  if ! dotnet build "$REPO/src/Cli" -c Release -nologo -v quiet -clp:ErrorsOnly; then
    echo "FAIL: dotnet build src/Cli -c Release" >&2
    echo "parity: 0 passed, ${#CHECKS[@]} failed (C# build failed)"
    exit 1
  fi
  DLL="$(dotnet build "$REPO/src/Cli" -c Release -nologo -getProperty:TargetPath | tail -n 1)"
  if [[ -x "${DLL%.dll}" ]]; then CS=("${DLL%.dll}"); else CS=(dotnet "$DLL"); fi
  echo "textclf: ${CS[*]}"
fi
echo "build: $(secs "$t0")"

# Texts for b/c/d: jsonl {"text"} written ASCII-only (so no raw U+2028/U+0085 inside a line),
# followed by edge texts: no tokens at all, only punctuation, case folding, non-BMP, odd spaces.
write_inputs() { # OUT SRC STEP : every STEP-th text of SRC, then the edge texts
  "$PY" - "$@" <<'EOF'
import json, os, sys
sys.path.insert(0, os.environ["HERE"])
import textclf
out, src, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [t for t, _ in textclf.read_examples(src)][::step]
edge = [";;; :::", "", "   ", ".", "<br />", "!!!???", "Don't \"QUOTE\" me (ok)? a.b,c!d;e:f",
        "\u00a1\u00dcBER \u0130stanbul!", "STRASSE stra\u00dfe \ufb01ne \u01c4 \u03a3\u0391\u03a3 \u212a",
        "\u6771\u4eac\u30bf\u30ef\u30fc \ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        "emoji \U0001F600\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001D400\U0001D401",
        "tab\there\u00a0nbsp\u2028ls\u2029ps\u0085nel\u3000ideo\x1cfs\u200bzw", "e\u0301t\u00e9 caf\u00e9",
        "free money!!! click http://spam.example.com/win?x=1&y=2 NOW", "meeting at 10:30; agenda attached."]
with open(out, "w", encoding="utf-8") as f:
    for t in texts + edge:
        f.write(json.dumps({"text": t}, ensure_ascii=True) + "\n")
print(f"{out}: {len(texts)} texts from {src} (every {step}) + {len(edge)} edge texts")
EOF
}
export HERE

# C# predict --json on INPUT with BUNDLE, then verify.py --compare; records the max logit diff.
predict_compare() { # NAME BUNDLE INPUT
  local name=$1 bundle=$2 input=$3
  "${CS[@]}" predict --model "$bundle" --json --input "$input" > "$TMP/$name.csharp.json"
  local rc=0
  "$PY" "$HERE/verify.py" "$bundle" --input "$input" --compare "$TMP/$name.csharp.json" --tol "$TOL" --quiet \
    2> "$TMP/$name.verify.log" || rc=$?
  cat "$TMP/$name.verify.log"
  grep -o 'max |logit diff| [^,]*' "$TMP/$name.verify.log" | tail -n 1 > "$TMP/$name.maxdiff" || true
  return $rc
}

check_a() {
  local f
  for f in train test; do
    "${CS[@]}" tokenize --input "$DATA/$f.jsonl.gz" > "$TMP/$f.tokens.jsonl"
  done
  "$PY" "$HERE/compare_tokens.py" "$DATA/train.jsonl.gz" "$DATA/test.jsonl.gz" \
    --csharp "$TMP/train.tokens.jsonl" --csharp "$TMP/test.tokens.jsonl" | tee "$TMP/a.out"
  grep -o '[0-9]* mismatching text(s)' "$TMP/a.out" > "$TMP/a.maxdiff" || true
}

check_b() {
  write_inputs "$TMP/b.in.jsonl" "$DATA/test.jsonl.gz" 4
  predict_compare b "$REPO/models/default" "$TMP/b.in.jsonl"
}

check_c() {
  write_inputs "$TMP/cd.in.jsonl" "$FIX/test.jsonl" 1
  "$PY" "$HERE/train.py" --train "$FIX/train.jsonl" --test "$FIX/test.jsonl" --out "$TMP/py_bundle" \
    --embed-dim 24 --min-freq 4 --epochs 3 --seed 3
  "$PY" - "$TMP/py_bundle/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["num_class"] == 3 and c["embed_dim"] == 24, c
print(f"python bundle: vocab {c['vocab_size']}, embed_dim {c['embed_dim']}, labels {c['labels']}")
EOF
  predict_compare c "$TMP/py_bundle" "$TMP/cd.in.jsonl"
}

# C#'s vocab.json equals textclf.build_vocab_from_iterator over ngrams_iterator(basic_english(text), N).
compare_vocab() { # BUNDLE TRAIN MIN_FREQ NGRAMS
  "$PY" - "$@" <<'EOF'
import json, os, sys
sys.path.insert(0, os.environ["HERE"])
import textclf
bundle, train, min_freq, ngrams = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cs = json.load(open(os.path.join(bundle, "vocab.json"), encoding="utf-8"))
config = json.load(open(os.path.join(bundle, "config.json"), encoding="utf-8"))
if config.get("ngrams", 1) != ngrams:
    sys.exit(f"FAIL: config.json ngrams {config.get('ngrams')!r}, expected {ngrams}")
py = textclf.build_vocab_from_iterator((textclf.terms(textclf.basic_english(t), ngrams)
                                        for t, _ in textclf.read_examples(train)),
                                       min_freq=min_freq, specials=[textclf.UNK]).get_itos()
if cs != py:
    j = next((i for i, (a, b) in enumerate(zip(py, cs)) if a != b), min(len(py), len(cs)))
    sys.exit(f"FAIL: C# vocab ({len(cs)}) != python build_vocab_from_iterator ({len(py)}); first diff at {j}: "
             f"python {py[j:j + 5]} vs C# {cs[j:j + 5]}")
print(f"C# vocab.json == python build_vocab_from_iterator(ngrams_iterator(..., {ngrams}), min_freq={min_freq}): "
      f"{len(cs)} terms, {sum(' ' in t for t in cs)} of them n-grams")
EOF
}

check_d() {
  [[ -f "$TMP/cd.in.jsonl" ]] || write_inputs "$TMP/cd.in.jsonl" "$FIX/test.jsonl" 1
  "${CS[@]}" train --train "$FIX/train.jsonl" --test "$FIX/test.jsonl" --out "$TMP/cs_bundle" \
    --embed-dim 16 --min-freq 1 --epochs 2
  compare_vocab "$TMP/cs_bundle" "$FIX/train.jsonl" 1 1
  predict_compare d "$TMP/cs_bundle" "$TMP/cd.in.jsonl"
}

check_e() {
  [[ -f "$TMP/cd.in.jsonl" ]] || write_inputs "$TMP/cd.in.jsonl" "$FIX/test.jsonl" 1
  "$PY" "$HERE/train.py" --train "$FIX/train.jsonl" --test "$FIX/test.jsonl" --out "$TMP/py_bigram" \
    --embed-dim 24 --min-freq 2 --epochs 3 --seed 5 --ngrams 2
  "$PY" - "$TMP/py_bigram/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["ngrams"] == 2 and c["embed_dim"] == 24, c
print(f"python bigram bundle: vocab {c['vocab_size']}, ngrams {c['ngrams']}, labels {c['labels']}")
EOF
  predict_compare e "$TMP/py_bigram" "$TMP/cd.in.jsonl"
}

check_f() {
  [[ -f "$TMP/cd.in.jsonl" ]] || write_inputs "$TMP/cd.in.jsonl" "$FIX/test.jsonl" 1
  "${CS[@]}" train --train "$FIX/train.jsonl" --test "$FIX/test.jsonl" --out "$TMP/cs_bigram" \
    --embed-dim 16 --min-freq 2 --epochs 2 --ngrams 2
  compare_vocab "$TMP/cs_bigram" "$FIX/train.jsonl" 2 2
  predict_compare f "$TMP/cs_bigram" "$TMP/cd.in.jsonl"
}

TITLES=(
  "a. tokenizer parity: C# tokenize vs basic_english port over spamassassin train+test"
  "b. C#-trained models/default in PyTorch (strict load) vs C# predict"
  "c. PyTorch-trained bundle (3 labels, embed 24, min_freq 4) in C# vs PyTorch"
  "d. C#-trained bundle (embed 16, min_freq 1) in PyTorch vs C# predict"
  "e. PyTorch-trained bigram bundle (ngrams 2, embed 24, min_freq 2) in C# vs PyTorch"
  "f. C#-trained bigram bundle (ngrams 2, embed 16, min_freq 2) in PyTorch vs C# predict"
)
for i in "${!CHECKS[@]}"; do
  c=${CHECKS[$i]}
  header "${TITLES[$i]}"
  t0=$(now_ms)
  set +e
  ( set -e; "check_$c" )   # a subshell outside any `if`, so set -e stays in force inside the check
  rc=$?
  set -e
  took=$(secs "$t0")
  detail=$(cat "$TMP/$c.maxdiff" 2>/dev/null || true)
  if [[ $rc -eq 0 ]]; then
    PASSED=$((PASSED + 1)); status=PASS
  else
    FAILED=$((FAILED + 1)); status=FAIL
  fi
  echo "$status ($c) in $took${detail:+; $detail}"
  SUMMARY+=("$(printf '  %-4s %s  %7s  %s' "$status" "$c" "$took" "$detail")")
done

header "summary"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $(secs "$T_START")"
echo "parity: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
