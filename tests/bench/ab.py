#!/usr/bin/env python3
"""Two builds of tcpscope against each other on the rate ratio (root).

Runs make bench's rounds (tests/bench/bench.py --only rounds) in blocks,
build A's and build B's in turn (A B, B A, A B, ...), so that the host's
drift over minutes falls on both alike; keeps each block's JSON in --out
(a run that stops can be started again: blocks already there are kept);
then prints, for each mode, both medians and B's minus A's with a 95 %
bootstrap interval. A build is a tcpscope binary, or a script that execs
one (to set an environment variable or a scheduling class: `exec nice -n
10 /path/tcpscope "$@"`).

  sudo tests/bench/ab.py --a build-a/tcpscope --b build-b/tcpscope --out /tmp/ab
  tests/bench/ab.py --out /tmp/ab --summary       # the figures of a run again

On the development machine 8 blocks of 6 rounds each (48 rounds a build,
about 9 minutes) give each difference to about +/- 1.5 %; the same build in
both arms came out within that (tests/bench/FINDINGS.md, 2026-12-07, day).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ("headless", "ui", "floor")


def median_diff_ci(a, b, resamples=4000, seed=1):
    """(median(b) - median(a), low, high): the difference of the two medians
    and its 95 % percentile-bootstrap interval (each sample resampled on its
    own, a fixed seed: the same data give the same figures)."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("need at least 2 values in each arm")
    rng = random.Random(seed)
    diffs = sorted(statistics.median(rng.choices(b, k=len(b))) -
                   statistics.median(rng.choices(a, k=len(a))) for _ in range(resamples))
    cut = int(resamples * 0.025)
    return statistics.median(b) - statistics.median(a), diffs[cut], diffs[resamples - 1 - cut]


def block_order(i):
    """The builds of block i, in the order they run: A first in even blocks."""
    return ("a", "b") if i % 2 == 0 else ("b", "a")


def ratios(out, arm):
    """Each mode's rate ratios over arm's block files in out."""
    got = {m: [] for m in MODES}
    for name in sorted(os.listdir(out)):
        if not (name.startswith(arm + "-") and name.endswith(".json")):
            continue
        with open(os.path.join(out, name)) as f:
            res = json.load(f)
        for key in ("rounds", "rounds_saturated"):
            for mode, rows in (res.get(key) or {}).items():
                if mode in got:
                    got[mode] += [r["ratio"] for r in rows if r.get("ratio") is not None]
    return got


def summary(out):
    """Lines of the A/B's figures, one per mode both arms have."""
    a, b = ratios(out, "a"), ratios(out, "b")
    lines = []
    for mode in MODES:
        if len(a[mode]) < 2 or len(b[mode]) < 2:
            continue
        d, lo, hi = median_diff_ci(a[mode], b[mode])
        lines.append(f"{mode}: A {statistics.median(a[mode]):.3f} ({len(a[mode])} rounds), "
                     f"B {statistics.median(b[mode]):.3f} ({len(b[mode])} rounds), "
                     f"B - A {d:+.3f} (95 % {lo:+.3f} to {hi:+.3f})")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", help="build A: a tcpscope binary or a script that execs one")
    ap.add_argument("--b", help="build B")
    ap.add_argument("--loadgen", default=os.path.join(HERE, "..", "..", "build", "tests", "bench",
                                                      "loadgen"))
    ap.add_argument("--out", required=True, help="directory for the blocks' JSON files")
    ap.add_argument("--blocks", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=6, help="rounds a block")
    ap.add_argument("--summary", action="store_true", help="only print the figures of --out")
    ap.add_argument("bench_args", nargs="*",
                    help="after --: more bench.py arguments (default: the first load, no floor)")
    args = ap.parse_args()
    if not args.summary:
        for arm in (args.a, args.b):
            if not arm or not os.access(arm, os.X_OK):
                sys.exit(f"ab: --a and --b must be executables, not {arm!r}")
        if args.blocks < 1 or args.rounds < 1:
            sys.exit("ab: --blocks and --rounds must be at least 1")
        os.makedirs(args.out, exist_ok=True)
        extra = args.bench_args or ["--saturated", "none", "--no-floor"]
        for i in range(args.blocks):
            for arm in block_order(i):
                path = os.path.join(args.out, f"{arm}-{i:03d}.json")
                if os.path.exists(path):
                    continue
                cmd = [sys.executable, os.path.join(HERE, "bench.py"),
                       "--tcpscope", os.path.abspath(getattr(args, arm)),
                       "--loadgen", args.loadgen, "--only", "rounds",
                       "--rounds", str(args.rounds), "--json", path + ".part"] + extra
                r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                if r.returncode:
                    sys.exit(f"ab: block {i} of {arm.upper()} failed: "
                             + (r.stderr.strip().splitlines() or ["?"])[-1])
                os.replace(path + ".part", path)
                print(f"block {i + 1}/{args.blocks}: {arm.upper()} done", file=sys.stderr, flush=True)
    lines = summary(args.out)
    if not lines:
        sys.exit(f"ab: no rounds of both builds in {args.out}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
