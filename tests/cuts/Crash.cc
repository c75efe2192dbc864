// Test CUT: a worker that dies. The process whose index is extra.process
// (default 0; -1: every process) raises extra.signal (default SIGSEGV) on its
// extra.at-th call (default 5); the others behave as a no-op CUT.
#include <signal.h>

#include "pylogen/cut.h"

class Crash : public pylogen::ClassUnderTest {
 public:
  void func() override {
    ++calls_;
    int process = extra().value("process", 0);
    bool victim = process < 0 || context().process_index == process;
    if (victim && calls_ == extra().value("at", 5)) {
      signal(SIGSEGV, SIG_DFL);
      raise(extra().value("signal", SIGSEGV));
    }
    requests().exec("C", [] {});
  }

 private:
  long calls_ = 0;
};

PYLOGEN_REGISTER_CUT(Crash);
