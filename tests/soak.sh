#!/bin/bash
# Soak: a loopback connection flood at the maximum rate (tests/bench/loadgen)
# while three tcpscope instances watch it:
#   A  headless stream  -o csv -P PORT | awk (counts rows, and rows whose
#      process is not loadgen's or not certain)
#   B  headless stream  -o csv -P PORT --ring-size 65536 > /dev/null,
#      stopped (SIGSTOP) for a while so its ring buffer overflows
#   UI the full-screen monitor in a private tmux server (120x40), also
#      stopped for a while
# and checks:
#   - memory is flat: VmRSS sampled every SOAK_SAMPLE s; after the warm-up
#     (the first quarter), max(last half) <= 1.1 x max(first half) + 1 MiB;
#   - nothing is lost silently: shown + missed >= the sessions loadgen made,
#     shown <= attempted, the stalled instances report missed > 0, in the
#     stream summary and in the UI header ("Missed: N");
#   - every session of the flood names loadgen's process, with certainty;
#   - the UI answers keys under load (view switch seen in the pane within
#     SOAK_KEY_MS) and quits cleanly on q with its summary.
#
# Environment: SOAK_SECONDS (default 600), SOAK_MIN_SESSIONS (sessions the
# run must reach; default 10000000, 0 when SOAK_SHORT=1), SOAK_SAMPLE
# (default 5, 1 when short), SOAK_KEY_MS (default 2000), SOAK_HISTORY (the
# UI's --history; default 100000, 20000 when short), TCPSCOPE, LOADGEN.
set -u
tcpscope=${TCPSCOPE:-./tcpscope}
loadgen=${LOADGEN:-build/tests/bench/loadgen}
short=${SOAK_SHORT:-0}
secs=${SOAK_SECONDS:-600}
if [ "$short" = 1 ]; then
	min_sessions=${SOAK_MIN_SESSIONS:-0}; sample=${SOAK_SAMPLE:-1}; history=${SOAK_HISTORY:-20000}
else
	min_sessions=${SOAK_MIN_SESSIONS:-10000000}; sample=${SOAK_SAMPLE:-5}
	history=${SOAK_HISTORY:-100000}
fi
key_ms=${SOAK_KEY_MS:-2000}
tag=sk$$; tag=${tag:0:9}
sock=tcpscope-soak-$$
name="soak"; [ "$short" = 1 ] && name="soak-short"

echo "=== $name: ${secs}s flood, UI --history $history, RSS every ${sample}s"
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root (live BPF)"; exit 0; fi
command -v tmux >/dev/null || { echo "tmux missing (.ci/install-deps installs it)"; exit 1; }

dir=$(mktemp -d /tmp/tcpscope-soak-XXXXXX)
pid_a= pid_b= pid_load= failed=0
cleanup() {
	for p in $pid_a $pid_b $pid_load; do
		kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null
	done
	sock_path=$(tmux -L "$sock" display-message -p '#{socket_path}' 2>/dev/null)
	tmux -L "$sock" kill-server 2>/dev/null
	case $sock_path in */"$sock") rm -f -- "$sock_path" ;; esac	# tmux leaves it behind
	rm -rf -- "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; failed=1; }
now_ms() { date +%s%3N; }
pane() { tmux -L "$sock" capture-pane -p -t soak 2>/dev/null; }

