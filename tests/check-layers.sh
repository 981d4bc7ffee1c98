#!/bin/sh
# Enforce the include rules of DESIGN.md section 2.
rc=0
bad=$(grep -nE '#include *[<"](ncurses|curses|bpf/|.*skel\.h|ui/)' core/*.[ch] 2>/dev/null)
[ -n "$bad" ] && { echo "layer violation: core/ includes ncurses, BPF or ui headers:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#include *[<"](bpf/bpf\.h|bpf/libbpf|.*skel\.h|bpf/tcpscope\.h)' ui/*.[ch] 2>/dev/null)
[ -n "$bad" ] && { echo "layer violation: ui/ includes libbpf, the skeleton or the kernel record:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#include *[<"]bpf/collector\.h' ui/*.[ch] 2>/dev/null | grep -v '^ui/main\.c:')
[ -n "$bad" ] && { echo "layer violation: only ui/main.c may include bpf/collector.h:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#include *[<"](ncurses|curses|ui/)' bpf/*.[ch] 2>/dev/null)
[ -n "$bad" ] && { echo "layer violation: bpf/ includes ncurses or ui/:"; echo "$bad"; rc=1; }
[ $rc = 0 ] && echo "check-layers: ok"
exit $rc
