// Test CUT: setup() throws, as a CUT with a missing key file would.
#include <stdexcept>

#include "pylogen/cut.h"

class FailSetup : public pylogen::ClassUnderTest {
 public:
  void setup() override { throw std::runtime_error("no key file for this test"); }
  void func() override { requests().exec("never", [] {}); }
};

PYLOGEN_REGISTER_CUT(FailSetup);
