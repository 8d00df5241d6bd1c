#!/usr/bin/env bash
# A real Prometheus against a real server: installs Debian's `prometheus` if it is missing (as root), checks the
# shipped alerting rules, publishes and starts the server on 127.0.0.1 with Metrics:Port, starts Prometheus scraping
# it every second (the shipped scrape config, with the ports and interval of this run), drives steady /predict
# traffic with deploy/prometheus/traffic.py, then runs the PromQL an operator would (p99 latencies, texts per label,
# rejections by reason, batching), compares the per-label rate with what was sent, and runs every query of the Grafana
# dashboard (deploy/grafana/textclf-dashboard.json). Finally
# `promtool check metrics` lints a scrape. Everything it starts is stopped by PID on exit.
#
#   deploy/prometheus/check.sh [--server-dir DIR] [--seconds N] [--rate N]
#
# --server-dir: an already published server (Server.dll) instead of publishing src/Server (Release) to a temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
server_dir="" seconds=75 rate=60
while [ $# -gt 0 ]; do
  case "$1" in
    --server-dir) server_dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "usage: $0 [--server-dir DIR] [--seconds N] [--rate N]" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's prometheus package"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null
  else
    echo "error: prometheus and promtool are needed: apt-get install prometheus" >&2
    exit 1
  fi
fi

work=$(mktemp -d -t textclf-prometheus-XXXXXX)
server_pid="" prometheus_pid=""
cleanup() {
  for pid in $prometheus_pid $server_pid; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

say "promtool check rules deploy/prometheus/alerts.yml"
promtool check rules "$here/alerts.yml"

if [ -z "$server_dir" ]; then
  say "publishing src/Server (Release)"
  dotnet publish "$repo/src/Server" -c Release -o "$work/server" >"$work/publish.log" 2>&1 || { tail -20 "$work/publish.log"; exit 1; }
  server_dir=$work/server
fi
https_port=$(free_port) metrics_port=$(free_port) prometheus_port=$(free_port)
say "starting the server: https://127.0.0.1:$https_port, metrics on http://127.0.0.1:$metrics_port/metrics"
(cd "$work" && exec dotnet "$server_dir/Server.dll" --urls "https://127.0.0.1:$https_port" --Metrics:Port="$metrics_port" \
  --Tls:CertificateDirectory="$work/tls" --Model:Path="$repo/models/default" >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 600); do
  curl -sf --cacert "$work/tls/cert.pem" "https://127.0.0.1:$https_port/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
curl -sf --cacert "$work/tls/cert.pem" "https://127.0.0.1:$https_port/health" >/dev/null

# The shipped scrape config with this run's target and a 1 s interval, so that a minute of traffic is enough.
sed -e "s/127.0.0.1:9464/127.0.0.1:$metrics_port/" -e "s/scrape_interval: 15s/scrape_interval: 1s/" \
  -e "s/evaluation_interval: 15s/evaluation_interval: 1s/" -e "s#- alerts.yml#- $here/alerts.yml#" \
  "$here/prometheus.yml" >"$work/prometheus.yml"
promtool check config "$work/prometheus.yml" >/dev/null
say "starting $(prometheus --version 2>&1 | head -1) on 127.0.0.1:$prometheus_port"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$prometheus_port/-/ready" >/dev/null 2>&1 && break
  kill -0 "$prometheus_pid" 2>/dev/null || { cat "$work/prometheus.log"; exit 1; }
  sleep 0.1
done

say "traffic: $rate predictions/s over 4 connections and one invalid body per second, for $seconds s"
sent=$(/usr/bin/python3 "$here/traffic.py" --port "$https_port" --cacert "$work/tls/cert.pem" --seconds "$seconds" --rate "$rate")
echo "$sent"
sleep 3 # the last scrapes

say "PromQL at the end of the traffic (http://127.0.0.1:$prometheus_port/api/v1/query)"
SENT=$sent PROMETHEUS="http://127.0.0.1:$prometheus_port" DASHBOARD="$repo/deploy/grafana/textclf-dashboard.json" /usr/bin/python3 - <<'PY'
import json, os, sys, urllib.parse, urllib.request

sent = json.loads(os.environ["SENT"])
base, at = os.environ["PROMETHEUS"], sent["end"]

def query(promql):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql, "time": f"{at:.3f}"})
    with urllib.request.urlopen(url) as response:
        result = json.load(response)["data"]["result"]
    return [({k: v for k, v in r["metric"].items() if k != "__name__"}, float(r["value"][1])) for r in result]

