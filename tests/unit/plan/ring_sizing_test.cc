// Ring sizes from the plan: per load from its concurrency, within a budget.
#include "plan/ring_sizing.h"

#include <gtest/gtest.h>

#include "stats/record.h"

namespace pylogen::plan {
namespace {

RunPlan PlanOf(std::vector<std::pair<std::uint32_t, std::uint32_t>> processes_and_concurrency) {
  RunPlan plan;
  for (auto [processes, concurrency] : processes_and_concurrency) {
    LoadPlan load;
    load.processes = processes;
    load.concurrency = concurrency;
    load.first_slot = plan.slot_count;
    plan.slot_count += processes;
    plan.loads.push_back(load);
  }
  return plan;
}

TEST(RingSizing, AutomaticSizeSharesTheBudget) {
  EXPECT_EQ(AutoRingCapacity(1), kMaxAutoRing);
  EXPECT_EQ(AutoRingCapacity(1000), 256u);  // 64 MiB / 192 B / 1000 = 349
  EXPECT_EQ(AutoRingCapacity(100000), kMinAutoRing);
}

TEST(RingSizing, WantedIsFourRecordsPerOperationInFlight) {
  EXPECT_EQ(WantedRingCapacity(1, 64), 64u);
  EXPECT_EQ(WantedRingCapacity(5000, 64), 32768u);  // 20000 -> next power of two
  EXPECT_EQ(WantedRingCapacity(4096, 64), 16384u);
  EXPECT_EQ(WantedRingCapacity(1u << 20, 64), kMaxRing);
  EXPECT_EQ(WantedRingCapacity(5000, 65536), 65536u);  // never below the floor
}

TEST(RingSizing, EachLoadGetsItsOwnSize) {
  RunPlan plan = PlanOf({{2, 5000}, {4, 1}});
  SizeRings(plan, 0);
  EXPECT_EQ(plan.loads[0].ring_capacity, 32768u);
  EXPECT_EQ(plan.loads[1].ring_capacity, AutoRingCapacity(6));
  EXPECT_EQ(plan.RingCapacities(),
            (std::vector<std::uint64_t>{32768, 32768, 16384, 16384, 16384, 16384}));
  EXPECT_EQ(plan.RingBytes(), (2 * 32768 + 4 * 16384) * sizeof(stats::Record));
  EXPECT_EQ(plan.ring_budget_bytes, kRingBudgetBytes);
}

TEST(RingSizing, QueueForcesEveryRing) {
  RunPlan plan = PlanOf({{2, 5000}, {4, 1}});
  SizeRings(plan, 2);
  EXPECT_EQ(plan.loads[0].ring_capacity, 2u);
  EXPECT_EQ(plan.loads[1].ring_capacity, 2u);
}

TEST(RingSizing, LargestRingsAreHalvedToFitTheBudgetButNotBelowTheFloor) {
  // 10 processes of 10000 in flight want 65536 records each (120 MiB).
  RunPlan plan = PlanOf({{10, 10000}, {1, 1000}});
  SizeRings(plan, 0);
  EXPECT_LE(plan.RingBytes(), kRingBudgetBytes);
  EXPECT_EQ(plan.loads[0].ring_capacity, 32768u);                // 60 MiB
  EXPECT_EQ(plan.loads[1].ring_capacity, AutoRingCapacity(11));  // at the floor: kept
  // A budget below the floor leaves the floor.
  RunPlan tight = PlanOf({{10, 10000}});
  SizeRings(tight, 0, 1024);
  EXPECT_EQ(tight.loads[0].ring_capacity, AutoRingCapacity(10));
}

}  // namespace
}  // namespace pylogen::plan
