#!/bin/bash
# The headless stream under valgrind memcheck: a bounded live run (real BPF)
# while loopback sessions are made, with full leak checking. Fails on any
# memory error or leak, a non-zero exit, or sessions missing from the output.
# Half the sessions are reset under an idle server, whose owner must be named.
# Suppressions: tests/valgrind.supp (documented libbpf false positives only).
#   usage: TCPSCOPE=build/tcpscope LOADGEN=build/tests/bench/loadgen tests/valgrind.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tcpscope=${TCPSCOPE:-./tcpscope}
loadgen=${LOADGEN:-build/tests/bench/loadgen}
conns=${VALGRIND_CONNS:-25}
tag=tsvg$$
tag=${tag:0:10}

echo "=== valgrind: headless stream, $conns connections"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (live BPF)"
	exit 0
fi
command -v valgrind >/dev/null || { echo "valgrind missing (.ci/install-deps installs it)"; exit 1; }
dir=$(mktemp -d /tmp/tcpscope-valgrind-XXXXXX)
vg=
cleanup() {
	[ -n "$vg" ] && kill -9 "$vg" 2>/dev/null
	rm -rf -- "$dir"
}
trap cleanup EXIT

# Only this script's sessions (their process names start with the tag).
valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
	--suppressions="$here/valgrind.supp" \
	"$tcpscope" -o csv --comm "$tag" --duration 3 >"$dir/out" 2>"$dir/err" &
vg=$!

# Start-up under valgrind takes seconds: poll for "attached" (bounded).
for _ in $(seq 600); do
	grep -q "tcpscope: attached" "$dir/err" && break
	kill -0 "$vg" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "tcpscope: attached" "$dir/err"; then
	echo "FAIL: tcpscope did not attach under valgrind:"; grep -v "unhandled eBPF" "$dir/err"
	exit 1
fi
"$loadgen" -n "$conns" -c 1 --comm-client "$tag-c" --comm-server "$tag-s" >"$dir/load" 2>&1 ||
	{ echo "FAIL: loadgen:"; cat "$dir/load"; exit 1; }
# And as many reset by the client while the server sits in read(): those
# server sessions wait for their owner (core/owner_wait.c) under memcheck.
"$loadgen" -n "$conns" -c 1 --rst --comm-client "$tag-c" --comm-server "$tag-s" >"$dir/load" 2>&1 ||
	{ echo "FAIL: loadgen --rst:"; cat "$dir/load"; exit 1; }

# --duration 3 ends it; bound the wait all the same.
for _ in $(seq 600); do
	kill -0 "$vg" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$vg" 2>/dev/null; then
	echo "FAIL: tcpscope under valgrind did not end after --duration 3"
	exit 1
fi
wait "$vg"; rc=$?; vg=
rows=$(($(wc -l <"$dir/out") - 1))
# pid_certain is the 19th column; every owner was seen.
uncertain=$(awk -F, 'NR > 1 && $19 != 1' "$dir/out" | wc -l)
summary=$(grep "ERROR SUMMARY" "$dir/err")
echo "    exit $rc, $rows sessions of $((4 * conns)), $uncertain without a certain owner; ${summary#==*== }"
if [ "$rc" != 0 ] || [ "$rows" != $((4 * conns)) ] || [ "$uncertain" != 0 ]; then
	echo "FAIL:"; grep -v "unhandled eBPF" "$dir/err"
	exit 1
fi
grep -q "All heap blocks were freed\|definitely lost: 0 bytes" "$dir/err" ||
	{ echo "FAIL: leak summary missing"; exit 1; }
echo "--- valgrind: clean"
