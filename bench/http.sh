#!/usr/bin/env bash
# pylogen's Http CUT against wrk, ab, hey and a bare libcurl multi client,
# all against the same nginx:
#   - nginx from Debian's package on 127.0.0.1 with its own config
#     (bench/http/nginx.conf.in: one worker, access log off) serving a
#     612-byte static file (bench/http/index.html) over http:// and, on a
#     second port, https:// (a self-signed EC certificate made at each run);
#   - each generator runs DURATION s under /usr/bin/time: requests/s,
#     p50/p99, the generator's own CPU time (user + sys, its children
#     included), requests per generator CPU-second, context switches per
#     request, and the CPU share of nginx's worker during the run (from
#     /proc/PID/stat);
#   - one fixed-count pylogen run under strace -f: syscalls per request.
# The rows, by section (SECTIONS) and name (ROWS); "32" is CONNS, "1000" MANY:
#   base   pylogen32 (blocking layout: --proc 32, --outformat none),
#          short32 (the same, --outformat short to /dev/null), wrk32, ab32, hey32
#   c32    event-driven Http at 32 connections: fast32 (engine fast, --proc 1
#          --concurrency 32), fast32x2 (--proc 2 --concurrency 16), curl32,
#          curl32x2 (engine curl, the same layouts), bare32 (the bare
#          curl_multi_socket_action client of bench/curl_multi_client.cc)
#   lines  fastlines32: fast32 with --outformat short --output FILE (a real
#          file in the temporary folder), against fast32
#   c1000  wrk1000 (wrk -t2 -c1000), fast1000 and curl1000 (--proc 2
#          --concurrency 500)
#   tls    https, no target: wrktls (wrk -t2 -c32), curltls (engine curl,
#          verify false, --proc 2 --concurrency 16), and one connection per
#          request: wrktlsclose (-H "Connection: close"), curltlsclose
#          (headers {"Connection":"close"})
#   strace the strace run
# Targets, printed as PASS/FAIL lines (SKIP when a row they need did not run):
#   - pylogen32 >= 25,000 requests per pylogen CPU-second (issue 5);
#   - fast >= 0.8 x wrk's requests per generator CPU-second, at 32 (the
#     better of fast32 and fast32x2 against wrk32) and at 1,000 (fast1000
#     against wrk1000);
#   - curl >= 1.4 x 35,000 = 49,000 at 32 (the better of curl32, curl32x2)
#     and >= 0.85 x the bare client's (bare32);
#   - lines cost <= 10 %: fastlines32 >= 0.9 x fast32.
# The event-driven rows need the event-driven Http CUT (engine key,
# --concurrency): a short probe run tells, and when the built CUT refuses,
# those rows are skipped and say why.
# Prints a Markdown table, writes it to bench/results/http.md and, on a run of
# every row, between the markers <!-- http-table:begin --> and
# <!-- http-table:end --> of bench/README.md (the section is created when
# missing).
#
# Usage: bench/http.sh           (from anywhere; about 5 minutes)
# Knobs (environment):
#   BUILD=0          use the existing build in BUILD_DIR, do not (re)build
#   BUILD_DIR=DIR    default: <repo>/build-bench
#   DURATION=S       seconds per generator (default 10)
#   CONNS=N          connections of the "32" rows (default 32; pylogen32:
#                    processes; the x2 rows: 2 processes x CONNS/2)
#   MANY=N           connections of the "1000" rows (default 1000; pylogen:
#                    2 processes x MANY/2)
#   WRK_THREADS=N    wrk's -t (default 2)
#   SECTIONS="..."   sections to run (default: all of them, as listed above)
#   ROWS="..."       rows to run, by name (wins over SECTIONS)
#   PORT=P           nginx's port (default: the first free one from 18080);
#                    https on PORT + 1000
#   STRACE_PROC=N, STRACE_LOOPS=N   the strace run (default 2 x 5000)
#   README=0|1       do not touch / do write bench/README.md (default: write
#                    only when every row ran)
# Missing tools are installed with apt-get when run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/bench/http
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
MANY=${MANY:-1000}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-}
STRACE_PROC=${STRACE_PROC:-2}
STRACE_LOOPS=${STRACE_LOOPS:-5000}
RESULTS=$ROOT/bench/results
README_MD=$ROOT/bench/README.md
TARGET=25000  # requests per pylogen CPU-second, pylogen32 (issue 5)
CURL_BASE=35000  # issue 11: today's requests per CPU-second, x 1.4
BEGIN_MARK='<!-- http-table:begin -->'
END_MARK='<!-- http-table:end -->'
SECTION='## HTTP: pylogen'"'"'s Http CUT against wrk, ab and hey (`bench/http.sh`)'

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
die() { echo "http.sh: $*" >&2; exit 1; }
START_S=$(now_s)

