#!/usr/bin/env bash
# The reader's anonymous memory with many names (issue 12, compact
# histograms): opened model, cuts/AsyncDummy {"sleep":0.005}, Poisson
# arrivals, NAMES names (one --lengths value each), DURATION s at RATE
# events/s. The figure is the peak of RssAnon in /proc/PID/status of the
# reader process, sampled every 0.1 s (a 1 s period missed the end-of-run
# peak, which lasts well under a second): the shared-memory rings are
# RssShmem, not RssAnon, so they are excluded. Two peaks: while the load
# runs (the first DURATION seconds: histograms, names, maps), and overall,
# which adds the end of the run (the summary and the JSON report built in
# memory, a few hundred bytes per non-empty histogram bucket, dominate it).
# Target: <= 64 MB (65,536 kB) at the defaults (1,000 names, 60 s at 10,000
# events/s), overall.
# Prints one Markdown table row (and the run's request count) on stdout.
# Knobs: BUILD=0 (reuse BUILD_DIR), BUILD_DIR (build-bench), DURATION (60),
# RATE (10000), NAMES (1000), CONCURRENCY (64 events at once per worker).
# Run it alone on the machine: other processes' load shows as wait times,
# which spread the wait histograms.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DURATION=${DURATION:-60}
RATE=${RATE:-10000}
NAMES=${NAMES:-1000}
CONCURRENCY=${CONCURRENCY:-64}
TARGET_KB=65536
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-reader-memory.XXXXXX")
RUN_PID=""
cleanup() {
  if [[ -n $RUN_PID ]]; then kill -INT "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
command -v jq >/dev/null || { echo "reader_memory.sh: needs jq to read the JSON report (apt-get install jq)" >&2; exit 1; }

if [[ ${BUILD:-1} != 0 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen AsyncDummy >/dev/null
fi
PYLOGEN=$BUILD_DIR/src/pylogen
export PYLOGEN_CUT_PATH=$BUILD_DIR/src/cuts

lengths=$(seq -s, 0 $((NAMES - 1)))

# The descendants of process $1 whose command name is "reader".
find_reader() {
  local pending=("$1") p child
  while ((${#pending[@]})); do
    p=${pending[0]}; pending=("${pending[@]:1}")
    for child in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
      [[ $(cat /proc/"$child"/comm 2>/dev/null) == reader ]] && { echo "$child"; return 0; }
      pending+=("$child")
    done
  done
  return 1
}
anon_kb() { awk '/^RssAnon:/ {print $2}' /proc/"$1"/status 2>/dev/null; }

echo "== reader RssAnon: $NAMES names, ${DURATION}@${RATE} poisson, AsyncDummy sleep 0.005" >&2
"$PYLOGEN" cuts/AsyncDummy --openedmodel --schedule "${DURATION}@${RATE}" --arrivals poisson \
  --seed 1 --concurrency "$CONCURRENCY" --lengths "$lengths" --extra '{"sleep":0.005}' \
  --outformat none --report "$TMP/r.json" >/dev/null 2>"$TMP/stderr" &
RUN_PID=$!
reader=""
for _ in $(seq 1 100); do
  reader=$(find_reader "$RUN_PID" || true)
  [[ -n $reader ]] && break
  sleep 0.1
done
[[ -n $reader ]] || { echo "reader_memory.sh: no reader process under pid $RUN_PID" >&2; exit 1; }
peak=0; run_peak=0; started=$SECONDS
while kill -0 "$reader" 2>/dev/null; do
  kb=$(anon_kb "$reader" || true)
  if [[ -n $kb ]]; then
    ((kb > peak)) && peak=$kb
    ((SECONDS - started < DURATION && kb > run_peak)) && run_peak=$kb
  fi
  sleep 0.1
done
status=0
wait "$RUN_PID" || status=$?
RUN_PID=""
((status == 0)) || { echo "reader_memory.sh: pylogen exited $status:" >&2; tail -5 "$TMP/stderr" >&2; exit 1; }
requests=$(jq .requests.count "$TMP/r.json")
verdict=$( ((peak <= TARGET_KB)) && echo "ok" || echo "above target")
echo "| reader RssAnon, opened, AsyncDummy sleep 0.005, poisson, $NAMES names, ${DURATION}@${RATE} | <= 64 MB | $((peak / 1024)) MB peak ($peak kB; $run_peak kB while the load ran) | $requests requests | $verdict |"