def show(title, promql, unit=""):
    print(f"\n{title}\n  {promql}")
    rows = query(promql)
    if not rows:
        print("  (no data)")
    for labels, value in sorted(rows, key=lambda r: sorted(r[0].items())):
        shown = "NaN (no requests in the window)" if value != value else f"{value * 1000:.3f} ms" if unit == "ms" else f"{value:.4g}"
        print(f"  {json.dumps(labels) if labels else '':<40} {shown}")
    return rows

failed = False
forward = show("p99 of one batched forward", "histogram_quantile(0.99, sum by (le) (rate(textclf_inference_duration_seconds_bucket[1m])))", "ms")
routes = show("p99 of HTTP requests by route", "histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[1m])))", "ms")
show("p99 of the wait in the inference queue", "histogram_quantile(0.99, sum by (le) (rate(textclf_queue_duration_seconds_bucket[1m])))", "ms")
rates = show("texts per second by predicted label", "sum by (label) (rate(textclf_texts_total[1m]))")
show("requests refused per second by reason", "sum by (reason) (rate(textclf_rejected_total[1m]))")
show("mean texts per forward", "sum(rate(textclf_batch_size_sum[1m])) / sum(rate(textclf_batch_size_count[1m]))")
show("mean share of <unk> tokens", "sum(rate(textclf_unknown_token_ratio_sum[1m])) / sum(rate(textclf_unknown_token_ratio_count[1m]))")
show("texts waiting now (queue saturation)", "max(textclf_queue_texts)")
show("model served", "textclf_model_info")
for title, values in [("p99 of a forward", [v for _, v in forward]), ("p99 of /predict", [v for l, v in routes if l.get("http_route") == "/predict"])]:
    if len(values) != 1 or not 0 < values[0] < float("inf"):
        print(f"FAILED: the {title} is not a number: {values}")
        failed = True

dashboard = json.load(open(os.environ["DASHBOARD"]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
empty = [e for e in exprs if not query(e.replace("$job", ".*").replace("$instance", ".*").replace("$__rate_interval", "1m"))]
print(f"\nGrafana dashboard deploy/grafana/textclf-dashboard.json: {len(exprs) - len(empty)} of {len(exprs)} queries return data")
for e in empty:
    print(f"  no data: {e}")

print(f"\nsum by (label) (rate(textclf_texts_total[1m])) vs what was answered in the last {sent['window']:.0f} s of traffic:")
window = sent["window"]
for label in sorted(set(sent["answers_in_window"]) | {l["label"] for l, _ in rates}):
    expected = sent["answers_in_window"].get(label, 0) / window
    got = next((v for l, v in rates if l["label"] == label), 0.0)
    ratio = got / expected if expected else float("nan")
    ok = expected > 0 and abs(ratio - 1) <= 0.05
    failed |= not ok
    print(f"  {label:<6} PromQL {got:8.3f}/s   sent {expected:8.3f}/s   ratio {ratio:.3f}   {'MATCH' if ok else 'MISMATCH'}")
invalid = next((v for l, v in query("sum by (reason) (rate(textclf_rejected_total[1m]))") if l.get("reason") == "invalid"), 0.0)
print(f"  invalid PromQL {invalid:8.3f}/s   sent {sent['invalid_in_window'] / window:8.3f}/s")
sys.exit(1 if failed else 0)
PY

say "promtool check metrics (a scrape of http://127.0.0.1:$metrics_port/metrics)"
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/scrape.txt"
echo "$(grep -c '^[a-z]' "$work/scrape.txt") samples in $(grep -c '^# TYPE' "$work/scrape.txt") metric families"
if problems=$(promtool check metrics <"$work/scrape.txt" 2>&1) && [ -z "$problems" ]; then
  echo "promtool check metrics: no problems"
else
  echo "promtool check metrics reported:"; echo "$problems"; exit 1
fi
