// Test CUT: a library whose static constructor raises SIGSEGV, so that the
// dlopen() of it kills the process that loads it. The CUT probe
// (src/cut/probe.h) must take that death, not pylogen.
#include <signal.h>

#include "pylogen/cut.h"

namespace {

struct CrashWhenLoaded {
  CrashWhenLoaded() {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }
} crash_when_loaded;

class CrashOnLoad : public pylogen::ClassUnderTest {
 public:
  void func() override {
    requests().exec("never", [] {});
  }
};

}  // namespace

PYLOGEN_REGISTER_CUT(CrashOnLoad);