# ---------------------------------------------------------------- rows
declare -A SECTION_ROWS=(
  [base]="pylogen32 short32 wrk32 ab32 hey32"
  [c32]="fast32 fast32x2 curl32 curl32x2 bare32"
  [lines]="fastlines32"
  [c1000]="wrk1000 fast1000 curl1000"
  [tls]="wrktls curltls wrktlsclose curltlsclose"
  [strace]="strace")
ALL_SECTIONS="base c32 lines c1000 tls strace"
ALL_ROWS=""
for sec in $ALL_SECTIONS; do ALL_ROWS+="${ALL_ROWS:+ }${SECTION_ROWS[$sec]}"; done
WANTED=""
if [[ -n ${ROWS:-} ]]; then
  for r in $ROWS; do
    [[ " $ALL_ROWS " == *" $r "* ]] || die "ROWS: unknown row '$r' (expected some of: $ALL_ROWS)"
    WANTED+=" $r"
  done
else
  for sec in ${SECTIONS:-$ALL_SECTIONS}; do
    [[ -n ${SECTION_ROWS[$sec]:-} ]] || die "SECTIONS: unknown section '$sec' (expected some of: $ALL_SECTIONS)"
    WANTED+=" ${SECTION_ROWS[$sec]}"
  done
fi
WANTED+=" "
want() { [[ $WANTED == *" $1 "* ]]; }
ALL_WANTED=1
for r in $ALL_ROWS; do want "$r" || ALL_WANTED=0; done
WRITE_README=${README:-$ALL_WANTED}
[[ $CONNS =~ ^[0-9]+$ && $CONNS -ge 2 && $((CONNS % 2)) == 0 ]] || die "CONNS=$CONNS: expected an even integer >= 2"
[[ $MANY =~ ^[0-9]+$ && $MANY -ge 2 && $((MANY % 2)) == 0 ]] || die "MANY=$MANY: expected an even integer >= 2"
[[ $DURATION =~ ^[0-9]+$ && $DURATION -ge 1 ]] || die "DURATION=$DURATION: expected whole seconds >= 1"
HALF=$((CONNS / 2))
MANY_HALF=$((MANY / 2))

# ---------------------------------------------------------------- tools
# command -> Debian package
declare -A PKG=([nginx]=nginx-light [wrk]=wrk [ab]=apache2-utils [hey]=hey
  [/usr/bin/time]=time [strace]=strace [jq]=jq [timeout]=coreutils [pgrep]=procps [openssl]=openssl)
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

# The 1,000-connection rows: every generator (and nginx, started from here)
# inherits the soft limit raised to the hard one (at most 65,536).
HARD_NOFILE=$(ulimit -Hn)
if [[ $HARD_NOFILE == unlimited ]] || ((HARD_NOFILE > 65536)); then HARD_NOFILE=65536; fi
ulimit -n "$HARD_NOFILE" 2>/dev/null || true
if want wrk1000 || want fast1000 || want curl1000; then
  (($(ulimit -n) >= MANY + 64)) || die "ulimit -n is $(ulimit -n) (hard $(ulimit -Hn)): the $MANY-connection rows need at least $((MANY + 64))"
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
if [[ $BUILD != 0 ]]; then build_release "$BUILD_DIR" pylogen Http curl_multi_client; fi
PYLOGEN=$BUILD_DIR/src/pylogen
[[ -x $PYLOGEN && -f $BUILD_DIR/src/cuts/Http.so ]] || die "missing $PYLOGEN or $BUILD_DIR/src/cuts/Http.so: build first"
export PYLOGEN_CUT_PATH=$BUILD_DIR/src/cuts
BARE=$BUILD_DIR/bench/curl_multi_client
if want bare32; then
  [[ -x $BARE ]] || die "missing $BARE (row bare32): build the target curl_multi_client (PYLOGEN_BUILD_BENCH=ON)"
fi

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
# The https port's certificate: self-signed, EC P-256, made for this run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>"$TMP/openssl.err" ||
  { cat "$TMP/openssl.err" >&2; die "openssl req could not make the self-signed certificate"; }
