#!/usr/bin/env python3
"""tests/bench/ab.py without root or BPF: the difference of two medians and
its bootstrap interval, the blocks' order, the summary of a run's JSON
files, and the command line's errors.

Prints "N passed, N failed"; exit status 1 if any failed."""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ab  # noqa: E402
from checks import finish, test  # noqa: E402

AB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ab.py")


def noisy(center, n, seed):
    rng = random.Random(seed)
    return [center + rng.gauss(0, 0.02) for _ in range(n)]


@test
def test_no_difference_holds_zero():
    # The same rounds in both arms, in another order: no difference, and
    # an interval about it as wide as 48 rounds of sd 0.02 give (+/- 0.01).
    a = noisy(0.97, 48, 1)
    b = a[:]
    random.Random(2).shuffle(b)
    d, lo, hi = ab.median_diff_ci(a, b)
    assert d == 0 and lo < 0 < hi, (d, lo, hi)
    assert 0.005 < hi - lo < 0.03, (lo, hi)


@test
def test_a_shift_is_found():
    a = noisy(0.97, 48, 3)
    b = [x - 0.02 for x in noisy(0.97, 48, 4)]
    d, lo, hi = ab.median_diff_ci(a, b)
    assert hi < 0, (d, lo, hi)
    assert -0.035 < d < -0.005, d
    # exact when the two arms are the same values moved
    d, lo, hi = ab.median_diff_ci(a, [x + 0.05 for x in a])
    assert abs(d - 0.05) < 1e-12 and lo > 0, (d, lo, hi)


@test
def test_same_data_same_figures():
    a, b = noisy(1.0, 20, 5), noisy(1.0, 20, 6)
    assert ab.median_diff_ci(a, b) == ab.median_diff_ci(a, b)


@test
def test_too_few():
    for a, b in (([], [1.0, 2.0]), ([1.0], [1.0, 2.0]), ([1.0, 2.0], [1.0])):
        try:
            ab.median_diff_ci(a, b)
        except ValueError:
            continue
        raise AssertionError(f"no error for {a} {b}")


@test
def test_blocks_alternate():
    assert [ab.block_order(i) for i in range(4)] == [("a", "b"), ("b", "a")] * 2


def write_block(d, name, headless, ui=None):
    rounds = {"headless": [{"ratio": x} for x in headless], "none": [{"rate": 1.0}]}
    if ui is not None:
        rounds["ui"] = [{"ratio": x} for x in ui]
    with open(os.path.join(d, name), "w") as f:
        json.dump({"rounds": rounds, "rounds_saturated": None}, f)


@test
def test_summary_of_a_run():
    with tempfile.TemporaryDirectory() as d:
        write_block(d, "a-000.json", [0.96, 0.97, 0.98], [0.95, 0.96, 0.97])
        write_block(d, "a-001.json", [0.97, 0.97, 0.97], [0.96, 0.96, 0.96])
        write_block(d, "b-000.json", [0.99, 1.00, 1.01])    # no ui in B
        write_block(d, "b-001.json", [1.00, 1.00, 1.00])
        write_block(d, "a-002.json.part", [0.10, 0.10, 0.10])  # a block cut short
        write_block(d, "notes.json", [0.10, 0.10, 0.10])
        lines = ab.summary(d)
        assert len(lines) == 1, lines   # ui only in A: not compared
        assert lines[0].startswith("headless: A 0.970 (6 rounds), B 1.000 (6 rounds), B - A +0.030"), \
            lines[0]


@test
def test_command_line_errors():
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, AB, "--out", d, "--summary"], capture_output=True,
                           text=True)
        assert r.returncode == 1 and "no rounds of both builds" in r.stderr, (r.returncode, r.stderr)
        r = subprocess.run([sys.executable, AB, "--out", d, "--a", "/nonexistent", "--b",
                            "/bin/true"], capture_output=True, text=True)
        assert r.returncode == 1 and "must be executables" in r.stderr, (r.returncode, r.stderr)
        assert r.stderr.count("\n") == 1, r.stderr
        r = subprocess.run([sys.executable, AB, "--out", d, "--a", "/bin/true", "--b",
                            "/bin/true", "--blocks", "0"], capture_output=True, text=True)
        assert r.returncode == 1 and "at least 1" in r.stderr, (r.returncode, r.stderr)
        write_block(d, "a-000.json", [0.96, 0.97, 0.98])
        write_block(d, "b-000.json", [0.99, 1.00, 1.01])
        r = subprocess.run([sys.executable, AB, "--out", d, "--summary"], capture_output=True,
                           text=True)
        assert r.returncode == 0 and r.stdout.startswith("headless: A 0.970"), (r.returncode,
                                                                               r.stdout)


if __name__ == "__main__":
    finish()
