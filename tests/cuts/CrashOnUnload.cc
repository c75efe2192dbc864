// Test CUT: loads fine, but its static destructor raises SIGSEGV, so that
// pylogen's dlclose() at the end of a run would crash. The CUT probe
// (src/cut/probe.h) dlclose()s it too, and refuses it up front.
#include <signal.h>

#include "pylogen/cut.h"

namespace {

struct CrashWhenUnloaded {
  ~CrashWhenUnloaded() {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }
} crash_when_unloaded;

class CrashOnUnload : public pylogen::ClassUnderTest {
 public:
  void func() override {
    requests().exec("C", [] {});
  }
};

}  // namespace

PYLOGEN_REGISTER_CUT(CrashOnUnload);
