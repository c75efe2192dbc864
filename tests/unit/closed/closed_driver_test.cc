// The closed driver's reaction to a fork that fails: no further runner.
#include "closed/closed_driver.h"

#include <gtest/gtest.h>

#include "process/fake_forker.h"

namespace pylogen::closed {
namespace {

TEST(ClosedDriver, ForkFailureStopsTheStartsAndTheStartedRunnersFinish) {
  plan::RunPlan plan;
  plan.loads.emplace_back();
  plan.loads[0].id = "L";
  plan.loads[0].processes = 6;
  plan.loads[0].loops = 1;
  plan.slot_count = 6;
  auto segment = shm::Segment::Create(6, 4);
  ASSERT_TRUE(segment.has_value());
  process::FakeForker forker(3);
  ClosedDriver driver(plan, plan.loads[0], *segment, forker);
  driver.Start(0);
  EXPECT_EQ(forker.roles,
            (std::vector<std::string>{"runner-0", "runner-1", "runner-2", "runner-3"}));
  EXPECT_EQ(driver.NextDeadline(), process::kNever);  // nothing more to start
  driver.Act(1'000'000'000);
  EXPECT_EQ(forker.roles.size(), 4u);
  EXPECT_TRUE(driver.Faulted());
  EXPECT_EQ(segment->header().fork_failures.load(), 1u);
  EXPECT_STREQ(segment->header().fork_error,
               "cannot fork runner-3: Resource temporarily unavailable");
  EXPECT_FALSE(driver.Done());
  for (pid_t pid = process::FakeForker::kFirstPid; pid < process::FakeForker::kFirstPid + 3;
       ++pid) {
    EXPECT_TRUE(driver.OnExit(pid, 0));
  }
  EXPECT_TRUE(driver.Done());
  EXPECT_EQ(segment->header().started.load(), 3u);
  EXPECT_EQ(segment->header().ended.load(), 3u);
}

TEST(ClosedDriver, EveryRunnerStartsWhenForksSucceed) {
  plan::RunPlan plan;
  plan.loads.emplace_back();
  plan.loads[0].processes = 3;
  plan.slot_count = 3;
  auto segment = shm::Segment::Create(3, 4);
  ASSERT_TRUE(segment.has_value());
  process::FakeForker forker;
  ClosedDriver driver(plan, plan.loads[0], *segment, forker);
  driver.Start(0);
  EXPECT_EQ(forker.roles.size(), 3u);
  EXPECT_FALSE(driver.Faulted());
}

}  // namespace
}  // namespace pylogen::closed
