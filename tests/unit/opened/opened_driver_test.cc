// The opened driver's reaction to a fork that fails: StartWorker stops.
#include "opened/opened_driver.h"

#include <gtest/gtest.h>

#include "process/fake_forker.h"

namespace pylogen::opened {
namespace {

TEST(OpenedDriver, ForkFailureEndsTheAdditions) {
  auto schedule = schedule::Schedule::Parse("1@10");
  ASSERT_TRUE(schedule.has_value());
  plan::RunPlan plan;
  plan.loads.emplace_back();
  plan::LoadPlan& load = plan.loads[0];
  load.id = "L";
  load.lengths = {"0"};
  load.opened.emplace(plan::OpenedPlan{std::move(*schedule), "1@10"});
  load.opened->prefork = 5;
  load.opened->max_workers = 8;
  load.processes = 8;
  plan.slot_count = 8;
  plan.opened_count = 1;
  auto segment = shm::Segment::Create(8, 4, 1, 8);
  ASSERT_TRUE(segment.has_value());
  process::FakeForker forker(2);
  {
    OpenedDriver driver(plan, load, *segment, forker);
    driver.Start(0);
    // Two workers, the third fork failed: the other two preforks are not tried.
    EXPECT_EQ(forker.roles, (std::vector<std::string>{"worker-0", "worker-1", "worker-2"}));
    EXPECT_TRUE(driver.Faulted());
    EXPECT_EQ(segment->header().fork_failures.load(), 1u);
    EXPECT_STREQ(segment->header().fork_error,
                 "cannot fork worker-2: Resource temporarily unavailable");
    for (pid_t pid = process::FakeForker::kFirstPid; pid < process::FakeForker::kFirstPid + 2;
         ++pid) {
      EXPECT_TRUE(driver.OnExit(pid, 0));
    }
  }
}

}  // namespace
}  // namespace pylogen::opened
