#!/usr/bin/env bash
# pylogen's Http CUT against wrk, ab and hey, all against the same nginx:
#   - nginx from Debian's package on 127.0.0.1 with its own config
#     (bench/http/nginx.conf.in: one worker, access log off) serving a
#     612-byte static file (bench/http/index.html);
#   - each generator runs DURATION s at CONNS connections (CONNS processes
#     for pylogen) under /usr/bin/time: requests/s, p50/p99, the generator's
#     own CPU time (user + sys, its children included), requests per
#     generator CPU-second, context switches per request, and the CPU share
#     of nginx's worker during the run (from /proc/PID/stat);
#   - one fixed-count pylogen run under strace -f: syscalls per request;
#   - target: >= 25,000 requests per pylogen CPU-second (all its processes).
# Prints a Markdown table, writes it to bench/results/http.md and between the
# markers <!-- http-table:begin --> and <!-- http-table:end --> of
# bench/README.md (the section is created when missing).
#
# Usage: bench/http.sh           (from anywhere; about 1.5 minutes)
# Knobs (environment):
#   BUILD=0          use the existing build in BUILD_DIR, do not (re)build
#   BUILD_DIR=DIR    default: <repo>/build-bench
#   DURATION=S       seconds per generator (default 10)
#   CONNS=N          connections (pylogen: processes) (default 32)
#   WRK_THREADS=N    wrk's -t (default 2)
#   PORT=P           nginx's port (default: the first free one from 18080)
#   STRACE_PROC=N, STRACE_LOOPS=N   the strace run (default 2 x 5000)
#   README=0         do not touch bench/README.md
# Missing tools are installed with apt-get when run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/bench/http
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-}
STRACE_PROC=${STRACE_PROC:-2}
STRACE_LOOPS=${STRACE_LOOPS:-5000}
WRITE_README=${README:-1}
RESULTS=$ROOT/bench/results
README_MD=$ROOT/bench/README.md
TARGET=25000  # requests per pylogen CPU-second
BEGIN_MARK='<!-- http-table:begin -->'
END_MARK='<!-- http-table:end -->'
SECTION='## HTTP: pylogen'"'"'s Http CUT against wrk, ab and hey (`bench/http.sh`)'

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
die() { echo "http.sh: $*" >&2; exit 1; }


# ---------------------------------------------------------------- tools
# command -> Debian package
declare -A PKG=([nginx]=nginx-light [wrk]=wrk [ab]=apache2-utils [hey]=hey
  [/usr/bin/time]=time [strace]=strace [jq]=jq [timeout]=coreutils [pgrep]=procps)
