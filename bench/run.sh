#!/usr/bin/env bash
# Measures pylogen against its performance targets and prints
# "target | measured | verdict" (also written to bench/results/summary.md).
#
#   (a) closed model, Dummy {"sleep":0}, --proc 2, --outformat none:
#       >= 5,000,000 requests/s recorded end to end
#   (b) the same with --outformat short --output FILE: >= 1,000,000 lines/s
#   (c) instrumentation in a worker (executor + record push): <= 100 ns/request
#       (micro-benchmark BM_ExecReport)
#   (d) reader memory flat over a SOAK-second run (VmRSS at 10 s and at SOAK s)
#
# Usage: bench/run.sh            (from anywhere; ~2-3 minutes)
# Knobs (environment):
#   BUILD=0          use the existing build in BUILD_DIR, do not (re)build
#   BUILD_DIR=DIR    default: <repo>/build-bench
#   MICRO_FILTER=RE  --benchmark_filter of the micro-benchmarks (default: all)
#   MIN_TIME=S       --benchmark_min_time (default 0.5)
#   DURATION=S       length of runs (a) and (b) (default 10)
#   SOAK=S           length of run (d) (default 60); SKIP_SOAK=1 skips it
#
# Run (b) writes ~130 bytes per line to a temporary file (several GB for
# 10 s); it is deleted as soon as it is counted.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
MICRO_FILTER=${MICRO_FILTER:-.}
MIN_TIME=${MIN_TIME:-0.5}
DURATION=${DURATION:-10}
SOAK=${SOAK:-60}
SKIP_SOAK=${SKIP_SOAK:-0}
RESULTS=$ROOT/bench/results
# (d) counts as flat when the reader's RSS grows by at most this much.
FLAT_KB=1024

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-bench.XXXXXX")
BG_PID=""
cleanup() {
  if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then
    kill -TERM "$BG_PID" 2>/dev/null || true
    wait "$BG_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

sleep_until() {  # sleep_until START OFFSET_S
  local left
  left=$(calc "$1 + $2 - $(now_s)")
  if at_least "$left" 0; then sleep "$left"; fi
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- machine
mkdir -p "$RESULTS"
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
FACTS=$(cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')
- cpu: ${MODEL:-unknown}, nproc $(nproc)
- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
- kernel: $(uname -sr)
- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -z $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] || echo ' (with local changes)')
- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
EOF
)
log "machine"
echo "$FACTS"

