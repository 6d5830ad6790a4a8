# tinydock - build, test, demo and benchmark.
#
#   make          build build/tinydock, every chapter's own binary build/chNN/tinydock, and the
#                 static helper programs
#   make check    unit tests and the stage-include check: fast, no root needed
#   make test     everything this machine allows (needs root): unit, check-stages, system tests
#   make demo     the chapters' demos, one after another (needs root); CHAPTER=03: one
#   make bench    measure, next to the peers installed here (runc, docker, tar, ...)
#   make stress   the whole suite STRESS_RUNS (10) times beside two CPU burners (needs root)
#   make sanitize unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
#   make valgrind unit tests under valgrind's memcheck
#   make fuzz     every tests/fuzz/fuzz_*.c under libFuzzer, FUZZ_TIME (30) seconds each (clang)
#   make sim      chapter 08's Raft simulation over SEEDS (1000) seeds, and leader failover times
#   make clean    remove build/
#
# `sudo make test` and `sudo make demo` first install what is missing (make deps).
# Objects go to build/ (out of tree); nothing built is committed.
#
# Every chapter is a working binary of its own. A file of chapter NN is compiled once, with the
# include paths of chapters 01..NN only: an #include of a later chapter's header is a compile
# error (make check-stages shows it). build/chNN/tinydock links main (01-chroot/main.c), the
# objects of chapters 01..NN and that chapter's stage-NN.c, which names the command tables the
# binary has and wires its `run` (01-chroot/command.h). build/tinydock is the last chapter's
# binary: the whole system. Each system test runs against the binary of its own chapter
# (tests/harness.h, harness_use_stage), so a lab of chapter NN is judged by build/chNN/tinydock.

BUILD    ?= build
CC       ?= cc
CHAPTERS := $(sort $(wildcard [0-9][0-9]-*))

# chapters_upto(03-cgroups) = 01-chroot 02-namespaces 03-cgroups (names sort in course order);
# chapter_number(03-cgroups) = 03.
chapters_upto  = $(foreach c,$(CHAPTERS),$(if $(filter $1,$(lastword $(sort $1 $c))),$c))
chapter_number = $(firstword $(subst -, ,$1))
# chapter_includes(03-cgroups) = -I01-chroot -I02-namespaces -I03-cgroups
chapter_includes = $(addprefix -I,$(call chapters_upto,$1))

override CPPFLAGS += -D_GNU_SOURCE
# Tests and fuzz targets see every chapter; a chapter's own file sees only itself and earlier ones.
ALL_INCLUDES := $(addprefix -I,$(CHAPTERS))
CFLAGS   ?= -O2 -g
# -Wno-format-truncation: snprintf into fixed buffers is how paths are built here; where a
# cut-off path would matter, the code checks snprintf's result itself.
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -Wno-unknown-warning-option -pthread -MMD -MP
override LDFLAGS += -pthread

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)