PATH=$PATH:/usr/sbin:/sbin
missing=()
for c in "${!PKG[@]}"; do command -v "$c" >/dev/null || missing+=("${PKG[$c]}"); done
if ((${#missing[@]})); then
  if [[ $EUID == 0 ]]; then
    log "installing ${missing[*]}"
    # Note: installing nginx-light also starts Debian's default nginx on
    # port 80; this script never uses it.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing tools; as root: apt-get install -y --no-install-recommends ${missing[*]}"
  fi
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-http.XXXXXX")
# nginx's worker runs as nobody when started by root: it must reach html/.
chmod 711 "$TMP"
NGINX_PID=""
NGINX_WORKER=""
CUR_PID=""

# alive PID: the process exists and is not a zombie.
alive() {
  local s
  s=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $s && $s != Z && $s != X ]]
}
wait_gone() {  # PID TENTHS
  local i
  for ((i = 0; i < $2; i++)); do alive "$1" || return 0; sleep 0.1; done
  ! alive "$1"
}
stop_nginx() {
  # Interrupted between the start and the reading of the pid file: read it now.
  if [[ -z $NGINX_PID && -s $TMP/nginx.pid ]]; then NGINX_PID=$(cat "$TMP/nginx.pid"); fi
  if [[ -z $NGINX_PID ]]; then
    # No pid file (yet): find our master by the config on its command line.
    NGINX_PID=$(pgrep -f -- "-c $TMP/nginx.conf" | head -n 1 || true)
  fi
  [[ -n $NGINX_PID ]] || return 0
  # Only our master: its command line names our config.
  if alive "$NGINX_PID" && tr '\0' ' ' <"/proc/$NGINX_PID/cmdline" 2>/dev/null | grep -qF "$TMP/nginx.conf"; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    if ! wait_gone "$NGINX_PID" 100; then
      echo "http.sh: nginx $NGINX_PID ignored SIGQUIT for 10 s; SIGKILL" >&2
      kill -KILL "$NGINX_PID" 2>/dev/null || true
    fi
  fi
  if [[ -n $NGINX_WORKER ]] && ! wait_gone "$NGINX_WORKER" 50; then
    kill -KILL "$NGINX_WORKER" 2>/dev/null || true
  fi
  NGINX_PID=""
  NGINX_WORKER=""
}
cleanup() {
  if [[ -n $CUR_PID ]] && kill -0 "$CUR_PID" 2>/dev/null; then
    kill -TERM "$CUR_PID" 2>/dev/null || true  # timeout passes it to its process group
    wait "$CUR_PID" 2>/dev/null || true
  fi
  stop_nginx
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if [[ $BUILD != 0 ]]; then
  log "build (Release) in $BUILD_DIR"
  command -v cmake >/dev/null || die "cmake missing: run scripts/install-deps.sh (or BUILD=0 with a built BUILD_DIR)"
  GENERATOR=()
  if [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null; then GENERATOR=(-G Ninja); fi
  cmake -S "$ROOT" -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR" --target pylogen Http
fi
PYLOGEN=$BUILD_DIR/src/pylogen
[[ -x $PYLOGEN && -f $BUILD_DIR/src/cuts/Http.so ]] || die "missing $PYLOGEN or $BUILD_DIR/src/cuts/Http.so: build first"
export PYLOGEN_CUT_PATH=$BUILD_DIR/src/cuts

# ---------------------------------------------------------------- nginx
listening() {  # PORT: something listens on it (any address, v4 or v6)
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p="$hex" 'FNR > 1 { split($2, a, ":"); if (a[length(a)] == p && $4 == "0A") found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# answers: the file comes back, 200 with its 612 bytes (bash's /dev/tcp;
# curl is not always installed).
answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
    printf 'GET /index.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    head=$(timeout 2 cat <&3 | tr -d '\r' | sed '/^$/q')
    [[ $head == "HTTP/1."?" 200 "* && $head == *"Content-Length: $SIZE"* ]]
  ) 2>/dev/null
}

mkdir -p "$TMP/html" "$TMP/nginx-temp"
cp "$HERE/index.html" "$TMP/html/index.html"
chmod 755 "$TMP/html"
chmod 644 "$TMP/html/index.html"
SIZE=$(stat -c %s "$TMP/html/index.html")
if [[ -n $PORT ]]; then PORTS=("$PORT"); else mapfile -t PORTS < <(seq 18080 18179); fi
NGINX=$(command -v nginx)
started=0
for p in "${PORTS[@]}"; do
  listening "$p" && continue
  PORT=$p
  sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$PORT|g" "$HERE/nginx.conf.in" >"$TMP/nginx.conf"
  : >"$TMP/error.log"
  : >"$TMP/nginx.start"
  if "$NGINX" -c "$TMP/nginx.conf" -p "$TMP/" -e "$TMP/error.log" 2>>"$TMP/nginx.start"; then
    started=1
    break
  fi
  grep -q 'Address already in use' "$TMP/error.log" "$TMP/nginx.start" || break
done
((started)) || {
  cat "$TMP/nginx.start" "$TMP/error.log" >&2 2>/dev/null || true
  die "nginx did not start on 127.0.0.1 (ports tried: ${PORTS[0]}..${PORTS[-1]}, busy ones skipped)"
}
for _ in $(seq 50); do [[ -s $TMP/nginx.pid ]] && break; sleep 0.1; done
[[ -s $TMP/nginx.pid ]] || die "nginx wrote no pid file in 5 s"
NGINX_PID=$(cat "$TMP/nginx.pid")
URL=http://127.0.0.1:$PORT/index.html
ok=0
for _ in $(seq 50); do if answers; then ok=1; break; fi; sleep 0.1; done
((ok)) || { cat "$TMP/error.log" >&2 || true; die "nginx on $URL does not answer 200 with $SIZE bytes"; }
NGINX_WORKER=$(pgrep -P "$NGINX_PID")
[[ $NGINX_WORKER =~ ^[0-9]+$ ]] || die "expected one nginx worker under $NGINX_PID, got: $NGINX_WORKER"
CLK_TCK=$(getconf CLK_TCK)
# nginx's worker CPU in ns: schedstat's run time, else utime + stime ticks.
worker_cpu_ns() {
  if [[ -r /proc/$NGINX_WORKER/schedstat ]]; then
    cut -d' ' -f1 "/proc/$NGINX_WORKER/schedstat"
  else
    awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$NGINX_WORKER/stat"
  fi
}
# The whole machine's busy time in ticks, all cores: everything but idle and
# iowait (steal included), then the same without irq and softirq (the
# kernel's network work, not charged to any process): shows what else ran
# during a measurement.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $9; exit }' /proc/stat; }
log "nginx $NGINX_PID (worker $NGINX_WORKER) serves $URL ($SIZE bytes)"

# ---------------------------------------------------------------- machine
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
pkg_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
NGINX_V=$("$NGINX" -v 2>&1 | sed 's/^nginx version: nginx.//')
WRK_V=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')
AB_V=$(ab -V | awk 'NR == 1 { print $5 }')
HEY_V="$(pkg_version hey) (Debian package; hey has no version option)"
CURL_V=$(pkg_version libcurl4)
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -z $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] || echo ' (with local changes)')"
FACTS=$(cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')
- machine: ${MODEL:-unknown}, nproc $(nproc), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)
- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
- versions: nginx $NGINX_V, wrk $WRK_V, ab $AB_V, hey $HEY_V, libcurl $CURL_V; pylogen commit $COMMIT (Release)
EOF
)
log "machine"
echo "$FACTS" >&2

