#!/usr/bin/env bash
# Smoke test of the published server, for machines without Docker. Keep in step with the Dockerfile: the same
# `dotnet publish` command (self-contained, composite ReadyToRun), and the same start (the `Server` executable from
# the publish directory, as WORKDIR /app).
#
#   scripts/publish-smoke.sh [MODEL_DIR]
#
# Publishes into a temporary directory, starts the published server on a free loopback port with a fresh
# certificate directory, waits for GET /health to answer 200 over HTTPS (curl --cacert with the generated
# certificate), checks GET /health, GET /model, POST /predict (one text, a batch, a bad body) and the --healthcheck
# mode the image's HEALTHCHECK uses, then stops the server. Exits non-zero on any failure.
# The model is MODEL_DIR, else $SMOKE_MODEL, else the published models/default, else one trained on the repository's
# data with the CLI. Honours TEXTCLF_ARTIFACTS (a separate build output directory) like every build here.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/textclf-smoke.XXXXXX")
publish=$work/app
certs=$work/certs
log=$work/server.log
pid=

cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "publish-smoke: FAIL: $*" >&2
    if [[ -f $log ]]; then
        echo "--- server log ---" >&2
        cat "$log" >&2
    fi
    exit 1
}

step() { echo "publish-smoke: $*"; }

step "publishing to $publish"
# Same command as the Dockerfile's build stage.
dotnet publish "$repo/src/Server/Server.csproj" -c Release -r linux-x64 -o "$publish" >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; fail "dotnet publish failed"; }
[[ -x $publish/Server && -f $publish/appsettings.json && -f $publish/libtorch_cpu.so ]] || fail "publish output lacks the Server executable, appsettings.json or libtorch"
# Self-contained with one composite ReadyToRun image of the app and the frameworks (src/Server/Server.csproj): the
# runtime-deps image has no dotnet and no shared framework to fall back on.
[[ -f $publish/libcoreclr.so && -f $publish/Microsoft.AspNetCore.dll ]] || fail "publish output is not self-contained (no libcoreclr.so or Microsoft.AspNetCore.dll)"
[[ -f $publish/Server.r2r.dll ]] || fail "publish output has no composite ReadyToRun image (Server.r2r.dll)"
if ls "$publish" | grep -qiE '\.dylib$|^torch_cpu\.dll$'; then fail "publish output carries non-linux natives"; fi

model=${1:-${SMOKE_MODEL:-}}
if [[ -z $model && ! -f $publish/models/default/config.json ]]; then
    model=$work/model
    step "no models/default in the publish output: training a small model into $model"
    dotnet run --project "$repo/src/Cli" -- train --train "$repo/data/spamassassin/train.jsonl.gz" --test "$repo/data/spamassassin/test.jsonl.gz" \
        --out "$model" --epochs 2 >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; fail "training a model failed"; }
fi

step "starting the published server${model:+ with model $model}"
started=$(date +%s.%N)
# Same start as the image: the Server executable from the app directory (the runtime-deps image has no dotnet).
(cd "$publish" && exec ./Server --urls "https://127.0.0.1:0" --Tls:CertificateDirectory="$certs" ${model:+"--Model:Path=$model"}) >"$log" 2>&1 &
pid=$!

url=
for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || fail "the server exited during startup"
    url=$(sed -n 's/.*Now listening on: \(https:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$log" | head -n 1)
    [[ -n $url ]] && break
    sleep 0.1
done
[[ -n $url ]] || fail "the server did not report its address within 60 s"
[[ -f $certs/cert.pem ]] || fail "no generated certificate in $certs"

get() { curl -sS --max-time 10 --cacert "$certs/cert.pem" -o "$work/body" -w '%{http_code}' "$@"; }

status=
for _ in $(seq 1 600); do
    status=$(get "$url/health" 2>/dev/null || true)
    [[ $status == 200 ]] && break
    sleep 0.1
done
[[ $status == 200 ]] || fail "GET /health answered $status, not 200, within 60 s"
healthy=$(date +%s.%N)
grep -q '"status":"Healthy"' "$work/body" || fail "GET /health body: $(cat "$work/body")"
step "healthy over HTTPS (curl --cacert) at $url, $(awk -v a="$started" -v b="$healthy" 'BEGIN { printf "%.2f", b - a }') s after launch"

[[ $(get "$url/model") == 200 ]] || fail "GET /model: $(cat "$work/body")"
labels=$(grep -o '"labels":\[[^]]*\]' "$work/body") || fail "GET /model has no labels: $(cat "$work/body")"

[[ $(get -X POST "$url/predict" -H 'Content-Type: application/json' -d '{"text":"Congratulations! You won a free prize, click here to claim it now"}') == 200 ]] \
    || fail "POST /predict (one text): $(cat "$work/body")"
label=$(sed -n 's/^{"label":"\([^"]*\)".*/\1/p' "$work/body")
[[ -n $label && $labels == *"\"$label\""* ]] || fail "POST /predict answered a label outside $labels: $(cat "$work/body")"
grep -q '"probabilities":{' "$work/body" || fail "POST /predict has no probabilities: $(cat "$work/body")"

[[ $(get -X POST "$url/predict" -H 'Content-Type: application/json' -d '{"texts":["see you at the meeting","free money now"]}') == 200 ]] \
    || fail "POST /predict (batch): $(cat "$work/body")"
[[ $(grep -o '"label"' "$work/body" | wc -l) -eq 2 ]] || fail "POST /predict (batch) did not answer two predictions: $(cat "$work/body")"

[[ $(get -X POST "$url/predict" -H 'Content-Type: application/json' -d '{"text":') == 400 ]] || fail "a truncated body was not answered 400"
grep -q '"status":400' "$work/body" || fail "the 400 is not a problem document: $(cat "$work/body")"

(cd "$publish" && ./Server --healthcheck --urls "$url") >"$work/probe.log" 2>&1 || { cat "$work/probe.log" >&2; fail "the --healthcheck mode failed"; }

kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
step "OK: publish, HTTPS health, model, predict, 400 and --healthcheck all passed"
