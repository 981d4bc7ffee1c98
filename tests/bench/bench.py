#!/usr/bin/env python3
"""tcpscope overhead benchmark: the same loopback load with and without tcpscope.

Rounds are interleaved (no tracer, headless stream, no tracer, full-screen UI
in a tmux pane, no tracer; the two traced modes swap places each round) and
repeated; the report gives medians and min-max. For each traced mode:
connection rate as a ratio to the mean of the untraced runs just before and
after it, sessions reported vs expected and missed, BPF ns per
tracepoint run (kernel.bpf_stats_enabled, on only for a second, shorter
load under the same tracer after the measured one, restored afterwards), tcpscope's
user+sys CPU per session, peak RSS and launch-to-attached time. Then a
--history sweep (RSS bounded by the history), a long run (RSS flat), and the
UI's key-to-redraw latency under maximum load (through a tmux control client,
and through a tmux process per command).

Needs root (BPF). Run through `make bench`.
"""
import argparse
import atexit
import ctypes
import json
import math
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def free_port():
    import socket
    for port in range(31000, 32000):
        ok = True
        for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            s = socket.socket(fam)
            try:
                s.bind((addr, port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
    raise RuntimeError("no free port")


def proc_cpu_s(pid):
    """user+sys CPU of all the process's threads, in ns resolution (schedstat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def proc_switches(pid):
    """Context switches of all the process's threads: each is a wake-up
    (a thread that sleeps, or is made to give up its CPU)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    total += int(line.split()[1])
    return total


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


LIBC = ctypes.CDLL(None, use_errno=True)
NR_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_PROG_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD = 13, 15
PROG_INFO_RUN_TIME = 192       # offsetof(struct bpf_prog_info, run_time_ns); run_cnt follows


def bpf_call(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = LIBC.syscall(NR_BPF, cmd, buf, 128)
    if r < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return r


def tracer_prog_fds():
    """fds of tcpscope's tracepoint programs, found by name with bpftool.

    The iterators (start-up seeding, the periodic sweep) are left out: the
    sweep visits every TCP socket, TIME_WAIT ones included, in a few ns
    each, which would pull the average per tracepoint run down. Called
    before the load starts: bpftool's own CPU (a few ms) must not land in a
    measured run."""
    progs = json.loads(sh(["bpftool", "prog", "show", "-j"]))
    return [bpf_call(BPF_PROG_GET_FD_BY_ID, struct.pack("=III", p["id"], 0, 0)) for p in progs
            if p.get("name", "").startswith(("tcpscope_state", "tcpscope_destroy",
                                             "tcpscope_floor"))]


def bpf_stats(fds):
    """(run_time_ns, run_cnt) summed over the programs: one bpf() call each,
    no process started (this runs in the middle of a measured run)."""
    t = c = 0
    for fd in fds:
        # Zeroed for each call: the kernel takes the counts and pointers
        # already in it as where to copy arrays (map ids and the like).
        info = ctypes.create_string_buffer(256)
        bpf_call(BPF_OBJ_GET_INFO_BY_FD, struct.pack("=IIQ", fd, len(info), ctypes.addressof(info)))
        rt, rc = struct.unpack_from("=QQ", info.raw, PROG_INFO_RUN_TIME)
        t, c = t + rt, c + rc
    return t, c


STATS = "/proc/sys/kernel/bpf_stats_enabled"
STATS_SHARE = 4         # the statistics run: a quarter of the measured run's connections


def set_stats(on):
    with open(STATS, "w") as f:
        f.write("1" if on else "0")


def bpf_stats_run(lg, port, fds, conns):
    """BPF (run_time_ns, run_cnt) over a load of its own, and its result.

    The kernel's run-time statistics cost two clock reads per program run
    (tens of ns in a VM: 12 runs per connection) and are not part of what a
    user runs, so they are never on while a rate is measured: this second,
    shorter load under the same tracer gives the BPF figure."""
    set_stats(True)
    try:
        b0 = bpf_stats(fds)
        res = lg.run(port, conns=conns)
        b1 = bpf_stats(fds)
    finally:
        set_stats(False)
    return (b1[0] - b0[0], b1[1] - b0[1]), res


def cpu_idle_busy():
    """Idle and busy jiffies of the whole machine (/proc/stat)."""
    with open("/proc/stat") as f:
        v = list(map(int, f.readline().split()[1:]))
    idle = v[3] + v[4]
    return idle, sum(v) - idle


def process_gone(pid):
    """The process has exited (gone, or a zombie). It can go between any two
    looks at /proc, so a file that vanishes means gone too."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


def wait_for(pred, timeout, step=0.002):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None


def load_cpus(text, ncpu):
    """--load-cpus: (server's CPU list, client's), or None for "anywhere".
    The default 0/1 becomes 0/0 on a machine with one CPU."""
    text = text.strip("'\"").strip()
    if text.lower() in ("", "none"):
        return None
    if text == "0/1" and ncpu < 2:
        return ("0", "0")
    sides = text.split("/")
    item = r"[0-9]+(-[0-9]+)?"
    if len(sides) != 2 or not all(re.fullmatch(f"{item}(,{item})*", c) for c in sides):
        raise ValueError("expected SERVER/CLIENT CPU lists, e.g. 0/1 or 0-1/1, or none")
    for c in sides:
        for part in c.split(","):
            lo, _, hi = part.partition("-")
            if int(hi or lo) < int(lo):
                raise ValueError(f"'{part}' is not a range of CPUs")
            if int(hi or lo) >= ncpu:
                raise ValueError(f"this machine has CPUs 0..{ncpu - 1}")
    return tuple(sides)


class Loadgen:
    def __init__(self, path, conns, c2s, s2c, concurrency, server_threads=1, cpus=None):
        self.path, self.conns, self.c2s, self.s2c = path, conns, c2s, s2c
        self.concurrency, self.server_threads = concurrency, server_threads
        self.cpus = cpus    # (server's CPUs, client's CPUs), or None: anywhere
        self.label = f"{concurrency}x{server_threads}"

    def run(self, port, conns=None, duration=None):
        cmd = [self.path, "--json", "--port", str(port), "-s", str(self.c2s), "-S", str(self.s2c),
               "-c", str(self.concurrency), "-w", str(self.server_threads)]
        if self.cpus:
            cmd += ["--server-cpus", self.cpus[0], "--client-cpus", self.cpus[1]]
        if duration:
            cmd += ["--duration", str(duration)]
        else:
            cmd += ["-n", str(conns or self.conns)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        res = json.loads(out.stdout)
        if res["connections_failed"]:
            raise RuntimeError(f"loadgen failures: {res}")
        return res


def summary_counts(text):
    """Parse 'tcpscope: N sessions[ shown (M seen)], K missed'."""
    m = re.search(r"tcpscope: (\d+) sessions?(?: shown \((\d+) seen\))?, (\d+) missed", text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(3))


# Tracers started and not stopped yet: an error anywhere in the bench must
# not leave one attached (it would slow every later run, and the machine).
LIVE = set()


@atexit.register
def stop_leftovers():
    for t in list(LIVE):
        t.kill()


class Headless:
    name = "headless"
    env = None

    def __init__(self, tcpscope, tmp, output=("-o", "csv")):
        self.tcpscope, self.tmp, self.output = tcpscope, tmp, list(output)

    def start(self, port, extra=()):
        self.err = os.path.join(self.tmp, "headless.err")
        t0 = time.monotonic()
        # A session of its own, as from a user's shell (or sudo's pty):
        # with autogroups (the default) that is a scheduling group of its
        # own, apart from the load's, as the monitor's in its tmux pane.
        # In the load's group the stream cost the busy load about 1 % less
        # (FINDINGS.md, 2026-12-05 morning): not how it is run.
        self.p = subprocess.Popen([self.tcpscope, *self.output, "-P", str(port), *extra],
                                  stdout=subprocess.DEVNULL, stderr=open(self.err, "w"), env=self.env,
                                  start_new_session=True)
        LIVE.add(self)
        ok = wait_for(lambda: "attached" in open(self.err).read() or self.p.poll() is not None, 15)
        if not ok or self.p.poll() is not None:
            raise RuntimeError("tcpscope did not attach: " + open(self.err).read())
        self.attach_s = time.monotonic() - t0
        # CPU per session is counted from here: let the one-off look for
        # sessions already open (after "attached") finish first.
        wait_for(lambda: re.search(r"open sessions? seeded", open(self.err).read()) or self.p.poll() is not None,
                 15)
        self.pid = self.p.pid

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=30)
        LIVE.discard(self)
        return summary_counts(open(self.err).read())

    def kill(self):
        self.p.kill()
        self.p.wait()
        LIVE.discard(self)


class Floor(Headless):
    """The stream with TCPSCOPE_BENCH_FLOOR set: its programs are attached
    but return at once. What the kernel's tracepoints cost with any program
    attached (12 runs a connection): the floor under tcpscope's own cost."""
    name = "floor"
    env = dict(os.environ, TCPSCOPE_BENCH_FLOOR="1")


class Tui:
    """The full-screen monitor in a detached tmux pane."""
    name = "ui"

    started = 0

    def __init__(self, tcpscope, tmp):
        self.tcpscope, self.tmp = tcpscope, tmp
        # A tmux server of its own: a server told to exit by the last
        # monitor's stop() may still hold a shared name when the next one
        # starts (a 50-minute run failed so at its history sweep).
        Tui.started += 1
        self.sock = f"tcpscope-bench-{os.getpid()}-{Tui.started}"

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True,
                              check=check).stdout

    def capture(self):
        return self.tmux("capture-pane", "-p", check=False)

    def start(self, port, extra=(), width=160, height=48, timing=None):
        self.err = os.path.join(self.tmp, "ui.err")
        # The monitor says in its timing file when the start-up work that
        # follows the first screen is done.
        self.timing = timing or os.path.join(self.tmp, "ui-start.log")
        if os.path.exists(self.timing):
            os.unlink(self.timing)
        cmd = " ".join(["env", "TCPSCOPE_UI_TIMING=" + self.timing, self.tcpscope, "-P", str(port),
                        *extra, "2>" + self.err])
        self.session = "bench"
        # The terminal first (a shell in a pane), then the monitor in it:
        # launch to attached is timed from the command's Enter to the live
        # header on screen, polled through a control client, so that
        # neither the tmux server's start nor a tmux process per poll is
        # counted.
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
                  "env PS1='ready$ ' sh")
        LIVE.add(self)
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        pid = wait_for(lambda: self.tmux("list-panes", "-F", "#{pane_pid}", check=False).strip(), 5)
        self.pid = int(pid)     # the shell, which execs the monitor
        ctl = TmuxControl(self.sock, self.session)
        try:
            if not wait_for(lambda: "ready$" in ctl.cmd("capture-pane -p"), 15):
                raise RuntimeError("the shell in the pane did not start")
            t0 = time.monotonic()
            ctl.cmd("send-keys -l '" + "exec " + cmd + "'")
            ctl.cmd("send-keys Enter")
            # Attached = the header of the live monitor is on screen.
            ok = wait_for(lambda: re.search(r"live", ctl.cmd("capture-pane -p")), 15, step=0.001)
            self.attach_s = time.monotonic() - t0
        finally:
            ctl.close()
        if not ok:
            why = open(self.err).read().strip() if os.path.exists(self.err) else ""
            raise RuntimeError("the monitor did not come up: " + (why or self.capture()))
        # CPU per session is counted from here: let the one-off start-up
        # work (the walk for open sessions, the history's memory) finish.
        wait_for(lambda: os.path.exists(self.timing) and "started" in open(self.timing).read(), 15)

    def kill_server(self):
        """End the pane's tmux server, and remove the socket file tmux (3.3)
        leaves behind."""
        path = self.tmux("display-message", "-p", "#{socket_path}", check=False).strip()
        self.tmux("kill-server", check=False)
        wait_for(lambda: subprocess.run(["tmux", "-L", self.sock, "has-session"],
                                        capture_output=True).returncode != 0, 5)
        if path.startswith("/") and path.endswith("/" + self.sock):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def stop(self):
        self.tmux("send-keys", "q", check=False)
        wait_for(lambda: process_gone(self.pid), 10)
        time.sleep(0.1)
        self.kill_server()
        LIVE.discard(self)
        return summary_counts(open(self.err).read())

    def kill(self):
        pid = getattr(self, "pid", None)
        self.kill_server()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        LIVE.discard(self)


def median_range(xs, fmt="{:.3g}"):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    return (fmt + " ({}–{})").format(statistics.median(xs), fmt.format(min(xs)), fmt.format(max(xs)))


# Two-sided 95 % quantiles of Student's t, by degrees of freedom.
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
       10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04, 40: 2.02, 60: 2.00, 120: 1.98}