# Poll until a command succeeds, at most $1 ms.
wait_for() {
	local limit=$(($(now_ms) + $1)); shift
	until "$@"; do
		[ "$(now_ms)" -gt "$limit" ] && return 1
		sleep 0.02
	done
}
attached() { grep -q "tcpscope: attached" "$1"; }
pane_has() { pane | grep -q -- "$1"; }
# Sockets of the flood (either port = $port) that have not closed yet:
# every state but TIME_WAIT (already reported) and LISTEN.
closing_sockets() {
	ss -Htan exclude time-wait exclude listening "( sport = :$port or dport = :$port )" 2>/dev/null |
		wc -l
}
no_closing_sockets() { [ "$(closing_sockets)" = 0 ]; }
# Kernel TCP counters: retransmitted segments, timeouts, listen drops, active
# and passive opens (every connect() that sent a SYN, every accepted child).
tcp_counters() {
	awk '$1 == "Tcp:" { if (!h1) { for (i = 2; i <= NF; i++) c1[$i] = i; h1 = 1 }
			    else { rs = $c1["RetransSegs"]; ao = $c1["ActiveOpens"]; po = $c1["PassiveOpens"] } }
	     $1 == "TcpExt:" { if (!h2) { for (i = 2; i <= NF; i++) c2[$i] = i; h2 = 1 }
			       else { to = $c2["TCPTimeouts"]; ld = $c2["ListenDrops"] } }
	     END { print rs + 0, to + 0, ld + 0, ao + 0, po + 0 }' /proc/net/snmp /proc/net/netstat
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---- start the watchers -----------------------------------------------------------
# The flood's server port: free, and outside the ephemeral range.
port=$(python3 -c 'import socket, os
for i in range(5000):
    p = 20000 + (os.getpid() + i) % 10000
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        s = socket.socket(socket.AF_INET6); s.bind(("::1", p)); s.close()
        print(p); break
    except OSError: pass')
[ -n "$port" ] || { fail "no free port"; exit 1; }
# A: rows; rows not owned (with certainty) by loadgen's processes; and
# connections that lack their client or server row (by address and client
# port: +1 client side, -1 server side). Columns: time,pid,comm,family,
# laddr,lport,raddr,rport, ..., pid_certain is the 19th. With -v its summary
# also says what the hook saw (connects, accepts, closes; host-wide).
"$tcpscope" -o csv -P "$port" -v 2>"$dir/a.err" > >(awk -F, -v tag="$tag-" -v port="$port" \
	-v bad="$dir/a.bad" -v unpaired="$dir/a.unpaired" '
	NR > 1 {
		n++
		if (index($3, tag) != 1 || $19 != 1) { m++; if (m <= 20) print > bad }
		if ($8 == port) { k = $5 ":" $6; d[k]++; cli++ } else { k = $7 ":" $8; d[k]--; srv++ }
		if (d[k] == 0) delete d[k]
	}
	END {
		for (k in d) if (u++ < 20) print k, (d[k] > 0 ? "no server row" : "no client row") > unpaired
		print n + 0, m + 0, cli + 0, srv + 0
	}' >"$dir/a.count") &
pid_a=$!
"$tcpscope" -o csv -P "$port" --ring-size 65536 2>"$dir/b.err" >/dev/null &
pid_b=$!
# The shell stays between tmux and tcpscope: tmux resumes a pane process that
# stops, and the exit status and summary stay readable in the pane.
printf 'set -g status off\n' >"$dir/tmux.conf"
tmux -L "$sock" -f "$dir/tmux.conf" new-session -d -s soak -x 120 -y 40 \
	-e TZ=UTC -e LANG=C.UTF-8 -e TCPSCOPE_TEST_SWEEP_MS=2000 \
	"$tcpscope --history $history --ring-size 1048576; echo EXIT=\$?; sleep 3600"
pane_sh=$(tmux -L "$sock" display-message -p -t soak '#{pane_pid}')
ui_pid() { pid_ui=$(pgrep -P "$pane_sh" -x tcpscope); [ -n "$pid_ui" ]; }
wait_for 5000 ui_pid || { fail "no tcpscope under the tmux pane"; exit 1; }
wait_for 15000 attached "$dir/a.err" || { fail "A did not attach: $(cat "$dir/a.err")"; exit 1; }
wait_for 15000 attached "$dir/b.err" || { fail "B did not attach: $(cat "$dir/b.err")"; exit 1; }
wait_for 15000 pane_has "live (" || { fail "the UI did not start:"; pane; exit 1; }

# ---- the flood ----------------------------------------------------------------------
# Each connection is two sessions (client and server side).
read -r rs0 to0 ld0 ao0 po0 <<<"$(tcp_counters)"
"$loadgen" --duration "$secs" --port "$port" -s 100 -S 1000 \
	--comm-client "$tag-cli" --comm-server "$tag-srv" \
	--timeout $((secs + 120)) >"$dir/load" 2>&1 &
pid_load=$!
start=$(now_ms)
warm=$((secs * 1000 / 4))
stall_at=$((secs * 1000 / 10)); stall_ms=3000; stalled=0
view=1 keys=0 key_max=0 key_fail=0
: >"$dir/rss"
while kill -0 "$pid_load" 2>/dev/null; do
	t=$(($(now_ms) - start))
	echo "$t $(rss_kb "$pid_a") $(rss_kb "$pid_b") $(rss_kb "$pid_ui")" >>"$dir/rss"
	# Stall B and the UI once, early (inside the warm-up): their rings overflow.
	if [ $stalled = 0 ] && [ "$t" -ge $stall_at ]; then
		kill -STOP "$pid_b" "$pid_ui"
		sleep $((stall_ms / 1000))
		kill -CONT "$pid_b" "$pid_ui"
		stalled=1
	fi
	# Every few samples: switch the UI's view and time the answer.
	if [ "$t" -ge $((stall_at + stall_ms + 1000)) ]; then
		if [ $view = 1 ]; then k=2 want="PEERS"; else k=1 want="TIME"; fi
		k0=$(now_ms)
		tmux -L "$sock" send-keys -t soak "$k"
		if wait_for $((key_ms * 5)) pane_has "$want"; then
			lat=$(($(now_ms) - k0))
			[ $lat -gt $key_max ] && key_max=$lat
			[ $lat -gt "$key_ms" ] && key_fail=$((key_fail + 1))
			view=$k
		else
			key_fail=$((key_fail + 1))
		fi
		keys=$((keys + 1))
	fi
	sleep "$sample"
done
wait "$pid_load"; load_rc=$?; pid_load=
elapsed=$(($(now_ms) - start))
# The loadgen counts a connection when it has closed its socket; the kernel
# may still be finishing the close (a FIN lost to a full loopback backlog is
# retransmitted after an RTO, with backoff). Wait until every socket of the
# flood has closed before the watchers stop.
settle0=$(now_ms) pending0=$(closing_sockets)
wait_for 120000 no_closing_sockets ||
	fail "$(closing_sockets) sockets of the flood still not closed after 120 s"
echo "    closes settled in $(($(now_ms) - settle0)) ms ($pending0 sockets were still closing)"

ok=$(sed -n 's/^connections_ok=//p' "$dir/load")
attempted=$(sed -n 's/^connections_attempted=//p' "$dir/load")
[ -n "$ok" ] || { fail "loadgen gave no totals:"; cat "$dir/load"; exit 1; }
[ -n "$attempted" ] || attempted=$ok
[ "$load_rc" = 0 ] || echo "    (loadgen exit $load_rc: $(sed -n 's/^connections_failed=//p' "$dir/load") failed connections)"
expect=$((2 * ok))
read -r rs1 to1 ld1 ao1 po1 <<<"$(tcp_counters)"
echo "    kernel during the flood: $((ao1 - ao0)) active and $((po1 - po0)) passive opens," \
     "$((rs1 - rs0)) segments retransmitted, $((to1 - to0)) timeouts, $((ld1 - ld0)) listen drops"
echo "    loadgen: $(grep -E '^(connections_attempted|connections_ok|server_connections_ok|server_connections_failed|errors_[a-z]+)=' "$dir/load" | tr '\n' ' ')"
echo "    flood: $ok connections, $expect sessions in $((elapsed / 1000)) s" \
     "($((expect * 1000 / (elapsed > 0 ? elapsed : 1))) sessions/s)"
[ "$expect" -ge "$min_sessions" ] ||
	fail "only $expect sessions, the soak needs $min_sessions: raise SOAK_SECONDS"

# ---- the streams' accounting ------------------------------------------------------------
# shown missed: "tcpscope: N sessions shown (M seen), K missed ..."
summary() { sed -n 's/^tcpscope: \([0-9]*\) sessions\{0,1\} shown ([0-9]* seen), \([0-9]*\) missed.*/\1 \2/p' "$1" | tail -n 1; }
for inst in a b; do
	pid=$([ $inst = a ] && echo "$pid_a" || echo "$pid_b")
	kill -INT "$pid"
	wait_for 15000 eval "! kill -0 $pid 2>/dev/null" || fail "$inst did not exit on SIGINT"
	wait "$pid"; rc=$?
	read -r shown missed <<<"$(summary "$dir/$inst.err")"
	echo "    stream $inst: exit $rc, $shown shown, $missed missed"
	[ "$rc" = 0 ] || fail "stream $inst: exit $rc: $(cat "$dir/$inst.err")"
	[ -n "$shown" ] || { fail "stream $inst: no summary: $(cat "$dir/$inst.err")"; continue; }
	[ $((shown + missed)) -ge "$expect" ] ||
		fail "stream $inst lost sessions silently: $shown + $missed < $expect"
	[ "$shown" -le $((2 * attempted)) ] || fail "stream $inst: $shown shown > $((2 * attempted))"
	[ $inst = b ] && [ "$missed" = 0 ] && fail "stream b was stalled but reports 0 missed"
done
pid_a= pid_b=
wait_for 5000 test -s "$dir/a.count"
read -r rows foreign rows_cli rows_srv <"$dir/a.count"
read -r shown_a _ <<<"$(summary "$dir/a.err")"
[ "$rows" = "${shown_a:-x}" ] || fail "stream a printed $rows rows but says $shown_a"
echo "    stream a: $rows_cli client rows, $rows_srv server rows;" \
     "$(sed -n 's/^tcpscope: the hook saw //p' "$dir/a.err" | tail -n 1) (host-wide)"
# Sessions whose close stream a's program never saw: found gone by the sweep
# (counted as missed), or still followed at exit; what it did see, and when.
grep -E '^tcpscope: ( +socket | +gone without a traced close|[0-9]+ sockets? still followed|[0-9]+ sessions? closed with no close traced)' "$dir/a.err" |
	sed 's/^tcpscope: */    stream a: /'
if [ -s "$dir/a.unpaired" ]; then
	echo "    connections with one side missing from stream a (client address:port):"
	sed 's/^/      /' "$dir/a.unpaired"
fi
if [ "${foreign:-0}" != 0 ]; then
	fail "$foreign sessions of the flood not attributed to loadgen with certainty, e.g.:"
	head -n 5 "$dir/a.bad"
fi

# ---- the UI ------------------------------------------------------------------------------
# A close the kernel never traced reaches the monitor's Missed when its sweep
# finds the socket gone: two walks, at most three sweep periods after it
# (30 s each; 2 s here, TCPSCOPE_TEST_SWEEP_MS). The streams sweep at exit.
ui_counts() {
	ui_total=$(pane | sed -n 's/.*Total: \([0-9]*\).*/\1/p' | head -n 1)
	ui_missed=$(pane | sed -n 's/.*Missed: \([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$ui_total" ] && [ -n "$ui_missed" ] && [ $((ui_total + ui_missed)) -ge "$expect" ]
}
wait_for 10000 ui_counts
echo "    UI: Total $ui_total, Missed $ui_missed; $keys view switches, slowest ${key_max} ms," \
     "$key_fail late or unanswered"
if [ -z "$ui_total" ] || [ -z "$ui_missed" ]; then
	fail "the UI header shows no Total/Missed:"; pane | head -n 4
else
	[ "$ui_missed" -gt 0 ] || fail "the UI was stalled but its header shows Missed: 0"
	[ $((ui_total + ui_missed)) -ge "$expect" ] ||
		fail "the UI lost sessions silently: $ui_total + $ui_missed < $expect"
fi
[ "$keys" -gt 0 ] || fail "no key was sent (run too short?)"
[ "$key_fail" = 0 ] || fail "$key_fail of $keys key presses were not answered within $key_ms ms"
tmux -L "$sock" send-keys -t soak q
if wait_for 10000 pane_has "^EXIT="; then
	st=$(pane | sed -n 's/^EXIT=//p')
	[ "$st" = 0 ] || fail "the UI exited with $st"
	pane_has "^tcpscope: [0-9]* sessions\{0,1\}.*, [0-9]* missed" ||
		{ fail "no summary after the UI quit:"; pane | grep -v '^$' | tail -n 5; }
else
	fail "the UI did not quit on q"; pane | tail -n 5
fi

# ---- memory ------------------------------------------------------------------------------
# Columns: t_ms rssA rssB rssUI. After the warm-up: halves, compare maxima.
for col in 2:A 3:B 4:UI; do
	c=${col%%:*} who=${col#*:}
	read -r n m1 m2 <<<"$(awk -v c="$c" -v w="$warm" '$1 >= w { v[n++] = $c }
		END { h = int(n / 2); for (i = 0; i < n; i++) { if (i < h) { if (v[i] > a) a = v[i] }
		      else if (v[i] > b) b = v[i] }; print n, a + 0, b + 0 }' "$dir/rss")"
	echo "    RSS $who: first half max ${m1} KiB, second half max ${m2} KiB ($n samples)"
	[ "$n" -ge 4 ] || { fail "RSS $who: only $n samples after the warm-up"; continue; }
	if [ "$m2" -gt $((m1 * 11 / 10 + 1024)) ]; then
		fail "RSS $who grows: $m1 -> $m2 KiB"
		echo "    RSS $who over time (s KiB):" $(awk -v c="$c" '{ printf "%d:%d ", $1 / 1000, $c }' "$dir/rss")
	fi
done

if [ $failed = 0 ]; then echo "--- $name: passed"; else echo "--- $name: FAILED"; fi
exit $failed
