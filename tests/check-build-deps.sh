#!/bin/bash
# The build's first step names what is missing, in one line, before compiling anything.
# Runs make in a scratch copy of the sources with a tool or a header made to be missing.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/Makefile" "$src/bpf" "$src/core" "$src/ui" "$tmp/"
mkdir "$tmp/inc" && echo '#error not installed' > "$tmp/inc/uthash.h"
pass=0; fail=0

# expect NAME WANT MAKE-ARGS...: make fails with exactly one line on stderr naming WANT,
# and builds nothing.
expect() {
	local name=$1 want=$2; shift 2
	rm -rf "$tmp/out"
	if make -s -C "$tmp" O=out "$@" >"$tmp/stdout" 2>"$tmp/stderr"; then
		echo "FAIL $name: make succeeded"; fail=$((fail + 1)); return
	fi
	local lines msg objs
	lines=$(grep -vc '^make' "$tmp/stderr")
	msg=$(grep -v '^make' "$tmp/stderr")
	objs=$(find "$tmp/out" -name '*.o' -o -name vmlinux.h 2>/dev/null | wc -l)
	if [ "$lines" = 1 ] && [[ $msg == "tcpscope: cannot build, missing:"*"$want"*"sudo make deps"* ]] && [ "$objs" = 0 ]; then
		echo "ok   $name: $msg"; pass=$((pass + 1))
	else
		echo "FAIL $name: $lines line(s), $objs file(s) built:"; cat "$tmp/stderr"; fail=$((fail + 1))
	fi
}

expect "bpftool missing" " bpftool " BPFTOOL=/nonexistent/bpftool
expect "clang missing" " clang " CLANG=/nonexistent/clang
expect "a header missing" " uthash-dev " CFLAGS="-O2 -I$tmp/inc"
expect "the compiler missing" " /nonexistent/cc " CC=/nonexistent/cc

# With everything there the check passes and leaves its stamp (no compile needed for that).
rm -rf "$tmp/out"
if make -s -C "$tmp" O=out out/.build-deps 2>"$tmp/stderr" && [ -e "$tmp/out/.build-deps" ]; then
	echo "ok   all present"; pass=$((pass + 1))
else
	echo "FAIL all present:"; cat "$tmp/stderr"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