def median_ci95(xs):
    """(low, high) of a 95 % confidence interval of the median, or None.

    Distribution-free: the order statistics that hold the true median
    between them with probability >= 95 % whatever the noise looks like (the
    binomial interval). A round here now and then swings by 5-15 % (a run
    slowed by something else on the host, on either side of the ratio);
    the mean's interval takes those in full, this one only counts them."""
    xs = sorted(x for x in xs if x is not None)
    n, k, below = len(xs), 0, 0.0
    # The largest k with P(Binomial(n, 1/2) < k) <= 2.5 %.
    while k < n:
        p = math.comb(n, k) / 2 ** n
        if below + p > 0.025:
            break
        below += p
        k += 1
    if k < 1:
        return None             # under 6 rounds: no such interval
    return xs[k - 1], xs[n - k]


def mean_ci95(xs):
    """Mean and the half-width of its 95 % confidence interval (t), or None.

    A single round's ratio swings by several per cent on this kind of machine;
    the interval says whether a median above or below a target means much."""
    xs = [x for x in xs if x is not None]
    if len(xs) < 2:
        return None
    df = len(xs) - 1
    t = T95[max(k for k in T95 if k <= df)]
    return statistics.mean(xs), t * statistics.stdev(xs) / len(xs) ** 0.5


