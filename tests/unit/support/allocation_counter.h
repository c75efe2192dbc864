// Counts the C++ allocations (global operator new) made by the calling
// thread between Start() and Stop(), for the tests that check a hot path
// allocates nothing after its warm-up. The unit-test binary replaces the
// global operator new with a malloc wrapper that counts (allocation_counter.cc);
// C allocations (malloc: libcurl's, hiredis') and other threads' (a test
// server's) are not counted.
#ifndef PYLOGEN_TESTS_UNIT_SUPPORT_ALLOCATION_COUNTER_H_
#define PYLOGEN_TESTS_UNIT_SUPPORT_ALLOCATION_COUNTER_H_

#include <cstddef>

namespace pylogen::testing {

class AllocationCounter {
 public:
  static void Start();
  // The calling thread's allocations since Start(); counting stops.
  static std::size_t Stop();
};

}  // namespace pylogen::testing

#endif  // PYLOGEN_TESTS_UNIT_SUPPORT_ALLOCATION_COUNTER_H_
