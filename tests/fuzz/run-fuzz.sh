#!/bin/bash
# Run each libFuzzer binary for FUZZ_SECONDS (default 60) from its seed corpus
# tests/fuzz/corpus/<name>/. New inputs go to a scratch corpus under
# $FUZZ_OUT (default build-fuzz), never into the repository; a crash leaves
# its input in $FUZZ_OUT/artifacts/ and fails the run.
#   usage: FUZZ_SECONDS=10 tests/fuzz/run-fuzz.sh build-fuzz/fuzz_csv ...
set -u
secs=${FUZZ_SECONDS:-60}
out=${FUZZ_OUT:-build-fuzz}
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0; failed=()
mkdir -p "$out/artifacts"
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#fuzz_}
	seeds=$here/corpus/$name
	work=$out/corpus/$name
	log=$out/$name.log
	dict=()
	[ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")
	mkdir -p "$work"
	echo "=== fuzz: $name for ${secs}s"
	# -timeout: one input must not take 10 s; -rss_limit_mb: nor 2 GiB.
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$out/artifacts/$name-" "$work" "$seeds" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "    ok: ${runs:-?} inputs, corpus $(ls "$work" | wc -l) + $(ls "$seeds" | wc -l) seeds"
		pass=$((pass + 1))
	else
		echo "    FAILED (log: $log):"
		grep -E 'ERROR|invariant|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20 | sed 's/^/    /'
		fail=$((fail + 1)); failed+=("$name")
	fi
done
echo "--- fuzz: $pass fuzzers passed, $fail failed ${failed[*]:-}"
[ "$fail" = 0 ]
