# tinydock - build, test, demo and benchmark.
#
#   make          build build/tinydock and the static helper programs
#   make check    unit tests: fast, no root needed
#   make test     everything this machine allows (needs root): unit + system tests
#   make demo     the chapters' demos, one after another (needs root)
#   make bench    measure, next to the peers installed here (runc, docker, tar, ...)
#   make sanitize unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz     run the fuzz targets (clang + libFuzzer) for FUZZ_SECONDS each
#   make clean    remove build/
#
# `sudo make test` and `sudo make demo` first install what is missing (make deps).
# Objects go to build/ (out of tree); nothing built is committed.

BUILD    ?= build
CC       ?= cc
CHAPTERS := $(sort $(wildcard [0-9][0-9]-*))

CPPFLAGS += -D_GNU_SOURCE $(addprefix -I,$(CHAPTERS))
CFLAGS   ?= -O2 -g
# -Wno-format-truncation: snprintf into fixed buffers is how paths are built here; where a
# cut-off path would matter, the code checks snprintf's result itself.
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -pthread -MMD -MP
LDFLAGS  += -pthread

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)

# Programs with a main() of their own, linked statically so they run inside a bare
# root filesystem that has no libc: the chroot escape of chapter 01, and the probe
# that system tests copy into containers.
STATIC_SRC := 01-chroot/chroot-escape.c tests/probe.c
MAIN_SRC   := 08-swarm/tinydock.c
LIB_SRC    := $(filter-out $(STATIC_SRC) $(MAIN_SRC),$(wildcard $(addsuffix /*.c,$(CHAPTERS))))
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))
SYSTEM_SRC := $(sort $(wildcard tests/system/*.c))
HARNESS_SRC := tests/harness.c

TINYDOCK := $(BUILD)/tinydock
STATIC_BIN := $(BUILD)/chroot-escape $(BUILD)/probe

.PHONY: all check test system-test demo bench sanitize fuzz clean deps
.SECONDARY:
all: $(TINYDOCK) $(STATIC_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtinydock.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(TINYDOCK): $(BUILD)/$(MAIN_SRC:.c=.o) $(BUILD)/libtinydock.a
	$(CC) $(LDFLAGS) $^ -o $@

$(BUILD)/chroot-escape: 01-chroot/chroot-escape.c
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static $< -o $@

$(BUILD)/probe: tests/probe.c
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static $< -o $@

# --- tests ------------------------------------------------------------------
# Each file in tests/unit (or tests/system) defines `Suite *NAME_suite(void)`; the
# list of suites is collected from the sources, so adding a test file needs no edit here.
$(BUILD)/tests/%/suites.h: $(wildcard tests/unit/*.c tests/system/*.c) Makefile
	@mkdir -p $(dir $@)
	@sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(sort $(wildcard tests/$*/*.c)) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/tests/%-runner.o: tests/runner.c $(BUILD)/tests/%/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests -I$(BUILD)/tests/$* $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/unit-tests: $(BUILD)/tests/unit-runner.o $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%.o) $(BUILD)/tests/harness.o $(BUILD)/libtinydock.a
	$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) -o $@

$(BUILD)/system-tests: $(BUILD)/tests/system-runner.o $(SYSTEM_SRC:tests/%.c=$(BUILD)/tests/%.o) $(BUILD)/tests/harness.o $(BUILD)/libtinydock.a
	$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) -o $@

# Unit tests: no root, no network, fast.
check: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# System tests: real chroots, namespaces, mounts, cgroups; they need root and the helpers.
system-test: all $(BUILD)/system-tests
	@if [ "$$(id -u)" != 0 ]; then echo "system tests need root: run 'sudo make test'"; exit 1; fi
	TINYDOCK=$(abspath $(TINYDOCK)) TINYDOCK_PROBE=$(abspath $(BUILD)/probe) \
	TINYDOCK_ESCAPE=$(abspath $(BUILD)/chroot-escape) TINYDOCK_RESULTS=$(abspath $(BUILD)/results) \
	$(BUILD)/system-tests

test: deps
	$(MAKE) all $(BUILD)/unit-tests $(BUILD)/system-tests
	@rm -f $(BUILD)/results; \
	 TINYDOCK_RESULTS=$(abspath $(BUILD)/results) $(BUILD)/unit-tests; unit=$$?; \
	 $(MAKE) --no-print-directory system-test; system=$$?; \
	 tests/summary.sh $(BUILD); \
	 test $$unit = 0 -a $$system = 0

sanitize:
	$(MAKE) BUILD=build-sanitize CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" check

# --- fuzzing ------------------------------------------------------------------
# Each tests/fuzz/fuzz_NAME.c is a libFuzzer target linked against the library built with
# clang and the sanitizers; each runs for FUZZ_SECONDS, starting from a seed corpus in
# build-fuzz/corpus-NAME (the tar seeds are made with GNU tar). Not part of `make test`.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)

fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build-fuzz/libtinydock.a
	@mkdir -p build-fuzz/corpus-tar build-fuzz/seed/tree/dir
	@echo hello > build-fuzz/seed/tree/dir/file; ln -sf dir/file build-fuzz/seed/tree/link
	@for f in ustar gnu pax; do tar --format=$$f -C build-fuzz/seed -cf build-fuzz/corpus-tar/seed-$$f.tar tree; done
	@for t in $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%); do \
	   clang $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer tests/fuzz/fuzz_$$t.c build-fuzz/libtinydock.a \
	     -o build-fuzz/fuzz_$$t || exit 1; \
	   mkdir -p build-fuzz/corpus-$$t; \
	   echo "fuzzing $$t for $(FUZZ_SECONDS)s"; \
	   build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=1024 \
	     -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t || exit 1; \
	 done

# --- demo, bench, dependencies ---------------------------------------------
demo: deps all
	@for d in $(CHAPTERS); do [ -x $$d/demo.sh ] && TINYDOCK=$(abspath $(TINYDOCK)) $$d/demo.sh || exit 1; done

bench: all
	TINYDOCK=$(abspath $(TINYDOCK)) tests/bench.sh

# Install the build tools, Check and busybox-static when missing (Debian and Ubuntu).
deps:
	@missing=""; \
	 command -v cc >/dev/null 2>&1 || missing="$$missing build-essential"; \
	 command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	 pkg-config --exists check 2>/dev/null || missing="$$missing check"; \
	 [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || missing="$$missing busybox-static"; \
	 if [ -n "$$missing" ]; then \
	   echo "installing:$$missing"; \
	   if [ "$$(id -u)" != 0 ]; then echo "need root to install:$$missing (run with sudo)"; exit 1; fi; \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	 fi

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
