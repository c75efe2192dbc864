#!/usr/bin/env bash
# What a CUT author does: install pylogen into a prefix, build the example
# CUT out of tree with find_package(pylogen) + pylogen_add_cut, and run it
# through the installed pylogen.
set -euo pipefail
build_dir=$1
source_dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build_dir" --prefix "$tmp/prefix" >/dev/null
cmake -S "$source_dir/examples/out_of_tree_cut" -B "$tmp/echo" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
# No build type given (CMake's default: no -O at all): pylogen_add_cut
# optimises the CUT; a build type given keeps its own flags.
grep -q -- ' -O2 ' "$tmp/echo/compile_commands.json" || {
  echo "consumer_test: a CUT built with no build type is not optimised (no -O2)" >&2
  exit 1
}
cmake -S "$source_dir/examples/out_of_tree_cut" -B "$tmp/debug" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
if grep -q -- ' -O2 ' "$tmp/debug/compile_commands.json"; then
  echo "consumer_test: a Debug build of a CUT got -O2" >&2
  exit 1
fi
cmake --build "$tmp/echo" >/dev/null
for cut in Echo PairEcho; do
  test -f "$tmp/echo/$cut.so"        # no "lib" prefix
  if nm -D --defined-only "$tmp/echo/$cut.so" | grep -v ' pylogen_cut_descriptor$' | grep -q ' [TDB] .*pylogen'; then
    echo "consumer_test: $cut exports more than its descriptor" >&2
    exit 1
  fi
done
cd "$tmp"
report="$tmp/report.json"
"$tmp/prefix/bin/pylogen" "$tmp/echo/Echo.so" --loops 3 --lengths 2 --outformat none \
  --extra '{"text":"abc"}' --report "$report"
grep -q '"count": 3' "$report"
grep -q '"bytes_in": 18' "$report"   # 3 operations x 2 x "abc"
# The event-driven one: 2 processes x 8 users x 3 loops, 100 kB each way
# (more than a socket buffer, so the writes wait on the loop).
"$tmp/prefix/bin/pylogen" "$tmp/echo/PairEcho.so" --process 2 --concurrency 8 --loops 3 \
  --lengths 100000 --outformat none --report "$report"
grep -q '"count": 48' "$report"
grep -q '"errors": 0' "$report"
grep -q '"bytes_in": 4800000' "$report"
echo "consumer_test: ok"
