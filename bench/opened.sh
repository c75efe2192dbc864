#!/usr/bin/env bash
# The opened model's precision and cost (issue: exact arrival schedules):
#   - constant 1,000 / 10,000 / 100,000 / 1,000,000 events/s for DURATION s
#     (Dummy {"sleep":0}): emitted count vs target (<= 0.1 %), every inner
#     second within 1 %, generator lateness p50/p99 next to this machine's
#     floor (a pure spinning loop on the same deadlines, lateness_floor),
#     generator CPU;
#   - ponos' weak cases: 0.5/s and 4/s alternating each second for 10 s
#     (integral 22.5), sawtooth(5,2000) over 10 s (integral 10,000);
#   - 60 s at 50,000/s: the reader's RSS at 10 s and at 60 s.
# Prints a Markdown table and writes it to bench/results/opened.md.
# Knobs: BUILD=0 (reuse BUILD_DIR), BUILD_DIR, DURATION (10), SOAK (60),
# SKIP_SOAK=1, RATES ("1000 10000 100000 1000000").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DURATION=${DURATION:-10}
SOAK=${SOAK:-60}
RATES=${RATES:-"1000 10000 100000 1000000"}
RESULTS=$ROOT/bench/results
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-opened.XXXXXX")
BG_PID=""
cleanup() {
  [[ -n $BG_PID ]] && kill -TERM "$BG_PID" 2>/dev/null && wait "$BG_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
command -v python3 >/dev/null || { echo "opened.sh: needs python3 to read the JSON reports" >&2; exit 1; }

if [[ ${BUILD:-1} != 0 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen Dummy lateness_floor >/dev/null
fi
PYLOGEN=$BUILD_DIR/src/pylogen
FLOOR=$BUILD_DIR/bench/lateness_floor
export PYLOGEN_CUT_PATH=$BUILD_DIR/src/cuts
mkdir -p "$RESULTS"

run_opened() {  # REPORT SCHEDULE [extra pylogen args...]
  local report=$1 schedule=$2; shift 2
  "$PYLOGEN" Dummy --openedmodel --schedule "$schedule" --prefork 2 --maxworkers 2 \
    --extra '{"sleep":0}' --outformat none --report "$report" "$@" >/dev/null
}

table=$TMP/table.md
{
  echo "| schedule | target | emitted | error | worst inner second | lateness p50 | p99 | floor p50 | floor p99 | generator CPU |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$table"

for rate in $RATES; do
  echo "== constant $rate/s for $DURATION s" >&2
  run_opened "$TMP/r.json" "${DURATION}@${rate}"
  "$FLOOR" "$rate" "$DURATION" >"$TMP/floor.json"
  python3 - "$TMP/r.json" "$TMP/floor.json" "$rate" "$DURATION" >>"$table" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
rate, duration = float(sys.argv[3]), float(sys.argv[4])
o = r["opened"][0]; target = rate * duration; emitted = o["events"]["emitted"]
inner = o["emitted_per_second"][1:-1] or o["emitted_per_second"]
worst = max(abs(c - rate) / rate for c in inner) if inner else float("nan")
lat = o["lateness"]; g = o["generator"]
us = lambda ns: f"{ns / 1000:.1f} us"
cpu = 100 * g["cpu_s"] / g["run_s"] if g["run_s"] else 0
print(f"| {duration:g}@{rate:g} | {target:,.0f} | {emitted:,} | {100 * (emitted - target) / target:+.3f} % "
      f"| {100 * worst:.3f} % | {us(lat['p50_ns'])} | {us(lat['p99_ns'])} | {us(f['p50_ns'])} "
      f"| {us(f['p99_ns'])} | {cpu:.1f} % |")
PY
done

echo "== ponos' weak cases" >&2
alternating=$(printf '1@0.5,1@4,%.0s' 1 2 3 4 5); alternating=${alternating%,}
run_opened "$TMP/alt.json" "$alternating"
run_opened "$TMP/saw.json" "10@sawtooth(5,2000)"
python3 - "$TMP/alt.json" "$TMP/saw.json" >>"$table" <<'PY'
import json, sys
for path, name, integral in ((sys.argv[1], "0.5/s and 4/s alternating, 10 s", 22.5),
                             (sys.argv[2], "10@sawtooth(5,2000)", 10000)):
    o = json.load(open(path))["opened"][0]
    e = o["events"]["emitted"]
    print(f"| {name} | {integral:g} | {e:,} | {e - integral:+g} events | | | | | | |")
PY

if [[ ${SKIP_SOAK:-0} != 1 ]]; then
  echo "== $SOAK s at 50,000/s: reader RSS" >&2
  run_opened "$TMP/soak.json" "${SOAK}@50000" &
  BG_PID=$!
  sleep 1
  reader=""
  for p in $(pgrep -P "$BG_PID" 2>/dev/null || true) $(pgrep -x reader || true); do
    [[ $(cat /proc/$p/comm 2>/dev/null) == reader ]] && reader=$p
  done
  sleep 9
  rss10=$(awk '/VmRSS/ {print $2}' /proc/$reader/status)
  sleep $((SOAK - 10 - 1))
  rss60=$(awk '/VmRSS/ {print $2}' /proc/$reader/status)
  wait "$BG_PID"; BG_PID=""
  echo "| ${SOAK}@50000, reader RSS | flat | ${rss10} kB at 10 s | ${rss60} kB at ${SOAK} s | $((rss60 - rss10)) kB | | | | | |" >>"$table"
fi

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) x $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r), commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo
  cat "$table"
} | tee "$RESULTS/opened.md"
