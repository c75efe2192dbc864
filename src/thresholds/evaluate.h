// Thresholds evaluated on the reader's final statistics, once, after the
// queue is drained: each one's observed value and whether it held. A
// threshold with no data (no request matched, a wait: series in the closed
// model, dropped without an opened load) is broken.
//
// Reader process only; pure (no I/O), unit-tested with an Aggregator fed by
// hand.
#ifndef PYLOGEN_THRESHOLDS_EVALUATE_H_
#define PYLOGEN_THRESHOLDS_EVALUATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "stats/aggregator.h"
#include "thresholds/threshold.h"

namespace pylogen::thresholds {

struct Observed {
  Threshold threshold;
  bool has_data = false;
  // In the threshold's own unit: ns for latencies, a percentage for
  // errors<N%, requests/s for rate, else a count. 0 without data.
  double value = 0;
  bool ok = false;
};

// An opened load's dropped events.
struct DroppedOfLoad {
  std::string load_id;
  std::uint64_t dropped = 0;
};

struct RunFigures {
  const stats::Aggregator& stats;
  double duration_s = 0;              // first request's begin to last one's end
  std::vector<DroppedOfLoad> dropped;  // the opened loads only
};

// True when `name` (a NameStats of load `load_id`) is chosen by `selector`:
// empty, the load id, the whole name, or its trailing dot-separated parts.
bool Selects(const std::string& selector, const std::string& name, const std::string& load_id);

std::vector<Observed> Evaluate(const std::vector<Threshold>& thresholds, const RunFigures& run);

// True when every threshold held (also when there is none).
bool AllHeld(const std::vector<Observed>& observed);

}  // namespace pylogen::thresholds

#endif  // PYLOGEN_THRESHOLDS_EVALUATE_H_
