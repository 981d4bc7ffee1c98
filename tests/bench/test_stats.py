#!/usr/bin/env python3
"""The statistics behind make bench's verdicts (no root, no BPF): the
median's 95 % interval, the mean's, and the rate ratio's verdict; and its
--load-cpus.

Prints "N passed, N failed"; exit status 1 if any failed."""
import math
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from checks import finish, test  # noqa: E402


def below(n, k):
    """P(Binomial(n, 1/2) < k)."""
    return sum(math.comb(n, j) for j in range(k)) / 2 ** n


@test
def test_median_interval_ranks():
    # The interval is the k-th smallest and k-th largest, k the largest
    # rank with P(B < k) <= 2.5 %: 4th and 12th of 15, 17th and 32nd of 48.
    for n, k in ((6, 1), (15, 4), (48, 17), (96, 38)):
        xs = [i * 0.001 for i in range(n)]
        random.Random(n).shuffle(xs)
        lo, hi = bench.median_ci95(xs)
        assert (lo, hi) == (sorted(xs)[k - 1], sorted(xs)[n - k]), (n, lo, hi)
        assert below(n, k) <= 0.025 < below(n, k + 1), (n, k)


@test
def test_median_interval_too_few():
    # Under 6 rounds even min-max holds the median with less than 95 %.
    for n in range(6):
        assert bench.median_ci95([1.0] * n) is None, n
    assert bench.median_ci95([None, 1.0, 2.0]) is None


@test
def test_median_interval_ignores_missing():
    xs = [0.95 + 0.001 * i for i in range(15)]
    assert bench.median_ci95(xs + [None, None]) == bench.median_ci95(xs)


@test
def test_median_interval_wild_round():
    # One round off by 15 % moves the interval by one rank at most; the
    # mean's interval widens by far more.
    rng = random.Random(7)
    xs = [rng.gauss(0.975, 0.01) for _ in range(48)]
    lo, hi = bench.median_ci95(xs)
    wild = xs[:-1] + [1.13]
    lo2, hi2 = bench.median_ci95(wild)
    s = sorted(xs[:-1])
    assert s[15] <= lo2 <= s[16] and s[30] <= hi2 <= s[31], (lo, lo2, hi, hi2)
    assert bench.mean_ci95(wild)[1] > 1.5 * bench.mean_ci95(xs)[1]


@test
def test_median_interval_coverage():
    # Heavy-tailed noise (a round in ten off by 5-15 %): the interval holds
    # the true median in at least 95 % of 2,000 simulated runs of 48 rounds.
    rng = random.Random(1)
    true, hits, runs = 0.975, 0, 2000

    def draw():
        x = rng.gauss(0, 0.012)
        if rng.random() < 0.1:
            x += rng.choice((-1, 1)) * rng.uniform(0.05, 0.15)
        return true + x

    for _ in range(runs):
        lo, hi = bench.median_ci95([draw() for _ in range(48)])
        hits += lo <= true <= hi
    assert hits / runs >= 0.95, hits / runs


@test
def test_mean_interval():
    xs = [0.96, 0.97, 0.98, 0.99]
    m, h = bench.mean_ci95(xs)
    assert abs(m - 0.975) < 1e-12
    assert abs(h - 3.18 * statistics.stdev(xs) / 2) < 1e-12, h
    # 47 degrees of freedom: t of 40 (2.02), not the normal's 1.96.
    ys = [0.9 + 0.002 * i for i in range(48)]
    m, h = bench.mean_ci95(ys)
    assert abs(h - 2.02 * statistics.stdev(ys) / 48 ** 0.5) < 1e-12, h
    assert bench.mean_ci95([1.0]) is None


@test
def test_spread_text():
    # What the report prints: the median, its interval when there is one,
    # the mean; differences with their signs.
    xs = [0.95, 0.96, 0.97, 0.975, 0.98, 0.99]
    assert bench.spread(xs) == "median 0.972 (95 % 0.950–0.990), mean 0.971 ± 0.015", \
        bench.spread(xs)
    assert bench.spread([0.97, 0.98, 0.99]) == "median 0.980, mean 0.980 ± 0.025"
    assert bench.spread([-0.03, -0.02, -0.01, 0.0, 0.005, 0.01], signed=True) == \
        "median -0.005 (95 % -0.030 to +0.010), mean -0.007 ± 0.016"
    assert bench.spread([1.0]) is None and bench.spread([None, None]) is None


