#!/usr/bin/env bash
# Quick start, step 2 (and CI): installs missing dependencies, builds
# everything with the tests and runs the whole suite with ctest, then does it
# again in an AddressSanitizer + UBSan build, then runs each fuzzer of fuzz/
# for FUZZ_SECONDS (30) under ASan + UBSan (scripts/fuzz.sh: a crash, a leak,
# a hang or an OOM fails). SANITIZE=0 skips the second pass, FUZZ=0 the fuzzers.
# The sanitized builds use -O1 and line tables only (-g1): ASan's advice, and
# half the compile time of -O2 -g, which was most of CI's time.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

if [[ "${FUZZ:-1}" != 0 ]]; then scripts/install-deps.sh --test --fuzz; else scripts/install-deps.sh --test; fi

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 300)
}

echo "== Release build, all tests =="
run_suite build-test -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_BENCH=ON

if [[ "${SANITIZE:-1}" != 0 ]]; then
  echo "== AddressSanitizer + UBSan build, all tests =="
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
      -DPYLOGEN_SANITIZE=ON -DPYLOGEN_BUILD_BENCH=OFF
fi

if [[ "${FUZZ:-1}" != 0 ]]; then
  echo "== Fuzzers (libFuzzer, ASan + UBSan), ${FUZZ_SECONDS:-30}s each =="
  scripts/fuzz.sh
fi
