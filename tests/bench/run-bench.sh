#!/bin/bash
# make bench: build the load generator and run the overhead benchmark (root).
set -euo pipefail
O=${O:-build}
exec python3 tests/bench/bench.py --tcpscope "${TCPSCOPE:-$O/tcpscope}" --loadgen "$O/tests/bench/loadgen" \
	--json "$O/bench-results.json" ${BENCH_ARGS:-}
