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
