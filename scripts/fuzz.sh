#!/usr/bin/env bash
# The fuzzers of fuzz/ (libFuzzer, ASan + UBSan), as CI runs them: configures
# and builds them in build-fuzz with clang, then runs each target for a
# bounded time on a scratch copy of its seed corpus (fuzz/corpus/<target>,
# never written) with its dictionary. A crash, a leak, an input taking more
# than 2 s (-timeout) or memory above 2 GiB (-rss_limit_mb) fails; the
# reproducer is left in build-fuzz/runs/<target>/ (crash-*, leak-*,
# timeout-*, oom-*), to replay with build-fuzz/fuzz/<target>_fuzzer FILE.
#
#   scripts/fuzz.sh [TARGET...]     FUZZ_SECONDS per target (30), FUZZ_CXX (clang++-19)
#
# Prints the executions of each target and their total on one line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-30}
cxx=${FUZZ_CXX:-clang++-19}
all=(command_line schedule scenario defaults extra)
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all[@]}")

cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" -DPYLOGEN_BUILD_FUZZ=ON -DPYLOGEN_BUILD_TESTS=OFF -DPYLOGEN_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target pylogen_fuzzers

runs_dir=$root/build-fuzz/runs
symbolizer=$(command -v llvm-symbolizer || true)
total=0
summary=()
failed=()
for t in "${targets[@]}"; do
  dir=$runs_dir/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  echo "== fuzz $t: ${seconds}s =="
  # In its own directory: no defaults.json there, artifacts land beside the log.
  if (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 ASAN_SYMBOLIZER_PATH="$symbolizer" \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$root/build-fuzz/fuzz/${t}_fuzzer" -max_total_time="$seconds" -timeout=2 \
        -rss_limit_mb=2048 -dict="$root/fuzz/dict/$t.dict" -artifact_prefix="$dir/" \
        -print_final_stats=1 corpus "$root/fuzz/corpus/$t" >log 2>&1); then
    n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -1)
    total=$((total + ${n:-0}))
    summary+=("$t ${n:-?} runs")
  else
    failed+=("$t")
    summary+=("$t FAILED")
    echo "fuzz: $t failed; its log ($dir/log) ends with:" >&2
    grep -v '^#[0-9]' "$dir/log" | tail -40 >&2
    ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|fuzz: reproducer: $dir/|" >&2 || true
  fi
done
line="fuzz:"
for part in "${summary[@]}"; do line+=" $part,"; done
echo "$line total $total runs"
((${#failed[@]} == 0)) || { echo "fuzz: FAILED: ${failed[*]}" >&2; exit 1; }