cp "$HERE/index.html" "$TMP/html/index.html"
chmod 755 "$TMP/html"
chmod 644 "$TMP/html/index.html"
SIZE=$(stat -c %s "$TMP/html/index.html")
if [[ -n $PORT ]]; then PORTS=("$PORT"); else mapfile -t PORTS < <(seq 18080 18179); fi
NGINX=$(command -v nginx)
started=0
for p in "${PORTS[@]}"; do
  listening "$p" && continue
  listening $((p + 1000)) && continue
  PORT=$p
  TLS_PORT=$((p + 1000))
  sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$PORT|g" -e "s|@TLS_PORT@|$TLS_PORT|g" \
    "$HERE/nginx.conf.in" >"$TMP/nginx.conf"
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
  die "nginx did not start on 127.0.0.1 (ports tried: ${PORTS[0]}..${PORTS[-1]} and each + 1000 for https, busy ones skipped)"
}
for _ in $(seq 50); do [[ -s $TMP/nginx.pid ]] && break; sleep 0.1; done
[[ -s $TMP/nginx.pid ]] || die "nginx wrote no pid file in 5 s"
NGINX_PID=$(cat "$TMP/nginx.pid")
URL=http://127.0.0.1:$PORT/index.html
TLS_URL=https://127.0.0.1:$TLS_PORT/index.html
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
listening "$TLS_PORT" || die "nginx does not listen on $TLS_PORT (https)"
log "nginx $NGINX_PID (worker $NGINX_WORKER) serves $URL and $TLS_URL ($SIZE bytes)"

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
- versions: nginx $NGINX_V, wrk $WRK_V, ab $AB_V, hey $HEY_V, libcurl $CURL_V, libhttp-parser $(pkg_version libhttp-parser2.9), OpenSSL $(openssl version | awk '{ print $2 }'); pylogen commit $COMMIT (Release)
EOF
)
log "machine"
echo "$FACTS" >&2

