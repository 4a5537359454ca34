# remitline: a thin wrapper around CMake, as neovim does it.
#   make run    install what is missing, build, import the shipped content, start the gateway
#   make build  the binary people run, in build/: no fault-injection switches
#   make test   install what is missing, build twice for the tests (build-test/ and ASan+UBSan in
#               build-asan/, both with the fault switches the tests need), run every test
#               (the crash test, label `slow`, included: about a minute each)
#   make fuzz   build the libFuzzer targets with clang in build-fuzz/, run each FUZZ_SECONDS
#   make valgrind  memcheck on import, bulk ask and a short daemon run (about 15 s; not in test)
BUILD_DIR ?= build
TEST_DIR  ?= build-test
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
REMITLINE := $(BUILD_DIR)/remitline
# CMake runs make inside make: without this every level says "Entering directory" (issue #18).
MAKEFLAGS += --no-print-directory

.PHONY: all deps build build-test build-asan build-fuzz test test-plain test-asan run bench fuzz valgrind \
	format clean

all: build

deps:
	@sh scripts/install-deps.sh

# What people run (make run, make install, the systemd unit) never holds the fault switches:
# REMITLINE_FAULTS=OFF is said explicitly, so a build/ configured by an older Makefile is fixed.
build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FAULTS=OFF >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The tests' own build: the same code with the fault switches (crash, daemon, guards use them).
build-test: deps
	@cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FAULTS=ON >/dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DREMITLINE_SANITIZE=ON -DREMITLINE_FAULTS=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)

test-plain: build-test
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	@cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# Both configurations, one after the other; any failure fails the target.
test: test-plain test-asan

# libFuzzer needs clang (Debian's clang 14 with libclang-rt-14-dev). Targets: fuzz/fuzz_*.c;
# the USSD request handler's target will be fuzz/fuzz_ussd.c (being written on another branch):
# any fuzz/fuzz_*.c is built and run here without changing this file.
build-fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
	@CC=clang cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FUZZ=ON \
	  -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS)

fuzz: build-fuzz
	@sh scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

valgrind: build
	@bash scripts/valgrind.sh $(REMITLINE) $(BUILD_DIR)/valgrind-work

# make run builds just the binary, its output kept in a log unless it fails, so the gateway's
# first lines are what shows.
run: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FAULTS=OFF >/dev/null
	@echo "building $(REMITLINE) (output in $(BUILD_DIR)/build.log)"
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target remitline >$(BUILD_DIR)/build.log 2>&1 || \
	  { cat $(BUILD_DIR)/build.log; exit 1; }
	@sh scripts/run.sh $(REMITLINE)

bench: build
	@sh scripts/bench.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(TEST_DIR) $(ASAN_DIR) $(FUZZ_DIR)
