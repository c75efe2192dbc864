#!/usr/bin/env bash
# The quick start's install step, in miniature: `cmake --install` into a
# temporary prefix, then the installed pylogen, run from an unrelated folder,
# finds its sample CUT as cuts/Dummy and runs it.
set -euo pipefail
build_dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build_dir" --prefix "$tmp/prefix" >/dev/null
test -x "$tmp/prefix/bin/pylogen"
test -f "$tmp/prefix/include/pylogen/cut.h"
ls "$tmp/prefix"/lib*/pylogen/cuts/Dummy.so >/dev/null

mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere"
out=$(env -u PYLOGEN_CUT_PATH "$tmp/prefix/bin/pylogen" cuts/Dummy --proc 4 --duration 1 --extra '{"sleep":0.25}')
lines=$(printf '%s\n' "$out" | grep -c ' stat .*Dummy\.R_0\| stat .*\.R_0 ' || true)
echo "$out" | tail -n 30
# 4 runners x 4 calls of 0.25 s in 1 s.
if [[ "$lines" -ne 16 ]]; then
  echo "quickstart_test: expected 16 event lines, got $lines" >&2
  exit 1
fi
grep -q '^requests: 16 (0 errors)' <<<"$out"

# The crypto CUTs find their installed KmsDefault.json from anywhere.
ls "$tmp/prefix"/lib*/pylogen/cuts/KmsDefault.json >/dev/null
for cut in Encrypt:symmetric1 KmsEncrytSymmetric:symmetric2 Sign:asymmetric1; do
  out=$(env -u PYLOGEN_CUT_PATH "$tmp/prefix/bin/pylogen" "cuts/${cut%%:*}" --loops 2 \
    --lengths 64 --extra "{\"key\":\"${cut##*:}\"}")
  grep -q '^requests: 2 (0 errors)' <<<"$out" || { echo "$out" >&2; exit 1; }
done
echo "quickstart_test: ok"
