// Test CUT: a latency that steps at a wall-clock instant. A request that
// begins before extra.at_ns (epoch ns) sleeps extra.before_ms (default 1),
// one that begins at or after it sleeps extra.after_ms (default 30); for the
// time series' tests (a step that must show in the right interval).
#include <time.h>

#include <cstdint>

#include "pylogen/cut.h"

class Step : public pylogen::ClassUnderTest {
 public:
  void func() override {
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    std::int64_t wall = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
    std::int64_t at = extra().value("at_ns", std::int64_t{0});
    std::int64_t ms = wall < at ? extra().value("before_ms", 1L) : extra().value("after_ms", 30L);
    requests().exec("S", [ms] {
      timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1'000'000};
      while (nanosleep(&ts, &ts) != 0) {
      }
    });
  }
};

PYLOGEN_REGISTER_CUT(Step);
