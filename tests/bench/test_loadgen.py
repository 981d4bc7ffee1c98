#!/usr/bin/env python3
"""make bench's load generator (tests/bench/loadgen; LOADGEN names it): its
totals, the CPUs its two sides are kept on (--server-cpus, --client-cpus),
and its one-line errors. Loopback only; no root needed.

Prints "N passed, N failed"; exit status 1 if any failed."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from checks import finish, test  # noqa: E402

LOADGEN = os.environ.get("LOADGEN") or os.path.join(HERE, "..", "..", "build", "tests", "bench",
                                                    "loadgen")


def children(pid):
    """The child processes of pid (from every thread's children list)."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return kids


def threads_cpus(pid):
    """{thread id: (its name, the CPUs it may run on)} for every thread of pid."""
    out = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
            out[int(tid)] = (st["Name"], st["Cpus_allowed_list"])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


@test
def test_totals_exact():
    out = subprocess.run([LOADGEN, "--json", "-n", "300", "-s", "123", "-S", "4567", "-c", "3"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["connections_ok"] == 300 and r["server_connections_ok"] == 300, r
    assert r["connections_failed"] == 0, r
    assert r["bytes_c2s_total"] == 300 * 123 and r["bytes_s2c_total"] == 300 * 4567, r
    assert r["conn_per_s"] > 0, r


@test
def test_sides_kept_on_their_cpus():
    ncpu = os.cpu_count() or 1
    srv, cli = "0", str(ncpu - 1)
    p = subprocess.Popen([LOADGEN, "--json", "--duration", "2", "-r", "200", "-c", "3", "-w", "2",
                          "--server-cpus", srv, "--client-cpus", cli],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = {}
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        for kid in children(p.pid):
            seen.update(threads_cpus(kid))
        # both sides and all their threads (2 server, 3 client)
        names = [n for n, _ in seen.values()]
        if names.count("loadgen-srv") >= 2 and names.count("loadgen-cli") >= 3:
            break
        time.sleep(0.05)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    r = json.loads(out)
    assert r["connections_failed"] == 0 and r["connections_ok"] > 0, r
    names = [n for n, _ in seen.values()]
    assert names.count("loadgen-srv") >= 2 and names.count("loadgen-cli") >= 3, seen
    for tid, (name, cpus) in seen.items():
        want = srv if name == "loadgen-srv" else cli
        assert cpus == want, f"thread {tid} ({name}) may run on {cpus}, not {want}"


@test
def test_sides_anywhere_by_default():
    p = subprocess.Popen([LOADGEN, "--duration", "1", "-r", "100"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open("/proc/self/status") as f:
        mine = [line.split(":\t")[1].strip() for line in f if line.startswith("Cpus_allowed_list")][0]
    seen = {}
    end = time.monotonic() + 0.8
    while time.monotonic() < end and len(seen) < 2:
        for kid in children(p.pid):
            seen.update(threads_cpus(kid))
        time.sleep(0.05)
    p.communicate(timeout=60)
    assert p.returncode == 0
    assert seen, "no side seen"
    for tid, (name, cpus) in seen.items():
        assert cpus == mine, f"thread {tid} ({name}) may run on {cpus}, not {mine} as its parent"


@test
def test_bad_cpu_lists():
    ncpu = os.cpu_count() or 1
    for flag, val, says in (("--server-cpus", str(ncpu), "this machine has CPUs 0.."),
                            ("--client-cpus", "99", "this machine has CPUs 0.."),
                            ("--server-cpus", "0-x", "is not a list of CPUs"),
                            ("--server-cpus", "1-0", "is not a list of CPUs"),
                            ("--client-cpus", "", "is not a list of CPUs"),
                            ("--client-cpus", "0,", "is not a list of CPUs"),
                            ("--client-cpus", ",0", "is not a list of CPUs"),
                            ("--server-cpus", "-1", "is not a list of CPUs"),
                            ("--server-cpus", "99999999999999999999", "this machine has CPUs 0..")):
        out = subprocess.run([LOADGEN, "-n", "1", flag, val], capture_output=True, text=True,
                             timeout=30)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2, f"{flag} {val!r}: exit {out.returncode}"
        assert len(lines) == 1 and lines[0].startswith(f"loadgen: {flag}: ") and says in lines[0], \
            f"{flag} {val!r}: {out.stderr!r}"
        assert out.stdout == "", f"{flag} {val!r}: printed {out.stdout!r}"


if __name__ == "__main__":
    finish()