# ---------------------------------------------------------------- runs
# One row per run in rows.tsv:
# label count rate p50_us p99_us lat_digits errors wall user sys invol vol nginx_pct machine_cores task_cores
ROWS=$TMP/rows.tsv
: >"$ROWS"

# measure NAME LIMIT_S CMD...: runs CMD under /usr/bin/time, bounded by
# timeout; sets WALL UTIME SYS INVOL VOL, NGINX_PCT (nginx's worker CPU
# over the same interval, % of one core), MACHINE (busy cores) and TASKS
# (busy cores outside interrupts).
measure() {
  local name=$1 limit=$2; shift 2
  local before after m_before m_after t_before t_after t0 t1 rc=0
  before=$(worker_cpu_ns)
  read -r m_before t_before < <(machine_ticks)
  t0=$(now_s)
  timeout -k 5 "$limit" /usr/bin/time -o "$TMP/$name.time" -f '%e %U %S %c %w' "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  CUR_PID=$!
  wait "$CUR_PID" || rc=$?
  CUR_PID=""
  t1=$(now_s)
  after=$(worker_cpu_ns)
  read -r m_after t_after < <(machine_ticks)
  if [[ $rc == 124 || $rc == 137 ]]; then
    tail -n 5 "$TMP/$name.err" >&2
    die "$name did not end within $limit s"
  elif [[ $rc != 0 ]]; then
    echo "http.sh: $name exited with $rc; last lines of its stderr:" >&2
    tail -n 5 "$TMP/$name.err" >&2
  fi
  read -r WALL UTIME SYS INVOL VOL < <(tail -n 1 "$TMP/$name.time")
  NGINX_PCT=$(calc "100 * ($after - $before) / 1e9 / ($t1 - $t0)")
  MACHINE=$(calc "($m_after - $m_before) / $CLK_TCK / ($t1 - $t0)")
  TASKS=$(calc "($t_after - $t_before) / $CLK_TCK / ($t1 - $t0)")
  sleep 1  # let nginx settle between runs
}
add_row() {  # LABEL COUNT RATE P50_US P99_US LAT_DIGITS ERRORS
  [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die "$1: no request count in its output"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" \
    "$WALL" "$UTIME" "$SYS" "$INVOL" "$VOL" "$NGINX_PCT" "$MACHINE" "$TASKS" >>"$ROWS"
  printf '%s: %s requests, %s/s, p50 %s us, p99 %s us, errors %s; CPU %s + %s s in %s s; nginx %.0f %%; machine %.2f cores busy\n' \
    "$1" "$2" "$(group "$3")" "$4" "$5" "$7" "$UTIME" "$SYS" "$WALL" "$NGINX_PCT" "$MACHINE" >&2
}

EXTRA="{\"url\":\"$URL\"}"
pylogen_row() {  # NAME LABEL [output options...]
  local name=$1 label=$2; shift 2
  log "$label"
  measure "$name" $((DURATION + 15)) "$PYLOGEN" Http --proc "$CONNS" --duration "$DURATION" \
    --extra "$EXTRA" --report "$TMP/$name.json" "$@"
  [[ -s $TMP/$name.json ]] || die "$name wrote no report"
  read -r count rate p50 p99 errors < <(jq -r '[.requests.count, .requests.rate,
    .names[0].service.p50_ns / 1000, .names[0].service.p99_ns / 1000, .requests.errors] | @tsv' "$TMP/$name.json")
  add_row "$label" "$count" "$rate" "$p50" "$p99" 2 "$errors"
}
pylogen_row pylogen_none "pylogen Http --proc $CONNS --outformat none" --outformat none
P_COUNT=$(jq .requests.count "$TMP/pylogen_none.json")
P_WALL=$WALL P_USER=$UTIME P_SYS=$SYS P_INVOL=$INVOL P_VOL=$VOL P_NGINX=$NGINX_PCT P_MACHINE=$MACHINE
pylogen_row pylogen_short "pylogen Http --proc $CONNS --outformat short --output /dev/null" \
  --outformat short --output /dev/null
S_COUNT=$(jq .requests.count "$TMP/pylogen_short.json")
S_CPU=$(calc "$UTIME + $SYS")

log "wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency"
measure wrk $((DURATION + 10)) wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$URL"
# latencies: 150.00us, 1.99ms, 1.02s
read -r count rate p50 p99 errors < <(awk '
  function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /m$/) return v * 6e7; return v * 1e6 }
  / requests in / { count = $1 }
  /^Requests\/sec:/ { rate = $2 }
  /^ +50% / { p50 = us($2) }
  /^ +99% / { p99 = us($2) }
  /Non-2xx or 3xx responses:/ { errors += $NF }
  /Socket errors:/ { errors += $4 + $6 + $8 + $10 }
  END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/wrk.out")
