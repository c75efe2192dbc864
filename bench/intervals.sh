#!/usr/bin/env bash
# The time series' memory over a 1 h run (issue 12, "Speed and memory"):
# the micro-benchmark BM_IntervalsHour (bench/bm_intervals.cc) simulates a
# 1 h run at 1 s intervals with 10 ids and 100 names through the reader's
# aggregator, the interval series and its spool, and reports the process'
# peak RSS (VmHWM). Target: <= 64 MB (65,536 kB).
# Usage: bench/intervals.sh        (Release build in BUILD_DIR; ~1 minute)
# Knobs: BUILD=0 (reuse BUILD_DIR), BUILD_DIR (build-bench),
#        ARGS ("3600/1000": seconds/records per second; "60/1000" is quick).
# Run it alone on the machine (the lead measures it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
ARGS=${ARGS:-3600/1000}
TARGET_KB=65536
source "$ROOT/bench/lib.sh"
die() { echo "intervals.sh: $*" >&2; exit 1; }

if [[ ${BUILD:-1} != 0 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF \
    -DPYLOGEN_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen_bench >/dev/null
fi
out=$("$BUILD_DIR/bench/pylogen_bench" --benchmark_filter="BM_IntervalsHour/${ARGS}/" \
  --benchmark_format=json)
peak=$(jq -r '.benchmarks[0].peak_rss_kB' <<<"$out")
intervals=$(jq -r '.benchmarks[0].intervals' <<<"$out")
records=$(jq -r '.benchmarks[0].records' <<<"$out")
verdict=FAIL
at_least "$TARGET_KB" "$peak" && verdict=ok
printf '| time series, %s intervals, %s records, 10 ids x 10 names | peak RSS %s kB | <= %s kB: %s |\n' \
  "$(group "$intervals")" "$(group "$records")" "$(group "$peak")" "$(group "$TARGET_KB")" "$verdict"
