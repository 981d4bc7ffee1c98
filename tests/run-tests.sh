#!/bin/bash
# Run test binaries of one suite; print each one's output and a closing summary line.
suite=$1; shift
pass=0; fail=0; failed=()
for t in "$@"; do
	echo "=== $suite: $(basename "$t")"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$(basename "$t")"); fi
done
echo "--- $suite suite: $pass binaries passed, $fail failed ${failed[*]}"
[ $fail = 0 ]
