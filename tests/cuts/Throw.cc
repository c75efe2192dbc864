// Test CUT: throws. extra.every = n (default 1): every n-th call's request
// throws std::runtime_error; extra.outside = true: func() itself throws,
// outside any request; extra.teardown = true: teardown() throws
// "teardown broke"; extra.steps = true: resetBeforeSteps() throws "steps
// broke" (it escapes the runner's own loop).
#include <stdexcept>
#include <string>

#include "pylogen/cut.h"

class Throw : public pylogen::ClassUnderTest {
 public:
  void teardown() override {
    if (extra().value("teardown", false)) throw std::runtime_error("teardown broke");
  }
  void resetBeforeSteps() override {
    if (extra().value("steps", false)) throw std::runtime_error("steps broke");
  }
  void func() override {
    ++calls_;
    bool fail = calls_ % extra().value("every", 1) == 0;
    if (fail && extra().value("outside", false)) throw std::runtime_error("thrown outside a request");
    requests().exec("T", [&] {
      if (fail) throw std::runtime_error("boom " + std::to_string(calls_));
    });
  }

 private:
  long calls_ = 0;
};

PYLOGEN_REGISTER_CUT(Throw);
