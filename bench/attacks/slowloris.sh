#!/usr/bin/env bash
# Slowloris: 500 TLS connections each send a request line and then one more header line every 10 s, never finishing
# the headers, while a probe keeps predicting over one kept-alive connection. Passes when every one is cut around
# Kestrel's RequestHeadersTimeout (30 s), the probe is answered throughout (p99 during vs without is printed), and the
# server stays up. Details: bench/attacks/attack.py.
#
#   bench/attacks/slowloris.sh [--server-dir DIR] [--connections 500] [--interval 10] [--keep-work]
#
# Without --server-dir the server is published (Release) into a temporary directory first. Exits non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/attack.py" slowloris "$@"
