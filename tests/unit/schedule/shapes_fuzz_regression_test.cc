// Inputs the schedule fuzzer (fuzz/schedule_fuzzer.cc) found, kept as unit
// tests on the shapes themselves so that they hold whatever bounds the
// grammar later puts on durations and rates.
#include <gtest/gtest.h>

#include <cmath>

#include "schedule/shapes.h"

namespace pylogen::schedule {
namespace {

// staircase(4s,10) over 8.9e93 s: the position of an integral beyond 2^53
// steps, where m - 1 == m, looped for ever.
TEST(ShapesFuzzRegression, StaircaseInverseBeyondTwoToThe53StepsEnds) {
  ShapePtr steps = MakeStaircase(4, 10);
  for (double x : {1e30, 1e100, 1e190, 1e300}) {
    std::size_t hint = 0;
    double t = steps->TimeAtIntegral(x, hint);
    EXPECT_TRUE(std::isfinite(t)) << x;
    EXPECT_GT(t, 0) << x;
  }
}

// staircase(4s,10) over 8.9e153 s: near a double's range the discriminant of
// the step number overflowed, the estimate fell to step 1 and the correction
// walked up one step at a time, for ever.
TEST(ShapesFuzzRegression, StaircaseInverseNearTheRangeOfADoubleIsExact) {
  ShapePtr steps = MakeStaircase(4, 10);
  for (double x : {1e307, 9e307}) {
    std::size_t hint = 0;
    double t = steps->TimeAtIntegral(x, hint);
    ASSERT_TRUE(std::isfinite(t)) << x;
    EXPECT_NEAR(steps->IntegralTo(t) / x, 1.0, 1e-9) << x;
  }
}

TEST(ShapesFuzzRegression, InverseStaircaseInverseBeyondTwoToThe53StepsEnds) {
  ShapePtr steps = MakeInverseStaircase(1e-9, 1e-9, 1e300, 0);
  std::size_t hint = 0;
  double t = steps->TimeAtIntegral(1e290, hint);
  EXPECT_TRUE(std::isfinite(t));
  EXPECT_GE(t, 0);
}

}  // namespace
}  // namespace pylogen::schedule
