// The machine's own floor for deadline keeping: a loop that spins on the
// monotonic clock until each deadline of a constant rate, and records how
// late it saw each one. Whatever it shows (VM stalls, preemption) no
// generator can beat; bench/opened.sh prints it beside pylogen's generator.
//
// Usage: lateness_floor RATE SECONDS  -> one JSON object on stdout.
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "pylogen/requests.h"
#include "stats/histogram.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: lateness_floor RATE SECONDS\n");
    return 2;
  }
  double rate = std::atof(argv[1]);
  double seconds = std::atof(argv[2]);
  if (rate <= 0 || seconds <= 0) {
    std::fprintf(stderr, "lateness_floor: RATE and SECONDS must be > 0\n");
    return 2;
  }
  pylogen::stats::Histogram lateness;
  std::int64_t start = pylogen::MonotonicNanos() + 1'000'000;
  auto events = static_cast<std::int64_t>(rate * seconds);
  for (std::int64_t k = 1; k <= events; ++k) {
    std::int64_t due = start + static_cast<std::int64_t>(k * 1e9 / rate);
    std::int64_t now;
    while ((now = pylogen::MonotonicNanos()) < due) {
    }
    lateness.Record(now - due);
  }
  nlohmann::json out = {{"rate", rate},
                        {"events", lateness.count()},
                        {"p50_ns", lateness.ValueAtPercentile(50)},
                        {"p99_ns", lateness.ValueAtPercentile(99)},
                        {"p99_9_ns", lateness.ValueAtPercentile(99.9)},
                        {"max_ns", lateness.max()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