@test
def test_rounds_report_pairs():
    # The report's paired lines: each mode against the floor, and the
    # monitor against the stream, round by round (the ui 0.01 under the
    # headless run in every round but one).
    import contextlib
    import io
    def row(ratio):
        return {"ratio": ratio, "reported": 100, "expected": 100, "missed": 0,
                "bpf_ns_per_run": 100.0, "cpu_us_per_session": 0.2, "peak_rss": 2**24,
                "attach_s": 0.05}
    heads = [0.95, 0.96, 0.97, 0.98, 0.99, 1.00]
    uis = [h - 0.01 for h in heads[:-1]] + [heads[-1] + 0.02]
    rounds = {"none": [{"rate": 20000.0, "idle": 0.25}] * 6,
              "headless": [row(h) for h in heads], "ui": [row(u) for u in uis],
              "floor": [row(1.0)] * 6}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench.print_rounds(None, rounds)
    text = out.getvalue()
    assert "ui minus headless, paired by round: median -0.010 (95 % -0.010 to +0.020)" in text, text
    assert "headless minus floor, paired by round: median -0.025" in text, text


@test
def test_ratio_verdict():
    assert bench.ratio_verdict((0.970, 0.99)) == "met"
    assert bench.ratio_verdict((0.972, 1.003)) == "met"
    assert bench.ratio_verdict((0.95, 0.969)) == "not met"
    assert bench.ratio_verdict((0.964, 0.985)).startswith("undecided")
    assert bench.ratio_verdict(None).startswith("undecided")


@test
def test_rounds_to_decide():
    # 144 rounds spread evenly over 0.940-1.0115, median 0.976: the interval
    # holds 0.97; halving the gap's share of it takes four times the rounds.
    xs = [0.940 + 0.0005 * i for i in range(144)]
    iv = bench.median_ci95(xs)
    med = statistics.median(xs)
    assert iv[0] < 0.97 < iv[1], iv
    n = bench.rounds_to_decide(xs)
    half = (iv[1] - iv[0]) / 2
    assert n == math.ceil(144 * (half / (med - 0.97)) ** 2), n
    assert n > 144, n
    # The verdict says it; a decided ratio says nothing more.
    v = bench.ratio_row_verdict(xs)
    assert v == f"undecided (the interval holds it; about {n} rounds may decide it)", v
    assert bench.ratio_row_verdict([0.98 + 0.0001 * i for i in range(48)]) == "met"
    assert bench.ratio_row_verdict([0.90 + 0.0001 * i for i in range(48)]) == "not met"
    # A median on the target: no number of rounds decides it.
    on = [0.97 + 0.001 * (i - 24) for i in range(49)]
    assert bench.rounds_to_decide(on) is None
    assert bench.ratio_row_verdict(on).endswith("the median is on the target)"), \
        bench.ratio_row_verdict(on)
    # Too few rounds for an interval: nothing to scale.
    assert bench.rounds_to_decide([0.96, 0.98, 0.99]) is None


@test
def test_load_cpus():
    # The default: the server on CPU 0, the client on CPU 1; one CPU: both on 0.
    assert bench.load_cpus("0/1", 2) == ("0", "1")
    assert bench.load_cpus("0/1", 1) == ("0", "0")
    assert bench.load_cpus("0-1/1", 4) == ("0-1", "1")
    assert bench.load_cpus("0,2/1-3", 4) == ("0,2", "1-3")
    # make's BENCH_ARGS may pass the quotes of an empty word.
    for none in ("none", "NONE", "", "''", '""'):
        assert bench.load_cpus(none, 2) is None, none
    for bad, says in (("0", "SERVER/CLIENT"), ("0/1/2", "SERVER/CLIENT"), ("a/1", "SERVER/CLIENT"),
                      ("0,/1", "SERVER/CLIENT"), ("0/-1", "SERVER/CLIENT"),
                      ("0/2", "CPUs 0..1"), ("0/1-0", "not a range of CPUs"), ("5/1", "CPUs 0..1")):
        try:
            bench.load_cpus(bad, 2)
        except ValueError as e:
            assert says in str(e), (bad, str(e))
        else:
            raise AssertionError(f"{bad!r} accepted")


if __name__ == "__main__":
    finish()
