// The machine's limits, for real: pylogen runs as a user of its own under a
// low RLIMIT_NPROC (the kernel counts the real uid's tasks; root is exempt,
// hence the user). A plan whose start does not fit is refused; a fork that
// fails mid-run is one line, stops the additions and is named in the report.
// Also: a reused worker slot lists each of its processes with its own counts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>

#include "harness.h"

namespace pylogen::testing {
namespace {

// Uids no one else uses, so that RLIMIT_NPROC counts pylogen's tasks only:
// one per test, since ctest runs tests in parallel.
constexpr uid_t kRefusedUser = 61234;
constexpr uid_t kForkFailureUser = 61235;

// A report file the lone user may write.
std::string ReportFor(const std::string& name, uid_t uid) {
  std::string path = TempPath(name);
  std::string dir = path.substr(0, path.rfind('/'));
  chmod(dir.c_str(), 0755);
  FILE* f = fopen(path.c_str(), "w");
  if (f != nullptr) fclose(f);
  if (chown(path.c_str(), uid, uid) != 0) return "";
  return path;
}

class Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root, to run pylogen as a user of its own";
  }
};

TEST_F(Limits, ClosedPlanAboveRlimitNprocIsRefusedBeforeAnythingStarts) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "10", "--loops", "1"};
  spec.uid = kRefusedUser;
  spec.nproc = 5;
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(
      lines[0].find("--process 10: this run needs 21 more tasks at its start (10 runners "
                    "with their stdout relays and the reader), but the machine allows 4 more (RLIMIT_NPROC (ulimit -u) "
                    "5 with 1 task of this user)"),
      std::string::npos)
      << lines[0];
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Limits, ForkFailureMidRunIsOneLineStopsAdditionsAndIsReported) {
  std::string report = ReportFor("fork.json", kForkFailureUser);
  ASSERT_FALSE(report.empty());
  RunSpec spec;
  // The supervisor, the reader, one worker with its stdout relay thread
  // (process/cut_stdout.h) and the generator: 5 tasks. The backlog makes the
  // controller add workers, whose forks fail.
  spec.args = {SampleCut("Dummy"),  "--openedmodel",
               "--schedule",        "2@10",
               "--prefork",         "1",
               "--maxworkers",      "8",
               "--trigger",         "0",
               "--controllerDelay", "0.1",
               "--extra",           R"({"sleep":0.15})",
               "--outformat",       "none",
               "--report",          report};
  spec.uid = kForkFailureUser;
  spec.nproc = 5;
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto lines = Lines(r.err);
  EXPECT_EQ(CountContaining(lines, "cannot fork"), 1u) << r.err;
  EXPECT_EQ(CountContaining(lines, "cannot fork worker-1: Resource temporarily unavailable"), 1u)
      << r.err;
  // --maxworkers above the ceiling: one warning at the start, naming it.
  EXPECT_EQ(CountContaining(lines,
                            "warning: --maxworkers 8: this run may need up to 18 more "
                            "tasks, but the machine allows 4 more (RLIMIT_NPROC"),
            1u)
      << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["fork_failures"]["count"], 1);
  EXPECT_EQ(j["fork_failures"]["first_error"],
            "cannot fork worker-1: Resource temporarily unavailable");
  const auto& events = j["opened"][0]["events"];
  EXPECT_EQ(events["emitted"], 20);
  EXPECT_EQ(events["served"], 20);  // the one worker served them all
  ASSERT_EQ(j["workers"].size(), 1u);
  std::size_t named = 0, ceiling = 0;
  for (const auto& w : j["warnings"]) {
    named += w.get<std::string>().find("1 fork(s) failed, the first: cannot fork worker-1") !=
             std::string::npos;
    ceiling += w.get<std::string>().find("--maxworkers 8: this run may need") != std::string::npos;
  }
  EXPECT_EQ(named, 1u) << j["warnings"].dump();
  EXPECT_EQ(ceiling, 1u) << j["warnings"].dump();
  EXPECT_NE(r.out.find("fork failures: 1 (first: cannot fork worker-1"), std::string::npos)
      << r.out;
}

// Workers retire in the schedule's gap and new ones take their slots.
TEST(ReusedSlots, EachProcessIsListedWithItsOwnCounts) {
  std::string report = TempPath("reuse.json");
  auto r = RunPylogen({SampleCut("Dummy"),
                       "--openedmodel",
                       "--schedule",
                       "1@10,1@0,1@10",
                       "--prefork",
                       "2",
                       "--minworkers",
                       "1",
                       "--decrease",
                       "1",
                       "--controllerDelay",
                       "0.1",
                       "--trigger",
                       "0",
                       "--extra",
                       R"({"sleep":0.15})",
                       "--outformat",
                       "none",
                       "--report",
                       report,
                       "-vvv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // "worker-N started, pid P" for every process started.
  std::regex started("(worker-[0-9]+) started, pid ([0-9]+)");
  std::map<int, std::string> slot_of_pid;
  std::set<std::string> slots;
  for (const auto& line : Lines(r.err)) {
    std::smatch m;
    if (std::regex_search(line, m, started)) {
      slot_of_pid[std::stoi(m[2])] = m[1];
      slots.insert(m[1]);
    }
  }
  ASSERT_GT(slot_of_pid.size(), slots.size()) << "no slot was reused: " << r.err;
  auto j = ReadJson(report);
  ASSERT_EQ(j["workers"].size(), slot_of_pid.size()) << j["workers"].dump();
  std::uint64_t operations = 0;
  for (const auto& w : j["workers"]) {
    int pid = w["pid"];
    ASSERT_TRUE(slot_of_pid.count(pid)) << pid;
    EXPECT_EQ(w["name"], slot_of_pid[pid]);
    slot_of_pid.erase(pid);  // listed once
    operations += w["operations"].get<std::uint64_t>();
  }
  EXPECT_EQ(operations, 20u);
  EXPECT_EQ(j["operations"], 20);
  EXPECT_EQ(j["opened"][0]["events"]["served"], 20);
  EXPECT_EQ(j["unlisted_workers"], 0);
}

TEST(MaxWorkers, AboveTheOldCeilingOf256IsKept) {
  std::string report = TempPath("max.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "1@5", "--prefork", "1",
                       "--maxworkers", "300", "--outformat", "none", "--report", report, "-vv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Dummy: 300 slot(s), rings of"), std::string::npos) << r.err;
  auto j = ReadJson(report);
  EXPECT_GT(j["shared_memory"]["bytes"].get<std::uint64_t>(),
            j["shared_memory"]["ring_bytes"].get<std::uint64_t>());
  EXPECT_EQ(j["shared_memory"]["ring_budget_bytes"], 64 << 20);
  EXPECT_EQ(j["fork_failures"]["count"], 0);
}

}  // namespace
}  // namespace pylogen::testing
