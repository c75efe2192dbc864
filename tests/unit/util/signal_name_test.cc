// Signals said by name in messages ("killed by SIGKILL").
#include "util/signal_name.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace pylogen::util {
namespace {

TEST(SignalName, NamesTheCommonSignals) {
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalName(SIGINT), "SIGINT");
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
}

TEST(SignalName, RealTimeSignalsAndNumbersWithoutAName) {
  EXPECT_EQ(SignalName(SIGRTMIN + 3), "SIGRTMIN+3");
  EXPECT_EQ(SignalName(999), "signal 999");
  EXPECT_EQ(SignalName(0), "signal 0");
}

}  // namespace
}  // namespace pylogen::util
