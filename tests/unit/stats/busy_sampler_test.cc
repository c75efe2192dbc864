// The busy count of a slot at each reader pass: what it has in flight, or 1
// when it completed operations since the previous pass.
#include "stats/busy_sampler.h"

#include <gtest/gtest.h>

namespace pylogen::stats {
namespace {

// Two runners busy all along with operations of a few microseconds: their
// busy word read 0 at every pass (the old count: "busy workers 0 at -"),
// yet each pass found more operations reported.
TEST(BusySampler, ARunnerThatCompletedOperationsSinceTheLastPassWasBusy) {
  BusySampler sampler(2);
  std::uint32_t peak = 0;
  for (std::uint64_t pass = 1; pass <= 5; ++pass) {
    std::uint32_t busy = sampler.Sample(0, 0, pass * 1000) + sampler.Sample(1, 0, pass * 700);
    peak = std::max(peak, busy);
  }
  EXPECT_EQ(peak, 2u);
}

TEST(BusySampler, AnIdleSlotIsNotBusyAndInFlightCallsCount) {
  BusySampler sampler(1);
  EXPECT_EQ(sampler.Sample(0, 0, 0), 0u);   // nothing done yet
  EXPECT_EQ(sampler.Sample(0, 1, 0), 1u);   // a slow call in flight
  EXPECT_EQ(sampler.Sample(0, 0, 1), 1u);   // it ended since the last pass
  EXPECT_EQ(sampler.Sample(0, 0, 1), 0u);   // then idle
  EXPECT_EQ(sampler.Sample(0, 40, 1), 40u); // an event-driven process' calls in flight
  EXPECT_EQ(sampler.Sample(0, 40, 9), 40u); // more than the one its progress proves
  EXPECT_EQ(sampler.Sample(0, 0, 0), 0u);   // a new process in the slot: nothing done yet
  EXPECT_EQ(sampler.Sample(0, 0, 1), 1u);
}

}  // namespace
}  // namespace pylogen::stats
