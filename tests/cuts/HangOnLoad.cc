// Test CUT: a library whose static constructor never returns (it waits for a
// signal that pylogen blocks), so that dlopen() of it never returns. The CUT
// probe (src/cut/probe.h) must be killed at its bound, and reaped.
#include <unistd.h>

#include "pylogen/cut.h"

namespace {

struct HangWhenLoaded {
  HangWhenLoaded() {
    for (;;) pause();
  }
} hang_when_loaded;

class HangOnLoad : public pylogen::ClassUnderTest {
 public:
  void func() override {
    requests().exec("never", [] {});
  }
};

}  // namespace

PYLOGEN_REGISTER_CUT(HangOnLoad);
