#!/usr/bin/env bash
# Stalled uploads: 300 connections each declare Content-Length: 1048576, send 1 MiB - 1 byte and then nothing, while a
# probe keeps predicting over one kept-alive connection. Passes when every upload is answered 408 at
# Server:RequestBodyTimeout (30 s) and closed, the probe never fails (p99 during vs without is printed), and the
# server's RSS settles back within 10 % of its level before the attack. Details: bench/attacks/attack.py.
#
#   bench/attacks/stalled-uploads.sh [--server-dir DIR] [--connections 300] [--timeout 00:00:30] [--keep-work]
#
# Without --server-dir the server is published (Release) into a temporary directory first. Exits non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/attack.py" stall "$@"
