// Test CUT: setup() throws, as a CUT with a missing key file would.
// extra.marker: a file teardown() would create — it must never appear,
// since teardown() only follows a setup() that succeeded.
#include <fstream>
#include <stdexcept>
#include <string>

#include "pylogen/cut.h"

class FailSetup : public pylogen::ClassUnderTest {
 public:
  void setup() override { throw std::runtime_error("no key file for this test"); }
  void teardown() override {
    std::string marker = extra().value("marker", "");
    if (!marker.empty()) std::ofstream(marker) << "teardown ran\n";
  }
  void func() override { requests().exec("never", [] {}); }
};

PYLOGEN_REGISTER_CUT(FailSetup);
