// Reading the machine's limits, from made-up /proc and /sys trees.
#include "process/machine_limits.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace pylogen::process {
namespace {

TEST(MachineLimits, ParseLimit) {
  EXPECT_EQ(ParseLimit("32768\n"), 32768u);
  EXPECT_EQ(ParseLimit("max\n"), std::nullopt);
  EXPECT_EQ(ParseLimit("9223372036854771712\n"), std::nullopt);  // cgroup v1: no limit
  EXPECT_EQ(ParseLimit(""), std::nullopt);
}

TEST(MachineLimits, CgroupPathOfV1AndV2) {
  std::string text = "9:name=systemd:/\n8:pids:/jobs/a\n4:cpu,memory:/box\n0::/user.slice/x\n";
  EXPECT_EQ(CgroupPath(text, "pids"), "/jobs/a");
  EXPECT_EQ(CgroupPath(text, "memory"), "/box");
  EXPECT_EQ(CgroupPath(text, ""), "/user.slice/x");
  EXPECT_EQ(CgroupPath("0::/\n", "pids"), std::nullopt);
}

TEST(MachineLimits, MeminfoAndLoadavg) {
  EXPECT_EQ(MemAvailable("MemTotal: 100 kB\nMemFree:  50 kB\nMemAvailable:   2048 kB\n"),
            2048u * 1024);
  EXPECT_EQ(MemAvailable("MemTotal: 100 kB\n"), std::nullopt);
  EXPECT_EQ(LoadavgTasks("0.00 0.01 0.05 1/123 4567\n"), 123u);
}

class FakeTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("pylogen-limits-" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::path file = root_ / path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }
  std::filesystem::path root_;
};

TEST_F(FakeTree, ReadsKernelMemoryAndTheTightestCgroupV2Level) {
  Write("proc/sys/kernel/pid_max", "32768\n");
  Write("proc/sys/kernel/threads-max", "60000\n");
  Write("proc/loadavg", "0.10 0.20 0.30 2/345 999\n");
  Write("proc/meminfo", "MemTotal: 8000000 kB\nMemAvailable: 4000000 kB\n");
  Write("proc/self/cgroup", "0::/a/b\n");
  Write("sys/fs/cgroup/a/b/pids.max", "max\n");
  Write("sys/fs/cgroup/a/b/pids.current", "3\n");
  Write("sys/fs/cgroup/a/pids.max", "100\n");
  Write("sys/fs/cgroup/a/pids.current", "40\n");
  Write("sys/fs/cgroup/a/b/memory.max", "1073741824\n");
  Write("sys/fs/cgroup/a/b/memory.current", "1000\n");
  plan::MachineLimits limits = ReadMachineLimits(root_.string());
  EXPECT_EQ(limits.pid_max, 32768u);
  EXPECT_EQ(limits.threads_max, 60000u);
  EXPECT_EQ(limits.tasks, 345u);
  EXPECT_EQ(limits.mem_available, 4000000ull * 1024);
  EXPECT_EQ(limits.cgroup_pids_max, 100u);
  EXPECT_EQ(limits.cgroup_pids_current, 40u);
  EXPECT_EQ(limits.cgroup_pids_dir, (root_ / "sys/fs/cgroup/a").string());
  EXPECT_EQ(limits.cgroup_memory_max, 1073741824u);
  EXPECT_EQ(limits.cgroup_memory_current, 1000u);
}

TEST_F(FakeTree, ReadsCgroupV1Controllers) {
  Write("proc/self/cgroup", "8:pids:/job\n4:memory:/job\n0::/\n");
  Write("sys/fs/cgroup/pids/job/pids.max", "64\n");
  Write("sys/fs/cgroup/pids/job/pids.current", "4\n");
  Write("sys/fs/cgroup/memory/job/memory.limit_in_bytes", "9223372036854771712\n");
  Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "536870912\n");
  Write("sys/fs/cgroup/memory/memory.usage_in_bytes", "1024\n");
  plan::MachineLimits limits = ReadMachineLimits(root_.string());
  EXPECT_EQ(limits.cgroup_pids_max, 64u);
  EXPECT_EQ(limits.cgroup_pids_current, 4u);
  EXPECT_EQ(limits.cgroup_memory_max, 536870912u);  // the unlimited level is skipped
  EXPECT_EQ(limits.cgroup_memory_dir, (root_ / "sys/fs/cgroup/memory").string());
  EXPECT_FALSE(limits.pid_max.has_value());  // no file: unknown
}

TEST(MachineLimits, ThisMachineIsReadable) {
  plan::MachineLimits limits = ReadMachineLimits();
  EXPECT_TRUE(limits.pid_max.has_value());
  EXPECT_TRUE(limits.tasks.has_value());
  EXPECT_TRUE(limits.mem_available.has_value());
}

}  // namespace
}  // namespace pylogen::process
