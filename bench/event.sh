#!/usr/bin/env bash
# Measures the figures of "many calls in flight per process" (issue 9) and
# prints "target | measured | verdict" (also written to
# bench/results/event.md):
#
#   (a) opened, AsyncDummy {"sleep":1}, --schedule 20@10000 --concurrency 5000
#       --prefork 2 --maxworkers 2 (10,000 in flight): every event served,
#       wait p99 <= 1 ms, all pylogen processes <= 0.5 core (utime + stime over
#       the run) and <= 200 MB (summed PSS, sampled every second)
#   (b) closed, AsyncDummy {"sleep":0.1}, --proc 2 --concurrency 5000, 30 s:
#       100,000 requests/s within 1 %
#   (c) closed, AsyncDummy {"sleep":0}, --proc 2 --concurrency 64, --outformat
#       none: >= 5,000,000 requests/s; blocking Dummy the same way beside it,
#       and the micro-benchmarks BM_EventOperation / BM_Operation
#   (d) blocking Dummy {"sleep":0.2}, opened 10@2000, --maxworkers 1000, other
#       options default: >= 99 % of the events served within 10.5 s of the
#       schedule's start; workers alive reach the needed count
#       (ceil(rate x service) + 1 = 401) within 2 s of the start
#
# Usage: bench/event.sh          (~2 minutes of runs; run it alone)
# Knobs: BUILD=0 (reuse BUILD_DIR), BUILD_DIR=DIR (default <repo>/build-bench),
#        ONLY="a b c d" (a subset of the runs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
ONLY=${ONLY:-a b c d}
RESULTS=$ROOT/bench/results
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-event.XXXXXX")
BG_PID=""
cleanup() {
  if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then kill -TERM "$BG_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

if [[ $BUILD == 1 ]]; then
  log "building (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF \
    -DPYLOGEN_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen Dummy AsyncDummy pylogen_bench >/dev/null
fi
PYLOGEN=$BUILD_DIR/src/pylogen
CUTS=$BUILD_DIR/src/cuts
mkdir -p "$RESULTS"
rows=$TMP/rows.md
: >"$rows"
row() { echo "| $1 | $2 | $3 | $4 |" >>"$rows"; }
verdict() { if at_least "$1" "$2"; then echo met; else echo "**not met**"; fi; }

# Runs pylogen in the background under /usr/bin/time; samples every second
# the summed PSS of its process group (kB, the maximum is kept in $TMP/pss).
timed_run() {  # TIMEFILE ARGS...
  local timefile=$1; shift
  setsid /usr/bin/time -f '%e %U %S' -o "$timefile" "$PYLOGEN" "$@" >"$TMP/out" 2>"$TMP/err" &
  BG_PID=$!
  local max=0 pss pgid
  sleep 0.5
  pgid=$(ps -o pgid= -p "$BG_PID" | tr -d ' ')
  while kill -0 "$BG_PID" 2>/dev/null; do
    pss=0
    for p in $(pgrep -g "$pgid" 2>/dev/null); do
      [[ $(cat "/proc/$p/comm" 2>/dev/null) == time ]] && continue
      v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
      pss=$((pss + ${v:-0}))
    done
    ((pss > max)) && max=$pss
    sleep 1
  done
  wait "$BG_PID" || true
  BG_PID=""
  echo "$max" >"$TMP/pss"
}

if [[ " $ONLY " == *" a "* ]]; then
  log "(a) opened 20@10000, 10,000 in flight in 2 workers"
  timed_run "$TMP/a.time" "$CUTS/AsyncDummy" --openedmodel --schedule 20@10000 --concurrency 5000 \
    --prefork 2 --maxworkers 2 --outformat none --extra '{"sleep":1}' --report "$TMP/a.json"
  read -r wall user sys <"$TMP/a.time"
  python3 - "$TMP/a.json" "$wall" "$user" "$sys" "$(cat "$TMP/pss")" >"$TMP/a.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); wall, user, sys_ = map(float, sys.argv[2:5]); pss = int(sys.argv[5])
o = r["opened"][0]["events"]; n = r["names"][0]
print(o["emitted"], o["served"], n["wait"]["p99_ns"] / 1e6, (user + sys_) / 20.0, pss / 1024, r["opened"][0]["generator"]["cpu_s"] / 20.0)
PY
  read -r emitted served wait_p99 cores pss_mb gen_cores <"$TMP/a.txt"
  row "(a) every event served" "200,000 of 200,000" "$(group "$served") of $(group "$emitted")" "$( [[ $served == "$emitted" && $emitted == 200000 ]] && echo met || echo '**not met**')"
  row "(a) wait p99" "≤ 1 ms" "$(printf '%.3f ms' "$wait_p99")" "$(verdict 1 "$wait_p99")"
  row "(a) CPU of all pylogen processes over 20 s" "≤ 0.5 core" "$(printf '%.3f core (generator %.3f)' "$cores" "$gen_cores")" "$(verdict 0.5 "$cores")"
  row "(a) summed PSS (max of 1 s samples)" "≤ 200 MB" "$(printf '%.1f MB' "$pss_mb")" "$(verdict 200 "$pss_mb")"
  over=$(python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["names"][0]; print((n["service"]["mean_ns"]-1e9)/1e3)' "$TMP/a.json")
  row "(a) diagnosis: mean service beyond the 1 s sleep (timer lateness)" "—" "$(printf '%.1f us per operation' "$over")" "—"
  log "(a') the same with a third worker (15,000 places for 10,000 in flight)"
  timed_run "$TMP/a3.time" "$CUTS/AsyncDummy" --openedmodel --schedule 20@10000 --concurrency 5000 \
    --prefork 3 --maxworkers 3 --outformat none --extra '{"sleep":1}' --report "$TMP/a3.json"
  read -r wall user sys <"$TMP/a3.time"
  python3 - "$TMP/a3.json" "$user" "$sys" >"$TMP/a3.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); cores = (float(sys.argv[2]) + float(sys.argv[3])) / 20.0
print(r["opened"][0]["events"]["served"], r["names"][0]["wait"]["p99_ns"] / 1e6, cores, r["opened"][0]["generator"]["cpu_s"] / 20.0)
PY
  read -r served3 wait3 cores3 gen3 <"$TMP/a3.txt"
  row "(a') diagnosis: --prefork 3 --maxworkers 3" "—" "$(group "$served3") served, wait p99 $(printf '%.3f' "$wait3") ms, $(printf '%.3f' "$cores3") core (generator $(printf '%.3f' "$gen3"))" "—"
fi

if [[ " $ONLY " == *" b "* ]]; then
  log "(b) closed, 2 x 5000 users sleeping 0.1 s, 30 s"
  timed_run "$TMP/b.time" "$CUTS/AsyncDummy" --process 2 --concurrency 5000 --duration 30 \
    --outformat none --extra '{"sleep":0.1}' --report "$TMP/b.json"
  rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"]["rate"])' "$TMP/b.json")
  off=$(calc "100 * ($rate - 100000) / 100000")
  row "(b) closed 2 x 5000 users, sleep 0.1 s" "100,000 req/s ± 1 %" "$(group "$rate") req/s ($(printf '%+.2f' "$off") %)" "$(verdict 1 "$(calc "($off < 0 ? -$off : $off)")")"
fi

if [[ " $ONLY " == *" c "* ]]; then
  log "(c) closed, sleep 0, 2 x 64 users, 10 s; blocking Dummy beside it"
  "$PYLOGEN" "$CUTS/AsyncDummy" --process 2 --concurrency 64 --duration 10 --outformat none \
    --extra '{"sleep":0}' --report "$TMP/c.json" >/dev/null
  "$PYLOGEN" "$CUTS/Dummy" --process 2 --duration 10 --outformat none --extra '{"sleep":0}' \
    --report "$TMP/c2.json" >/dev/null
  ev=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"]["rate"])' "$TMP/c.json")
  bl=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"]["rate"])' "$TMP/c2.json")
  row "(c) AsyncDummy sleep 0, 2 x 64 users" "≥ 5,000,000 req/s" "$(group "$ev") req/s (blocking Dummy --proc 2: $(group "$bl"))" "$(verdict "$ev" 5000000)"
  "$BUILD_DIR/bench/pylogen_bench" --benchmark_filter='BM_EventOperation|BM_Operation$' \
    --benchmark_min_time=0.5 --benchmark_format=json >"$TMP/micro.json" 2>/dev/null
  python3 - "$TMP/micro.json" >"$TMP/micro.txt" <<'PY'
import json, sys
b = {x["name"]: x for x in json.load(open(sys.argv[1]))["benchmarks"]}
blocking = 1e9 / b["BM_Operation"]["items_per_second"]
for name in ("BM_EventOperation/1", "BM_EventOperation/64"):
    ev = 1e9 / b[name]["items_per_second"]
    print(f"{name} {ev:.1f} {blocking:.1f} {ev / blocking:.2f}")
PY
  while read -r name ev blocking ratio; do
    row "(c) micro: $name per operation vs BM_Operation" "≤ 2 × the blocking path" "$ev ns vs $blocking ns (× $ratio)" "$(verdict 2 "$ratio")"
  done <"$TMP/micro.txt"
fi

if [[ " $ONLY " == *" d "* ]]; then
  log "(d) blocking Dummy, opened 10@2000 at sleep 0.2, --maxworkers 1000"
  "$PYLOGEN" "$CUTS/Dummy" --openedmodel --schedule 10@2000 --maxworkers 1000 --extra '{"sleep":0.2}' \
    --outformat json --output "$TMP/d.lines" --report "$TMP/d.json" >/dev/null 2>"$TMP/d.err" &
  BG_PID=$!
  start=$(now_s)
  : >"$TMP/d.workers"
  while kill -0 "$BG_PID" 2>/dev/null; do
    echo "$(calc "$(now_s) - $start") $(pgrep -c -f '^pylogen: worker-' || true)" >>"$TMP/d.workers"
    sleep 0.1
  done
  wait "$BG_PID" || true
  BG_PID=""
  python3 - "$TMP/d.lines" "$TMP/d.workers" "$TMP/d.json" >"$TMP/d.txt" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
due = [e["epoch"] - e["wait"] for e in events]
t0 = min(due) - 1 / 2000  # the first event is due 1/rate after time 0
ends = [e["epoch"] + e["seconds"] for e in events]
served = sum(1 for t in ends if t - t0 <= 10.5)
samples = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if len(l.split()) == 2]
# The sampler started with pylogen; time 0 of the schedule is after the prefork.
first = next((t for t, n in samples if n >= 401), float("nan"))
begin = next((t for t, n in samples if n >= 10), 0.0)
r = json.load(open(sys.argv[3]))
print(served, len(events), 100.0 * served / 20000, first - begin, int(r["high_water_marks"]["running_workers"]["value"]))
PY
  read -r served total pct reach hwm <"$TMP/d.txt"
  row "(d) events served within 10.5 s" "≥ 99 % of 20,000" "$(group "$served") of $(group "$total") ($(printf '%.2f' "$pct") %)" "$(verdict "$pct" 99)"
  row "(d) workers reach the needed 401" "within 2 s" "$(printf '%.1f s' "$reach") (high-water mark $hwm workers)" "$(verdict 2 "$reach")"
fi

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) x $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r), commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo
  echo "| figure | target | measured | verdict |"
  echo "|---|---|---|---|"
  cat "$rows"
} | tee "$RESULTS/event.md"
