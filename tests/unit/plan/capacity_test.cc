// The start-up capacity check on made-up machines.
#include "plan/capacity.h"

#include <gtest/gtest.h>

namespace pylogen::plan {
namespace {

RunPlan Closed(std::uint32_t processes) {
  RunPlan plan;
  LoadPlan load;
  load.processes = processes;
  plan.loads.push_back(load);
  plan.slot_count = processes;
  return plan;
}

RunPlan Opened(std::uint32_t prefork, std::uint32_t max_workers) {
  RunPlan plan;
  LoadPlan load;
  load.opened.emplace();
  load.opened->prefork = prefork;
  load.opened->max_workers = max_workers;
  load.processes = max_workers;
  plan.loads.push_back(load);
  plan.slot_count = max_workers;
  return plan;
}

MachineLimits PidMax(std::uint64_t pid_max, std::uint64_t tasks) {
  MachineLimits limits;
  limits.pid_max = pid_max;
  limits.tasks = tasks;
  return limits;
}

// A runner or worker is two tasks: the process and its stdout relay thread
// (process/cut_stdout.h); the reader and a generator one each.
TEST(Capacity, NeedsCountTheReaderAndEveryTaskAtTheStart) {
  PlanNeeds closed = NeedsOf(Closed(100000), 123);
  EXPECT_EQ(closed.at_start, 200001u);
  EXPECT_EQ(closed.at_most, 200001u);
  EXPECT_EQ(closed.start_what, "100000 runners with their stdout relays and the reader");
  EXPECT_EQ(closed.shared_bytes, 123u);
  EXPECT_TRUE(closed.most_option.empty());
  PlanNeeds opened = NeedsOf(Opened(10, 5000), 0);
  EXPECT_EQ(opened.at_start, 22u);  // 10 workers and their relays, the generator, the reader
  EXPECT_EQ(opened.at_most, 10002u);
  EXPECT_EQ(opened.start_what,
            "10 preforked workers with their stdout relays, a generator and the reader");
  EXPECT_EQ(opened.most_option, "--maxworkers 5000");
  PlanNeeds one = NeedsOf(Closed(1), 0);
  EXPECT_EQ(one.at_start, 3u);
  EXPECT_EQ(one.start_what, "1 runner with its stdout relay and the reader");
  RunPlan both = Closed(4);
  both.loads.push_back(Opened(2, 6).loads.front());
  PlanNeeds mixed = NeedsOf(both, 0);
  EXPECT_EQ(mixed.at_start, 14u);  // 2 × (4 + 2), the generator, the reader
  EXPECT_EQ(mixed.at_most, 22u);   // 2 × (4 + 6), the generator, the reader
  EXPECT_EQ(mixed.start_what,
            "4 runners with their stdout relays, 2 preforked workers with their stdout relays, a "
            "generator and the reader");
}

TEST(Capacity, TooManyProcessesForPidMaxIsRefusedWithOneLine) {
  auto verdict = CheckCapacity(NeedsOf(Closed(100000), 0), PidMax(32768, 5));
  EXPECT_EQ(verdict.error,
            "--process 100000: this run needs 200001 more tasks at its start (100000 runners with "
            "their stdout relays and the reader), but the machine allows 32763 more (kernel.pid_max 32768 with 5 tasks "
            "running); lower --process, or use --concurrency with an event-driven CUT");
  EXPECT_EQ(verdict.error.find('\n'), std::string::npos);
}

TEST(Capacity, TheTightestLimitIsNamed) {
  MachineLimits limits = PidMax(4194304, 200);
  limits.threads_max = 100000;
  limits.nproc_limit = 500;
  limits.user_tasks = 20;
  limits.cgroup_pids_max = 1000;
  limits.cgroup_pids_current = 10;
  limits.cgroup_pids_dir = "/sys/fs/cgroup/run";
  auto room = ProcessRoom(limits);
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(room->more, 480u);
  EXPECT_EQ(room->because, "RLIMIT_NPROC (ulimit -u) 500 with 20 tasks of this user");
  limits.cgroup_pids_max = 300;
  room = ProcessRoom(limits);
  EXPECT_EQ(room->more, 290u);
  EXPECT_EQ(room->because, "cgroup pids.max 300 with 10 in use, /sys/fs/cgroup/run");
  auto verdict = CheckCapacity(NeedsOf(Closed(145), 0), limits);  // 290 tasks and the reader
  EXPECT_NE(verdict.error.find("--process 145: this run needs 291 more"), std::string::npos)
      << verdict.error;
  EXPECT_TRUE(CheckCapacity(NeedsOf(Closed(144), 0), limits).error.empty());
}

TEST(Capacity, UnknownLimitsLetThePlanStart) {
  auto verdict = CheckCapacity(NeedsOf(Closed(100000), 1ull << 40), MachineLimits{});
  EXPECT_TRUE(verdict.error.empty());
  EXPECT_TRUE(verdict.warnings.empty());
}

TEST(Capacity, PreforkThatDoesNotFitIsRefused) {
  auto verdict = CheckCapacity(NeedsOf(Opened(100, 100), 0), PidMax(100, 10));
  EXPECT_NE(verdict.error.find("--prefork 100: this run needs 202 more tasks"),
            std::string::npos)
      << verdict.error;
  EXPECT_NE(verdict.error.find("lower --prefork"), std::string::npos);
}

TEST(Capacity, MaxworkersAboveTheCeilingIsOneWarning) {
  auto verdict = CheckCapacity(NeedsOf(Opened(10, 100000), 0), PidMax(32768, 68));
  EXPECT_TRUE(verdict.error.empty()) << verdict.error;
  ASSERT_EQ(verdict.warnings.size(), 1u);
  EXPECT_EQ(verdict.warnings[0],
            "--maxworkers 100000: this run may need up to 200002 more tasks, but the machine "
            "allows 32700 more (kernel.pid_max 32768 with 68 tasks running): the controller cannot "
            "start workers beyond that ceiling");
  EXPECT_TRUE(CheckCapacity(NeedsOf(Opened(10, 1000), 0), PidMax(32768, 68)).warnings.empty());
}

TEST(Capacity, SharedMemoryAboveWhatIsAvailableIsRefused) {
  MachineLimits limits;
  limits.mem_available = 8ull << 30;
  limits.cgroup_memory_max = 1ull << 30;
  limits.cgroup_memory_current = 512ull << 20;
  limits.cgroup_memory_dir = "/sys/fs/cgroup/memory/job";
  auto verdict = CheckCapacity(NeedsOf(Closed(4), 600ull << 20), limits);
  EXPECT_EQ(
      verdict.error,
      "this run's shared memory (600.0 MiB, mostly the rings of its processes) is more than "
      "the machine can give (cgroup memory limit 1.0 GiB with 512.0 MiB in use, "
      "/sys/fs/cgroup/memory/job); lower --process or --maxworkers, or set a smaller --queue");
  EXPECT_TRUE(CheckCapacity(NeedsOf(Closed(4), 500ull << 20), limits).error.empty());
  limits.cgroup_memory_max.reset();
  limits.mem_available = 100ull << 20;
  verdict = CheckCapacity(NeedsOf(Closed(4), 500ull << 20), limits);
  EXPECT_NE(verdict.error.find("(MemAvailable 100.0 MiB)"), std::string::npos) << verdict.error;
}

TEST(Capacity, ScenarioIsNamedAsAWhole) {
  RunPlan plan = Closed(10);
  plan.loads.push_back(plan.loads.front());
  auto verdict = CheckCapacity(NeedsOf(plan, 0), PidMax(15, 5));
  EXPECT_EQ(verdict.error.rfind("the scenario's loads: this run needs 41 more tasks", 0), 0u)
      << verdict.error;
}

}  // namespace
}  // namespace pylogen::plan
