#!/bin/sh
# Side-by-side benchmark, C# server vs Flask + PyTorch: see bench/run.py --help and docs/performance.md.
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
