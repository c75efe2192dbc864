// The pacer's sleep: retried after a signal only.
#include "opened/pacer.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "pylogen/requests.h"

namespace pylogen::opened {
namespace {

TEST(SleepAbsolute, PastTimeReturnsAtOnce) { EXPECT_EQ(SleepAbsolute(MonotonicNanos() - 1000), 0); }

// An error other than EINTR is returned, not retried forever.
TEST(SleepAbsolute, InvalidTimeIsAnError) { EXPECT_EQ(SleepAbsolute(-1), EINVAL); }

}  // namespace
}  // namespace pylogen::opened
