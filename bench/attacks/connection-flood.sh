#!/usr/bin/env bash
# Connection flood: the published server under `prlimit --nofile=1200` gets 1500 idle TLS connections while a probe
# keeps predicting over one kept-alive connection. Passes when the connections past the server's cap are refused, the
# server stays up and keeps answering (probe p99 during vs without is printed), idle connections are closed after the
# keep-alive timeout, and new clients are answered once the flood is gone. Details: bench/attacks/attack.py.
#
#   bench/attacks/connection-flood.sh [--server-dir DIR] [--nofile 1200] [--connections 1500] [--keep-work]
#
# Without --server-dir the server is published (Release) into a temporary directory first. Exits non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/attack.py" flood "$@"