# ---------------------------------------------------------------- build
if [[ $BUILD != 0 ]]; then
  log "build (Release) in $BUILD_DIR"
  GENERATOR=()
  if [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null; then GENERATOR=(-G Ninja); fi
  cmake -S "$ROOT" -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DPYLOGEN_BUILD_BENCH=ON -DPYLOGEN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen pylogen_bench Dummy
fi
PYLOGEN=$BUILD_DIR/src/pylogen
BENCH=$BUILD_DIR/bench/pylogen_bench
[[ -x $PYLOGEN && -x $BENCH ]] || { echo "missing $PYLOGEN or $BENCH: build first" >&2; exit 1; }
COMPILER=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$BUILD_DIR/CMakeCache.txt")
FACTS+=$'\n'"- compiler: $("$COMPILER" --version | head -n1)"

# ---------------------------------------------------------------- micro
log "micro-benchmarks (filter: $MICRO_FILTER)"
"$BENCH" --benchmark_filter="$MICRO_FILTER" --benchmark_min_time="$MIN_TIME" \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$RESULTS/micro.json" --benchmark_out_format=json
# median of a benchmark, in ns (empty when it was filtered out)
median_ns() {
  jq -r --arg n "$1" '.benchmarks[] | select(.run_name == $n and .aggregate_name == "median")
    | .real_time * ({"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[.time_unit])' "$RESULTS/micro.json"
}

# ---------------------------------------------------------------- e2e
# Runs pylogen from its build folder, where cuts/Dummy resolves.
pylogen() { (cd "$BUILD_DIR/src" && ./pylogen "$@"); }
DUMMY=(cuts/Dummy --proc 2 --extra '{"sleep":0}')

log "(a) ${DURATION} s, --proc 2, --outformat none"
pylogen "${DUMMY[@]}" --duration "$DURATION" --outformat none --report "$TMP/a.json" >"$TMP/a.txt"
A_COUNT=$(jq '.requests.count' "$TMP/a.json")
A_DUR=$(jq '.duration_s' "$TMP/a.json")
A_RATE=$(calc "$A_COUNT / $A_DUR")
A_WAIT=$(jq '.producer_wait.ns / 1e9' "$TMP/a.json")
echo "requests $A_COUNT in $A_DUR s: $(group "$A_RATE") requests/s (producers waited ${A_WAIT} s)"

log "(b) ${DURATION} s, --proc 2, --outformat short --output FILE"
pylogen "${DUMMY[@]}" --duration "$DURATION" --outformat short --output "$TMP/lines.txt" \
  --report "$TMP/b.json" >"$TMP/b.txt"
B_LINES=$(wc -l <"$TMP/lines.txt")
B_BYTES=$(stat -c %s "$TMP/lines.txt")
rm -f "$TMP/lines.txt"
B_COUNT=$(jq '.requests.count' "$TMP/b.json")
B_DUR=$(jq '.duration_s' "$TMP/b.json")
B_RATE=$(calc "$B_LINES / $B_DUR")
B_WAIT=$(jq '.producer_wait.ns / 1e9' "$TMP/b.json")
if [[ $B_LINES == "$B_COUNT" ]]; then B_MATCH="lines = requests"; else B_MATCH="MISMATCH: lines $B_LINES != requests $B_COUNT"; fi
echo "lines $B_LINES, requests $B_COUNT ($B_MATCH), $(awk -v b="$B_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }') MiB in $B_DUR s:" \
  "$(group "$B_RATE") lines/s (producers waited ${B_WAIT} s)"

# ---------------------------------------------------------------- soak
D_ROW=""
if [[ $SKIP_SOAK == 1 ]]; then
  D_ROW="| (d) reader RSS flat over ${SOAK} s | skipped (SKIP_SOAK=1) | — |"
else
  # The run lasts 2 s more than SOAK so that the last sample is taken while
  # the reader is still at full load, not while it writes the summary.
  log "(d) ${SOAK} s soak, --proc 2, --outformat none; reader VmRSS at 10 s and ${SOAK} s"
  START=$(now_s)
  (cd "$BUILD_DIR/src" && exec ./pylogen "${DUMMY[@]}" --duration "$((SOAK + 2))" --outformat none \
    --report "$TMP/d.json" >"$TMP/d.txt") &
  BG_PID=$!
  READER=""
  for _ in $(seq 100); do
    READER=$(pgrep -P "$BG_PID" -x reader || true)
    [[ -n $READER ]] && break
    sleep 0.05
  done
  [[ -n $READER ]] || { echo "no reader process under pid $BG_PID" >&2; exit 1; }
  sample() { echo "$(status_kb "$READER" VmRSS) $(status_kb "$READER" RssAnon) $(status_kb "$READER" RssShmem)"; }
  sleep_until "$START" 10
  read -r RSS10 ANON10 SHM10 <<<"$(sample)"
  echo "at 10 s: VmRSS $RSS10 kB (anon $ANON10, shmem $SHM10)"
  sleep_until "$START" "$SOAK"
  read -r RSS60 ANON60 SHM60 <<<"$(sample)"
  HWM=$(status_kb "$READER" VmHWM)
  echo "at ${SOAK} s: VmRSS $RSS60 kB (anon $ANON60, shmem $SHM60), VmHWM $HWM kB"
  wait "$BG_PID" || { echo "soak run failed" >&2; exit 1; }
  BG_PID=""
  D_DELTA=$((RSS60 - RSS10))
  D_COUNT=$(jq '.requests.count' "$TMP/d.json")
  echo "delta $D_DELTA kB; $(group "$D_COUNT") requests recorded"
  D_VERDICT=FAIL; [[ $D_DELTA -le $FLAT_KB ]] && D_VERDICT=PASS
  D_ROW="| (d) reader RSS flat over ${SOAK} s (Δ ≤ $FLAT_KB kB) | $(group "$RSS10") kB at 10 s → $(group "$RSS60") kB at ${SOAK} s, Δ $D_DELTA kB ($(group "$D_COUNT") requests) | $D_VERDICT |"
fi

# ---------------------------------------------------------------- summary
verdict() { if at_least "$1" "$2"; then echo PASS; else echo FAIL; fi; }
C_NS=$(median_ns BM_ExecReport)
if [[ -n $C_NS ]]; then
  C_ROW="| (c) instrumentation per request (exec + push) ≤ 100 ns | $(printf '%.1f' "$C_NS") ns (BM_ExecReport, median of 3) | $(verdict 100 "$C_NS") |"
else
  C_ROW="| (c) instrumentation per request (exec + push) ≤ 100 ns | not measured (MICRO_FILTER) | — |"
fi
TABLE=$(cat <<EOF
| target | measured | verdict |
|---|---|---|
| (a) closed, Dummy sleep 0, 2 proc, outformat none ≥ 5,000,000 req/s | $(group "$A_RATE") req/s ($(group "$A_COUNT") in $(printf '%.2f' "$A_DUR") s) | $(verdict "$A_RATE" 5000000) |
| (b) same, outformat short to a file ≥ 1,000,000 lines/s | $(group "$B_RATE") lines/s ($(group "$B_LINES") lines; $B_MATCH) | $(verdict "$B_RATE" 1000000) |
$C_ROW
$D_ROW
EOF
)
MICRO=$(jq -r '.benchmarks[] | select(.aggregate_name == "median")
  | "| \(.run_name) | \(.real_time * 10 | round / 10) \(.time_unit) | \(if .items_per_second then (.items_per_second / 1e4 | round / 100 | tostring) + " M/s" else "" end) |"' \
  "$RESULTS/micro.json")

{
  echo "# pylogen benchmark results"
  echo
  echo "$FACTS"
  echo
  echo "$TABLE"
  echo
  echo "Micro-benchmarks (median of 3 repetitions, min time $MIN_TIME s each):"
  echo
  echo "| benchmark | time/iteration | items/s |"
  echo "|---|---|---|"
  echo "$MICRO"
} >"$RESULTS/summary.md"

log "summary (also in $RESULTS/summary.md)"
echo "$TABLE"
