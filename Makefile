# remitline: a thin wrapper around CMake, as neovim does it.
#   make run    install what is missing, build, import the shipped content, start the gateway
#   make test   install what is missing, build twice (plain and ASan+UBSan), run every test
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
REMITLINE := $(BUILD_DIR)/remitline

.PHONY: all deps build build-asan test test-plain test-asan run bench format clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FAULTS=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DREMITLINE_SANITIZE=ON -DREMITLINE_FAULTS=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)

test-plain: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	@cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# Both configurations, one after the other; any failure fails the target.
test: test-plain test-asan

run: build
	@sh scripts/run.sh $(REMITLINE)

bench: build
	@sh scripts/bench.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