add_row "wrk -t$WRK_THREADS -c$CONNS" "$count" "$rate" "$p50" "$p99" 2 "$errors"
W_CS_REQ=$(calc "($VOL + $INVOL) / $count")

log "ab -k -c $CONNS -t $DURATION"
# -t implies -n 50000; a -n after it lifts that bound.
measure ab $((DURATION + 10)) ab -k -c "$CONNS" -t "$DURATION" -n $((DURATION * 500000)) "$URL"
read -r count rate p50 p99 errors < <(awk '
  /^Complete requests:/ { count = $3 }
  /^Failed requests:/ { errors += $3 }
  /^Non-2xx responses:/ { errors += $3 }
  /^Requests per second:/ { rate = $4 }
  /^ +50% / { p50 = $2 * 1000 }
  /^ +99% / { p99 = $2 * 1000 }
  END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/ab.out")
add_row "ab -k -c $CONNS" "$count" "$rate" "$p50" "$p99" 0 "$errors"

log "hey -z ${DURATION}s -c $CONNS"
measure hey $((DURATION + 10)) hey -z "${DURATION}s" -c "$CONNS" "$URL"
# Status lines "[200] N responses", error lines "[N] message".
read -r count rate p50 p99 errors < <(awk '
  /Requests\/sec:/ { rate = $2 }
  /^ +50% in / { p50 = $3 * 1e6 }
  /^ +99% in / { p99 = $3 * 1e6 }
  /^Status code distribution:/ { sect = "status"; next }
  /^Error distribution:/ { sect = "error"; next }
  sect == "status" && /^ *\[[0-9]+\]/ { code = $1; gsub(/[][]/, "", code); count += $2; if (code != 200) errors += $2 }
  sect == "error" && /^ *\[[0-9]+\]/ { n = $1; gsub(/[][]/, "", n); count += n; errors += n }
  END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/hey.out")
add_row "hey -c $CONNS" "$count" "$rate" "$p50" "$p99" 1 "$errors"

# ---------------------------------------------------------------- strace
log "syscalls per request: strace -f, --proc $STRACE_PROC --loops $STRACE_LOOPS"
ST_REQ=$((STRACE_PROC * STRACE_LOOPS))
timeout -k 5 300 strace -f -o "$TMP/strace.log" "$PYLOGEN" Http --proc "$STRACE_PROC" --loops "$STRACE_LOOPS" \
  --extra "$EXTRA" --outformat none --report "$TMP/strace.json" >"$TMP/strace.out" 2>"$TMP/strace.err" &
CUR_PID=$!
wait "$CUR_PID" || { CUR_PID=""; tail -n 5 "$TMP/strace.err" >&2; die "the strace run failed"; }
CUR_PID=""
ST_COUNT=$(jq .requests.count "$TMP/strace.json")
[[ $ST_COUNT == "$ST_REQ" ]] || echo "http.sh: strace run recorded $ST_COUNT requests, expected $ST_REQ" >&2
WORKER_PIDS=$(jq -r '[.workers[].pid] | join(" ")' "$TMP/strace.json")
# Each call counts once: "<... x resumed>" halves, signals and exits are skipped.
# The first pid of the log is pylogen's main process; pids that are neither
# it nor a worker are the reader.
read -r ST_ALL ST_WORKERS ST_READER ST_MAIN ST_TOP < <(awk -v workers="$WORKER_PIDS" -v n="$ST_COUNT" '
  BEGIN { split(workers, w, " "); for (i in w) isw[w[i]] = 1 }
  NR == 1 { main = $1 }
  $2 ~ /^(<\.\.\.|\+\+\+|---)/ { next }
  {
    name = $2; sub(/\(.*/, "", name); all++
    if ($1 in isw) { wk++; per[name]++ } else if ($1 == main) mn++; else rd++
  }
  END {
    top = ""
    for (k = 0; k < 4; k++) {
      best = ""; for (s in per) if (best == "" || per[s] > per[best]) best = s
      if (best == "" || per[best] / n < 0.01) break
      top = top (top == "" ? "" : ",_") sprintf("%s_%.2f", best, per[best] / n); delete per[best]
    }
    printf "%.2f %.2f %.2f %d %s\n", all / n, wk / n, rd / n, mn, top
  }' "$TMP/strace.log")
ST_TOP=${ST_TOP//_/ }
echo "per request: $ST_ALL syscalls in all, $ST_WORKERS in the workers ($ST_TOP), $ST_READER in the reader; main process $ST_MAIN in all" >&2

stop_nginx

# ---------------------------------------------------------------- table
TABLE=$(awk -F'\t' -v target="$TARGET" '
  function group(n,   s, out) {
    s = sprintf("%.0f", n); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
  }
  function ms(us, digits) { return sprintf("%." digits "f ms", us / 1000) }
  BEGIN {
    print "| generator | requests | requests/s | p50 | p99 | errors | wall | generator CPU, user + sys | requests per generator CPU-second | nginx worker CPU | machine busy (of which others) | context switches per request, voluntary + involuntary |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
  }
  {
    cpu = $9 + $10; cs = ($11 + $12) / $2
    others = $15 - cpu / $8 - $13 / 100; if (others < 0) others = 0
    printf "| %s | %s | %s | %s | %s | %s | %.2f s | %.2f s (%.2f + %.2f) | **%s** | %.0f %% | %.2f cores (%.2f) | %.2f (%.2f + %.2f) |\n",
      $1, group($2), group($3), ms($4, $6), ms($5, $6), group($7), $8, cpu, $9, $10, group($2 / cpu), $13,
      $14, others, cs, $12 / $2, $11 / $2
  }' "$ROWS")
# The most CPU other processes took during a run, in cores.
OTHERS=$(awk -F'\t' '{ o = $15 - ($9 + $10) / $8 - $13 / 100; if (o > m) m = o } END { printf "%.2f", m }' "$ROWS")

P_CPU=$(calc "$P_USER + $P_SYS")
P_PER_CPU=$(calc "$P_COUNT / $P_CPU")
if at_least "$P_PER_CPU" "$TARGET"; then VERDICT=PASS; else VERDICT=FAIL; fi
P_SYS_PCT=$(calc "100 * $P_SYS / $P_CPU")
P_US_PER_REQ=$(calc "1e6 * $P_CPU / $P_COUNT")
P_VOL_REQ=$(calc "$P_VOL / $P_COUNT")
P_INVOL_REQ=$(calc "$P_INVOL / $P_COUNT")
P_CORES=$(calc "$P_CPU / $P_WALL")
S_US_PER_REQ=$(calc "1e6 * $S_CPU / $S_COUNT")
S_COST=$(calc "$S_US_PER_REQ - $P_US_PER_REQ")
LINES_NOTE="\`--outformat short\` to /dev/null took $(printf '%.1f' "$S_US_PER_REQ") µs of CPU per request against $(printf '%.1f' "$P_US_PER_REQ") µs with \`--outformat none\`"
if at_least "$S_COST" 0.5; then
  LINES_NOTE+=" ($(printf '%+.1f' "$S_COST") µs: the reader formats every line)"
else
  LINES_NOTE+=": no cost above this run's noise"
fi
NPROC=$(nproc)
if at_least "$P_NGINX" 90; then
  NGINX_NOTE="During pylogen's run nginx's single worker was saturated ($(printf '%.0f' "$P_NGINX") % of a core): requests/s is then nginx's ceiling, and requests per generator CPU-second is the figure that compares the generators."
else
  NGINX_NOTE="During pylogen's run nginx's worker used $(printf '%.0f' "$P_NGINX") % of a core, pylogen $(printf '%.2f' "$P_CORES") cores and the machine as a whole $(printf '%.2f' "$P_MACHINE") of its $NPROC cores"
  if at_least "$P_MACHINE" "$(calc "0.95 * $NPROC")"; then
    NGINX_NOTE+=": the cores were full, so pylogen's runners and nginx's worker competed for them; nginx was not saturated."
  else
    NGINX_NOTE+="."
  fi
fi

if at_least "$OTHERS" 0.1; then
  NOISE="Other processes used up to $OTHERS cores during these runs (\"of which others\": machine busy outside interrupts minus generator minus nginx): the figures are noisy; re-run on a quiet machine."
else
  NOISE="Other processes used at most $OTHERS cores during these runs (\"of which others\": machine busy outside interrupts minus generator minus nginx)."
fi
BLOCK=$(cat <<EOF
$FACTS
- each generator: ${DURATION} s, $CONNS connections (pylogen: $CONNS processes, one kept-alive libcurl handle each), GET $URL ($SIZE bytes), one after the other against the same nginx (one worker)

$TABLE

Target: ≥ $(group "$TARGET") requests per pylogen CPU-second (all its processes,
\`--outformat none\`): **$(group "$P_PER_CPU")**, **$VERDICT**.

Generator CPU is \`/usr/bin/time\`'s user + sys of the generator and of the
children it waited for (pylogen's runners and reader, wrk's threads, hey's
goroutines). nginx worker CPU is its run time (\`/proc/PID/schedstat\`) over
the same interval, in % of one core; machine busy is the non-idle time of all
cores (\`/proc/stat\`, steal included). $NOISE Latencies: ab prints whole
milliseconds (rounded: "0 ms" is under 0.5 ms), hey four decimals of a second
(0.1 ms); pylogen's and wrk's are finer. Errors: pylogen's failed requests,
wrk's non-2xx/3xx responses and socket errors, ab's failed requests and
non-2xx responses, hey's non-200 responses and errors.

What limits pylogen (this run, and a fixed-count run under \`strace -f\`:
$STRACE_PROC processes × $STRACE_LOOPS requests):

- syscalls per request: $ST_WORKERS in a runner ($ST_TOP per request),
  $ST_ALL for all processes together; the reader adds $ST_READER per request
  (it sleeps while its rings are empty: a per-second, not per-request cost,
  inflated by strace's slowdown), and pylogen's main process made $ST_MAIN calls
  in the whole run;
- CPU per request: $(printf '%.1f' "$P_US_PER_REQ") µs, $(printf '%.0f' "$P_SYS_PCT") % of it in the kernel;
- context switches per request: $(printf '%.2f' "$P_VOL_REQ") voluntary (a runner sleeps in \`poll\`
  until nginx answers) and $(printf '%.2f' "$P_INVOL_REQ") involuntary ($CONNS runners, the reader
  and nginx's worker share $(nproc) cores), against $(printf '%.2f' "$W_CS_REQ") in all for wrk;
- per-request lines: $LINES_NOTE.

Each request is one \`curl_easy_perform\` on the runner's kept-alive
connection. In the trace, libcurl polls its wake-up socket pair and checks
that the connection is still alive (two \`poll\` calls with a zero timeout),
sends the request with \`sendto\`, sleeps in \`poll\` until the answer is there
and reads it with \`recvfrom\`: every request is several kernel entries and a
sleep and wake-up of its runner. With $CONNS single-threaded runners on $(nproc)
cores, the scheduler switches between runners, the reader and nginx's worker,
where wrk and ab multiplex all their connections in one event loop per
thread (hey in Go's network poller). $NGINX_NOTE
EOF
)

mkdir -p "$RESULTS"
{ echo "# pylogen Http CUT against wrk, ab and hey"; echo; echo "$BLOCK"; } >"$RESULTS/http.md"
log "results (also in $RESULTS/http.md)"
echo "$BLOCK"

if [[ $WRITE_README != 0 ]]; then
  if grep -qF "$BEGIN_MARK" "$README_MD" && grep -qF "$END_MARK" "$README_MD"; then
    printf '%s\n' "$BLOCK" >"$TMP/block.md"
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v f="$TMP/block.md" '
      $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0 }
      !skip' "$README_MD" >"$TMP/readme.md"
  else
    # New section, before "## What each measurement is, and why" when present.
    printf '%s\n\n```sh\nbench/http.sh   # ~1.5 minutes; BUILD=0 to reuse a build\n```\n\n%s\n%s\n%s\n\n' \
      "$SECTION" "$BEGIN_MARK" "$BLOCK" "$END_MARK" >"$TMP/section.md"
    awk -v f="$TMP/section.md" '
      !done && /^## What each measurement is, and why/ { while ((getline l < f) > 0) print l; done = 1 }
      { print }
      END { if (!done) { print ""; while ((getline l < f) > 0) print l } }' "$README_MD" >"$TMP/readme.md"
  fi
  cat "$TMP/readme.md" >"$README_MD"
  log "table written to $README_MD"
fi
