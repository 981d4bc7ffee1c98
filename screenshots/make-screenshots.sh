#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate screenshots/*.png from the replay fixture: tcpscope runs in a
# detached tmux pane, the screen is captured with its colors
# (capture-pane -e), turned into HTML (ansi2html.py) and photographed by
# headless Chromium. Needs tmux, python3 and chromium (installed with apt
# when missing and running as root). Usage: TCPSCOPE=build/tcpscope make-screenshots.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tcpscope=${TCPSCOPE:-$root/build/tcpscope}
fixture=$root/tests/ui/fixtures/sessions.csv
cols=${COLS_SHOT:-100}
lines=${LINES_SHOT:-28}
sock=tcpscope-shots-$$
work=$(mktemp -d /tmp/tcpscope-shots-XXXXXX)

die() { echo "make-screenshots: $*" >&2; exit 1; }

[ -x "$tcpscope" ] || die "no tcpscope binary at $tcpscope (make first, or set TCPSCOPE)"
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v python3 >/dev/null || need+=(python3)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "DejaVu Sans Mono" || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing ${need[*]}: install them (apt-get install ${need[*]})"
	echo "make-screenshots: installing ${need[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

t() { tmux -L "$sock" "$@"; }
# (tmux leaves its socket file behind when its server ends)
cleanup() {
	local p
	p=$(t display-message -p '#{socket_path}' 2>/dev/null) || p=
	t kill-server 2>/dev/null || true
	case $p in */"$sock") rm -f -- "$p" ;; esac
	rm -rf "$work"
}
trap cleanup EXIT

# Poll the pane until it shows $1 (10 s at most).
wait_for() {
	local i
	for i in $(seq 1 500); do
		t capture-pane -p -t main | grep -qF -- "$1" && return 0
		sleep 0.02
	done
	t capture-pane -p -t main >&2
	die "timed out waiting for '$1'"
}

# Poll the pane until $1 is gone from it (10 s at most).
wait_gone() {
	local i
	for i in $(seq 1 500); do
		t capture-pane -p -t main | grep -qF -- "$1" || return 0
		sleep 0.02
	done
	die "'$1' did not go away"
}

# shot NAME: capture the pane and render NAME.png
shot() {
	local name=$1 size
	t capture-pane -p -e -t main > "$work/$name.ans"
	size=$(python3 "$here/ansi2html.py" "$work/$name.ans" "$work/$name.html" "$cols" "$lines" \
		"tcpscope $name")
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$work/chrome" --window-size="${size/ /,}" \
		--screenshot="$here/$name.png" "file://$work/$name.html" >/dev/null 2>&1 \
		|| die "chromium could not render $name"
	[ -s "$here/$name.png" ] || die "no $name.png"
	echo "screenshots/$name.png"
}

t -f /dev/null new-session -d -s main -x "$cols" -y "$lines" \
	"env TZ=UTC LANG=C.UTF-8 TERM=tmux-256color $tcpscope --replay $fixture; sleep 30"
wait_for "replay complete"
wait_for "F10Quit"
# The start-up message goes after a few seconds: every shot shows the key
# hints in its place, however fast the steps below run.
wait_gone "replay complete: "
# a little above the newest, so the selection bar shows on a full screen
t send-keys -t main Up Up Up Up Up Up
wait_for "End follows"
shot sessions

t send-keys -t main 2
wait_for "30 rows"
shot processes

t send-keys -t main 3
wait_for "13 rows"
t send-keys -t main Down
shot ports

t send-keys -t main P
wait_for "72 rows"
shot peers

t send-keys -t main 2 Home Enter
wait_for "Recent sessions"
shot detail
t send-keys -t main Escape

t send-keys -t main 1 o
t send-keys -t main -l 443
t send-keys -t main Enter
wait_for "Filter: port 443"
t send-keys -t main '>' '>' '>' '>' '>' '>'
wait_for "▼TX"
shot filtered

t send-keys -t main x '?'
wait_for "tcpscope help"
shot help
t send-keys -t main q F10