# ---------------------------------------------------------------- runs
# One row per run in rows.tsv:
# label count rate p50_us p99_us lat_digits errors wall user sys invol vol nginx_pct machine_cores task_cores
# (p50_us and p99_us are "-" for a generator that does not measure latency).
ROWS_TSV=$TMP/rows.tsv
: >"$ROWS_TSV"
# Per row name: requests, generator CPU (s), requests per generator CPU-second.
declare -A R_COUNT R_CPU R_PER_CPU R_LABEL
declare -A SKIPPED  # why -> the rows skipped for it

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
add_row() {  # NAME LABEL COUNT RATE P50_US P99_US LAT_DIGITS ERRORS
  local name=$1; shift
  [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die "$1: no request count in its output"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" \
    "$WALL" "$UTIME" "$SYS" "$INVOL" "$VOL" "$NGINX_PCT" "$MACHINE" "$TASKS" >>"$ROWS_TSV"
  R_LABEL[$name]=$1
  R_COUNT[$name]=$2
  R_CPU[$name]=$(calc "$UTIME + $SYS")
  R_PER_CPU[$name]=$(calc "$2 / (${R_CPU[$name]} > 0 ? ${R_CPU[$name]} : 1e-9)")
  printf '%s: %s requests, %s/s, p50 %s us, p99 %s us, errors %s; CPU %s + %s s in %s s (%s requests per CPU-second); nginx %.0f %%; machine %.2f cores busy\n' \
    "$1" "$2" "$(group "$3")" "$4" "$5" "$7" "$UTIME" "$SYS" "$WALL" "$(group "${R_PER_CPU[$name]}")" \
    "$NGINX_PCT" "$MACHINE" >&2
}
skip() {  # NAME WHY
  SKIPPED[$2]="${SKIPPED[$2]:-}${SKIPPED[$2]:+, }$1"
  log "$1: skipped ($2)"
}

# pylogen_row NAME LABEL EXTRA_JSON PYLOGEN_OPTIONS...
pylogen_row() {
  local name=$1 label=$2 extra=$3; shift 3
  log "$label"
  measure "$name" $((DURATION + 30)) "$PYLOGEN" Http --duration "$DURATION" \
    --extra "$extra" --report "$TMP/$name.json" "$@"
  [[ -s $TMP/$name.json ]] || { tail -n 3 "$TMP/$name.err" >&2; die "$name wrote no report"; }
  read -r count rate p50 p99 errors < <(jq -r '[.requests.count, .requests.rate,
    .names[0].service.p50_ns / 1000, .names[0].service.p99_ns / 1000, .requests.errors] | @tsv' "$TMP/$name.json")
  add_row "$name" "$label" "$count" "$rate" "$p50" "$p99" 2 "$errors"
}

# wrk_row NAME LABEL WRK_OPTIONS... (the URL last)
wrk_row() {
  local name=$1 label=$2; shift 2
  log "$label"
  measure "$name" $((DURATION + 15)) wrk -d"${DURATION}s" --latency "$@"
  # latencies: 150.00us, 1.99ms, 1.02s
  read -r count rate p50 p99 errors < <(awk '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /m$/) return v * 6e7; return v * 1e6 }
    / requests in / { count = $1 }
    /^Requests\/sec:/ { rate = $2 }
    /^ +50% / { p50 = us($2) }
    /^ +99% / { p99 = us($2) }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { errors += $4 + $6 + $8 + $10 }
    END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/$name.out")
  add_row "$name" "$label" "$count" "$rate" "$p50" "$p99" 2 "$errors"
}

EXTRA="{\"url\":\"$URL\"}"
extra_for() {  # ENGINE [URL [MORE_JSON]]: the event-driven Http's --extra
  printf '{"url":"%s","engine":"%s"%s}' "${2:-$URL}" "$1" "${3:+,$3}"
}

# Does the built Http CUT take the engine key and --concurrency? A short
# run per engine (2 virtual users, 2 requests each) tells; when it refuses,
# that engine's rows are skipped with its own words.
declare -A ENGINE_OK ENGINE_WHY
probe_engine() {  # ENGINE
  local rc=0
  "$PYLOGEN" Http --proc 1 --concurrency 2 --loops 2 --extra "$(extra_for "$1")" --outformat none \
    --report "$TMP/probe_$1.json" >"$TMP/probe_$1.out" 2>"$TMP/probe_$1.err" || rc=$?
  if [[ $rc == 0 && -s $TMP/probe_$1.json ]] && [[ $(jq '.requests.errors' "$TMP/probe_$1.json") == 0 ]]; then
    ENGINE_OK[$1]=1
  else
    ENGINE_OK[$1]=0
    ENGINE_WHY[$1]="this build's Http CUT refused engine $1 with --concurrency 2 (exit $rc: $(grep -m 1 . "$TMP/probe_$1.err" || echo 'no message'))"
  fi
}
# (pylogen32's notes also say whether its CUT is the event-driven one.)
for engine in fast curl; do
  for r in ${engine}32 ${engine}32x2 ${engine}1000 ${engine}lines32 ${engine}tls ${engine}tlsclose \
    $([[ $engine == fast ]] && echo pylogen32); do
    if want "$r"; then probe_engine "$engine"; break; fi
  done
done
engine_row() {  # NAME ENGINE: true when the row may run, else skips it
  if [[ ${ENGINE_OK[$2]:-0} == 1 ]]; then return 0; fi
  skip "$1" "${ENGINE_WHY[$2]}"
  return 1
}

# ---- base: the rows of issue 5 (one blocking call per process)
if want pylogen32; then
  pylogen_row pylogen32 "pylogen Http --proc $CONNS --outformat none" "$EXTRA" --proc "$CONNS" --outformat none
  P_COUNT=${R_COUNT[pylogen32]}
  P_WALL=$WALL P_USER=$UTIME P_SYS=$SYS P_INVOL=$INVOL P_VOL=$VOL P_NGINX=$NGINX_PCT P_MACHINE=$MACHINE
fi
if want short32; then
  pylogen_row short32 "pylogen Http --proc $CONNS --outformat short --output /dev/null" "$EXTRA" \
    --proc "$CONNS" --outformat short --output /dev/null
fi
if want wrk32; then
  wrk_row wrk32 "wrk -t$WRK_THREADS -c$CONNS" -t"$WRK_THREADS" -c"$CONNS" "$URL"
  W_CS_REQ=$(calc "($VOL + $INVOL) / ${R_COUNT[wrk32]}")
fi
if want ab32; then
  log "ab -k -c $CONNS -t $DURATION"
  # -t implies -n 50000; a -n after it lifts that bound.
  measure ab32 $((DURATION + 10)) ab -k -c "$CONNS" -t "$DURATION" -n $((DURATION * 500000)) "$URL"
  read -r count rate p50 p99 errors < <(awk '
    /^Complete requests:/ { count = $3 }
    /^Failed requests:/ { errors += $3 }
    /^Non-2xx responses:/ { errors += $3 }
    /^Requests per second:/ { rate = $4 }
    /^ +50% / { p50 = $2 * 1000 }
    /^ +99% / { p99 = $2 * 1000 }
    END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/ab32.out")
  add_row ab32 "ab -k -c $CONNS" "$count" "$rate" "$p50" "$p99" 0 "$errors"
fi
if want hey32; then
  log "hey -z ${DURATION}s -c $CONNS"
  measure hey32 $((DURATION + 10)) hey -z "${DURATION}s" -c "$CONNS" "$URL"
  # Status lines "[200] N responses", error lines "[N] message".
  read -r count rate p50 p99 errors < <(awk '
    /Requests\/sec:/ { rate = $2 }
    /^ +50% in / { p50 = $3 * 1e6 }
    /^ +99% in / { p99 = $3 * 1e6 }
    /^Status code distribution:/ { sect = "status"; next }
    /^Error distribution:/ { sect = "error"; next }
    sect == "status" && /^ *\[[0-9]+\]/ { code = $1; gsub(/[][]/, "", code); count += $2; if (code != 200) errors += $2 }
    sect == "error" && /^ *\[[0-9]+\]/ { n = $1; gsub(/[][]/, "", n); count += n; errors += n }
    END { print count + 0, rate + 0, p50 + 0, p99 + 0, errors + 0 }' "$TMP/hey32.out")
  add_row hey32 "hey -c $CONNS" "$count" "$rate" "$p50" "$p99" 1 "$errors"
fi

# ---- c32: the event-driven Http at CONNS connections, and the bare client
for engine in fast curl; do
  if want ${engine}32 && engine_row ${engine}32 $engine; then
    pylogen_row ${engine}32 "pylogen Http engine $engine --proc 1 --concurrency $CONNS" \
      "$(extra_for $engine)" --proc 1 --concurrency "$CONNS" --outformat none
  fi
  if want ${engine}32x2 && engine_row ${engine}32x2 $engine; then
    pylogen_row ${engine}32x2 "pylogen Http engine $engine --proc 2 --concurrency $HALF" \
      "$(extra_for $engine)" --proc 2 --concurrency "$HALF" --outformat none
  fi
done
if want bare32; then
  log "curl_multi_client --connections $CONNS (bare curl_multi_socket_action)"
  measure bare32 $((DURATION + 15)) "$BARE" "$URL" --connections "$CONNS" --duration "$DURATION"
  [[ -s $TMP/bare32.out ]] || die "bare32 printed nothing"
  read -r count seconds errors connects < <(jq -r '[.requests, .seconds, .errors, .connects] | @tsv' "$TMP/bare32.out")
  ((connects == CONNS)) || echo "http.sh: bare32 opened $connects connections for $CONNS handles" >&2
  add_row bare32 "bare curl_multi_socket_action client, $CONNS handles, 1 process" "$count" \
    "$(calc "$count / $seconds")" - - 2 "$errors"
fi

# ---- lines: the per-request line output, to a real file
if want fastlines32 && engine_row fastlines32 fast; then
  LINES_FILE=$TMP/lines.txt
  pylogen_row fastlines32 "pylogen Http engine fast --proc 1 --concurrency $CONNS --outformat short --output FILE" \
    "$(extra_for fast)" --proc 1 --concurrency "$CONNS" --outformat short --output "$LINES_FILE"
  LINES_WRITTEN=$(wc -l <"$LINES_FILE")
  LINES_BYTES=$(stat -c %s "$LINES_FILE")
  rm -f "$LINES_FILE"
  [[ $LINES_WRITTEN == "${R_COUNT[fastlines32]}" ]] ||
    echo "http.sh: fastlines32 wrote $LINES_WRITTEN lines for ${R_COUNT[fastlines32]} requests" >&2
fi

# ---- c1000: MANY connections
if want wrk1000; then
  wrk_row wrk1000 "wrk -t$WRK_THREADS -c$MANY" -t"$WRK_THREADS" -c"$MANY" "$URL"
fi
for engine in fast curl; do
  if want ${engine}1000 && engine_row ${engine}1000 $engine; then
    pylogen_row ${engine}1000 "pylogen Http engine $engine --proc 2 --concurrency $MANY_HALF" \
      "$(extra_for $engine)" --proc 2 --concurrency "$MANY_HALF" --outformat none
  fi
done

# ---- tls: https, kept alive and one connection per request (no target)
if want wrktls; then
  wrk_row wrktls "https: wrk -t$WRK_THREADS -c$CONNS" -t"$WRK_THREADS" -c"$CONNS" "$TLS_URL"
fi
if want curltls && engine_row curltls curl; then
  pylogen_row curltls "https: pylogen Http engine curl --proc 2 --concurrency $HALF" \
    "$(extra_for curl "$TLS_URL" '"verify":false')" --proc 2 --concurrency "$HALF" --outformat none
fi
if want wrktlsclose; then
  wrk_row wrktlsclose "https, Connection: close: wrk -t$WRK_THREADS -c$CONNS" -t"$WRK_THREADS" -c"$CONNS" \
    -H "Connection: close" "$TLS_URL"
fi
if want curltlsclose && engine_row curltlsclose curl; then
  pylogen_row curltlsclose "https, Connection: close: pylogen Http engine curl --proc 2 --concurrency $HALF" \
    "$(extra_for curl "$TLS_URL" '"verify":false,"headers":{"Connection":"close"}')" \
    --proc 2 --concurrency "$HALF" --outformat none
fi

# ---------------------------------------------------------------- strace
if want strace; then
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

fi

stop_nginx

# ---------------------------------------------------------------- table
[[ -s $ROWS_TSV ]] || die "no row ran (ROWS/SECTIONS: ${ROWS:-${SECTIONS:-all}}; skipped: ${!SKIPPED[*]})"
TABLE=$(awk -F'\t' '
  function group(n,   s, out) {
    s = sprintf("%.0f", n); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
  }
  function ms(us, digits) { return us == "-" ? "—" : sprintf("%." digits "f ms", us / 1000) }
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
  }' "$ROWS_TSV")
# The most CPU other processes took during a run, in cores.
OTHERS=$(awk -F'\t' '{ o = $15 - ($9 + $10) / $8 - $13 / 100; if (o > m) m = o } END { printf "%.2f", m }' "$ROWS_TSV")

# ---------------------------------------------------------------- targets
# best NAME...: the row among those that ran with the most requests per
# generator CPU-second (nothing when none ran).
best() {
  local r b=""
  for r in "$@"; do
    [[ -n ${R_PER_CPU[$r]:-} ]] || continue
    if [[ -z $b ]] || ! at_least "${R_PER_CPU[$b]}" "${R_PER_CPU[$r]}"; then b=$r; fi
  done
  printf '%s' "$b"
}
VERDICTS=()  # Markdown bullets, also printed at the end
TALLY_PASS=0 TALLY_FAIL=0 TALLY_SKIP=0
# target WHAT "ROWS" REF_ROW FACTOR | target WHAT "ROWS" "" THRESHOLD: the
# best of ROWS' requests per CPU-second against FACTOR x REF_ROW's, or a
# fixed THRESHOLD.
target() {
  local what=$1 rows=$2 ref=$3 x=$4 row need v detail
  # shellcheck disable=SC2086  # ROWS is a list of names
  row=$(best $rows)
  if [[ -z $row || ( -n $ref && -z ${R_PER_CPU[$ref]:-} ) ]]; then
    VERDICTS+=("- $what: **SKIP** (not run: $(if [[ -z $row ]]; then echo "$rows"; fi)$(if [[ -z $row && -n $ref && -z ${R_PER_CPU[$ref]:-} ]]; then echo ", "; fi)$(if [[ -n $ref && -z ${R_PER_CPU[$ref]:-} ]]; then echo "$ref"; fi))")
    TALLY_SKIP=$((TALLY_SKIP + 1))
    return
  fi
  if [[ -n $ref ]]; then
    need=$(calc "$x * ${R_PER_CPU[$ref]}")
    detail="${R_LABEL[$row]} **$(group "${R_PER_CPU[$row]}")** against ${R_LABEL[$ref]} $(group "${R_PER_CPU[$ref]}") (× $(printf '%.2f' "$(calc "${R_PER_CPU[$row]} / ${R_PER_CPU[$ref]}")"), needed × $x)"
  else
    need=$x
    detail="${R_LABEL[$row]} **$(group "${R_PER_CPU[$row]}")** (needed $(group "$x"))"
  fi
  if at_least "${R_PER_CPU[$row]}" "$need"; then v=PASS; TALLY_PASS=$((TALLY_PASS + 1)); else v=FAIL; TALLY_FAIL=$((TALLY_FAIL + 1)); fi
  VERDICTS+=("- $what: $detail: **$v**")
}
target "blocking layout (issue 5): pylogen Http --proc $CONNS ≥ $(group "$TARGET")" \
  pylogen32 "" "$TARGET"
target "fast engine ≥ 0.8 × wrk at $CONNS connections (the better of 1 × $CONNS and 2 × $HALF)" \
  "fast32 fast32x2" wrk32 0.8
target "fast engine ≥ 0.8 × wrk at $(group "$MANY") connections" fast1000 wrk1000 0.8
target "curl engine ≥ 1.4 × $(group "$CURL_BASE") at $CONNS connections (the better of 1 × $CONNS and 2 × $HALF)" \
  "curl32 curl32x2" "" "$(calc "1.4 * $CURL_BASE")"
target "curl engine ≥ 0.85 × the bare curl_multi_socket_action client at $CONNS connections (the better of 1 × $CONNS and 2 × $HALF)" \
  "curl32 curl32x2" bare32 0.85
target "line output costs ≤ 10 % (fast engine, 1 × $CONNS, --outformat short to a file against none)" \
  fastlines32 fast32 0.9

# ---------------------------------------------------------------- notes
us_per_req() { printf '%.1f' "$(calc "1e6 * ${R_CPU[$1]} / ${R_COUNT[$1]}")"; }
NOTES=""
if [[ -n ${R_COUNT[fastlines32]:-} ]]; then
  NOTES+="- per-request lines (fast engine, 1 × $CONNS): \`--outformat short\` to a file in the temporary folder wrote $(group "$LINES_WRITTEN") lines ($(group "$LINES_BYTES") bytes) for $(group "${R_COUNT[fastlines32]}") requests, $(us_per_req fastlines32) µs of CPU per request"
  [[ -n ${R_COUNT[fast32]:-} ]] && NOTES+=" against $(us_per_req fast32) µs with \`--outformat none\`"
  NOTES+=$';\n'
fi
tls_note() {  # WHO PLAIN KEEP CLOSE
  local s="" sep=""
  [[ -n ${R_COUNT[$3]:-} ]] && { s+="$(us_per_req "$3") µs of CPU per request kept alive"; sep=", "; }
  [[ -n ${R_COUNT[$4]:-} ]] && { s+="$sep$(us_per_req "$4") µs with one connection per request"; sep=", "; }
  [[ -n $s && -n ${R_COUNT[$2]:-} ]] && s+=", against $(us_per_req "$2") µs over plain http kept alive"
  [[ -n $s ]] && NOTES+="- https (no target), $1: $s;"$'\n'
  return 0
}
tls_note "wrk -t$WRK_THREADS -c$CONNS" wrk32 wrktls wrktlsclose
tls_note "pylogen's curl engine, 2 × $HALF" curl32x2 curltls curltlsclose
if [[ -n $NOTES ]]; then NOTES=$'\n'"${NOTES%;$'\n'}."$'\n'; fi

# What limits pylogen in the blocking layout: needs pylogen32, short32,
# wrk32 and the strace run.
LIMITS=""
if [[ -n ${R_COUNT[pylogen32]:-} && -n ${R_COUNT[short32]:-} && -n ${R_COUNT[wrk32]:-} ]] && want strace; then
  S_COUNT=${R_COUNT[short32]}
  S_CPU=${R_CPU[short32]}
  P_CPU=$(calc "$P_USER + $P_SYS")
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
  if [[ ${ENGINE_OK[fast]:-0} == 1 ]]; then
    HOW="Here each of the $CONNS processes holds one connection on its event loop
(\`--concurrency 1\`; engine \`auto\`, so the fast path for this http:// URL):
every request still costs each process a sleep and a wake-up, and with $CONNS
processes on $(nproc) cores the scheduler switches between them, the reader and
nginx's worker. The rows with \`--concurrency\` multiplex the connections in
one loop per process, as wrk and ab do in one loop per thread (hey in Go's
network poller). $NGINX_NOTE"
  else
    HOW="Each request is one \`curl_easy_perform\` on the runner's kept-alive
connection. In the trace, libcurl polls its wake-up socket pair and checks
that the connection is still alive (two \`poll\` calls with a zero timeout),
sends the request with \`sendto\`, sleeps in \`poll\` until the answer is there
and reads it with \`recvfrom\`: every request is several kernel entries and a
sleep and wake-up of its runner. With $CONNS single-threaded runners on $(nproc)
cores, the scheduler switches between runners, the reader and nginx's worker,
where wrk and ab multiplex all their connections in one event loop per
thread (hey in Go's network poller). $NGINX_NOTE"
  fi
  LIMITS=$(cat <<EOF

What limits pylogen in the layout of one connection per process
(\`pylogen Http --proc $CONNS\`: this run, and a fixed-count run under
\`strace -f\`: $STRACE_PROC processes × $STRACE_LOOPS requests):

- syscalls per request: $ST_WORKERS in a runner ($ST_TOP per request),
  $ST_ALL for all processes together; the reader adds $ST_READER per request
  (it sleeps while its rings are empty: a per-second, not per-request cost,
  inflated by strace's slowdown), and pylogen's main process made $ST_MAIN calls
  in the whole run;
- CPU per request: $(printf '%.1f' "$P_US_PER_REQ") µs, $(printf '%.0f' "$P_SYS_PCT") % of it in the kernel;
- context switches per request: $(printf '%.2f' "$P_VOL_REQ") voluntary (a runner sleeps
  until nginx answers) and $(printf '%.2f' "$P_INVOL_REQ") involuntary ($CONNS runners, the reader
  and nginx's worker share $(nproc) cores), against $(printf '%.2f' "$W_CS_REQ") in all for wrk;
- per-request lines: $LINES_NOTE.

$HOW
EOF
)
fi

if at_least "$OTHERS" 0.1; then
  NOISE="Other processes used up to $OTHERS cores during these runs (\"of which others\": machine busy outside interrupts minus generator minus nginx): the figures are noisy; re-run on a quiet machine."
else
  NOISE="Other processes used at most $OTHERS cores during these runs (\"of which others\": machine busy outside interrupts minus generator minus nginx)."
fi
RAN=$(awk -F'\t' 'END { print NR }' "$ROWS_TSV")
SKIPPED_LINE=""
for why in "${!SKIPPED[@]}"; do SKIPPED_LINE+=$'\n'"- skipped rows ${SKIPPED[$why]}: $why"; done
TOTAL_S=$(printf '%.0f' "$(calc "$(now_s) - $START_S")")
BLOCK=$(cat <<EOF
$FACTS
- each generator: ${DURATION} s, GET $URL ($SIZE bytes; the https rows $TLS_URL, a self-signed EC P-256 certificate made for the run), one after the other against the same nginx (one worker); $CONNS connections, and $MANY in the rows that say so (pylogen: processes × \`--concurrency\` connections per process)
- rows run: $RAN ($(if ((ALL_WANTED)); then echo all; else echo "ROWS/SECTIONS: ${ROWS:-$SECTIONS}"; fi)); whole script $TOTAL_S s$SKIPPED_LINE

$TABLE

Targets, in requests per generator CPU-second (all of a generator's processes;
pylogen with \`--outformat none\` unless said):

$(printf '%s\n' "${VERDICTS[@]}")
$NOTES
Generator CPU is \`/usr/bin/time\`'s user + sys of the generator and of the
children it waited for (pylogen's runners and reader, wrk's threads, hey's
goroutines). nginx worker CPU is its run time (\`/proc/PID/schedstat\`) over
the same interval, in % of one core; machine busy is the non-idle time of all
cores (\`/proc/stat\`, steal included). $NOISE Latencies: ab prints whole
milliseconds (rounded: "0 ms" is under 0.5 ms), hey four decimals of a second
(0.1 ms); pylogen's and wrk's are finer; the bare client measures none (—).
Errors: pylogen's failed requests, wrk's non-2xx/3xx responses and socket
errors, ab's failed requests and non-2xx responses, hey's non-200 responses
and errors, the bare client's transport errors and statuses outside 200–399.
$LIMITS
EOF
)

mkdir -p "$RESULTS"
{ echo "# pylogen Http CUT against wrk, ab, hey and a bare libcurl client"; echo; echo "$BLOCK"; } >"$RESULTS/http.md"
log "results (also in $RESULTS/http.md)"
echo "$BLOCK"
log "targets: $TALLY_PASS PASS, $TALLY_FAIL FAIL, $TALLY_SKIP SKIP"
printf '%s\n' "${VERDICTS[@]}" | sed -e 's/\*\*//g' -e 's/^- //' >&2

if [[ $WRITE_README != 0 ]]; then
  write_readme_block "$README_MD" "$BEGIN_MARK" "$END_MARK" "$SECTION" \
    'bench/http.sh   # ~5 minutes; BUILD=0 to reuse a build' "$BLOCK" "$TMP"
  log "table written to $README_MD"
else
  log "bench/README.md left as it is (a subset ran; README=1 to write it anyway)"
fi
log "total run time: $(printf '%.0f' "$(calc "$(now_s) - $START_S")") s"
