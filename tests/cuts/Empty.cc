// Test CUT: func() makes no request at all.
#include "pylogen/cut.h"

class Empty : public pylogen::ClassUnderTest {
 public:
  void func() override {}
};

PYLOGEN_REGISTER_CUT(Empty);
