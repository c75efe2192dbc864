// Test CUT: a call that never returns. From its extra.at-th call (default 1)
// on, a request sleeps extra.seconds (default 3600) — far beyond any grace.
#include <time.h>

#include "pylogen/cut.h"

class Hang : public pylogen::ClassUnderTest {
 public:
  void func() override {
    ++calls_;
    long seconds = calls_ >= extra().value("at", 1) ? extra().value("seconds", 3600L) : 0;
    requests().exec("H", [seconds] {
      timespec ts{seconds, 0};
      while (nanosleep(&ts, &ts) != 0) {
      }
    });
  }

 private:
  long calls_ = 0;
};

PYLOGEN_REGISTER_CUT(Hang);
