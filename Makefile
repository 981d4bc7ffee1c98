# tcpscope — build, test, run.  `make help` lists the targets.
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PKG_CONFIG ?= pkg-config
BTF      ?= /sys/kernel/btf/vmlinux
O        ?= build
PREFIX   ?= /usr/local

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')

# SAN=1 builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into build-san/.
ifeq ($(SAN),1)
O        := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -D_GNU_SOURCE -I. -I$(O) $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)

LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CORE_SRC := $(sort $(wildcard core/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
UI_SRC   := $(sort $(filter-out ui/main.c,$(wildcard ui/*.c)))
UI_OBJ   := $(UI_SRC:%.c=$(O)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(O)/%)
UITEST_SRC := $(sort $(wildcard tests/ui/test_*.c))
UITEST_BIN := $(UITEST_SRC:%.c=$(O)/%)
INTEG_SRC := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BIN := $(INTEG_SRC:%.c=$(O)/%)
TESTLIB_SRC := $(sort $(wildcard tests/lib/*.c))
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(O)/%.o)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:%.c=$(O)/%)

.PHONY: deps runtime-deps all clean test unit-test ui-test integration-test bench-test test-san run install bench screenshots check-layers check-build-deps help fuzz fuzz-short valgrind soak soak-short

all: tcpscope

help:
	@echo "make            build ./tcpscope (needs clang, bpftool, libbpf-dev, libelf-dev, libncurses-dev, uthash-dev)"
	@echo "make deps       install the Debian packages the build and the tests need (as root)"
	@echo "make run        build and start the monitor (as root; ARGS='-P 443' passes flags)"
	@echo "make test       every test: unit, UI, integration (real BPF), the bench's statistics, then again under ASan+UBSan"
	@echo "make bench      overhead benchmark (not part of make test)"
	@echo "make fuzz       libFuzzer on the CSV/replay reader, list parsers, name escaping, containers (FUZZ_SECONDS=60 each)"
	@echo "make valgrind   the headless stream under valgrind memcheck (part of make test)"
	@echo "make soak       flood + RSS/missed/UI checks for SOAK_SECONDS (default 600; not part of make test)"
	@echo "make screenshots  regenerate screenshots/*.png from replay fixtures"
	@echo "make check-layers  enforce the include rules between bpf/, core/ and ui/"
	@echo "make install    put tcpscope in \$$(DESTDIR)\$$(PREFIX)/sbin (PREFIX=/usr/local by default)"
	@echo "make clean      remove what the build made"
	@echo "make unit-test, ui-test, integration-test, bench-test  one suite of make test"
	@echo "make test-san   the suites under ASan+UBSan only"
	@echo "make fuzz-short, soak-short  the short fuzz and soak runs of make test"

# ---- what the build needs -------------------------------------------------------
# One clear line, not a compiler's error, when a tool or a header is missing.
$(O)/.build-deps: | $(O)
	@miss=; \
	command -v $(CLANG) >/dev/null 2>&1 || miss="$$miss clang"; \
	command -v $(BPFTOOL) >/dev/null 2>&1 || miss="$$miss bpftool"; \
	if command -v $(CC) >/dev/null 2>&1; then \
		for h in bpf/libbpf.h:libbpf-dev ncurses.h:libncurses-dev uthash.h:uthash-dev; do \
			printf '#include <%s>\n' "$${h%%:*}" | $(CC) $(CFLAGS) $(CURSES_CFLAGS) -E -x c - >/dev/null 2>&1 || \
				miss="$$miss $${h#*:}"; \
		done; \
	else miss="$$miss $(CC)"; fi; \
	if [ -n "$$miss" ]; then \
		echo "tcpscope: cannot build, missing:$$miss (sudo make deps installs them on Debian or Ubuntu)" >&2; \
		exit 1; \
	fi; \
	touch $@

# ---- BPF ------------------------------------------------------------------
$(O)/vmlinux.h: | $(O) $(O)/.build-deps
	@test -r $(BTF) || { echo "kernel BTF not found at $(BTF): need CONFIG_DEBUG_INFO_BTF=y or BTF=/path" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(BTF) format c > $@.tmp && mv $@.tmp $@

$(O)/tcpscope.bpf.o: bpf/tcpscope.bpf.c bpf/tcpscope.h $(O)/vmlinux.h | $(O)
	$(CLANG) -g -O2 -Wall -Werror -Wno-unused-function -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(O) -I. -c $< -o $@

$(O)/tcpscope.skel.h: $(O)/tcpscope.bpf.o
	$(BPFTOOL) gen skeleton $< name tcpscope_bpf > $@.tmp && mv $@.tmp $@

$(O)/bpf/collector.o: bpf/collector.c bpf/collector.h bpf/tcpscope.h $(wildcard core/*.h) $(O)/tcpscope.skel.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# ---- user space -------------------------------------------------------------
$(O):
	@mkdir -p $(O)

$(O)/core/%.o: core/%.c $(wildcard core/*.h) | $(O)/.build-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(O)/ui/%.o: ui/%.c $(wildcard ui/*.h core/*.h bpf/collector.h) | $(O)/.build-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) -c $< -o $@

$(O)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/tcpscope: $(O)/ui/main.o $(UI_OBJ) $(O)/bpf/collector.o $(O)/libcore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBBPF_LIBS) $(CURSES_LIBS)

tcpscope: $(O)/tcpscope
	@cp $< $@.tmp && mv -f $@.tmp $@

# ---- tests ------------------------------------------------------------------
$(O)/tests/lib/%.o: tests/lib/%.c $(wildcard tests/lib/*.h core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(O)/tests/unit/%: tests/unit/%.c $(O)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libcore.a $(CMOCKA_LIBS)

$(O)/tests/ui/%: tests/ui/%.c $(UI_OBJ) $(O)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) $(LDFLAGS) -o $@ $< $(UI_OBJ) $(O)/libcore.a $(CMOCKA_LIBS) $(CURSES_LIBS)

$(O)/tests/integration/%: tests/integration/%.c $(TESTLIB_OBJ) $(O)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_OBJ) $(O)/libcore.a $(CMOCKA_LIBS) $(LIBBPF_LIBS)

$(O)/tests/bench/%: tests/bench/%.c $(TESTLIB_OBJ) $(O)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_OBJ) $(O)/libcore.a -lm

unit-test: $(UNIT_BIN)
	@tests/run-tests.sh unit $(UNIT_BIN)

ui-test: $(UITEST_BIN) $(O)/tcpscope
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope tests/run-tests.sh ui $(UITEST_BIN)

# The statistics behind make bench's verdicts, and its load generator (Python, no root).
bench-test: $(BENCH_BIN)
	@LOADGEN=$(CURDIR)/$(O)/tests/bench/loadgen tests/run-tests.sh bench tests/bench/test_stats.py \
		tests/bench/test_loadgen.py tests/bench/test_ab.py

integration-test: $(INTEG_BIN) $(O)/tcpscope $(BENCH_BIN)
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope LOADGEN=$(CURDIR)/$(O)/tests/bench/loadgen tests/run-tests.sh integration $(INTEG_BIN)

deps:
	@.ci/install-deps

runtime-deps:
	@.ci/install-deps --runtime

# make test: everything, then the same suites under ASan+UBSan.
test: deps
	@$(MAKE) --no-print-directory tcpscope check-layers check-build-deps
	@$(MAKE) --no-print-directory unit-test ui-test integration-test bench-test
	@$(MAKE) --no-print-directory SAN=1 unit-test ui-test integration-test
	@$(MAKE) --no-print-directory valgrind fuzz-short soak-short

test-san:
	@$(MAKE) --no-print-directory SAN=1 unit-test ui-test integration-test

check-layers:
	@tests/check-layers.sh

check-build-deps:
	@tests/check-build-deps.sh

run: runtime-deps
	@$(MAKE) --no-print-directory tcpscope
	./tcpscope $(ARGS)

# ---- fuzzing, valgrind, soak ----------------------------------------------------
# libFuzzer harnesses (clang, libclang-rt-*-dev), each built with core/ instrumented.
FUZZ_O       := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_O)/%)
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -D_GNU_SOURCE -I. -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(CORE_SRC) $(wildcard core/*.h)
	@mkdir -p $(FUZZ_O)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRC)

fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_OUT=$(FUZZ_O) tests/fuzz/run-fuzz.sh $(FUZZ_BIN)

fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

valgrind: tcpscope $(BENCH_BIN)
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope LOADGEN=$(CURDIR)/$(O)/tests/bench/loadgen tests/valgrind.sh

# SOAK_SECONDS (default 600) at the maximum loopback rate; soak-short: 20 s.
soak: tcpscope $(BENCH_BIN)
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope LOADGEN=$(CURDIR)/$(O)/tests/bench/loadgen tests/soak.sh

soak-short: tcpscope $(BENCH_BIN)
	@SOAK_SECONDS=20 SOAK_SHORT=1 TCPSCOPE=$(CURDIR)/$(O)/tcpscope LOADGEN=$(CURDIR)/$(O)/tests/bench/loadgen tests/soak.sh

bench: tcpscope $(BENCH_BIN)
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope O=$(O) tests/bench/run-bench.sh

screenshots: tcpscope
	@TCPSCOPE=$(CURDIR)/$(O)/tcpscope screenshots/make-screenshots.sh

install: tcpscope
	install -D -m 0755 tcpscope $(DESTDIR)$(PREFIX)/sbin/tcpscope

clean:
	rm -rf build build-san build-fuzz tcpscope

.SECONDARY:
