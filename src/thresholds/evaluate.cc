#include "thresholds/evaluate.h"

#include <algorithm>
#include <optional>

namespace pylogen::thresholds {
namespace {

// The histogram of `series` for one name; nullptr when the name has none
// (wait in the closed model). Response is service in the closed model.
const stats::Histogram* SeriesOf(const stats::NameStats& name, Series series) {
  switch (series) {
    case Series::kService: return &name.service;
    case Series::kResponse: return name.response ? name.response.get() : &name.service;
    case Series::kWait: return name.wait.get();
  }
  return nullptr;
}

// The request names the threshold selects.
std::vector<const stats::NameStats*> Chosen(const Threshold& t, const stats::Aggregator& stats) {
  std::vector<const stats::NameStats*> chosen;
  for (const stats::NameStats& name : stats.names()) {
    if (name.kind != stats::RecordKind::kRequest) continue;
    if (Selects(t.selector, name.name, stats.load_id(name.load))) chosen.push_back(&name);
  }
  return chosen;
}

std::optional<double> Latency(const Threshold& t, const std::vector<const stats::NameStats*>& chosen) {
  std::optional<stats::Histogram> merged;
  for (const stats::NameStats* name : chosen) {
    const stats::Histogram* h = SeriesOf(*name, t.series);
    if (h == nullptr) continue;
    if (!merged) {
      merged = *h;
    } else {
      merged->Merge(*h);
    }
  }
  if (!merged || merged->count() == 0) return std::nullopt;
  switch (t.metric) {
    case Metric::kPercentile: return static_cast<double>(merged->ValueAtPercentile(t.percentile));
    case Metric::kMean: return merged->mean();
    case Metric::kMin: return static_cast<double>(merged->min());
    case Metric::kMax: return static_cast<double>(merged->max());
    default: return std::nullopt;
  }
}

std::optional<double> Observe(const Threshold& t, const RunFigures& run) {
  if (t.metric == Metric::kDropped) {
    std::optional<double> dropped;
    for (const DroppedOfLoad& load : run.dropped) {
      if (!t.selector.empty() && t.selector != load.load_id) continue;
      dropped = dropped.value_or(0) + static_cast<double>(load.dropped);
    }
    return dropped;
  }
  std::vector<const stats::NameStats*> chosen = Chosen(t, run.stats);
  if (IsLatency(t.metric)) return Latency(t, chosen);
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  for (const stats::NameStats* name : chosen) {
    requests += name->count;
    errors += name->errors;
  }
  if (requests == 0) return std::nullopt;
  switch (t.metric) {
    case Metric::kCount: return static_cast<double>(requests);
    case Metric::kErrors:
      return t.percent ? 100.0 * static_cast<double>(errors) / static_cast<double>(requests)
                       : static_cast<double>(errors);
    case Metric::kRate:
      if (run.duration_s <= 0) return std::nullopt;
      return static_cast<double>(requests) / run.duration_s;
    default: return std::nullopt;
  }
}

}  // namespace

bool Selects(const std::string& selector, const std::string& name, const std::string& load_id) {
  if (selector.empty() || selector == load_id || selector == name) return true;
  return name.size() > selector.size() && name.ends_with(selector) &&
         name[name.size() - selector.size() - 1] == '.';
}

std::vector<Observed> Evaluate(const std::vector<Threshold>& thresholds, const RunFigures& run) {
  std::vector<Observed> observed;
  for (const Threshold& t : thresholds) {
    Observed o{t};
    if (std::optional<double> value = Observe(t, run)) {
      o.has_data = true;
      o.value = *value;
      o.ok = Holds(*value, t.op, t.limit);
    }
    observed.push_back(std::move(o));
  }
  return observed;
}

bool AllHeld(const std::vector<Observed>& observed) {
  return std::all_of(observed.begin(), observed.end(), [](const Observed& o) { return o.ok; });
}

}  // namespace pylogen::thresholds
