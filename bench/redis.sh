#!/usr/bin/env bash
# pylogen's Redis CUT against redis-benchmark, both against the same
# redis-server:
#   - Debian's redis-server on 127.0.0.1 (a free port from 16379, its own
#     directory, --save "" --appendonly no: no disk in the measurement);
#   - PING (redis-benchmark -t ping_mbulk: the multi-bulk "*1 $4 PING" that
#     pylogen sends too, not the inline "PING\r\n") and SET with a 384-byte
#     value (-t set -d 384; pylogen ["SET","key:{n}","{payload}"] --lengths
#     384), each at CONNS (50) connections: redis-benchmark -c 50, pylogen
#     --proc 1 --concurrency 50 and --proc 2 --concurrency 25, plus one PING
#     row with --outformat short --output FILE (the cost of the lines);
#   - each run about DURATION s under /usr/bin/time: requests/s, p50/p99,
#     generator CPU (user + sys, children included), requests per generator
#     CPU-second, and redis-server's CPU over the same interval
#     (/proc/PID/schedstat). redis-benchmark has no duration option: its -n
#     is its rate in a short calibration run times DURATION;
#   - targets: pylogen (either process count) >= 0.8 x redis-benchmark's
#     requests per generator CPU-second, for PING and for SET; the short
#     lines cost <= 10 % of that figure.
# Prints a Markdown table, writes it to bench/results/redis.md and between the
# markers <!-- redis-table:begin --> and <!-- redis-table:end --> of
# bench/README.md (the section is created when missing).
#
# Usage: bench/redis.sh          (from anywhere; about 1.5 minutes)
# Knobs (environment):
#   BUILD=0          use the existing build in BUILD_DIR, do not (re)build
#   BUILD_DIR=DIR    default: <repo>/build-bench
#   DURATION=S       seconds per run (default 10)
#   CONNS=N          connections (default 50; pylogen's 2-process rows use N/2 each)
#   PAYLOAD=B        SET's value size (default 384)
#   PORT=P           redis-server's port (default: the first free one from 16379)
#   README=0         do not touch bench/README.md
# Missing tools are installed with apt-get when run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DURATION=${DURATION:-10}
CONNS=${CONNS:-50}
PAYLOAD=${PAYLOAD:-384}
PORT=${PORT:-}
WRITE_README=${README:-1}
RESULTS=$ROOT/bench/results
README_MD=$ROOT/bench/README.md
TARGET_RATIO=0.8  # pylogen / redis-benchmark, requests per generator CPU-second
LINES_MAX_COST=0.10
BEGIN_MARK='<!-- redis-table:begin -->'
END_MARK='<!-- redis-table:end -->'
SECTION='## Redis: pylogen'"'"'s Redis CUT against redis-benchmark (`bench/redis.sh`)'

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
die() { echo "redis.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
declare -A PKG=([redis-server]=redis-server [redis-benchmark]=redis-tools [redis-cli]=redis-tools
  [/usr/bin/time]=time [jq]=jq [timeout]=coreutils)
missing=()
for c in "${!PKG[@]}"; do command -v "$c" >/dev/null || missing+=("${PKG[$c]}"); done
if ((${#missing[@]})); then
  if [[ $EUID == 0 ]]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing tools; as root: apt-get install -y --no-install-recommends ${missing[*]}"
  fi
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-redis.XXXXXX")
SERVER_PID=""
CUR_PID=""
cleanup() {
  if [[ -n $CUR_PID ]] && kill -0 "$CUR_PID" 2>/dev/null; then
    kill -TERM "$CUR_PID" 2>/dev/null || true
    wait "$CUR_PID" 2>/dev/null || true
  fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if [[ $BUILD != 0 ]]; then build_release "$BUILD_DIR" pylogen Redis; fi
PYLOGEN=$BUILD_DIR/src/pylogen
[[ -x $PYLOGEN && -f $BUILD_DIR/src/cuts/Redis.so ]] || die "missing $PYLOGEN or $BUILD_DIR/src/cuts/Redis.so: build first"
export PYLOGEN_CUT_PATH=$BUILD_DIR/src/cuts

# ---------------------------------------------------------------- redis-server
listening() {  # PORT: something listens on it (any address, v4 or v6)
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p="$hex" 'FNR > 1 { split($2, a, ":"); if (a[length(a)] == p && $4 == "0A") found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
if [[ -n $PORT ]]; then PORTS=("$PORT"); else mapfile -t PORTS < <(seq 16379 16478); fi
for p in "${PORTS[@]}"; do
  listening "$p" && continue
  PORT=$p
  break
done
[[ -n $PORT ]] && ! listening "$PORT" || die "no free port for redis-server (tried ${PORTS[0]}..${PORTS[-1]})"
mkdir -p "$TMP/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$TMP/redis" --logfile "$TMP/redis/redis.log" </dev/null >/dev/null 2>&1 &
SERVER_PID=$!
ok=0
for _ in $(seq 100); do
  if [[ $(redis-cli -p "$PORT" ping 2>/dev/null) == PONG ]]; then ok=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
((ok)) || { tail -n 5 "$TMP/redis/redis.log" >&2 || true; die "redis-server did not answer on 127.0.0.1:$PORT"; }
CLK_TCK=$(getconf CLK_TCK)
server_cpu_ns() {
  if [[ -r /proc/$SERVER_PID/schedstat ]]; then
    cut -d' ' -f1 "/proc/$SERVER_PID/schedstat"
  else
    awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$SERVER_PID/stat"
  fi
}
log "redis-server $SERVER_PID on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- machine
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
pkg_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -z $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] || echo ' (with local changes)')"
FACTS=$(cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')
- machine: ${MODEL:-unknown}, nproc $(nproc), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)
- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
- versions: redis-server $(pkg_version redis-server), redis-benchmark $(pkg_version redis-tools), hiredis $(pkg_version libhiredis0.14); pylogen commit $COMMIT (Release)
EOF
)
log "machine"
echo "$FACTS" >&2

# ---------------------------------------------------------------- runs
# rows.tsv: label command count rate p50_us p99_us errors wall user sys server_pct
ROWS=$TMP/rows.tsv
: >"$ROWS"

# measure NAME LIMIT_S CMD...: CMD under /usr/bin/time, bounded by timeout;
# sets WALL UTIME SYS and SERVER_PCT (redis-server's CPU, % of one core).
measure() {
  local name=$1 limit=$2; shift 2
  local before after t0 t1 rc=0
  before=$(server_cpu_ns)
  t0=$(now_s)
  timeout -k 5 "$limit" /usr/bin/time -o "$TMP/$name.time" -f '%e %U %S' "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  CUR_PID=$!
  wait "$CUR_PID" || rc=$?
  CUR_PID=""
  t1=$(now_s)
  after=$(server_cpu_ns)
  if [[ $rc == 124 || $rc == 137 ]]; then
    tail -n 5 "$TMP/$name.err" >&2
    die "$name did not end within $limit s"
  elif [[ $rc != 0 ]]; then
    echo "redis.sh: $name exited with $rc; last lines of its stderr:" >&2
    tail -n 5 "$TMP/$name.err" >&2
  fi
  read -r WALL UTIME SYS < <(tail -n 1 "$TMP/$name.time")
  SERVER_PCT=$(calc "100 * ($after - $before) / 1e9 / ($t1 - $t0)")
  redis-cli -p "$PORT" flushall >/dev/null  # the next run starts from an empty server
}
add_row() {  # LABEL COMMAND COUNT RATE P50_US P99_US ERRORS
  [[ $3 =~ ^[0-9]+$ && $3 -gt 0 ]] || die "$1: no request count in its output"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$WALL" "$UTIME" "$SYS" "$SERVER_PCT" >>"$ROWS"
  printf '%s (%s): %s requests, %s/s, errors %s; CPU %s + %s s in %s s; redis-server %.0f %%\n' \
    "$1" "$2" "$3" "$(group "$4")" "$7" "$UTIME" "$SYS" "$WALL" "$SERVER_PCT" >&2
}

# redis-benchmark's --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...
bench_fields() {  # FILE -> rps p50_ms p99_ms
  awk -F, 'NR > 1 && NF >= 7 { for (i = 1; i <= NF; i++) gsub(/"/, "", $i); print $2, $5, $7; exit }' "$1"
}
benchmark_row() {  # NAME COMMAND TEST [options...]
  local name=$1 command=$2 test=$3; shift 3
  log "redis-benchmark -c $CONNS -t $test${*:+ $*}"
  # Calibration: its rate over a short run sets -n for about DURATION s.
  redis-benchmark -p "$PORT" -c "$CONNS" -t "$test" -n 20000 --csv "$@" >"$TMP/$name.calib" 2>&1
  read -r rps _ < <(bench_fields "$TMP/$name.calib")
  local n
  n=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN { n = int(r * d); if (n < 20000) n = 20000; print n }')
  measure "$name" $((DURATION * 4 + 30)) redis-benchmark -p "$PORT" -c "$CONNS" -t "$test" -n "$n" --csv "$@"
  read -r rps p50 p99 < <(bench_fields "$TMP/$name.out")
  [[ -n $rps ]] || die "$name: no rate in its output"
  add_row "redis-benchmark -c $CONNS -t $test${*:+ $*}" "$command" "$n" "$rps" "$(calc "$p50 * 1000")" \
    "$(calc "$p99 * 1000")" 0
}
pylogen_row() {  # NAME COMMAND PROCS EXTRA [options...]
  local name=$1 command=$2 procs=$3 extra=$4; shift 4
  local conc=$((CONNS / procs))
  log "pylogen Redis --proc $procs --concurrency $conc ($command) $*"
  measure "$name" $((DURATION + 20)) "$PYLOGEN" Redis --proc "$procs" --concurrency "$conc" \
    --duration "$DURATION" --extra "$extra" --report "$TMP/$name.json" "$@"
  [[ -s $TMP/$name.json ]] || die "$name wrote no report"
  read -r count rate p50 p99 errors < <(jq -r '[.requests.count, .requests.rate,
    .names[0].service.p50_ns / 1000, .names[0].service.p99_ns / 1000, .requests.errors] | @tsv' "$TMP/$name.json")
  local shown="$*"
  shown=${shown//$TMP\/lines.txt/FILE}
  add_row "pylogen Redis --proc $procs --concurrency $conc $shown" "$command" "$count" "$rate" "$p50" "$p99" "$errors"
}

PING_EXTRA="{\"port\":$PORT}"
SET_EXTRA="{\"port\":$PORT,\"command\":[\"SET\",\"key:{n}\",\"{payload}\"]}"
benchmark_row bench_ping PING ping_mbulk
pylogen_row p1_ping PING 1 "$PING_EXTRA" --outformat none
pylogen_row p2_ping PING 2 "$PING_EXTRA" --outformat none
pylogen_row p1_ping_short PING 1 "$PING_EXTRA" --outformat short --output "$TMP/lines.txt"
benchmark_row bench_set "SET $PAYLOAD B" set -d "$PAYLOAD"
pylogen_row p1_set "SET $PAYLOAD B" 1 "$SET_EXTRA" --lengths "$PAYLOAD" --outformat none
pylogen_row p2_set "SET $PAYLOAD B" 2 "$SET_EXTRA" --lengths "$PAYLOAD" --outformat none

# ---------------------------------------------------------------- table
per_cpu() { awk -F'\t' -v n="$1" 'NR == n { printf "%.0f", $3 / ($9 + $10) }' "$ROWS"; }
TABLE=$(awk -F'\t' '
  function group(n,   s, out) {
    s = sprintf("%.0f", n); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
  }
  BEGIN {
    print "| generator | command | requests | requests/s | p50 | p99 | errors | wall | generator CPU, user + sys | requests per generator CPU-second | redis-server CPU |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
  }
  {
    cpu = $9 + $10
    printf "| %s | %s | %s | %s | %.3f ms | %.3f ms | %s | %.2f s | %.2f s (%.2f + %.2f) | **%s** | %.0f %% |\n",
      $1, $2, group($3), group($4), $5 / 1000, $6 / 1000, group($7), $8, cpu, $9, $10, group($3 / cpu), $11
  }' "$ROWS")
B_PING=$(per_cpu 1) P1_PING=$(per_cpu 2) P2_PING=$(per_cpu 3) S_PING=$(per_cpu 4)
B_SET=$(per_cpu 5) P1_SET=$(per_cpu 6) P2_SET=$(per_cpu 7)
verdict() {  # PYLOGEN BENCH -> "ratio, PASS|FAIL"
  local ratio
  ratio=$(calc "$1 / $2")
  if at_least "$ratio" "$TARGET_RATIO"; then echo "$(printf '%.2f' "$ratio") ×, PASS"; else echo "$(printf '%.2f' "$ratio") ×, FAIL"; fi
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
LINES_COST=$(calc "1 - $S_PING / $P1_PING")
if at_least "$LINES_MAX_COST" "$LINES_COST"; then LINES_VERDICT=PASS; else LINES_VERDICT=FAIL; fi

BLOCK=$(cat <<EOF
$FACTS
- each run: about ${DURATION} s at $CONNS connections, one after the other against the same redis-server (flushed between runs); pylogen's connections are one per virtual user (\`--concurrency\` per process)

$TABLE

Targets (requests per generator CPU-second, pylogen's best process count against redis-benchmark):
- PING: $(group "$(best "$P1_PING" "$P2_PING")") against $(group "$B_PING"): **$(verdict "$(best "$P1_PING" "$P2_PING")" "$B_PING")** (target ≥ $TARGET_RATIO ×)
- SET $PAYLOAD B: $(group "$(best "$P1_SET" "$P2_SET")") against $(group "$B_SET"): **$(verdict "$(best "$P1_SET" "$P2_SET")" "$B_SET")** (target ≥ $TARGET_RATIO ×)
- per-request lines (\`--outformat short --output FILE\`, PING, 1 process): $(group "$S_PING") against $(group "$P1_PING") with \`--outformat none\`, a cost of $(printf '%.1f' "$(calc "100 * $LINES_COST")") %: **$LINES_VERDICT** (target ≤ $(printf '%.0f' "$(calc "100 * $LINES_MAX_COST")") %)

Generator CPU is \`/usr/bin/time\`'s user + sys of the generator and of the
children it waited for (pylogen's workers and reader). redis-server CPU is its
run time (\`/proc/PID/schedstat\`) over the same interval, in % of one core: at
100 % the server is the ceiling of requests/s, and requests per generator
CPU-second is the figure that compares the generators. redis-benchmark runs
\`-n\` requests (its rate in a 20,000-request calibration run times the
duration); its latencies are its \`--csv\` p50 and p99; PING is its
\`ping_mbulk\` test (the multi-bulk PING that pylogen sends), SET its \`set\`
test with \`-d $PAYLOAD\` (one key); pylogen's SET writes key:{n}, one key per
operation.
EOF
)

mkdir -p "$RESULTS"
{ echo "# pylogen Redis CUT against redis-benchmark"; echo; echo "$BLOCK"; } >"$RESULTS/redis.md"
log "results (also in $RESULTS/redis.md)"
echo "$BLOCK"

if [[ $WRITE_README != 0 ]]; then
  write_readme_block "$README_MD" "$BEGIN_MARK" "$END_MARK" "$SECTION" \
    'bench/redis.sh   # ~1.5 minutes; BUILD=0 to reuse a build' "$BLOCK" "$TMP"
  log "table written to $README_MD"
fi