# Programs with a main() of their own, linked statically so they run inside a bare
# root filesystem that has no libc: the chroot escape of chapter 01, and the probe
# that system tests copy into containers.
STATIC_SRC := 01-chroot/chroot-escape.c tests/probe.c
MAIN_SRC   := 01-chroot/main.c
STAGE_SRC  := $(sort $(wildcard $(addsuffix /stage-*.c,$(CHAPTERS))))
LIB_SRC    := $(filter-out $(STATIC_SRC) $(MAIN_SRC) $(STAGE_SRC),$(wildcard $(addsuffix /*.c,$(CHAPTERS))))
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)

# Chapter 08's visualizer page (08-swarm/visualizer/*.html, *.css, *.js) is built into the
# binary: embed-files, a small C program built first, writes the files as arrays into a C
# source of chapter 08 (swarm-visualize-files.h), compiled and linked like the chapter's own.
VISUALIZER_FILES := $(sort $(wildcard $(addprefix 08-swarm/visualizer/*.,html css js)))
VISUALIZER_DATA  := $(BUILD)/08-swarm/visualizer-data
LIB_OBJ    += $(VISUALIZER_DATA).o

# A chapter with a stage-NN.c has a binary build/chNN/tinydock; the last one is build/tinydock.
STAGES     := $(patsubst %/,%,$(dir $(STAGE_SRC)))
stage_binary = $(BUILD)/ch$(call chapter_number,$1)/tinydock
STAGE_BIN  := $(foreach s,$(STAGES),$(call stage_binary,$s))

UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))
SYSTEM_SRC := $(sort $(wildcard tests/system/*.c))
HARNESS_SRC := tests/harness.c

TINYDOCK := $(BUILD)/tinydock
STATIC_BIN := $(BUILD)/chroot-escape $(BUILD)/probe

.PHONY: all check check-stages test system-test stress demo bench sanitize valgrind fuzz fuzz-deps sim clean deps
.SECONDARY:
all: $(TINYDOCK) $(STAGE_BIN) $(STATIC_BIN)

# A file of chapter $1 is compiled with the include paths of its chapter and the earlier ones
# only; $* is e.g. 03-cgroups/runtime.
compile_chapter = $(CC) $(CPPFLAGS) $(call chapter_includes,$1) $(CFLAGS)
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call compile_chapter,$(firstword $(subst /, ,$*))) -c $< -o $@

$(BUILD)/libtinydock.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# tinydock itself is linked statically too, for memory: each container keeps a tinydock
# monitor (and a logger) for its whole life. Linked against libc.so, a monitor maps all of
# libc and the dynamic loader, and the kernel maps whole runs of their pages around each
# one used (fault-around): VmRSS 2.3 MiB, 1.7 MiB of it libc's and ld.so's. Linked
# statically, only the parts of libc that tinydock calls are in the binary, and there is
# no loader to run: the monitor's VmRSS is 1.4 MiB, `run` takes 230 page faults instead of
# 300, `tinydock --help` 0.54 ms of CPU instead of 0.69 (perf stat; `run`'s wall time is
# the same within noise). The trade-off: those libc pages are no longer shared with every
# other program, only among tinydock processes, so one lone container's three (monitor,
# logger, init) have a Pss (fair share of shared pages) of 1.7 MiB instead of 1.2; from
# the second container on, each costs less, as its private memory is smaller. The binary
# grows from 1.4 to 2.4 MB, and a libc security fix needs tinydock rebuilt. glibc's NSS is
# the catch of static linking: users.c parses /etc/passwd itself; getaddrinfo (the HTTP
# client of 05) still reads /etc/hosts and asks DNS (built into glibc since 2.34), only
# NSS plugins such as mdns are out of reach, and the linker warns about it. Sanitizers do
# not support -static: `make TINYDOCK_LDFLAGS=` links tinydock dynamically.
TINYDOCK_LDFLAGS ?= -static

# build/chNN/tinydock: main, the objects of chapters 01..NN, and stage-NN.c (no other stage's).
define stage_rules
$(call stage_binary,$1): $(BUILD)/$(MAIN_SRC:.c=.o) $(filter $(addprefix $(BUILD)/,$(addsuffix /%,$(call chapters_upto,$1))),$(LIB_OBJ)) $(BUILD)/$1/stage-$(call chapter_number,$1).o
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) $$(TINYDOCK_LDFLAGS) $$^ -o $$@
endef
$(foreach s,$(STAGES),$(eval $(call stage_rules,$s)))

# The whole system is the last stage: the same file under its usual name.
$(TINYDOCK): $(call stage_binary,$(lastword $(STAGES)))
	ln -f $< $@

# The include rule, shown: for every chapter and every later chapter, a file that includes one
# of the later chapter's headers does not compile as a file of the chapter (compile_chapter,
# the very command of the rule above), and does as a file of the later chapter (so it does not
# fail for another reason).
later_chapters = $(filter-out $(call chapters_upto,$1),$(CHAPTERS))
first_header   = $(firstword $(sort $(notdir $(wildcard $1/*.h))))
define include_check
src=$(BUILD)/check-stages/$1-includes-$2; echo '#include "$3"' > $$src.c; \
if $(call compile_chapter,$1) -c $$src.c -o $$src.o 2>/dev/null; then \
  echo "FAIL: $1 compiles an #include of $2/$3"; fails=$$((fails + 1)); \
elif ! $(call compile_chapter,$2) -c $$src.c -o $$src.o; then \
  echo "FAIL: $2 cannot include its own $3"; fails=$$((fails + 1)); \
else echo "ok: $1 cannot include $2/$3"; fi;
endef

check-stages:
	@mkdir -p $(BUILD)/check-stages
	@fails=0; $(foreach c,$(CHAPTERS),$(foreach l,$(call later_chapters,$c),$(if $(call first_header,$l), \
	 $(call include_check,$c,$l,$(call first_header,$l))))) test $$fails = 0

$(BUILD)/embed-files: 08-swarm/visualizer/embed-files.c
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 $< -o $@

$(VISUALIZER_DATA).c: $(BUILD)/embed-files $(VISUALIZER_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/embed-files $@ $(VISUALIZER_FILES)

$(VISUALIZER_DATA).o: $(VISUALIZER_DATA).c
	$(call compile_chapter,08-swarm) -c $< -o $@

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

# The system tests' runner is built with NEEDS_ROOT: run by a normal user, it runs nothing
# and reports the system tests as not run, rather than letting them fail one by one.
$(BUILD)/tests/%-runner.o: tests/runner.c $(BUILD)/tests/%/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) -Itests -I$(BUILD)/tests/$* $(if $(filter system,$*),-DNEEDS_ROOT) $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) -Itests $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/unit-tests: $(BUILD)/tests/unit-runner.o $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%.o) $(BUILD)/tests/harness.o $(BUILD)/libtinydock.a
	$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) -o $@

$(BUILD)/system-tests: $(BUILD)/tests/system-runner.o $(SYSTEM_SRC:tests/%.c=$(BUILD)/tests/%.o) $(BUILD)/tests/harness.o $(BUILD)/libtinydock.a
	$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) -o $@

# Unit tests: no root, no network, fast; with them, the rules of make bench's timing. The
# runner's last lines name the skipped tests and give the totals (Check's own "100%: Checks: N"
# line counts a skipped test as passed).
check: $(BUILD)/unit-tests check-stages
	$(BUILD)/unit-tests
	tests/bench-lib-test.sh

# System tests: real chroots, namespaces, mounts, cgroups; they need root and the helpers
# (run by a normal user, the runner says they did not run, and fails).
system-test: all $(BUILD)/system-tests
	TINYDOCK=$(abspath $(TINYDOCK)) TINYDOCK_PROBE=$(abspath $(BUILD)/probe) \
	TINYDOCK_ESCAPE=$(abspath $(BUILD)/chroot-escape) TINYDOCK_RESULTS=$(abspath $(BUILD)/results) \
	$(BUILD)/system-tests

test: deps
	$(MAKE) all $(BUILD)/unit-tests $(BUILD)/system-tests
	@rm -f $(BUILD)/results; \
	 TINYDOCK_RESULTS=$(abspath $(BUILD)/results) $(BUILD)/unit-tests; unit=$$?; \
	 TINYDOCK_RESULTS=$(abspath $(BUILD)/results) tests/bench-lib-test.sh; bench=$$?; \
	 $(MAKE) --no-print-directory check-stages; stages=$$?; \
	 $(MAKE) --no-print-directory system-test; system=$$?; \
	 tests/summary.sh $(BUILD); \
	 test $$unit = 0 -a $$bench = 0 -a $$stages = 0 -a $$system = 0

# Flakiness under load: every test, STRESS_RUNS times, while two busy loops take the CPU.
STRESS_RUNS ?= 10
stress: deps
	$(MAKE) all $(BUILD)/unit-tests $(BUILD)/system-tests
	@if [ "$$(id -u)" != 0 ]; then echo "make stress runs the system tests: it needs root (sudo make stress)"; exit 1; fi
	BUILD=$(BUILD) TINYDOCK=$(abspath $(TINYDOCK)) TINYDOCK_PROBE=$(abspath $(BUILD)/probe) \
	TINYDOCK_ESCAPE=$(abspath $(BUILD)/chroot-escape) tests/stress.sh $(STRESS_RUNS)

sanitize:
	$(MAKE) BUILD=build-sanitize CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" check

# The unit tests in one process (CK_FORK=no) under valgrind: no leaks, no invalid accesses.
valgrind: $(BUILD)/unit-tests
	CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 $(BUILD)/unit-tests

# --- fuzzing ----------------------------------------------------------------
# Every tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput and is linked with the library
# compiled again by clang with libFuzzer's coverage, ASan and UBSan (objects in build/fuzz/obj).
# `make fuzz` runs each target for FUZZ_TIME seconds on its corpus build/fuzz/corpus/NAME,
# seeded from tests/fuzz/seeds/NAME when that folder exists; a crash stops it and leaves the
# input in build/fuzz/crash-* (replay: build/fuzz/NAME FILE). Not part of `make test`.
FUZZ_CC       ?= clang
FUZZ_TIME     ?= 30
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC      := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN      := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_OBJ      := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/08-swarm/visualizer-data.o

$(BUILD)/fuzz/obj/%.o: %.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(ALL_INCLUDES) -std=gnu11 -g -O1 -pthread -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) -c $< -o $@

$(BUILD)/fuzz/obj/08-swarm/visualizer-data.o: $(VISUALIZER_DATA).c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(ALL_INCLUDES) -std=gnu11 -g -O1 -pthread -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(ALL_INCLUDES) -std=gnu11 -g -O1 -pthread -fsanitize=fuzzer $(FUZZ_SANITIZE) $^ -o $@

# clang (with libFuzzer) from Debian's clang package, installed when missing and root.
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	   if [ "$$(id -u)" != 0 ]; then echo "make fuzz needs clang: apt-get install clang (as root)"; exit 1; fi; \
	   echo "installing: clang"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang; }

fuzz: $(FUZZ_BIN)
	@# seeds for the tar reader: one small tree in each of GNU tar's formats
	@mkdir -p $(BUILD)/fuzz/seed/tree/dir $(BUILD)/fuzz/corpus/fuzz_tar
	@echo hello > $(BUILD)/fuzz/seed/tree/dir/file; ln -sf dir/file $(BUILD)/fuzz/seed/tree/link
	@for f in ustar gnu pax; do tar --format=$$f -C $(BUILD)/fuzz/seed -cf $(BUILD)/fuzz/corpus/fuzz_tar/seed-$$f.tar tree; done
	@for f in $(FUZZ_BIN); do \
	   name=$${f##*/}; corpus=$(BUILD)/fuzz/corpus/$$name; mkdir -p $$corpus; \
	   seeds=; [ -d tests/fuzz/seeds/$$name ] && seeds=tests/fuzz/seeds/$$name; \
	   echo "fuzzing $$name for $(FUZZ_TIME) s (log: $(BUILD)/fuzz/$$name.log)"; \
	   if ! $$f -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=$(BUILD)/fuzz/ $$corpus $$seeds > $(BUILD)/fuzz/$$name.log 2>&1; then \
	     tail -n 40 $(BUILD)/fuzz/$$name.log; echo "$$name: FAILED"; exit 1; \
	   fi; \
	   echo "$$name: ok, $$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz/$$name.log) runs, $$(ls $$corpus | wc -l) inputs in the corpus"; \
	 done

# --- the Raft simulation -----------------------------------------------------
# `make sim SEEDS=N` runs chapter 08's Raft managers (08-swarm/raft-sim.h) over N seeds with
# faults, three ways (3 managers; 3 without pre-vote, where split votes are many; 5 without
# pre-vote), then the leader-failover measurement over a tenth of them; a failing seed prints
# its trace and how to replay it (tests/raft-sim.c). make test runs 4000 seeds as unit tests.
SEEDS ?= 1000
$(BUILD)/raft-sim: tests/raft-sim.c $(BUILD)/libtinydock.a
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(filter %.c %.a,$^) $(LDFLAGS) -o $@

# Then the swarm joined (08-swarm/swarm-cluster-sim.h): every scenario over a tenth of the
# seeds with 3 managers and 5, and issue 15's speed figures (tests/swarm-cluster-sim.c).
$(BUILD)/swarm-cluster-sim: tests/swarm-cluster-sim.c $(BUILD)/libtinydock.a
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(filter %.c %.a,$^) $(LDFLAGS) -o $@

sim: $(BUILD)/raft-sim $(BUILD)/swarm-cluster-sim
	$(BUILD)/raft-sim --seeds $(SEEDS)
	$(BUILD)/raft-sim --seeds $(SEEDS) --no-pre-vote
	$(BUILD)/raft-sim --seeds $(SEEDS) --members 5 --no-pre-vote
	$(BUILD)/raft-sim --failover --seeds $$(( $(SEEDS) / 10 > 0 ? $(SEEDS) / 10 : 1 ))
	$(BUILD)/swarm-cluster-sim --seeds $$(( $(SEEDS) / 10 > 0 ? $(SEEDS) / 10 : 1 ))
	$(BUILD)/swarm-cluster-sim --seeds $$(( $(SEEDS) / 10 > 0 ? $(SEEDS) / 10 : 1 )) --managers 5
	$(BUILD)/swarm-cluster-sim --figures --seeds 50

# --- demo, bench, dependencies ---------------------------------------------
# Each chapter's demo.sh runs against that chapter's own binary (build/chNN/tinydock), so it shows
# what the chapter built (a chapter without a stage of its own: build/tinydock). CHAPTER=03 runs one; DEMO_PAUSE=1 waits for Enter between steps.
DEMO_CHAPTERS = $(if $(CHAPTER),$(filter $(CHAPTER)-%,$(CHAPTERS)),$(CHAPTERS))
demo: deps all
	@$(if $(DEMO_CHAPTERS),,echo "no chapter $(CHAPTER)"; exit 1;) \
	 for d in $(DEMO_CHAPTERS); do \
	   if [ -x $$d/demo.sh ]; then \
	     bin=$(abspath $(BUILD))/ch$${d%%-*}/tinydock; [ -x $$bin ] || bin=$(abspath $(TINYDOCK)); \
	     TINYDOCK=$$bin TINYDOCK_PROBE=$(abspath $(BUILD)/probe) \
	     TINYDOCK_ESCAPE=$(abspath $(BUILD)/chroot-escape) $$d/demo.sh || exit 1; \
	   fi; \
	 done

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
