#!/usr/bin/env bash
# The closed-model no-op runs (a) and (b) of bench/run.sh, for two builds
# alternated in one sitting: ratios hold on a noisy machine, absolute
# figures do not. Each run: 10 s of cuts/Dummy --proc 2 {"sleep":0} with
# --report, (a) --outformat none, (b) --outformat short to a file.
# Usage: bench/compare_closed.sh OLD_BUILD_DIR NEW_BUILD_DIR
#   (each a Release build holding src/pylogen and src/cuts/Dummy.so, e.g.
#    git worktree add /tmp/old REV && cmake -S /tmp/old -B /tmp/old/build
#    -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF &&
#    cmake --build /tmp/old/build --target pylogen Dummy)
# Knobs: MODES ("a b"), N (pairs per mode, 2), DURATION (10).
# Run it alone on the machine.
set -euo pipefail
[[ $# == 2 ]] || { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR" >&2; exit 2; }
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
DURATION=${DURATION:-10}
command -v jq >/dev/null || { echo "compare_closed.sh: needs jq (apt-get install jq)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pylogen-compare.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

run() {  # BUILD_DIR MODE: one line, requests/s and the producers' wait
  local out=()
  [[ $2 == b ]] && out=(--outformat short --output "$TMP/lines.txt") || out=(--outformat none)
  (cd "$1/src" && ./pylogen cuts/Dummy --proc 2 --extra '{"sleep":0}' --duration "$DURATION" \
    "${out[@]}" --report "$TMP/r.json" >/dev/null)
  rm -f "$TMP/lines.txt"
  jq -r '"\(.requests.count / .duration_s | floor) req/s, producers waited \(.producer_wait.ns / 1e9) s"' \
    "$TMP/r.json"
}

for mode in ${MODES:-a b}; do
  for _ in $(seq "${N:-2}"); do
    echo "($mode) old: $(run "$OLD" "$mode")"
    echo "($mode) new: $(run "$NEW" "$mode")"
  done
done
