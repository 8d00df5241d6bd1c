#!/usr/bin/env bash
# CI check of the Kubernetes manifests, offline: renders the base, the tls-secret overlay, the KServe example and the
# KServe V2 serving runtime (deploy/kserve) with
# `kubectl kustomize`, validates every object (and the model-publisher pod in tools/) against the Kubernetes API schemas (validate/validate.mjs: the
# kubernetes-models schema validators plus a tsc type check against kubernetes-types, which rejects unknown fields),
# and checks that deliberately broken copies fail. Prints "kubernetes: N passed, M failed"; exits 1 on any failure.
# Needs kubectl (kustomize is built in), node and npm; installs kubectl with apt-get where it is missing and allowed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/textclf-k8s-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "kubernetes: ok   $1"; }
fail() { failed=$((failed + 1)); echo "kubernetes: FAIL $1"; [ -s "$work/out" ] && sed 's/^/    /' "$work/out"; }
finish() { echo "kubernetes: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if ! command -v kubectl >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl; } >/dev/null 2>&1 || true
fi
for tool in kubectl node npm; do
    command -v "$tool" >/dev/null || { : >"$work/out"; fail "$tool is not installed"; finish; }
done
if ! (cd "$here/validate" && npm ci --no-audit --no-fund --loglevel=error) >"$work/out" 2>&1; then
    fail "npm ci in deploy/kubernetes/validate"
    finish
fi

# render NAME DIR: kubectl kustomize DIR into $work/NAME.yaml
render() {
    if kubectl kustomize "$2" >"$work/$1.yaml" 2>"$work/out"; then ok "kubectl kustomize ${2#"$repo/"}"; else fail "kubectl kustomize ${2#"$repo/"}"; return 1; fi
}

# Validate what users apply: the base (as deploy/kubernetes renders it), the overlay and the KServe example.
if render base "$here" && render tls-secret "$here/overlays/tls-secret" && render kserve "$here/kserve" && render kserve-v2 "$repo/deploy/kserve"; then
    if node "$here/validate/validate.mjs" "$work/base.yaml" "$work/tls-secret.yaml" "$work/kserve.yaml" "$work/kserve-v2.yaml" "$here/tools/model-publisher.yaml" >"$work/out" 2>&1; then
        cat "$work/out"
        ok "schema validation of $(grep -c '^ok' "$work/out") rendered objects"
    else
        fail "schema validation"
    fi
fi

# The validator must catch mistakes: each broken copy must render and then fail validation, naming the problem.
# broken NAME FILE SED-EXPRESSION EXPECTED-TEXT
broken() {
    local copy="$work/broken-$1"
    mkdir -p "$copy"
    cp -R "$here/base" "$here/components" "$here/overlays" "$here/kserve" "$here/kustomization.yaml" "$copy/"
    sed -i "$3" "$copy/$2"
    if cmp -s "$here/$2" "$copy/$2"; then : >"$work/out"; fail "broken copy '$1': the edit changed nothing"; return; fi
    local dir="$copy"; [ "${2%%/*}" = kserve ] && dir="$copy/kserve"
    if ! kubectl kustomize "$dir" >"$work/broken.yaml" 2>"$work/out"; then fail "broken copy '$1' does not render"; return; fi
    if node "$here/validate/validate.mjs" "$work/broken.yaml" >"$work/out" 2>&1; then
        fail "broken copy '$1' passed validation"
    elif grep -q -- "$4" "$work/out"; then
        ok "broken copy '$1' is rejected ($(grep -m1 -- "$4" "$work/out" | sed 's/^ *//'))"
    else
        fail "broken copy '$1' failed without naming '$4'"
    fi
}
broken misspelt-field base/deployment.yaml 's/readinessProbe:/readinesProbe:/' readinesProbe
broken wrong-type base/hpa.yaml 's/averageUtilization: 70/averageUtilization: "70%"/' averageUtilization
broken bad-enum base/service.yaml 's/protocol: TCP/protocol: TPC/' protocol
broken kserve-misspelt-field kserve/inferenceservice.yaml 's/minReplicas: 0/minReplica: 0/' minReplica

# The same for the V2 serving runtime (deploy/kserve, outside this directory).
# broken_v2 NAME FILE SED-EXPRESSION EXPECTED-TEXT
broken_v2() {
    local copy="$work/broken-$1"
    mkdir -p "$copy"
    cp -R "$repo/deploy/kserve/." "$copy/"
    sed -i "$3" "$copy/$2"
    if cmp -s "$repo/deploy/kserve/$2" "$copy/$2"; then : >"$work/out"; fail "broken copy '$1': the edit changed nothing"; return; fi
    if ! kubectl kustomize "$copy" >"$work/broken.yaml" 2>"$work/out"; then fail "broken copy '$1' does not render"; return; fi
    if node "$here/validate/validate.mjs" "$work/broken.yaml" >"$work/out" 2>&1; then
        fail "broken copy '$1' passed validation"
    elif grep -q -- "$4" "$work/out"; then
        ok "broken copy '$1' is rejected ($(grep -m1 -- "$4" "$work/out" | sed 's/^ *//'))"
    else
        fail "broken copy '$1' failed without naming '$4'"
    fi
}
broken_v2 runtime-misspelt-field clusterservingruntime.yaml 's/protocolVersions:/protocolVersion:/' protocolVersion
broken_v2 runtime-bad-protocol clusterservingruntime.yaml 's/- v2$/- v3/' '"v3"'
broken_v2 runtime-wrong-type clusterservingruntime.yaml 's/containerPort: 8080/containerPort: "8080"/' containerPort
broken_v2 isvc-misspelt-model inferenceservice.yaml 's/modelFormat:/modelFormats:/' modelFormats

finish
