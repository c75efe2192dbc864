#include "output/error_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace pylogen::output {
namespace {

double Percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// The names with errors, the most failing first (ties: in names() order).
std::vector<const stats::NameStats*> Failing(const stats::Aggregator& agg) {
  std::vector<const stats::NameStats*> failing;
  for (const stats::NameStats& n : agg.names()) {
    if (n.errors != 0) failing.push_back(&n);
  }
  std::stable_sort(failing.begin(), failing.end(),
                   [](const auto* a, const auto* b) { return a->errors > b->errors; });
  return failing;
}

// One name's part of the block, within `budget` lines (>= 2): its line, its
// top pairs and, when they do not cover its errors, a "... more" line.
std::size_t AppendName(fmt::memory_buffer& out, const stats::NameStats& n, std::size_t budget) {
  auto it = std::back_inserter(out);
  const stats::Histogram& f = n.failed;
  fmt::format_to(it, "  {}: {} failed, {} min, {} mean, {} max\n", n.name, n.errors,
                 HumanDuration(f.min()), HumanDuration(std::llround(f.mean())),
                 HumanDuration(f.max()));
  std::vector<stats::ErrorBreakdown::Entry> pairs = n.errors_by.Sorted();
  std::size_t shown = std::min(pairs.size(), kErrorPairsPerName);
  auto covered = [&](std::size_t k) {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < k; ++i) c += pairs[i].count;
    return c;
  };
  if (1 + shown + (covered(shown) < n.errors) > budget) shown = budget - 2;
  for (std::size_t i = 0; i < shown; ++i) {
    fmt::format_to(it, "    {}: {}\n", ErrorPairText(pairs[i].rc, pairs[i].text()), pairs[i].count);
  }
  std::uint64_t rest = n.errors - covered(shown);
  if (rest == 0) return 1 + shown;
  fmt::format_to(it, "    ... {} more error(s): {}\n", rest,
                 pairs.size() > shown ? "see errors_by in the JSON report"
                                      : "of messages beyond the kept pairs (errors_other)");
  return 2 + shown;
}

// The most frequent pair over the request names.
std::string TopError(const stats::Aggregator& agg) {
  stats::ErrorBreakdown all;
  for (const stats::NameStats& n : agg.names()) {
    if (n.kind == stats::RecordKind::kRequest) all.Merge(n.errors_by);
  }
  std::vector<stats::ErrorBreakdown::Entry> sorted = all.Sorted();
  if (sorted.empty()) return "";
  return fmt::format("; top error: {} ({})", ErrorPairText(sorted[0].rc, sorted[0].text()),
                     sorted[0].count);
}

bool HasErrorsThreshold(const RunSummary& s) {
  return std::any_of(s.thresholds.begin(), s.thresholds.end(), [](const auto& o) {
    return o.threshold.metric == thresholds::Metric::kErrors;
  });
}

}  // namespace

std::string ErrorPairText(int rc, std::string_view message) {
  return fmt::format("rc {} {:?}", rc, message);
}

std::string ErrorsText(const stats::Aggregator& agg) {
  std::vector<const stats::NameStats*> failing = Failing(agg);
  if (failing.empty()) return "";
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out),
                 "\nerrors (failed records per name by rc and message, the most frequent first; "
                 "their latency apart):\n");
  std::size_t used = 0, listed = 0;
  for (; listed < failing.size() && used + 2 <= kErrorLines; ++listed) {
    used += AppendName(out, *failing[listed], kErrorLines - used);
  }
  if (listed < failing.size()) {
    std::uint64_t errors = 0;
    for (std::size_t i = listed; i < failing.size(); ++i) errors += failing[i]->errors;
    fmt::format_to(std::back_inserter(out),
                   "  ... {} more name(s) with {} error(s) in the JSON report\n",
                   failing.size() - listed, errors);
  }
  return fmt::to_string(out);
}

std::vector<std::string> Headline(const RunSummary& s) {
  std::vector<std::string> lines;
  const stats::Aggregator& agg = *s.stats;
  if (agg.requests() != 0 && 2 * agg.request_errors() > agg.requests()) {
    lines.push_back(fmt::format(
        "most requests failed: {} of {} ({:.1f}%){}{}", agg.request_errors(), agg.requests(),
        Percent(agg.request_errors(), agg.requests()), TopError(agg),
        HasErrorsThreshold(s) ? "" : "; to fail CI on it: --threshold errors==0 (exit code 99)"));
  }
  for (const OpenedSummary& o : s.opened) {
    if (o.dropped == 0) continue;
    std::uint64_t tried = o.emitted + o.dropped;
    lines.push_back(
        fmt::format("{}: {} of {} events dropped ({:.1f}%): the jobs queue was full (--jobs)",
                    o.load_id, o.dropped, tried, Percent(o.dropped, tried)));
  }
  return lines;
}

}  // namespace pylogen::output