def spread(xs, signed=False):
    """'median M (95 % L–H), mean X ± Y' for the report, or None under two rounds."""
    xs = [x for x in xs if x is not None]
    iv, ci = median_ci95(xs), mean_ci95(xs)
    if not ci:
        return None
    f = "{:+.3f}" if signed else "{:.3f}"
    out = ("median " + f).format(statistics.median(xs))
    if iv:
        out += (" (95 % {} to {})" if signed else " (95 % {}–{})").format(f.format(iv[0]),
                                                                          f.format(iv[1]))
    return out + (", mean " + f + " ± {:.3f}").format(*ci)


def run_rounds(args, lg, tmp):
    """Each round: untraced, traced, untraced, traced, untraced. A traced
    run's ratio is to the mean of the untraced runs on either side of it:
    this machine's speed drifts over minutes, and a baseline taken next to
    each measurement cancels most of that."""
    modes = ["headless", "ui"] + (["floor"] if args.floor else [])
    results = {"none": []}
    results.update({m: [] for m in modes})
    idle = []

    def untraced_run():
        i0 = cpu_idle_busy()
        rate = lg.run(free_port())["conn_per_s"]
        i1 = cpu_idle_busy()
        idle.append((i1[0] - i0[0]) / max(1, i1[0] - i0[0] + i1[1] - i0[1]))
        return rate

    for r in range(args.rounds):
        traced = modes[r % len(modes):] + modes[:r % len(modes)]
        round_res, untraced = {}, [untraced_run()]
        for mode in traced:
            port = free_port()
            tracer = {"headless": Headless, "ui": Tui, "floor": Floor}[mode](args.tcpscope, tmp)
            tracer.start(port)
            # The watching measured, not the first moments after an attach:
            # a load started at once ran 2-4 % slower for the floor's empty
            # programs alone (FINDINGS.md, 2026-12-06, day).
            time.sleep(args.settle)
            cpu0 = proc_cpu_s(tracer.pid)
            fds = tracer_prog_fds()
            try:
                res = lg.run(port)
                sample, res2 = bpf_stats_run(lg, port, fds, max(1000, args.conns // STATS_SHARE))
            finally:
                for fd in fds:
                    os.close(fd)
            time.sleep(0.35)    # let the last sessions drain (interval 100 ms)
            cpu1 = proc_cpu_s(tracer.pid)
            hwm = proc_status(tracer.pid, "VmHWM")
            counts = tracer.stop()
            expected = 2 * (res["connections_ok"] + res2["connections_ok"])
            reported, missed = counts if counts else (None, None)
            ns, runs = sample
            untraced.append(untraced_run())
            round_res[mode] = {
                "rate": res["conn_per_s"], "expected": expected, "reported": reported,
                "missed": missed, "bpf_ns_per_run": ns / runs if runs else None,
                "cpu_us_per_session": (cpu1 - cpu0) * 1e6 / expected, "peak_rss": hwm,
                "attach_s": tracer.attach_s,
                "ratio": res["conn_per_s"] / ((untraced[-2] + untraced[-1]) / 2),
            }
        round_res["none"] = {"rate": statistics.median(untraced), "runs": untraced,
                             "idle": statistics.median(idle[-len(untraced):])}
        for mode in ["none"] + modes:
            results[mode].append(round_res[mode])
        print(f"{lg.label} round {r + 1}/{args.rounds}: untraced {'/'.join(f'{u:.0f}' for u in untraced)}/s, "
              + ", ".join(f"{m} {round_res[m]['ratio']:.3f}x" for m in modes), file=sys.stderr)
    return results


# The stream's output formats, as a user picks them.
FORMATS = [("text", ("-o", "text")), ("tcplife -s", ("-s",)), ("csv", ("-o", "csv")),
           ("json", ("-o", "json"))]


def format_cpu(args, lg, tmp):
    """The stream's CPU per session in each output format (the rounds measure
    -o csv), interleaved, on the first load; and that every session came out."""
    out = {name: [] for name, _ in FORMATS}
    for r in range(args.format_rounds):
        for name, output in FORMATS[r % len(FORMATS):] + FORMATS[:r % len(FORMATS)]:
            tracer = Headless(args.tcpscope, tmp, output)
            port = free_port()
            tracer.start(port)
            time.sleep(args.settle)
            cpu0 = proc_cpu_s(tracer.pid)
            res = lg.run(port)
            time.sleep(0.35)    # let the last sessions drain
            cpu1 = proc_cpu_s(tracer.pid)
            counts = tracer.stop()
            expected = 2 * res["connections_ok"]
            out[name].append({"cpu_us_per_session": (cpu1 - cpu0) * 1e6 / expected,
                              "expected": expected, "reported": counts[0] if counts else None,
                              "missed": counts[1] if counts else None})
        print(f"formats round {r + 1}/{args.format_rounds}: " + ", ".join(
            f"{n} {out[n][-1]['cpu_us_per_session']:.2f} µs" for n, _ in FORMATS), file=sys.stderr)
    return out


def idle_cost(args, tmp):
    """What each mode costs a host where nothing closes: CPU and wake-ups a
    second, over args.idle_seconds after a settling second, alternated."""
    out = {"headless": [], "ui": []}
    for r in range(args.idle_rounds):
        for name in ("headless", "ui") if r % 2 == 0 else ("ui", "headless"):
            tracer = Headless(args.tcpscope, tmp) if name == "headless" else Tui(args.tcpscope, tmp)
            tracer.start(free_port())
            time.sleep(1)
            cpu0, sw0, t0 = proc_cpu_s(tracer.pid), proc_switches(tracer.pid), time.monotonic()
            time.sleep(args.idle_seconds)
            cpu1, sw1, t1 = proc_cpu_s(tracer.pid), proc_switches(tracer.pid), time.monotonic()
            tracer.stop()
            out[name].append({"cpu_ms_per_s": (cpu1 - cpu0) * 1e3 / (t1 - t0),
                              "wakeups_per_s": (sw1 - sw0) / (t1 - t0)})
            print(f"idle round {r + 1}/{args.idle_rounds}: {name} "
                  f"{out[name][-1]['cpu_ms_per_s']:.2f} ms CPU a second, "
                  f"{out[name][-1]['wakeups_per_s']:.1f} wake-ups a second", file=sys.stderr)
    return out


def history_sweep(args, lg, tmp):
    out = []
    for hist in args.history_sweep:
        port = free_port()
        ui = Tui(args.tcpscope, tmp)
        ui.start(port, ["--history", str(hist)])
        lg.run(port, conns=args.sweep_conns)
        time.sleep(0.35)
        rss = proc_status(ui.pid, "VmRSS")
        ui.stop()
        out.append({"history": hist, "sessions": 2 * args.sweep_conns, "rss": rss})
        print(f"history {hist}: RSS {rss / 2**20:.1f} MiB after {2 * args.sweep_conns} sessions",
              file=sys.stderr)
    return out


def long_run(args, lg, tmp):
    """RSS sampled through a long run with a history that fills early."""
    port = free_port()
    ui = Tui(args.tcpscope, tmp)
    ui.start(port, ["--history", str(args.long_history)])
    samples = []
    p = subprocess.Popen([lg.path, "--json", "--port", str(port), "-s", str(lg.c2s), "-S",
                          str(lg.s2c), "-c", str(lg.concurrency), "--duration",
                          str(args.long_seconds)], stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while p.poll() is None:
        samples.append((round(time.monotonic() - t0, 1), proc_status(ui.pid, "VmRSS")))
        time.sleep(1)
    res = json.loads(p.stdout.read())
    ui.stop()
    return {"history": args.long_history, "seconds": args.long_seconds,
            "sessions": 2 * res["connections_ok"], "rss_samples": samples}


class TmuxControl:
    """A tmux control-mode client on the bench's server: each command is a
    line on a pipe, not a new tmux process (under a flood on 2 CPUs a new
    process costs tens of milliseconds, which is the harness, not the
    monitor)."""

    def __init__(self, sock, target):
        self.p = subprocess.Popen(["tmux", "-L", sock, "-C", "attach-session", "-t", target],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  bufsize=1)
        # Neither the pane's output nor this client's size matter here.
        self.cmd("refresh-client -f no-output,ignore-size")

    def cmd(self, line):
        """Run one command; its output (the %begin/%end block)."""
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out, inside = [], False
        while True:
            ln = self.p.stdout.readline()
            if not ln:
                raise RuntimeError("tmux control client went away")
            if ln.startswith("%begin"):
                inside, out = True, []
            elif inside and (ln.startswith("%end") or ln.startswith("%error")):
                # The block of the attach itself comes first, empty.
                if out or line.startswith(("send-keys", "refresh-client")):
                    return "".join(out)
                inside = False
            elif inside:
                out.append(ln)

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()


def ui_latency(args, lg, tmp):
    """Key press to redrawn screen, under maximum load, seen through tmux:
    keys alternate between two harnesses, a control-mode client (commands
    on one pipe) and a new tmux process per send-keys and per capture-pane
    poll."""
    port = free_port()
    ui = Tui(args.tcpscope, tmp)
    timing = os.path.join(tmp, "timing.log")
    ui.start(port, timing=timing)
    ctl = TmuxControl(ui.sock, ui.session)
    p = subprocess.Popen([lg.path, "--json", "--port", str(port), "-c", str(lg.concurrency),
                          "--duration", str(args.latency_seconds)], stdout=subprocess.DEVNULL)
    time.sleep(1)
    lat, lat_ctl = [], []
    # Alternate views; each has a column title the others lack.
    steps = [("2", args.procs_marker), ("3", args.ports_marker), ("1", args.sessions_marker)]
    i = 0
    while p.poll() is None and len(lat) + len(lat_ctl) < 2 * args.latency_samples:
        key, marker = steps[i % 3]
        use_ctl = i % 2 == 0
        i += 1
        t0 = time.monotonic()
        if use_ctl:
            ctl.cmd("send-keys " + key)
            if wait_for(lambda: re.search(marker, ctl.cmd("capture-pane -p")), 2, step=0.001):
                lat_ctl.append((time.monotonic() - t0) * 1000)
        else:
            ui.tmux("send-keys", key)
            if wait_for(lambda: re.search(marker, ui.capture()), 2, step=0.001):
                lat.append((time.monotonic() - t0) * 1000)
        time.sleep(0.05)
    p.wait()
    ctl.close()
    ui.stop()
    # The monitor's own figure: key read to frame drawn (ms resolution).
    internal = []
    if os.path.exists(timing):
        for line in open(timing):
            m = re.match(r"key_to_frame_ms=(\d+)", line)
            if m:
                internal.append(int(m.group(1)))
    return {"samples_ms": lat, "control_ms": lat_ctl, "internal_ms": internal}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tcpscope", required=True)
    ap.add_argument("--loadgen", required=True)
    # Many short rounds: this machine's speed drifts over seconds to minutes,
    # so a ratio to the untraced runs half a second away is less noisy than
    # one to runs two seconds away, and 48 rounds give the median a 95 %
    # interval of about +- 1 % where 15 of 45,000 connections gave +- 1.5 %,
    # in less time.
    ap.add_argument("--rounds", type=int, default=48)
    ap.add_argument("--conns", type=int, default=10000)  # 20,000 sessions: within the UI's default history
    ap.add_argument("--c2s", type=int, default=100)
    ap.add_argument("--s2c", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--saturated", default="4x2",
                    help="CLIENTSxSERVERS: the rounds again with a load that keeps every CPU busy "
                         "(the default load's single server thread leaves some idle); 'none' skips")
    ap.add_argument("--first-load", action=argparse.BooleanOptionalAction, default=True,
                    help="the rounds of the first load (2 client threads, 1 server thread); "
                         "--no-first-load runs the busy load's alone")
    # Where the scheduler puts the load's two sides decides its rate more
    # than anything a tracer does: on this 2-CPU VM the first load ran
    # 22,500-38,200 connections a second unpinned (two sides on one CPU,
    # no wake-up across CPUs: fast), 24,600-27,000 with the server on
    # CPU 0 and the client on CPU 1 (FINDINGS.md, 2026-12-07, morning).
    ap.add_argument("--load-cpus", default="0/1",
                    help="SERVER/CLIENT: the CPUs the load generator's server and client run on "
                         "(default 0/1: one each; 0/0 on a 1-CPU machine); 'none': wherever the "
                         "scheduler puts them")
    ap.add_argument("--settle", type=float, default=0.5,
                    help="seconds between a tracer's start (attached, open sessions looked for, "
                         "the monitor's first screen) and its measured run (default 0.5; "
                         "0 starts the load at once)")
    ap.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                    help="a third traced run each round with the programs returning at once "
                         "(the kernel's own cost of the tracepoints: tcpscope's floor)")
    ap.add_argument("--format-rounds", type=int, default=6,
                    help="rounds of the stream in each output format (text, -s, csv, json)")
    ap.add_argument("--idle-rounds", type=int, default=2,
                    help="rounds of each mode on an idle host (CPU and wake-ups a second)")
    ap.add_argument("--idle-seconds", type=float, default=10)
    ap.add_argument("--history-sweep", type=int, nargs="*", default=[1000, 10000, 100000, 1000000])
    ap.add_argument("--sweep-conns", type=int, default=300000)
    ap.add_argument("--long-seconds", type=int, default=60)
    ap.add_argument("--long-history", type=int, default=100000)
    ap.add_argument("--latency-seconds", type=int, default=15)
    ap.add_argument("--latency-samples", type=int, default=60)
    ap.add_argument("--sessions-marker", default=r"LADDR")
    ap.add_argument("--procs-marker", default=r"Processes.*\n(?:.*\n)*?.*SESS")
    ap.add_argument("--ports-marker", default=r"PEERS")
    ap.add_argument("--quick", action="store_true", help="one short round of everything")
    ap.add_argument("--only", default="rounds,formats,idle,sweep,long,latency",
                    help="comma list of the parts to run")
    ap.add_argument("--json", help="write the raw results here")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.conns, args.sweep_conns, args.format_rounds = 1, 5000, 20000, 1
        args.history_sweep, args.long_seconds, args.latency_seconds = [1000, 100000], 5, 5
        args.idle_rounds, args.idle_seconds = 1, 3
    if args.idle_rounds < 0 or args.idle_seconds <= 0:
        sys.exit(f"bench: bad --idle-rounds {args.idle_rounds} / --idle-seconds {args.idle_seconds}: "
                 "expected 0 or more rounds of more than 0 seconds")
    if args.format_rounds < 0:
        sys.exit(f"bench: bad --format-rounds {args.format_rounds}: expected 0 or more")
    if not 0 <= args.settle <= 60:
        sys.exit(f"bench: bad --settle {args.settle}: expected 0 to 60 seconds")
    if os.geteuid() != 0:
        sys.exit("bench: needs root (it loads BPF)")
    if NR_BPF is None:
        sys.exit(f"bench: no bpf() syscall number known for {os.uname().machine} (x86_64, aarch64)")
    if not shutil.which("tmux") or not shutil.which("bpftool"):
        sys.exit("bench: needs tmux and bpftool (make deps)")

    try:
        # "none" skips it; so does an empty word, which make's BENCH_ARGS
        # passes on as the two quote characters.
        skip = args.saturated.strip("'\"").lower() in ("", "none")
        sat = None if skip else tuple(int(x) for x in args.saturated.split("x"))
        if sat and (len(sat) != 2 or min(sat) < 1):
            raise ValueError
    except ValueError:
        sys.exit(f"bench: bad --saturated '{args.saturated}': expected CLIENTSxSERVERS, e.g. 4x2, "
                 "or none")

    try:
        cpus = load_cpus(args.load_cpus, os.cpu_count() or 1)
    except ValueError as e:
        sys.exit(f"bench: bad --load-cpus '{args.load_cpus}': {e}")

    old_stats = open(STATS).read().strip()
    tmp = tempfile.mkdtemp(prefix="tcpscope-bench-")
    lg = Loadgen(args.loadgen, args.conns, args.c2s, args.s2c, args.concurrency, cpus=cpus)
    only = args.only.split(",")
    res = {"rounds": None, "rounds_saturated": None, "formats": None, "idle": None, "history_sweep": [],
           "long_run": None,
           "ui_latency": None, "params": vars(args), "kernel": os.uname().release,
           "cpus": os.cpu_count()}
    phases = [("rounds", "the rounds", "rounds",
               lambda: run_rounds(args, lg, tmp) if args.first_load else None),
              ("rounds_saturated", "the busy load's rounds", "rounds",
               lambda: run_rounds(args, Loadgen(args.loadgen, args.conns, args.c2s, args.s2c,
                                                *sat, cpus=cpus), tmp) if sat else None),
              ("formats", "the output formats", "formats",
               lambda: format_cpu(args, lg, tmp) if args.format_rounds > 0 else None),
              ("idle", "the idle host", "idle",
               lambda: idle_cost(args, tmp) if args.idle_rounds > 0 else None),
              ("history_sweep", "the history sweep", "sweep", lambda: history_sweep(args, lg, tmp)),
              ("long_run", "the long run", "long",
               lambda: long_run(args, lg, tmp) if args.long_seconds > 0 else None),
              ("ui_latency", "the key latency", "latency", lambda: ui_latency(args, lg, tmp))]
    failed = None
    try:
        set_stats(False)
        for key, name, part, run in phases:
            if part not in only:
                continue
            try:
                res[key] = run()
            except (OSError, RuntimeError, ValueError, KeyError,
                    subprocess.SubprocessError) as e:
                err = getattr(e, "stderr", None)
                failed = " ".join((f"{name} failed: {e}" + (f" ({err})" if err else "")).split())
                break
            finally:
                # What is done is kept, whatever comes after (an interrupt, a failure).
                res["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                if args.json:
                    with open(args.json, "w") as f:
                        json.dump(res, f, indent=1)
    finally:
        with open(STATS, "w") as f:
            f.write(old_stats)
        shutil.rmtree(tmp, ignore_errors=True)
    rounds, rounds_sat, sweep = res["rounds"], res["rounds_saturated"], res["history_sweep"] or []
    longr, lat = res["long_run"], res["ui_latency"]

    print(f"\ntcpscope benchmark — {res['date']}, kernel {res['kernel']}, {res['cpus']} CPUs")
    print(f"load: {args.conns} loopback connections x {args.rounds} rounds, {args.c2s} B up / "
          f"{args.s2c} B down, " + (f"{args.concurrency} client threads, 1 server thread"
                                    if args.first_load else "the busy load alone")
          + (f"; the server on CPU {lg.cpus[0]}, the client on CPU {lg.cpus[1]}" if lg.cpus
             else "; the load's two sides wherever the scheduler puts them")
          + "; medians (min–max)\n")
    if rounds:
        print_rounds(args, rounds)
    if rounds_sat:
        print(f"\nthe same with every CPU busy: {sat[0]} client threads, {sat[1]} server threads")
        print_rounds(args, rounds_sat)
    fmts = res["formats"]
    if fmts:
        print(f"\nthe stream's CPU per session by output format ({args.format_rounds} rounds of "
              f"{args.conns} connections, the first load):")
        for name, _ in FORMATS:
            rs = fmts[name]
            rep = [r["reported"] / r["expected"] * 100 if r["reported"] is not None else None
                   for r in rs]
            print(f"  {name:<10} {median_range([r['cpu_us_per_session'] for r in rs], '{:.2f}')} µs, "
                  f"reported {median_range(rep, '{:.3f}')} %, missed "
                  f"{median_range([r['missed'] for r in rs], '{:.0f}')}")
    idle = res["idle"]
    if idle:
        print(f"\non an idle host ({args.idle_rounds} rounds of {args.idle_seconds:g} s each, "
              "nothing closing): " + "; ".join(
                  f"{name} {median_range([r['cpu_ms_per_s'] for r in idle[name]], '{:.2f}')} ms CPU "
                  f"a second, {median_range([r['wakeups_per_s'] for r in idle[name]], '{:.1f}')} "
                  "wake-ups a second" for name in ("headless", "ui")))
    if sweep:
        print("\nhistory sweep (UI, RSS after the load):")
    for s in sweep:
        print(f"  --history {s['history']:>8}: {s['rss'] / 2**20:7.1f} MiB after {s['sessions']} sessions")
    rss = [x[1] for x in longr["rss_samples"]] if longr else []
    if rss:
        half = len(rss) // 2
        print(f"long run: {longr['sessions']} sessions in {longr['seconds']} s, --history "
              f"{longr['history']}: RSS first half max {max(rss[:half] or rss) / 2**20:.1f} MiB, "
              f"second half max {max(rss[half:]) / 2**20:.1f} MiB")
    for name, xs, how in (("seen through a tmux control client", lat.get("control_ms", []) if lat else [],
                           "send-keys to the text on capture-pane, 1 ms polls on one pipe"),
                          ("seen through tmux commands", lat["samples_ms"] if lat else [],
                           "a new tmux process for send-keys and for each capture-pane poll"),
                          ("inside the monitor", lat["internal_ms"] if lat else [],
                           "key read to frame drawn")):
        if xs:
            xs = sorted(xs)
            print(f"UI key→redraw under max load, {name}: median {statistics.median(xs):.1f} ms, "
                  f"p90 {p90(xs):.1f} ms, max {max(xs):.1f} ms over "
                  f"{len(xs)} keys ({how})")
    print_targets(rounds, rounds_sat, lat, fmts)
    if failed:
        sys.exit(f"bench: {failed}; the parts before it are reported above"
                 + (f" and saved in {args.json}" if args.json else ""))


# The targets of the benchmark: what tcpscope must do on this kind of machine.
TARGET_RATIO = 0.97
TARGET_BPF_NS = 150
TARGET_REPORTED_PCT = 99.95
TARGET_CPU_US = {"headless": 0.5, "ui": 1.0}
TARGET_ATTACH_S = 0.1
TARGET_KEY_P90_MS = 50


def p90(xs):
    xs = sorted(xs)
    return xs[max(0, int(len(xs) * 0.9) - 1)]


def ratio_verdict(iv):
    """met / not met / undecided: the 95 % interval of the median ratio (iv,
    from median_ci95) against the target. A median a little above or below
    it says little on a machine whose single rounds swing by several per cent."""
    if not iv:
        return "undecided (too few rounds for an interval)"
    if iv[0] >= TARGET_RATIO:
        return "met"
    if iv[1] < TARGET_RATIO:
        return "not met"
    return "undecided (the interval holds it)"


def rounds_to_decide(xs, target=TARGET_RATIO):
    """About how many rounds would put the median's 95 % interval clear of
    the target, were the median and the rounds' spread to stay as they are:
    the interval narrows as 1 / sqrt(rounds). None with no interval, or a
    median on the target (no number of rounds decides that)."""
    xs = [x for x in xs if x is not None]
    iv = median_ci95(xs)
    if not iv:
        return None
    gap = abs(statistics.median(xs) - target)
    half = (iv[1] - iv[0]) / 2
    if gap < 1e-4:
        return None
    return max(len(xs) + 1, math.ceil(len(xs) * (half / gap) ** 2))


def ratio_row_verdict(ratios):
    """The rate ratio's verdict, with, when undecided, how many rounds
    (--rounds) would likely decide it."""
    iv = median_ci95(ratios)
    if not iv or iv[0] >= TARGET_RATIO or iv[1] < TARGET_RATIO:
        return ratio_verdict(iv)
    n = rounds_to_decide(ratios)
    return ("undecided (the interval holds it; " +
            (f"about {n} rounds may decide it)" if n else "the median is on the target)"))


def target_rows(label, rounds):
    """(what, target, measured, verdict) for each mode of one load."""
    rows = []
    for mode in ("headless", "ui"):
        rs = rounds[mode]
        ratios = [r["ratio"] for r in rs]
        rows.append((f"{label} {mode}: rate ratio", f">= {TARGET_RATIO}",
                     spread(ratios) or f"median {statistics.median(ratios):.3f}",
                     ratio_row_verdict(ratios)))
        ok = [r for r in rs if r["reported"] is not None]
        if len(ok) < len(rs):
            rows.append((f"{label} {mode}: sessions reported", f">= {TARGET_REPORTED_PCT} %",
                         f"no summary in {len(rs) - len(ok)} of {len(rs)} rounds", "not met"))
        else:
            worst = min(r["reported"] / r["expected"] * 100 for r in rs)
            exact = sum(r["reported"] + r["missed"] == r["expected"] for r in rs)
            rows.append((f"{label} {mode}: sessions reported", f">= {TARGET_REPORTED_PCT} %, "
                         "reported + missed = expected",
                         f"worst round {worst:.3f} %; sums exact in {exact} of {len(rs)} rounds",
                         "met" if worst >= TARGET_REPORTED_PCT and exact == len(rs) else "not met"))
        ns = [r["bpf_ns_per_run"] for r in rs if r["bpf_ns_per_run"] is not None]
        if ns:
            rows.append((f"{label} {mode}: BPF ns per run", f"<= {TARGET_BPF_NS}",
                         f"median {statistics.median(ns):.0f}",
                         "met" if statistics.median(ns) <= TARGET_BPF_NS else "not met"))
        cpu = statistics.median(r["cpu_us_per_session"] for r in rs)
        rows.append((f"{label} {mode}: CPU per session", f"<= {TARGET_CPU_US[mode]} µs",
                     f"median {cpu:.2f} µs", "met" if cpu <= TARGET_CPU_US[mode] else "not met"))
        att = statistics.median(r["attach_s"] for r in rs)
        rows.append((f"{label} {mode}: launch to attached", f"<= {TARGET_ATTACH_S} s",
                     f"median {att:.3f} s", "met" if att <= TARGET_ATTACH_S else "not met"))
    return rows


def print_targets(rounds, rounds_sat, lat, fmts=None):
    rows = []
    if rounds:
        rows += target_rows("first load", rounds)
    if rounds_sat:
        rows += target_rows("busy load", rounds_sat)
    for name, rs in (fmts or {}).items():
        cpu = statistics.median(r["cpu_us_per_session"] for r in rs)
        rows.append((f"stream CPU per session, {name}", f"<= {TARGET_CPU_US['headless']} µs",
                     f"{cpu:.2f} µs", "met" if cpu <= TARGET_CPU_US["headless"] else "not met"))
    key = (lat or {}).get("control_ms") or (lat or {}).get("samples_ms")
    if key:
        rows.append(("UI key to redraw, p90", f"<= {TARGET_KEY_P90_MS} ms", f"{p90(key):.1f} ms",
                     "met" if p90(key) <= TARGET_KEY_P90_MS else "not met"))
    if not rows:
        return
    print("\ntargets (a rate ratio is met when the 95 % interval of its median is at or above "
          "the target):")
    print("| what | target | measured | verdict |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    missed = [r for r in rows if r[3] != "met"]
    print(f"{len(rows) - len(missed)} of {len(rows)} targets met" +
          (": not met or undecided: " + "; ".join(r[0] for r in missed) if missed else ""))


def print_rounds(args, rounds):
    idle = [r["idle"] * 100 for r in rounds["none"] if "idle" in r]
    print(f"untraced rate: {median_range([r['rate'] for r in rounds['none']], '{:.0f}')} conn/s"
          + (f", CPUs idle {statistics.median(idle):.0f} %" if idle else ""))
    print("| mode | rate ratio | reported / expected | missed | BPF ns/run | CPU µs/session | "
          "peak RSS MiB | launch→attached s |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("headless", "ui"):
        rs = rounds[mode]
        rep = [r["reported"] / r["expected"] * 100 if r["reported"] is not None else None for r in rs]
        print(f"| {mode} | {median_range([r['ratio'] for r in rs])} | "
              f"{median_range(rep, '{:.3f}')} % | {median_range([r['missed'] for r in rs], '{:.0f}')} | "
              f"{median_range([r['bpf_ns_per_run'] for r in rs], '{:.0f}')} | "
              f"{median_range([r['cpu_us_per_session'] for r in rs], '{:.2f}')} | "
              f"{median_range([r['peak_rss'] / 2**20 for r in rs], '{:.1f}')} | "
              f"{median_range([r['attach_s'] for r in rs], '{:.3f}')} |")
    fl = rounds.get("floor")
    if fl:
        print(f"| floor: programs attached, returning at once | {median_range([r['ratio'] for r in fl])} "
              f"| — | — | {median_range([r['bpf_ns_per_run'] for r in fl], '{:.0f}')} | — | — | "
              f"{median_range([r['attach_s'] for r in fl], '{:.3f}')} |")
    for mode in ("headless", "ui"):
        rs = rounds[mode]
        ratios = [r["ratio"] for r in rs]
        text = spread(ratios)
        if text:
            above = sum(x >= TARGET_RATIO for x in ratios)
            print(f"{mode} rate ratio: {text}, {len(rs)} rounds; {above} of "
                  f"{len(rs)} rounds at {TARGET_RATIO} or above")
    if fl:
        text = spread([r["ratio"] for r in fl])
        if text:
            print(f"floor rate ratio: {text}: what 12 tracepoint runs "
                  "a connection cost this machine with any program attached")
        for mode in ("headless", "ui"):
            d = spread([a["ratio"] - b["ratio"] for a, b in zip(rounds[mode], fl)], signed=True)
            if d:
                print(f"{mode} minus floor, paired by round: {d}: tcpscope's own share of the rate")
    # The two modes ran in the same rounds, beside the same untraced runs:
    # their difference, round by round, is what the full-screen monitor costs
    # beyond the stream, measured more finely than either ratio alone.
    d = spread([u["ratio"] - h["ratio"] for u, h in zip(rounds["ui"], rounds["headless"])],
               signed=True)
    if d:
        print(f"ui minus headless, paired by round: {d}: what the monitor costs beyond the stream")


if __name__ == "__main__":
    main()
