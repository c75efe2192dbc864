#include "output/threshold_summary.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "output/run_summary.h"

namespace pylogen::output {
namespace {

using thresholds::Metric;
using thresholds::Observed;

const char* UnitOf(const thresholds::Threshold& t) {
  if (thresholds::IsLatency(t.metric)) return "ns";
  switch (t.metric) {
    case Metric::kErrors: return t.percent ? "%" : "requests";
    case Metric::kRate: return "requests/s";
    case Metric::kDropped: return "events";
    default: return "requests";
  }
}

}  // namespace

std::vector<Observed> EvaluateThresholds(const std::vector<thresholds::Threshold>& list,
                                         const RunSummary& summary) {
  thresholds::RunFigures run{*summary.stats, summary.duration_s, {}};
  for (const OpenedSummary& o : summary.opened) run.dropped.push_back({o.load_id, o.dropped});
  return thresholds::Evaluate(list, run);
}

std::string ObservedText(const Observed& o) {
  if (!o.has_data) return "no data";
  const thresholds::Threshold& t = o.threshold;
  if (thresholds::IsLatency(t.metric)) return HumanDuration(std::llround(o.value));
  if (t.metric == Metric::kErrors && t.percent) return fmt::format("{:.2f}%", o.value);
  if (t.metric == Metric::kRate) return fmt::format("{:.1f}/s", o.value);
  return fmt::format("{:.0f}", o.value);
}

std::string ThresholdsText(const std::vector<Observed>& observed) {
  if (observed.empty()) return "";
  std::vector<const Observed*> ordered;
  for (const Observed& o : observed) ordered.push_back(&o);
  std::stable_partition(ordered.begin(), ordered.end(), [](const Observed* o) { return !o->ok; });
  auto broken = std::count_if(observed.begin(), observed.end(), [](const Observed& o) { return !o.ok; });
  std::string text = fmt::format("\nthresholds: {} of {} broken{}\n", broken, observed.size(),
                                 broken != 0 ? " (exit code 99)" : "");
  for (const Observed* o : ordered) {
    text += fmt::format("  {:<6}  {:<24}  observed {}\n", o->ok ? "ok" : "BROKEN",
                        o->threshold.expression, ObservedText(*o));
  }
  return text;
}

nlohmann::json ThresholdsJson(const std::vector<Observed>& observed) {
  nlohmann::json list = nlohmann::json::array();
  for (const Observed& o : observed) {
    list.push_back({{"expression", o.threshold.expression},
                    {"observed", o.has_data ? nlohmann::json(o.value) : nlohmann::json(nullptr)},
                    {"unit", UnitOf(o.threshold)},
                    {"ok", o.ok}});
  }
  return list;
}

}  // namespace pylogen::output
