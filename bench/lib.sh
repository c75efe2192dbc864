# Helpers shared by the benchmark scripts (sourced, not run).

log() { printf '\n== %s\n' "$*" >&2; }

# awk helpers: thousands separators, arithmetic on decimals.
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
group() {
  awk -v n="$1" 'BEGIN {
    s = sprintf("%.0f", n); neg = (s ~ /^-/); if (neg) s = substr(s, 2)
    out = ""; while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    printf "%s%s%s", (neg ? "-" : ""), s, out }'
}
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
now_s() { date +%s.%N; }

# write_readme_block README_MD BEGIN_MARK END_MARK SECTION USAGE BLOCK TMPDIR:
# puts BLOCK between the markers of README_MD, or, when they are missing, a
# new section (its title SECTION, a usage line USAGE, the markers around
# BLOCK) before "## What each measurement is, and why" (at the end when
# that heading is missing).
write_readme_block() {
  local readme=$1 begin=$2 end=$3 section=$4 usage=$5 block=$6 tmp=$7
  if grep -qF "$begin" "$readme" && grep -qF "$end" "$readme"; then
    printf '%s\n' "$block" >"$tmp/block.md"
    awk -v b="$begin" -v e="$end" -v f="$tmp/block.md" '
      $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0 }
      !skip' "$readme" >"$tmp/readme.md"
  else
    printf '%s\n\n```sh\n%s\n```\n\n%s\n%s\n%s\n\n' "$section" "$usage" "$begin" "$block" "$end" \
      >"$tmp/section.md"
    awk -v f="$tmp/section.md" '
      !done && /^## What each measurement is, and why/ { while ((getline l < f) > 0) print l; done = 1 }
      { print }
      END { if (!done) { print ""; while ((getline l < f) > 0) print l } }' "$readme" >"$tmp/readme.md"
  fi
  cat "$tmp/readme.md" >"$readme"
}

# build_release BUILD_DIR TARGET...: configures BUILD_DIR (Release, no tests;
# Ninja for a new tree when present) and builds the targets. Needs ROOT and
# die() from the calling script.
build_release() {
  local dir=$1; shift
  log "build (Release) in $dir"
  command -v cmake >/dev/null || die "cmake missing: run scripts/install-deps.sh (or BUILD=0 with a built BUILD_DIR)"
  local generator=()
  if [[ ! -f $dir/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
  cmake -S "$ROOT" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DPYLOGEN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$dir" --target "$@"
}
